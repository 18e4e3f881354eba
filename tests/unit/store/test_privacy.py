"""The rules of a learner's data that need no database: board names and the tables a learner has rows in."""

from __future__ import annotations

from bot.store.models import Base
from bot.store.privacy import HIDDEN_NAME, PER_USER_TABLES, board_name


def test_a_hidden_learner_is_a_learner_on_boards() -> None:
    """Hidden, the name and id give way to "a learner"."""
    assert board_name("Ada", "U1", hidden=True) == HIDDEN_NAME == "a learner"


def test_a_learner_without_a_display_name_is_shown_by_id() -> None:
    """Not hidden, the display name, or the platform id when there is none."""
    assert (board_name("Ada", "U1", hidden=False), board_name("", "U1", hidden=False)) == ("Ada", "U1")


def test_every_table_with_a_user_id_is_a_per_user_table() -> None:
    """A table that holds rows of one learner is deleted and exported with them: none is left out."""
    with_user = {t.name for t in Base.metadata.sorted_tables if "user_id" in t.c}
    assert {t.name for t in PER_USER_TABLES} == with_user
