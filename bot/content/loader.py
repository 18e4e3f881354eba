"""Load a course pack from YAML into immutable objects, reporting every problem precisely."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ValidationError

from bot.content.models import Card, Course, InterviewQuestion, QuizQuestion, Section, Topic
from bot.content.schema import CourseFile, QuizFile, TopicFile

Severity = Literal["error", "warning"]
LESSON_WORDS = (250, 600)
MODEL_ANSWER_WORDS = (80, 200)


@dataclass(frozen=True)
class ContentIssue:
    """One problem found in a pack: where it is and what is wrong."""

    file: str
    line: int | None
    field: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


@dataclass
class LoadResult:
    """A loaded course (when there were no errors) and every issue found on the way."""

    course: Course | None
    issues: list[ContentIssue] = field(default_factory=list)

    @property
    def errors(self) -> list[ContentIssue]:
        """Issues that make the pack unusable."""
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[ContentIssue]:
        """Issues that the pack can be served with, but should be fixed."""
        return [i for i in self.issues if i.severity == "warning"]


class ContentError(Exception):
    """Raised when a pack cannot be loaded; the message lists the errors."""

    def __init__(self, issues: list[ContentIssue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


Path_ = tuple[str | int, ...]


MAX_FILE_BYTES = 1_000_000  # a topic file is about 20 KB
MAX_NODES = 100_000  # after aliases are expanded; a topic has about 1,000
SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed


class _TooLargeError(Exception):
    """A file, or what its aliases expand to, is beyond what a course pack needs."""


def _positions(node: yaml.Node, path: Path_, budget: list[int]) -> Iterator[tuple[Path_, int]]:
    """Yield (path, 1-based line) for every node of a composed YAML document.

    `budget` counts the nodes left to visit: an alias is visited again wherever it is used, so
    nested aliases (a "billion laughs") run out of budget instead of memory.
    """
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooLargeError(f"its aliases expand to more than {MAX_NODES:,} values")
    yield path, node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = str(key.value)
            yield (*path, name), key.start_mark.line + 1
            for sub in _positions(value, (*path, name), budget):
                if sub[0] != (*path, name):
                    yield sub
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _positions(item, (*path, index), budget)


class _Document:
    """A parsed YAML file with the line of every field, for precise messages."""

    def __init__(self, file: Path, display: str) -> None:
        self.display = display
        if file.stat().st_size > MAX_FILE_BYTES:
            raise _TooLargeError(f"the file is larger than {MAX_FILE_BYTES:,} bytes")
        loader = SafeLoader(file.read_text(encoding="utf-8"))
        try:
            node = loader.get_single_node()
            self.lines: dict[Path_, int] = dict(_positions(node, (), [MAX_NODES])) if node is not None else {}
            self.data: Any = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()

    def line(self, path: Path_) -> int | None:
        """The line of the deepest known node on `path`."""
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path)

    def issue(self, path: Path_, message: str, severity: Severity = "error") -> ContentIssue:
        """An issue located at `path` in this file."""
        return ContentIssue(self.display, self.line(path), _dotted(path), message, severity)


def _dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _words(text: str) -> int:
    return len(re.findall(r"\S+", text))


def quiz_problems(q: QuizFile) -> Iterator[tuple[Path_, str]]:
    """What is wrong with a quiz question beyond its schema: (where in the question, message)."""
    if not 0 <= q.answer < len(q.choices):
        yield ("answer",), f"answer {q.answer} is out of range 0-{len(q.choices) - 1}"
    seen: set[str] = set()
    for c, choice in enumerate(q.choices):
        if choice.casefold() in seen:
            yield ("choices", c), f"duplicate choice {choice!r}"
        seen.add(choice.casefold())


def _check_topic(doc: _Document, topic: TopicFile, missing: list[str], strict: bool) -> Iterator[ContentIssue]:
    """Rules within one topic file beyond the schema; `missing`: what the pack requires that it lacks."""
    soft: Severity = "error" if strict else "warning"
    for i, q in enumerate(topic.quiz):
        for path, message in quiz_problems(q):
            yield doc.issue(("quiz", i, *path), message)
    if missing:
        yield doc.issue((), f"topic is incomplete (no {', '.join(missing)})", soft)
    words = _words(topic.lesson or "")
    if topic.lesson and not LESSON_WORDS[0] <= words <= LESSON_WORDS[1]:
        yield doc.issue(("lesson",), f"lesson has {words} words; the standard is 250-600", soft)
    for i, iq in enumerate(topic.interview):
        words = _words(iq.model_answer)
        if not MODEL_ANSWER_WORDS[0] <= words <= MODEL_ANSWER_WORDS[1]:
            yield doc.issue(("interview", i, "model_answer"), f"model answer has {words} words; the standard is 80-200",
                            soft)


def load_course(root: Path, *, strict: bool = False) -> LoadResult:
    """Load and validate the pack in `root` (the folder holding `course.yaml`)."""
    return _PackLoader(root, strict).load()


Placement = tuple[str, int, int]  # a listed topic's section id, and its indexes in course.yaml


class _PackLoader:
    """One load of a pack: reads its files in order and collects every issue found."""

    def __init__(self, root: Path, strict: bool) -> None:
        self.root = root
        self.strict = strict
        self.issues: list[ContentIssue] = []
        self.seen_ids: dict[str, str] = {}
        self.required: tuple[str, ...] = ()

    def load(self) -> LoadResult:
        """The course (when nothing is an error) and the issues."""
        course_path = self.root / "course.yaml"
        if not course_path.is_file():
            return LoadResult(None, [ContentIssue(self.display(course_path), None, "", "file not found")])
        course_doc = self.read(course_path)
        if course_doc is None:
            return LoadResult(None, self.issues)
        course_file: CourseFile | None = self.validate(course_doc, CourseFile)
        if course_file is None:
            return LoadResult(None, self.issues)
        self.required = tuple(dict.fromkeys(course_file.requires))
        listed = self.listed_topics(course_doc, course_file)
        files = self.topic_files(listed)
        loaded: dict[str, Topic] = {}
        for topic_id, placement in listed.items():
            topic = self.load_topic(course_doc, topic_id, placement, files.get(topic_id))
            if topic is not None:
                loaded[topic_id] = topic
        if any(i.severity == "error" for i in self.issues):
            return LoadResult(None, self.issues)
        sections = tuple(Section(id=s.id, title=s.title, topic_ids=tuple(s.topics)) for s in course_file.sections)
        course = Course(id=course_file.id, title=course_file.title, description=course_file.description,
                        sections=sections, topics=tuple(loaded[t] for t in listed), requires=self.required)
        return LoadResult(course, self.issues)

    def display(self, p: Path) -> str:
        """`p` as messages name it: relative to the folder that holds the pack."""
        try:
            return str(p.relative_to(self.root.parent))
        except ValueError:
            return str(p)

    def read(self, p: Path) -> _Document | None:
        """The parsed file, or None after noting why it cannot be read."""
        try:
            return _Document(p, self.display(p))
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark
            line = mark.line + 1 if mark else None
            self.issues.append(ContentIssue(self.display(p), line, "", f"invalid YAML: {exc.problem}"))
        except (OSError, UnicodeDecodeError) as exc:
            self.issues.append(ContentIssue(self.display(p), None, "", f"cannot read the file: {exc}"))
        except _TooLargeError as exc:
            self.issues.append(ContentIssue(self.display(p), None, "", f"too large for a course pack: {exc}"))
        return None

    def validate(self, doc: _Document, schema: type[BaseModel]) -> Any:
        """The document as `schema`, or None after noting what does not fit."""
        if not isinstance(doc.data, dict):
            self.issues.append(doc.issue((), "the file must hold a mapping of fields"))
            return None
        try:
            return schema.model_validate(doc.data)
        except ValidationError as exc:
            for err in exc.errors():
                message = {"extra_forbidden": "unknown field", "missing": "missing required field"}.get(
                    err["type"], err["msg"])
                self.issues.append(doc.issue(tuple(err["loc"]), message))
            return None

    def listed_topics(self, course_doc: _Document, course_file: CourseFile) -> dict[str, Placement]:
        """Each topic id that course.yaml lists, where it is first listed; repeats and duplicate ids noted."""
        listed: dict[str, Placement] = {}
        for s, section in enumerate(course_file.sections):
            for t, topic_id in enumerate(section.topics):
                if topic_id in listed:
                    self.issues.append(
                        course_doc.issue(("sections", s, "topics", t), f"topic {topic_id!r} is listed twice")
                    )
                listed.setdefault(topic_id, (section.id, s, t))
        self.check_unique(course_doc, [(("sections", s, "id"), sec.id) for s, sec in enumerate(course_file.sections)])
        return listed

    def check_unique(self, doc: _Document, ids: list[tuple[Path_, str]]) -> None:
        """Note every id at `path` in `doc` already used somewhere in the pack."""
        for path, ident in ids:
            if ident in self.seen_ids:
                self.issues.append(doc.issue(path, f"duplicate id {ident!r} (first used at {self.seen_ids[ident]})"))
            else:
                self.seen_ids[ident] = f"{doc.display}:{doc.line(path)}"

    def topic_files(self, listed: dict[str, Placement]) -> dict[str, Path]:
        """The topic files by id; a file that no section lists is noted."""
        topics_dir = self.root / "topics"
        files = {p.stem: p for p in sorted(topics_dir.glob("*.yaml"))} if topics_dir.is_dir() else {}
        for stem, p in files.items():
            if stem not in listed:
                self.issues.append(
                    ContentIssue(self.display(p), None, "", f"topic {stem!r} is in no section of course.yaml")
                )
        return files

    def load_topic(
        self, course_doc: _Document, topic_id: str, placement: Placement, path: Path | None
    ) -> Topic | None:
        """One listed topic from its file, or None when it has no usable file."""
        section_id, s, t = placement
        if path is None:
            self.issues.append(
                course_doc.issue(
                    ("sections", s, "topics", t), f"topic {topic_id!r} has no file topics/{topic_id}.yaml"
                )
            )
            return None
        doc = self.read(path)
        if doc is None:
            return None
        topic_file: TopicFile | None = self.validate(doc, TopicFile)
        if topic_file is None:
            return None
        if topic_file.id != topic_id:
            self.issues.append(doc.issue(("id",), f"id {topic_file.id!r} does not match the file name {topic_id!r}"))
        topic = _build_topic(topic_file, section_id)
        self.issues += _check_topic(doc, topic_file, topic.missing(self.required), self.strict)
        ids: list[tuple[Path_, str]] = [(("id",), topic_file.id)]
        ids += [(("quiz", i, "id"), q.id) for i, q in enumerate(topic_file.quiz)]
        ids += [(("interview", i, "id"), q.id) for i, q in enumerate(topic_file.interview)]
        ids += [(("cards", i, "id"), c.id) for i, c in enumerate(topic_file.cards)]
        self.check_unique(doc, ids)
        return topic


def _build_topic(f: TopicFile, section_id: str) -> Topic:
    return Topic(
        id=f.id,
        title=f.title,
        summary=f.summary,
        lesson=(f.lesson or "").strip(),
        key_points=tuple(f.key_points or ()),
        references=tuple(f.references or ()),
        quiz=tuple(
            QuizQuestion(
                id=q.id,
                prompt=q.prompt,
                choices=tuple(q.choices),
                answer=q.answer,
                explanation=q.explanation,
                difficulty=q.difficulty,
                topic_id=f.id,
            )
            for q in f.quiz
        ),
        interview=tuple(
            InterviewQuestion(
                id=q.id,
                prompt=q.prompt,
                model_answer=q.model_answer,
                rubric=tuple(q.rubric),
                topic_id=f.id,
            )
            for q in f.interview
        ),
        cards=tuple(Card(id=c.id, front=c.front, back=c.back, topic_id=f.id) for c in f.cards),
        tags=tuple(f.tags),
        section_id=section_id,
    )


def require_course(root: Path) -> Course:
    """Load a pack for serving: raise ContentError on any error, accept warnings."""
    result = load_course(root)
    if result.course is None:
        raise ContentError(result.errors)
    return result.course
