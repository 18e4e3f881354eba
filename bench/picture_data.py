"""Seeded inputs for the pictures, built on the real course: for the benchmark, the samples and tests.

The same seed always gives the same values, so a picture rendered from them is the same bytes.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from functools import cache
from pathlib import Path

from bot.content.loader import require_course
from bot.content.models import Course, Topic
from bot.pictures.data import BoardChart, BoardEntry, DayCount, ProgressCard, SectionScore, TeamChart, TopicRecall

COURSE_DIR = Path(__file__).resolve().parent.parent / "content" / "dotnet-architect"
TODAY = dt.date(2026, 12, 1)
NAMES = ("ada", "grace.hopper", "linus", "Margaret Hamilton", "ken", "barbara_liskov", "dennis", "radia",
         "guido", "anders", "bjarne", "frances")


@cache
def course() -> Course:
    """The course the samples show: the one this repository ships."""
    return require_course(COURSE_DIR)


def topic_names(topics: tuple[Topic, ...]) -> dict[str, str]:
    """Each topic's name on a chart: its title up to a colon, or the whole title when that short form repeats."""
    short = Counter(t.title.split(": ", 1)[0] for t in topics)
    return {t.id: t.title.split(": ", 1)[0] if short[t.title.split(": ", 1)[0]] == 1 else t.title for t in topics}


def progress_card(seed: int = 14) -> ProgressCard:
    """A learner three months in: most days studied, the last two sections not started."""
    rng = random.Random(seed)
    days = tuple(
        DayCount(TODAY - dt.timedelta(days=back), rng.choice((0, 0, 1, 2, 4, 6, 9, 14, 22)))
        for back in range(90)
    )
    sections = []
    taken = course().sections
    for index, section in enumerate(taken):
        questions = sum(len(t.quiz) for t in course().topics if t.section_id == section.id)
        answers = 0 if index >= len(taken) - 2 else rng.randint(8, 70)
        correct = round(answers * rng.uniform(0.45, 0.95))
        sections.append(SectionScore(section.title, answers, correct, min(questions, round(correct * 0.6)), questions))
    return ProgressCard("ada", TODAY, days, tuple(sections), streak=6, best_streak=14, points=1240)


def new_learner() -> ProgressCard:
    """A learner who has not answered yet."""
    taken = course()
    sections = tuple(
        SectionScore(s.title, 0, 0, 0, sum(len(t.quiz) for t in taken.topics if t.section_id == s.id))
        for s in taken.sections
    )
    return ProgressCard("grace", TODAY, (), sections, streak=0, best_streak=0, points=0)


def team_chart(seed: int = 14) -> TeamChart:
    """A team of a dozen learners four weeks in: most topics practised, a few not yet."""
    rng = random.Random(seed)
    topics = course().topics
    names = topic_names(topics)
    recalls = tuple(
        TopicRecall(names[t.id], None, 0) if rng.random() < 0.2 else
        TopicRecall(names[t.id], rng.uniform(0.6, 0.98), rng.randint(1, 12))
        for t in topics
    )
    days = tuple(
        DayCount(TODAY - dt.timedelta(days=back), rng.randint(0, 25) if (TODAY.weekday() - back) % 7 > 4
                 else rng.randint(40, 140))
        for back in range(40)
    )
    return TeamChart("Platform team", TODAY, recalls, days)


def idle_team() -> TeamChart:
    """A team where nobody has answered yet."""
    topics = course().topics
    names = topic_names(topics)
    return TeamChart("New team", TODAY, tuple(TopicRecall(names[t.id], None, 0) for t in topics), ())


def board_chart(seed: int = 14) -> BoardChart:
    """A week's board with more than ten learners on it."""
    rng = random.Random(seed)
    points = sorted((rng.randint(1, 160) * 10 for _ in NAMES), reverse=True)
    return BoardChart("This week's top ten", "Week of Mon 30 Nov 2026, UTC",
                      tuple(BoardEntry(name, p) for name, p in zip(NAMES, points, strict=True)))


def empty_board() -> BoardChart:
    """A week's board before anyone scored."""
    return BoardChart("This week's top ten", "Week of Mon 30 Nov 2026, UTC", ())
