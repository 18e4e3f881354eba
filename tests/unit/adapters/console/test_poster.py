"""Daily drops printed in the console: the channel label is text, never markup."""

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
