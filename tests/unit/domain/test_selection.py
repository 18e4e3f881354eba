"""Picking the next question."""

from __future__ import annotations

import datetime as dt

from bot.domain.selection import pick_next

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)


def test_unseen_questions_in_syllabus_order() -> None:
    """With no history the first candidate comes first."""
    assert pick_next(["a", "b"], {}, NOW).question_id == "a"


def test_due_review_beats_unseen_question() -> None:
    """A due review is asked before any new question."""
    pick = pick_next(["a", "b", "c"], {"c": NOW - H}, NOW)
    assert (pick.question_id, pick.reason) == ("c", "due")


def test_most_overdue_review_first() -> None:
    """Among due reviews the one due earliest comes first."""
    assert pick_next(["a", "b"], {"a": NOW - H, "b": NOW - 2 * H}, NOW).question_id == "b"


def test_not_yet_due_question_is_never_picked() -> None:
    """A question that is not due (answered right recently) is skipped for unseen ones."""
    assert pick_next(["a", "b"], {"a": NOW + H}, NOW).question_id == "b"


def test_nothing_due_reports_next_due_time() -> None:
    """When everything is answered and not due, nothing is picked and the next due time is given."""
    pick = pick_next(["a", "b"], {"a": NOW + H, "b": NOW + 2 * H}, NOW)
    assert (pick.question_id, pick.next_due) == (None, NOW + H)


def test_removed_questions_are_ignored() -> None:
    """History for a question no longer in the content is ignored."""
    assert pick_next(["a"], {"gone": NOW - H}, NOW).question_id == "a"
