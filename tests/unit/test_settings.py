"""Settings: bad values stop start-up with one clear line, and never echo secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("DATABASE_URL", "STUDYBOT_TIMEZONE", "STUDYBOT_LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env from the checkout


def test_bad_log_level_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """An unknown log level names the accepted ones."""
    monkeypatch.setenv("STUDYBOT_LOG_LEVEL", "verbose")
    with pytest.raises(SettingsError, match="STUDYBOT_LOG_LEVEL: 'verbose' is not one of DEBUG"):
        load_settings()


def test_malformed_database_url_does_not_echo_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    """A malformed DATABASE_URL is reported without its content (it may hold a password)."""
    monkeypatch.setenv("DATABASE_URL", "postgresql//bob:S3cretPw@db/x")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert "S3cretPw" not in str(caught.value)
    assert "DATABASE_URL" in str(caught.value)


def test_unsupported_database_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    """A database StudyBot cannot use is named with the supported forms."""
    monkeypatch.setenv("DATABASE_URL", "mysql://u@h/db")
    with pytest.raises(SettingsError, match="supports sqlite:///path and postgresql://"):
        load_settings()


def test_log_level_is_case_insensitive(monkeypatch: pytest.MonkeyPatch) -> None:
    """`debug` is accepted as DEBUG."""
    monkeypatch.setenv("STUDYBOT_LOG_LEVEL", "debug")
    assert load_settings().log_level == "DEBUG"
