"""What the pictures show: plain frozen values, filled in by the use cases from the store."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Picture:
    """A rendered image: PNG bytes, their size in pixels, and alt text describing the data in words."""

    png: bytes
    width: int
    height: int
    alt: str


@dataclass(frozen=True, slots=True)
class DayCount:
    """How many answers were given on one day (the learner's or the team's own calendar day)."""

    day: dt.date
    answers: int


@dataclass(frozen=True, slots=True)
class SectionScore:
    """A learner's results in one section of the course.

    Attributes:
        title: the section's title.
        answers: quiz answers given in the section.
        correct: how many of those were right.
        mastered: the section's questions answered right at least once.
        questions: the section's questions in all.
    """

    title: str
    answers: int
    correct: int
    mastered: int
    questions: int

    def __post_init__(self) -> None:
        if not 0 <= self.correct <= self.answers or not 0 <= self.mastered <= self.questions:
            raise ValueError(f"section {self.title!r}: right answers and mastered questions must fit their totals")

    @property
    def accuracy(self) -> float:
        """The share of answers that were right, 0 to 1 (0 with no answers)."""
        return self.correct / self.answers if self.answers else 0.0

    @property
    def mastery(self) -> float:
        """The share of the section's questions answered right at least once, 0 to 1."""
        return self.mastered / self.questions if self.questions else 0.0


@dataclass(frozen=True, slots=True)
class ProgressCard:
    """A learner's progress: study days, results per section, streak and points.

    Attributes:
        name: the learner's display name, for the title.
        today: the learner's today; the calendar ends on it.
        days: answers per day; days not listed had none, days outside the calendar are ignored.
        sections: the course's sections in course order.
        streak: the current streak in days.
        best_streak: the best streak in days.
        points: points in all.
    """

    name: str
    today: dt.date
    days: tuple[DayCount, ...]
    sections: tuple[SectionScore, ...]
    streak: int
    best_streak: int
    points: int


@dataclass(frozen=True, slots=True)
class TopicRecall:
    """The team's recall of one topic.

    Attributes:
        title: the topic's name as the chart shows it (its short form, before any colon, reads best).
        recall: the team's average FSRS retrievability over the cards learners hold in the topic,
            0 to 1, or None when nobody has practised it yet.
        learners: how many learners hold cards in the topic.
    """

    title: str
    recall: float | None
    learners: int

    def __post_init__(self) -> None:
        if self.recall is not None and not 0.0 <= self.recall <= 1.0:
            raise ValueError(f"topic {self.title!r}: recall is a probability, from 0 to 1")


@dataclass(frozen=True, slots=True)
class TeamChart:
    """What the team is forgetting and how much it studies.

    Attributes:
        team: the workspace's name, for the title.
        today: the workspace's today; participation ends on it.
        topics: every topic of the course, in any order (the chart sorts them).
        days: the team's answers per day; days not listed had none.
    """

    team: str
    today: dt.date
    topics: tuple[TopicRecall, ...]
    days: tuple[DayCount, ...]


@dataclass(frozen=True, slots=True)
class BoardEntry:
    """One learner on a board: name and points."""

    name: str
    points: int


@dataclass(frozen=True, slots=True)
class BoardChart:
    """A board's top learners, best first.

    Attributes:
        title: the board's name, like "This week's top ten".
        period: what it covers, like "Week of Mon 23 Nov, UTC".
        entries: the learners, best first; the chart draws the first ten.
    """

    title: str
    period: str
    entries: tuple[BoardEntry, ...]


def daily_counts(days: tuple[DayCount, ...], last: dt.date, span: int) -> list[int]:
    """Answers on each of the `span` days ending on `last`, oldest first; unlisted days count 0."""
    first = last - dt.timedelta(days=span - 1)
    counts = [0] * span
    for entry in days:
        if first <= entry.day <= last:
            counts[(entry.day - first).days] += max(entry.answers, 0)
    return counts


def day_label(day: dt.date) -> str:
    """A day as people read it, like "Tue 1 Dec"."""
    return f"{day:%a} {day.day} {day:%b}"
