"""A pack made by an importer: its files as schema objects, what went wrong on the way, and writing it out."""

from __future__ import annotations

import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.content.loader import LoadResult, Severity, load_course
from bot.content.schema import CourseFile, TopicFile

MAX_SLUG = 48  # room in a 64-character id for what follows a topic id (".n1700000000000.12")


@dataclass(frozen=True)
class ImportProblem:
    """Something an import could not carry: where (a deck and note, a row and column) and what."""

    where: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class DraftPack:
    """The files of a new pack: `course.yaml` and its topics in syllabus order."""

    course: CourseFile
    topics: tuple[TopicFile, ...]

    @property
    def counts(self) -> str:
        """What the pack holds, for a report: topics, quiz questions, cards."""
        quiz = sum(len(t.quiz) for t in self.topics)
        cards = sum(len(t.cards) for t in self.topics)
        return ", ".join(f"{n} {word}{'' if n == 1 else 's'}"
                         for n, word in ((len(self.topics), "topic"), (quiz, "quiz question"), (cards, "card")))


@dataclass
class ImportResult:
    """A draft pack (None when nothing could be imported, or the input has errors) and the problems found."""

    pack: DraftPack | None
    problems: list[ImportProblem] = field(default_factory=list)


class PackExistsError(FileExistsError):
    """The folder for the new pack is already there; an import never overwrites a pack."""


def slug(text: str, fallback: str) -> str:
    """An id made of `text`: lower-case ASCII letters and digits joined by hyphens, at most `MAX_SLUG` long."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    made = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:MAX_SLUG].strip("-")
    return made or fallback


def unique(ident: str, taken: set[str]) -> str:
    """`ident`, or `ident-2`, `ident-3`, ... whichever is not in `taken`; added to `taken`."""
    candidate, n = ident, 2
    while candidate in taken:
        candidate, n = f"{ident}-{n}", n + 1
    taken.add(candidate)
    return candidate


class _Dumper(yaml.SafeDumper):
    """YAML as people write it: multi-line text as literal blocks, keys in schema order."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def _dump(data: Any, path: Path) -> None:
    path.write_text(yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100),
                    encoding="utf-8")


def write_pack(draft: DraftPack, out: Path) -> tuple[Path, LoadResult]:
    """Write `draft` as `out/<course id>/` and load it back with the validator; the folder and the result.

    The pack is written next to its place and moved there only once the validator accepts it, so a
    failed import leaves nothing behind. Raises `PackExistsError` when the folder exists.
    """
    target = out / draft.course.id
    if target.exists():
        raise PackExistsError(f"{target} already exists; choose another --course id or --out folder")
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{draft.course.id}-", dir=out))
    try:
        pack = staging / draft.course.id
        (pack / "topics").mkdir(parents=True)
        _dump(draft.course.model_dump(mode="json"), pack / "course.yaml")
        for topic in draft.topics:
            _dump(topic.model_dump(mode="json", exclude_defaults=True), pack / "topics" / f"{topic.id}.yaml")
        result = load_course(pack)
        if result.course is not None:
            pack.rename(target)
        return target, result
    finally:
        shutil.rmtree(staging, ignore_errors=True)
