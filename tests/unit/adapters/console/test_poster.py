"""Daily drops and reminders printed in the console: the labels are text, never markup."""

from __future__ import annotations

import io

from rich.console import Console

from adapters.console.poster import ConsolePoster
from bot.messages import Kind, Message


async def test_a_channel_named_like_markup_is_printed_as_typed() -> None:
    """A drop for channel `[/bogus]` is labelled `#[/bogus]` instead of failing as rich markup."""
    console = Console(width=80, file=io.StringIO(), record=True)
    await ConsolePoster(console).post("[/bogus]", Message(kind=Kind.LESSON, title="Lesson"), "drop-1")
    assert "#[/bogus] · daily drop" in console.export_text()


async def test_a_reminder_is_printed_once_for_its_learner() -> None:
    """A reminder is printed labelled `@ada · reminder`, and a second post with its key prints nothing."""
    console = Console(width=80, file=io.StringIO(), record=True)
    poster = ConsolePoster(console)
    message = Message(kind=Kind.STREAK, title="Time for today's study")
    first = await poster.post_direct("ada", message, "studybot-reminder-1")
    assert await poster.post_direct("ada", message, "studybot-reminder-1") == first
    text = console.export_text()
    assert text.count("@ada · reminder") == 1
    assert "Time for today's study" in text
