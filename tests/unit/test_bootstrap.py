"""Wiring: database URLs in messages and logs never show a password."""

from __future__ import annotations

import pytest

from bot.bootstrap import StartupError, build, describe_database
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
