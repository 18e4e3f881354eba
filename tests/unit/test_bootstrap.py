"""Wiring: database URLs in messages and logs never show a password; the heap is settled once built."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from bot.bootstrap import StartupError, build, describe_database, settle_heap
from bot.settings import Settings

SECRET = "s3cr@t-Pa55"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://bot:plain@db:5432/studybot", "postgresql://bot:***@db:5432/studybot"),
        (f"postgresql://bot:{SECRET}@db:5432/studybot", "postgresql://bot:***@db:5432/studybot"),
        (f"postgresql://bot@db/studybot?password={SECRET}", "postgresql://bot@db/studybot?password=***"),
        (f"postgresql://bot@db/studybot?sslmode=require&PASSWORD={SECRET}&x=1",
         "postgresql://bot@db/studybot?sslmode=require&PASSWORD=***&x=1"),
        ("postgresql://bot@db/studybot", "postgresql://bot@db/studybot"),
        ("sqlite:////data/studybot.db", "sqlite:////data/studybot.db"),
    ],
)
def test_passwords_are_masked_in_every_form(url: str, shown: str) -> None:
    """The userinfo password (unescaped @ included) and query-string passwords are masked."""
    assert describe_database(url) == shown


@pytest.mark.parametrize(
    "url",
    [f"postgresql://bot@127.0.0.1:1/none?password={SECRET}", f"postgresql://bot:{SECRET}@127.0.0.1:1/none"],
)
async def test_an_unreachable_database_is_reported_without_its_password(url: str) -> None:
    """The start-up error names the database but not its password."""
    with pytest.raises(StartupError) as caught:
        await build(Settings(_env_file=None, DATABASE_URL=url))
    assert "127.0.0.1" in str(caught.value)
    assert "s3cr" not in str(caught.value)


class _Node:
    """An object that can be part of a reference cycle and be watched through a weak reference."""

    partner: _Node | None = None


@pytest.fixture
def unfrozen() -> Iterator[None]:
    """Give the test process's heap back to the garbage collector after the test froze it."""
    yield
    gc.unfreeze()


@pytest.mark.usefixtures("unfrozen")
def test_settling_the_heap_frees_the_cycles_left_just_before() -> None:
    """A reference cycle that start-up has just dropped is collected, not frozen with what lives on."""
    gc.collect()  # the counts start afresh: no automatic collection can age the cycle before the call
    first, second = _Node(), _Node()
    first.partner, second.partner = second, first
    watch = weakref.ref(first)
    del first, second
    settle_heap()
    assert watch() is None


@pytest.mark.usefixtures("unfrozen")
def test_settling_the_heap_freezes_what_lives_on() -> None:
    """What start-up built is moved out of the collector's reach (the permanent generation)."""
    kept = [_Node() for _ in range(3)]
    settle_heap()
    assert gc.get_freeze_count() >= len(kept)
