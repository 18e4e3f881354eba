"""Render core messages for a terminal with rich."""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

from rich.console import Console, Group, RenderableType
from rich.markdown import Markdown
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from bot.markdown import plain_text
from bot.messages import Field, Kind, Message

BORDERS = {
    Kind.ERROR: "red",
    Kind.FEEDBACK: "cyan",
    Kind.QUIZ: "magenta",
    Kind.LESSON: "blue",
    Kind.INTERVIEW: "yellow",
    Kind.REVEAL: "yellow",
}


LINK = re.compile(r"\[([^\]]+)\]\((\S+?)\)")


def markdown(text: str) -> Markdown:
    """Markdown for the terminal, where a link shows its address (a terminal cannot follow a label)."""

    def address(match: re.Match[str]) -> str:
        label, url = match.group(1), match.group(2)
        if " " not in label and urlsplit(url).netloc.removeprefix("www.") in label:
            return f"<{url}>"  # the label is a short form of the address: show the address alone
        return f"{label} (<{url}>)"

    return Markdown(LINK.sub(address, text))


def button_hints(message: Message) -> str:
    """How to press this message's buttons in the console."""
    if message.kind is Kind.QUIZ:
        letters = "/".join(c.letter for c in message.choices)
        return f"Answer with {letters} (or 1-{len(message.choices)})."
    if not message.buttons:
        return ""
    hints = "  ".join(f"[{i}] {b.label}" for i, b in enumerate(message.buttons, 1))
    return f"{hints}   (type the number, or press Enter for “{message.buttons[0].label}”)"


def renderable(message: Message) -> RenderableType:
    """A rich panel for one message."""
    parts: list[RenderableType] = []
    if message.body:
        parts.append(markdown(message.body))
    if message.choices:
        table = Table.grid(padding=(0, 1))
        for choice in message.choices:
            table.add_row(Text(f"{choice.letter}.", style="bold"), Markdown(choice.text))
        parts.append(table)
    row: list[Field] = []
    for field in (*message.fields, None):
        if field is not None and field.inline:
            row.append(field)
            continue
        if row:  # consecutive inline fields share one line
            parts.append(Text("   ").join(Text.assemble((f"{f.name}: ", "bold"), f.value) for f in row))
            row = []
        if field is not None:
            parts.append(Text(field.name, style="bold"))
            parts.append(markdown(field.value))
    hints = button_hints(message)
    if hints:
        parts.append(Text(hints, style="dim italic"))
    return Panel(
        Group(*parts),
        title=Text(plain_text(message.title), style="bold"),
        title_align="left",
        subtitle=plain_text(message.footer) or None,
        subtitle_align="right",
        border_style=BORDERS.get(message.kind, "white"),
    )


def to_text(message: Message, width: int = 100) -> str:
    """The message as plain text, as a terminal without colours shows it (for tests and pipes)."""
    console = Console(width=width, color_system=None, force_terminal=False, record=True, file=io.StringIO())
    console.print(renderable(message))
    return console.export_text()

