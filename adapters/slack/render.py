"""Core messages as Block Kit: one layout per message kind, shared by every Slack surface.

Commands, button clicks, the App Home tab and the scheduler's poster all go through
`render` / `payload` / `home_view`, and every block passes `limits.check` on the way out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from adapters.slack import limits
from adapters.slack.mrkdwn import inline, to_mrkdwn
from bot.markdown import plain_text, split_markdown
from bot.messages import Button, Choice, Field, Kind, Message, Style
from bot.text import shorten

Part = Literal["header", "body", "divider", "fields", "choices", "buttons", "footer", "note", "warning"]
Layout = tuple[Part, ...]

BUTTON_STYLES: dict[Style, str | None] = {
    Style.PRIMARY: "primary",
    Style.SUCCESS: "primary",
    Style.DANGER: "danger",
    Style.SECONDARY: None,
}


# Building blocks -------------------------------------------------------------------------------

def header(title: str) -> list[Block]:
    """A header block (plain text, at most 150 characters)."""
    if not title.strip():
        return []
    text = shorten(plain_text(title), limits.HEADER_TEXT)  # a header shows no mrkdwn
    return [HeaderBlock(text=PlainTextObject(text=text, emoji=True))]


def sections(markdown: str) -> list[Block]:
    """Markdown as mrkdwn sections of at most 3,000 characters each."""
    return _mrkdwn_sections(to_mrkdwn(markdown))


def _mrkdwn_sections(mrkdwn: str) -> list[Block]:
    return [SectionBlock(text=MarkdownTextObject(text=chunk)) for chunk in split_markdown(mrkdwn, limits.SECTION_TEXT)]


def fields(items: Iterable[Field]) -> list[Block]:
    """Inline fields side by side (10 to a section), wide ones as their own sections."""
    blocks: list[Block] = []
    row: list[MarkdownTextObject] = []

    def flush() -> None:
        if row:
            blocks.append(SectionBlock(fields=list(row)))
            row.clear()

    for item in items:
        text = f"*{inline(item.name)}*\n{to_mrkdwn(item.value)}"
        if item.inline and len(text) <= limits.FIELD_TEXT:
            row.append(MarkdownTextObject(text=text))
            if len(row) == limits.FIELDS_PER_SECTION:
                flush()
            continue
        flush()
        blocks.extend(sections(f"**{item.name}**\n{item.value}"))
    flush()
    return blocks


def buttons(items: Iterable[Button]) -> list[Block]:
    """Buttons in actions blocks, one block per row the core asked for (else one for all).

    The core's action id travels in `value` (and `action_id`).
    """
    rows: dict[int | None, list[ButtonElement]] = {}
    seen: set[str] = set()
    for i, item in enumerate(items):
        action_id = item.action if item.action not in seen else f"{item.action}~{i}"
        seen.add(action_id)
        rows.setdefault(item.row, []).append(ButtonElement(
            text=PlainTextObject(text=shorten(item.label, limits.BUTTON_TEXT), emoji=True),
            action_id=action_id[: limits.ACTION_ID],
            value=item.action,
            style=BUTTON_STYLES[item.style],
        ))
    step = limits.BUTTONS_PER_ACTIONS
    return [ActionsBlock(elements=row[i:i + step]) for row in rows.values() for i in range(0, len(row), step)]


def footer(text: str) -> list[Block]:
    """A small grey context line."""
    if not text.strip():
        return []
    return [ContextBlock(elements=[MarkdownTextObject(text=shorten(inline(text), limits.CONTEXT_TEXT))])]


def choices(items: Iterable[Choice]) -> list[Block]:
    """A quiz's choices as `A.`-lettered lines (the buttons carry only the letters)."""
    return _mrkdwn_sections("\n".join(f"*{c.letter}.* {to_mrkdwn(c.text)}" for c in items))


# One layout per kind: the parts of a message in the order they are shown -------------------------

STANDARD: Layout = ("header", "body", "fields", "buttons", "footer")
DIVIDED: Layout = ("header", "body", "divider", "fields", "buttons", "footer")  # fields set apart from a long text

LAYOUTS: dict[Kind, Layout] = {
    Kind.LESSON: DIVIDED,  # key points, practice buttons and the lesson's place in the course
    Kind.QUIZ: ("header", "body", "choices", "buttons", "footer"),  # one button per letter
    Kind.FEEDBACK: STANDARD,
    Kind.INTERVIEW: STANDARD,
    Kind.REVEAL: DIVIDED,  # the model answer, then the rubric and the self-grade buttons
    Kind.GRADED: STANDARD,
    Kind.STREAK: STANDARD,
    Kind.STATS: ("header", "fields", "body", "buttons", "footer"),  # the numbers first (also the App Home tab)
    Kind.LEADERBOARD: STANDARD,
    Kind.TEAM: STANDARD,
    Kind.REVIEW: STANDARD,  # mistakes or the review queue, with Try again buttons
    Kind.TOPICS: STANDARD,
    Kind.SCHEDULE: STANDARD,
    Kind.HELP: STANDARD,
    Kind.INFO: ("note", "fields", "buttons", "footer"),  # a short note needs no big header
    Kind.ERROR: ("warning", "fields", "buttons", "footer"),
}


def part(name: Part, message: Message) -> list[Block]:
    """The blocks of one part of `message`."""
    match name:
        case "header":
            return header(message.title)
        case "body":
            return sections(message.body)
        case "divider":
            return [DividerBlock()]
        case "fields":
            return fields(message.fields)
        case "choices":
            return choices(message.choices)
        case "buttons":
            return buttons(message.buttons)
        case "footer":
            return footer(message.footer)
        case "note":
            return sections(f"**{message.title}**\n{message.body}".strip())
        case "warning":
            return sections(f"⚠️ **{message.title}**\n{message.body}".strip())


def blocks_of(message: Message) -> list[Block]:
    """The blocks of `message` as its kind's layout arranges them (not yet trimmed to Slack's count)."""
    return [block for name in LAYOUTS[message.kind] for block in part(name, message)]


# Entry points -----------------------------------------------------------------------------------

def render(message: Message, max_blocks: int = limits.MESSAGE_BLOCKS) -> list[Block]:
    """The blocks for `message`, trimmed to Slack's block count."""
    return limits.fit(blocks_of(message), max_blocks)


def fallback_text(message: Message) -> str:
    """The plain `text` Slack shows in notifications and screen readers."""
    first = message.body.strip().split("\n\n", 1)[0] if message.body else ""
    text = f"{message.title}\n{to_mrkdwn(first)}" if first else message.title
    return shorten(text, limits.FALLBACK_TEXT)


@dataclass(frozen=True)
class Payload:
    """What Slack receives for one message: notification text and checked blocks as JSON."""

    text: str
    blocks: list[dict[str, Any]]


def payload(message: Message) -> Payload:
    """`text` and checked `blocks`, ready for chat.postMessage or a response_url."""
    return Payload(fallback_text(message), limits.check(render(message), limits.MESSAGE_BLOCKS))


def home_blocks(stats: Message, course_title: str) -> list[Block]:
    """The App Home tab: the course, the learner's stats and buttons to practise."""
    intro = [
        *header(f"StudyBot · {course_title}"),
        *sections("Your streak, points and progress through the course. "
                  "Type `/study help` in any channel for every command."),
        DividerBlock(),
    ]
    return limits.fit([*intro, *blocks_of(stats)], limits.HOME_BLOCKS)


def home_view(stats: Message, course_title: str) -> View:
    """The App Home view for views.publish, checked against the Home tab's limits."""
    blocks = home_blocks(stats, course_title)
    limits.check(blocks, limits.HOME_BLOCKS)
    return View(type="home", blocks=blocks)
