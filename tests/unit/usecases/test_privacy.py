"""What a deletion says it removed, and who may confirm it: the parts that need no database."""

from __future__ import annotations

from bot.usecases.context import Actor
from bot.usecases.privacy import counted, owner_digest
from tests.conftest import make_actor


def test_a_deletion_is_counted_in_words() -> None:
    """Rows per table read as a sentence, singular and plural."""
    deleted = {"answers": 12, "review_states": 1, "user_stats": 1, "users": 1}
    assert counted(deleted) == "12 answers, 1 review card, 1 stats row and 1 user row"


def test_a_table_with_no_word_is_named_as_it_is() -> None:
    """A table added later is still counted, by its name."""
    assert counted({"answers": 3, "badges": 2}) == "3 answers and 2 badges"


def test_tables_with_nothing_deleted_go_unsaid() -> None:
    """Only what was there is listed; with nothing at all, the counts still say so."""
    assert counted({"answers": 2, "reminders": 0, "users": 1}) == "2 answers and 1 user row"
    assert counted({"answers": 0, "users": 0}) == "0 answers and 0 user rows"


def test_the_confirmation_digest_differs_per_person_workspace_and_platform() -> None:
    """Only the same user, in the same workspace on the same platform, has the same digest."""
    digests = {owner_digest(actor) for actor in (
        make_actor("ada", "w1"), make_actor("bob", "w1"), make_actor("ada", "w2"),
        make_actor("ada", "w1", platform="slack"),
    )}
    assert len(digests) == 4
    assert owner_digest(Actor("console", "w1", "ada", user_name="Other name")) == owner_digest(make_actor("ada", "w1"))
