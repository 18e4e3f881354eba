"""Fixtures for the console conversation tests: the console driven in-process on the test database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.app import StudyBot
from tests.console_driver import ConsoleDriver

MakeConsole = Callable[..., ConsoleDriver]
TALL = 1_000  # rows: enough for the longest lesson, so nothing is paged


@pytest.fixture
async def make_console(studybot: StudyBot, tmp_path: Path) -> AsyncIterator[MakeConsole]:
    """Makes console drivers on the test database (options as `ConsoleDriver` takes); ends them afterwards.

    Their files (a progress card, an export) go to the test's own folder.
    """
    made: list[ConsoleDriver] = []

    def maker(user: str = "ada", *, width: int = 80, height: int = 24, interactive: bool = True) -> ConsoleDriver:
        driver = ConsoleDriver(studybot, tmp_path / "exports", user, width=width, height=height,
                               interactive=interactive)
        made.append(driver)
        return driver

    yield maker
    for driver in made:
        if driver.started:
            await driver.end()


@pytest.fixture
async def console(make_console: MakeConsole) -> ConsoleDriver:
    """The console for "ada" at a prompt 80 columns wide and too tall to page, past its greeting."""
    driver = make_console(height=TALL)
    await driver.start()
    return driver
