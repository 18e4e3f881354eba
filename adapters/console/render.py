"""Render core messages for a terminal with rich."""

from __future__ import annotations

import re
import string
from typing import ClassVar
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.markdown import CodeBlock, Markdown, MarkdownElement
from rich.panel import Panel
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from bot.markdown import LINK, plain_text
from bot.messages import CHANNEL_MENTION, Button, Field, Kind, Message
from bot.text import shorten

BORDERS = {
    Kind.ERROR: "red",
    Kind.FEEDBACK: "cyan",
    Kind.QUIZ: "magenta",
    Kind.LESSON: "blue",
    Kind.INTERVIEW: "yellow",
    Kind.REVEAL: "yellow",
}


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """`text` with terminal control characters (ESC, BEL, CR...) replaced by visible stand-ins.

    Typed text and names are then shown as text and never drive the terminal.
    """
    return _CONTROL.sub(_stand_in, text)


def _stand_in(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control pictures": ␛ for ESC
    return "␡" if code == 0x7F else f"\\x{code:02x}"


def enter_button(message: Message) -> Button | None:
    """The button a bare Enter presses: none while a question waits for an answer or a grade."""
    if not message.buttons or message.kind in (Kind.QUIZ, Kind.REVEAL):
        return None
    return message.buttons[0]


TOPIC_LABEL = re.compile(r"(\d+)\. ")  # a button named after a numbered topic: "6. ValueTask vs Task"


def numbers_are_topics(message: Message) -> bool:
    """Whether a number typed at this message means a topic: the syllabus, a section, topics to pick from."""
    if message.kind is Kind.TOPICS:
        return True
    return bool(message.buttons) and all(TOPIC_LABEL.match(b.label) for b in message.buttons)


def topic_button(message: Message, number: str) -> Button | None:
    """The button named after topic `number` ("6. ValueTask vs Task"), if the message has one."""
    for button in message.buttons:
        found = TOPIC_LABEL.match(button.label)
        if found and found.group(1).lstrip("0") == number.lstrip("0"):
            return button
    return None


def button_keys(message: Message) -> tuple[str, ...]:
    """What to type to press each button: a quiz's letters, letters where numbers are topics, else numbers."""
    count = len(message.buttons)
    if message.kind is Kind.QUIZ:
        return tuple(c.letter for c in message.choices[:count])
    if numbers_are_topics(message):
        return tuple(_letters(i) for i in range(count))
    return tuple(str(i) for i in range(1, count + 1))


def _letters(index: int) -> str:
    """a, b, ... z, then aa, ab, ...: a key for button `index` (from 0) that is no number."""
    alphabet = string.ascii_lowercase
    head, tail = divmod(index, len(alphabet))
    return (_letters(head - 1) if head else "") + alphabet[tail]


def markdown(text: str) -> Markdown:
    """Markdown for the terminal, where a link shows its address (a terminal cannot follow a label)."""

    def address(match: re.Match[str]) -> str:
        label, url = match.group(1), match.group(2)
        if " " not in label and urlsplit(url).netloc.removeprefix("www.") in label:
            return f"<{url}>"  # the label is a short form of the address: show the address alone
        return f"{label} (<{url}>)"

    text = CHANNEL_MENTION.sub(lambda m: f"#{m.group(2) or m.group(1)}", text)  # no links to channels here
    return _Markdown(LINK.sub(address, text))


def button_hints(message: Message) -> str:
    """How to press this message's buttons in the console."""
    if message.kind is Kind.QUIZ:
        letters = "/".join(c.letter for c in message.choices)
        return f"Answer with {letters} (or 1-{len(message.choices)})."
    if not message.buttons:
        return ""
    keys = button_keys(message)
    hints = "  ".join(f"[{key}] {visible(b.label)}" for key, b in zip(keys, message.buttons, strict=True))
    how = "type the letter, or a topic's number to open it" if numbers_are_topics(message) else "type the number"
    default = enter_button(message)
    if default is None:
        return f"{hints}   ({how})"
    return f"{hints}   ({how}, or press Enter for “{visible(default.label)}”)"


class _UnwrappedCode(CodeBlock):
    """A code block whose lines are never wrapped: a line too wide is cut, ending in "…"."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(options.max_width - 2, 2)  # one column of padding each side
        lines = [shorten(line.expandtabs(4), width, cell_len) for line in str(self.text).rstrip().splitlines()]
        yield Syntax("\n".join(lines), self.lexer_name, theme=self.theme, word_wrap=False, padding=1)


class _Markdown(Markdown):
    """Markdown as the console shows it: control characters visible, code never wrapped, no inline HTML.

    Without inline HTML, `Span<T>` keeps its `<T>` instead of losing it as an unknown tag.
    """

    elements: ClassVar[dict[str, type[MarkdownElement]]] = {
        **Markdown.elements,
        "fence": _UnwrappedCode,
        "code_block": _UnwrappedCode,
    }

    def __init__(self, markup: str) -> None:
        super().__init__(visible(markup))
        self.parsed = _PARSER.parse(self.markup)


_PARSER = MarkdownIt("commonmark", {"html": False}).enable("strikethrough").enable("table")


def renderable(message: Message) -> RenderableType:
    """A rich panel for one message."""
    parts: list[RenderableType] = []
    if message.body:
        parts.append(markdown(message.body))
    if message.choices:
        table = Table.grid(padding=(0, 1))
        for choice in message.choices:
            table.add_row(Text(f"{choice.letter}.", style="bold"), markdown(choice.text))
        parts.append(table)
    row: list[Field] = []
    for field in (*message.fields, None):
        if field is not None and field.inline:
            row.append(field)
            continue
        if row:  # consecutive inline fields share one line
            parts.append(
                Text("   ").join(Text.assemble((f"{visible(f.name)}: ", "bold"), visible(f.value)) for f in row)
            )
            row = []
        if field is not None:
            parts.append(Text(visible(field.name), style="bold"))
            parts.append(markdown(field.value))
    hints = button_hints(message)
    if hints:
        parts.append(Text(hints, style="dim italic"))
    return Panel(
        Group(*parts),
        title=Text(visible(plain_text(message.title)), style="bold"),
        title_align="left",
        subtitle=Text(visible(plain_text(message.footer))) if message.footer else None,
        subtitle_align="right",
        border_style=BORDERS.get(message.kind, "white"),
    )

