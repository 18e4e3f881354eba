"""The learner's progress card: what `/study stats` draws, from what the store read."""

from __future__ import annotations

import datetime as dt

from bot.content.models import Course
from bot.pictures.data import DayCount, ProgressCard, SectionScore
from bot.store.answers import StatsRow
from bot.store.learners import TopicTally


def progress_card(course: Course, name: str, today: dt.date, streak: int, stats: StatsRow,
                  days: dict[dt.date, int], tallies: list[TopicTally], right: set[str]) -> ProgressCard:
    """The card's values: answers per day, quiz accuracy and questions mastered per section, streak and points.

    `right` holds the quiz questions the learner answered right at least once; questions no
    longer in the course are left out.
    """
    by_topic = {t.topic_id: t for t in tallies}
    sections = []
    for section in course.sections:
        topics = [course.topic_by_id[t] for t in section.topic_ids]
        questions = [q.id for topic in topics for q in topic.quiz]
        held = [by_topic[t.id] for t in topics if t.id in by_topic]
        sections.append(SectionScore(
            section.title,
            answers=sum(t.answers for t in held),
            correct=sum(t.correct for t in held),
            mastered=sum(1 for q in questions if q in right),
            questions=len(questions),
        ))
    return ProgressCard(
        name=name,
        today=today,
        days=tuple(DayCount(day, n) for day, n in sorted(days.items())),
        sections=tuple(sections),
        streak=streak,
        best_streak=stats.best_streak,
        points=stats.points,
    )
