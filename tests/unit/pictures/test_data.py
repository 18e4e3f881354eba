"""The values the pictures show."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.pictures.data import DayCount, SectionScore, TopicRecall, daily_counts, day_label

TODAY = dt.date(2026, 12, 1)


def test_accuracy_and_mastery_are_shares() -> None:
    """Accuracy is right answers over answers; mastery is questions right at least once over questions."""
    section = SectionScore("Memory", answers=8, correct=6, mastered=3, questions=12)
    assert section.accuracy == 0.75
    assert section.mastery == 0.25


def test_a_section_without_answers_or_questions_has_shares_of_zero() -> None:
    """Nothing to divide gives 0, not an error."""
    section = SectionScore("Empty", answers=0, correct=0, mastered=0, questions=0)
    assert (section.accuracy, section.mastery) == (0.0, 0.0)


def test_daily_counts_fill_the_span_oldest_first() -> None:
    """Each day of the span ending on the last day gets its answers; unlisted days are 0, others ignored."""
    days = (
        DayCount(TODAY, 4),
        DayCount(TODAY - dt.timedelta(days=2), 1),
        DayCount(TODAY - dt.timedelta(days=3), 9),  # before the span
        DayCount(TODAY + dt.timedelta(days=1), 9),  # after it
    )
    assert daily_counts(days, TODAY, 3) == [1, 0, 4]


def test_daily_counts_ignore_negative_counts() -> None:
    """A negative count, which no history can have, counts as none."""
    assert daily_counts((DayCount(TODAY, -5),), TODAY, 1) == [0]


def test_a_section_with_more_right_answers_than_answers_is_refused() -> None:
    """Counts that no history can give are refused when the value is made, naming the section."""
    with pytest.raises(ValueError, match="'Memory'"):
        SectionScore("Memory", answers=2, correct=3, mastered=0, questions=5)
    with pytest.raises(ValueError, match="mastered"):
        SectionScore("Memory", answers=2, correct=1, mastered=6, questions=5)


def test_a_recall_outside_zero_to_one_is_refused() -> None:
    """Recall is a probability; a value above 1 is refused, None (never practised) is fine."""
    with pytest.raises(ValueError, match="probability"):
        TopicRecall("Span", 1.2, 3)
    assert TopicRecall("Span", None, 0).recall is None


def test_a_day_reads_as_weekday_day_and_month() -> None:
    """Days are labelled the way people say them, without a leading zero."""
    assert day_label(dt.date(2026, 12, 1)) == "Tue 1 Dec"
