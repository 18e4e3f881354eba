"""Core messages as Block Kit: one renderer per message kind, shared by every Slack surface.

Commands, button clicks, the App Home tab and the scheduler's poster all go through
`render` / `payload` / `home_view`, and every block passes `limits.check` on the way out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

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
from adapters.slack.mrkdwn import inline, split_mrkdwn, to_mrkdwn
from bot.markdown import plain_text
from bot.messages import Button, Field, Kind, Message, Style
from bot.text import shorten

Renderer = Callable[[Message], list[Block]]

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
    if not markdown.strip():
        return []
    return [SectionBlock(text=MarkdownTextObject(text=chunk))
            for chunk in split_mrkdwn(to_mrkdwn(markdown), limits.SECTION_TEXT)]


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


def choices(message: Message) -> list[Block]:
    """A quiz's choices as `A.`-lettered lines (the buttons carry only the letters)."""
    lines = "\n".join(f"*{c.letter}.* {to_mrkdwn(c.text)}" for c in message.choices)
    if not lines:
        return []
    return [SectionBlock(text=MarkdownTextObject(text=chunk))
            for chunk in split_mrkdwn(lines, limits.SECTION_TEXT)]


# One renderer per kind -------------------------------------------------------------------------

def _standard(message: Message) -> list[Block]:
    return [*header(message.title), *sections(message.body), *fields(message.fields),
            *buttons(message.buttons), *footer(message.footer)]


def render_lesson(message: Message) -> list[Block]:
    """A lesson: title, the text split into sections, key points, practice buttons, its place."""
    return [*header(message.title), *sections(message.body), DividerBlock(), *fields(message.fields),
            *buttons(message.buttons), *footer(message.footer)]


def render_quiz(message: Message) -> list[Block]:
    """A quiz question: prompt, lettered choices, one button per letter."""
    return [*header(message.title), *sections(message.body), *choices(message),
            *buttons(message.buttons), *footer(message.footer)]


def render_feedback(message: Message) -> list[Block]:
    """Right or wrong, the correct choice, the explanation, points and streak, "Next question"."""
    return _standard(message)


def render_interview(message: Message) -> list[Block]:
    """An open interview question with its "Reveal model answer" button."""
    return _standard(message)


def render_reveal(message: Message) -> list[Block]:
    """The model answer, the rubric and the self-grade buttons."""
    return [*header(message.title), *sections(message.body), DividerBlock(), *fields(message.fields),
            *buttons(message.buttons), *footer(message.footer)]


def render_graded(message: Message) -> list[Block]:
    """The result of a self-grade."""
    return _standard(message)


def render_streak(message: Message) -> list[Block]:
    """The learner's streak."""
    return _standard(message)


def render_stats(message: Message) -> list[Block]:
    """Points, accuracy and progress (also the body of the App Home tab)."""
    return [*header(message.title), *fields(message.fields), *sections(message.body),
            *buttons(message.buttons), *footer(message.footer)]


def render_leaderboard(message: Message) -> list[Block]:
    """The workspace's top learners."""
    return _standard(message)


def render_topics(message: Message) -> list[Block]:
    """The syllabus or one section: topics with progress, then buttons to open them."""
    return _standard(message)


def render_schedule(message: Message) -> list[Block]:
    """The daily drop schedule or a setup confirmation."""
    return _standard(message)


def render_help(message: Message) -> list[Block]:
    """Every subcommand."""
    return _standard(message)


def render_info(message: Message) -> list[Block]:
    """A short note, in a section rather than a big header."""
    return [*sections(f"**{message.title}**\n{message.body}".strip()), *fields(message.fields),
            *buttons(message.buttons), *footer(message.footer)]


def render_error(message: Message) -> list[Block]:
    """A friendly problem report."""
    return [*sections(f"⚠️ **{message.title}**\n{message.body}".strip()), *fields(message.fields),
            *buttons(message.buttons), *footer(message.footer)]


RENDERERS: dict[Kind, Renderer] = {
    Kind.LESSON: render_lesson,
    Kind.QUIZ: render_quiz,
    Kind.FEEDBACK: render_feedback,
    Kind.INTERVIEW: render_interview,
    Kind.REVEAL: render_reveal,
    Kind.GRADED: render_graded,
    Kind.STREAK: render_streak,
    Kind.STATS: render_stats,
    Kind.LEADERBOARD: render_leaderboard,
    Kind.TOPICS: render_topics,
    Kind.SCHEDULE: render_schedule,
    Kind.HELP: render_help,
    Kind.INFO: render_info,
    Kind.ERROR: render_error,
}


# Entry points -----------------------------------------------------------------------------------

def render(message: Message, max_blocks: int = limits.MESSAGE_BLOCKS) -> list[Block]:
    """The blocks for `message`, trimmed to Slack's block count."""
    return limits.fit(RENDERERS[message.kind](message), max_blocks)


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
    return limits.fit([*intro, *RENDERERS[stats.kind](stats)], limits.HOME_BLOCKS)


def home_view(stats: Message, course_title: str) -> View:
    """The App Home view for views.publish, checked against the Home tab's limits."""
    blocks = home_blocks(stats, course_title)
    limits.check(blocks, limits.HOME_BLOCKS)
    return View(type="home", blocks=blocks)
