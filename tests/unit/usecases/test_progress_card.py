"""What the progress card shows, from what the store read."""

from __future__ import annotations

import datetime as dt

from bot.content.models import Course
from bot.store.answers import StatsRow
from bot.store.learners import TopicTally
from bot.usecases.progress_card import progress_card

TODAY = dt.date(2026, 11, 25)


def test_sections_sum_their_topics_and_count_questions_right_once(course: Course) -> None:
    """The first section adds its topics' quiz answers; mastered counts its questions in `right` only."""
    first, second = course.topics[0], course.topics[1]
    tallies = [TopicTally(first.id, 4, 3), TopicTally(second.id, 2, 1), TopicTally("gone-topic", 9, 9)]
    right = {first.quiz[0].id, first.quiz[1].id, "gone.q1"}
    card = progress_card(course, "Ada", TODAY, 3, StatsRow(points=120, best_streak=5), {}, tallies, right)
    section = card.sections[0]
    assert (section.answers, section.correct, section.mastered) == (6, 4, 2)
    questions = [q for t in course.sections[0].topic_ids for q in course.topic_by_id[t].quiz]
    assert section.questions == len(questions)
    assert all(s.answers == 0 for s in card.sections[1:])


def test_the_card_carries_streak_points_and_days_in_order(course: Course) -> None:
    """Streak as it stands today, best streak and points from the totals, days oldest first."""
    days = {TODAY: 2, TODAY - dt.timedelta(days=3): 5}
    card = progress_card(course, "Ada", TODAY, 4, StatsRow(points=90, best_streak=7), days, [], set())
    assert (card.name, card.today, card.streak, card.best_streak, card.points) == ("Ada", TODAY, 4, 7, 90)
    assert [(d.day, d.answers) for d in card.days] == [(TODAY - dt.timedelta(days=3), 5), (TODAY, 2)]
