"""Fixtures for the console tests: the console session driven in-process."""

from __future__ import annotations

import pytest

from bot.app import StudyBot
from tests.e2e.console.driver import ConsoleDriver


@pytest.fixture
def console(studybot: StudyBot) -> ConsoleDriver:
    """The console session for "ada" on the test database, replies as 80-column text."""
    return ConsoleDriver(studybot)
