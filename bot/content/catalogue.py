"""Every course served at once: the packs of the content dir, by id, with the default one.

A course is known to buttons by its short key (`Course.key`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.content.loader import ContentError, ContentIssue, load_course
from bot.content.models import Course


@dataclass(frozen=True)
class Catalogue:
    """The served courses, in the order of their folders, and the default one.

    The default serves a command that names no course in a channel that has none set.
    """

    courses: Mapping[str, Course]
    default_id: str
    _by_key: dict[str, Course] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Check the default is served and the keys are distinct; index the courses by key."""
        if self.default_id not in self.courses:
            raise ValueError(f"the default course {self.default_id!r} is not among {sorted(self.courses)}")
        keys = {course.key: course for course in self.courses.values()}
        if len(keys) != len(self.courses):
            raise ValueError("two course ids have the same button key; rename one of them")
        object.__setattr__(self, "_by_key", keys)

    @classmethod
    def of(cls, *courses: Course) -> Catalogue:
        """A catalogue of these courses, the first being the default."""
        return cls({c.id: c for c in courses}, courses[0].id)

    @property
    def default(self) -> Course:
        """The course served when nothing names one."""
        return self.courses[self.default_id]

    @property
    def title(self) -> str:
        """What is served, in a heading: the course's title, or every course's title when there are several."""
        return ", ".join(c.title for c in self)

    def __iter__(self) -> Iterator[Course]:
        """The courses in order."""
        return iter(self.courses.values())

    def __len__(self) -> int:
        """How many courses are served."""
        return len(self.courses)

    def get(self, course_id: str | None) -> Course | None:
        """The course with this id, if served."""
        return self.courses.get(course_id) if course_id else None

    def course_or_default(self, course_id: str | None) -> Course:
        """The course with this id while it is served, else the default (a channel's course, say)."""
        return self.courses.get(course_id or "") or self.default

    def by_key(self, key: str) -> Course | None:
        """The course whose button key this is, if served."""
        return self._by_key.get(key)

    def find(self, text: str) -> Course | None:
        """The course a person named: its id, or its title, in any case."""
        wanted = text.strip().casefold()
        for course in self:
            if wanted in (course.id.casefold(), course.title.casefold()):
                return course
        return None

    def matching(self, text: str, limit: int = 25) -> list[Course]:
        """Courses whose id or title contains `text` (all of them for empty text): autocomplete's choices."""
        wanted = text.strip().casefold()
        return [c for c in self if wanted in c.id.casefold() or wanted in c.title.casefold()][:limit]


def pack_folders(content_dir: Path) -> list[Path]:
    """The folders of `content_dir` that hold a pack (`course.yaml`), in name order."""
    return sorted(p.parent for p in content_dir.glob("*/course.yaml"))


def load_catalogue(content_dir: Path, default: str | None) -> Catalogue:
    """Load every pack of `content_dir` for serving; `default` names the default course (id or folder).

    Raises ContentError listing every pack's errors (warnings are accepted), when two packs have
    the same course id, or when `default` names no pack. Without `default`, the first pack is it.
    """
    folders = pack_folders(content_dir)
    if not folders:
        raise ContentError([ContentIssue(str(content_dir), None, "", "no course pack (a folder with course.yaml)")])
    results = {folder: load_course(folder) for folder in folders}
    errors = [issue for result in results.values() for issue in result.errors]
    if errors:
        raise ContentError(errors)
    courses: dict[str, Course] = {}
    default_id = None
    for folder, result in results.items():
        assert result.course is not None
        course = result.course
        if course.id in courses:
            raise ContentError([ContentIssue(f"{folder.name}/course.yaml", None, "id",
                                             f"the course id {course.id!r} is used by another pack too")])
        courses[course.id] = course
        if default in (course.id, folder.name):
            default_id = course.id
    if default and default_id is None:
        raise ContentError([ContentIssue(str(content_dir), None, "",
                                         f"STUDYBOT_COURSE names {default!r}, but no pack has that id or folder")])
    try:
        return Catalogue(courses, default_id or next(iter(courses)))
    except ValueError as exc:
        raise ContentError([ContentIssue(str(content_dir), None, "", str(exc))]) from None
