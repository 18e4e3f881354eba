"""Render core messages for a terminal with rich."""

from __future__ import annotations

import io

from rich.console import Console, Group, RenderableType
from rich.markdown import Markdown
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from bot.messages import Field, Kind, Message

BORDERS = {
    Kind.ERROR: "red",
    Kind.FEEDBACK: "cyan",
    Kind.QUIZ: "magenta",
    Kind.LESSON: "blue",
    Kind.INTERVIEW: "yellow",
    Kind.REVEAL: "yellow",
}


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
        parts.append(Markdown(message.body))
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
            parts.append(Markdown(field.value))
    hints = button_hints(message)
    if hints:
        parts.append(Text(hints, style="dim italic"))
    return Panel(
        Group(*parts),
        title=Text(message.title, style="bold"),
        title_align="left",
        subtitle=message.footer or None,
        subtitle_align="right",
        border_style=BORDERS.get(message.kind, "white"),
    )


def to_text(message: Message, width: int = 100) -> str:
    """The message as plain text, as a terminal without colours shows it (for tests and pipes)."""
    console = Console(width=width, color_system=None, force_terminal=False, record=True, file=io.StringIO())
    console.print(renderable(message))
    return console.export_text()

