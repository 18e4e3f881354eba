"""One renderer for every core message: embeds, buttons and files within Discord's limits.

Commands, button clicks and the daily-drop poster all go through `render`, so the limits are
enforced here and only here. A long message becomes several embeds, and several Discord
messages when it passes 6,000 characters or 10 embeds; buttons go on the last one.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import discord

from bot.markdown import plain_text, split_markdown
from bot.messages import CHANNEL_MENTION, Attachment, Button, Kind, Message, Style, Visibility
from bot.text import ELLIPSIS, shorten

log = logging.getLogger(__name__)
T = TypeVar("T")

# Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits)
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELDS_LIMIT = 25
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
MESSAGE_EMBED_CHARS = 6000
EMBEDS_PER_MESSAGE = 10
BUTTONS_PER_ROW = 5
ROWS = 5
LABEL_LIMIT = 80
CUSTOM_ID_LIMIT = 100
FILES_PER_MESSAGE = 10
ALT_LIMIT = 1024  # an attachment's description (its alt text)

COLOURS: dict[Kind, discord.Colour] = {
    Kind.LESSON: discord.Colour.blurple(),
    Kind.QUIZ: discord.Colour.purple(),
    Kind.FEEDBACK: discord.Colour.teal(),
    Kind.INTERVIEW: discord.Colour.gold(),
    Kind.REVEAL: discord.Colour.gold(),
    Kind.GRADED: discord.Colour.green(),
    Kind.STREAK: discord.Colour.orange(),
    Kind.STATS: discord.Colour.dark_teal(),
    Kind.LEADERBOARD: discord.Colour.yellow(),
    Kind.TEAM: discord.Colour.dark_teal(),
    Kind.REVIEW: discord.Colour.dark_purple(),
    Kind.TOPICS: discord.Colour.blurple(),
    Kind.SCHEDULE: discord.Colour.dark_blue(),
    Kind.HELP: discord.Colour.light_grey(),
    Kind.INFO: discord.Colour.light_grey(),
    Kind.ERROR: discord.Colour.red(),
}

BUTTON_STYLES: dict[Style, discord.ButtonStyle] = {
    Style.PRIMARY: discord.ButtonStyle.primary,
    Style.SECONDARY: discord.ButtonStyle.secondary,
    Style.SUCCESS: discord.ButtonStyle.success,
    Style.DANGER: discord.ButtonStyle.danger,
}



@dataclass(frozen=True)
class ButtonSpec:
    """A button as Discord will show it: label, custom_id (the core's action id) and style."""

    label: str
    custom_id: str
    style: discord.ButtonStyle
    row: int = 0


@dataclass(frozen=True)
class Part:
    """One Discord message: its embeds and, on the last part, its buttons and files."""

    embeds: tuple[discord.Embed, ...]
    buttons: tuple[ButtonSpec, ...] = ()
    attachments: tuple[Attachment, ...] = ()

    def files(self) -> list[discord.File]:
        """The attachments as files to upload, made anew for each send (a sent file is used up)."""
        return [discord.File(io.BytesIO(a.data), filename=a.filename, description=shorten(a.alt, ALT_LIMIT))
                for a in self.attachments]

    def make_view(self) -> discord.ui.View | None:
        """A persistent view of StudyBot buttons (None when there are no buttons)."""
        if not self.buttons:
            return None
        from adapters.discord.buttons import StudyButton

        view = discord.ui.View(timeout=None)
        for spec in self.buttons:
            view.add_item(StudyButton(spec.custom_id, label=spec.label, style=spec.style, row=spec.row))
        return view

    async def send(self, send: Callable[..., Awaitable[T]], **options: Any) -> T:
        """Send this part with `send` (a channel's, a webhook's or an interaction's), its buttons as a view."""
        view = self.make_view()
        if self.attachments:
            options = {**options, "files": self.files()}
        if view is None:
            return await send(embeds=list(self.embeds), **options)
        sent = await send(embeds=list(self.embeds), view=view, **options)
        # StudyButtons are dynamic items, answered by their custom_id after any restart; the view
        # discord.py keeps for a sent message (with a 15-minute timer on ephemeral ones) is not needed.
        view.stop()
        return sent


@dataclass(frozen=True)
class Rendered:
    """A core message as one or more Discord messages."""

    parts: tuple[Part, ...]
    ephemeral: bool


def render(message: Message) -> Rendered:
    """Turn a core message into Discord messages that respect every embed and component limit."""
    colour = COLOURS.get(message.kind, discord.Colour.light_grey())
    footer = shorten(plain_text(message.footer).strip(), FOOTER_LIMIT)  # Discord shows footers as typed
    chunks = split_markdown(description_of(message), DESCRIPTION_LIMIT) or [""]
    embeds: list[discord.Embed] = []
    for index, chunk in enumerate(chunks):
        title = shorten(plain_text(message.title).strip(), TITLE_LIMIT) if index == 0 else None
        embeds.append(discord.Embed(title=title, description=chunk or None, colour=colour))
    budget = MESSAGE_EMBED_CHARS - len(footer)
    for name, value, inline in field_rows(message):
        last = embeds[-1]
        if len(last.fields) >= FIELDS_LIMIT or len(last) + len(name) + len(value) > budget:
            last = discord.Embed(colour=colour)
            embeds.append(last)
        last.add_field(name=name, value=value, inline=inline)
    if footer:
        embeds[-1].set_footer(text=footer)
    return Rendered(parts=pack(embeds, buttons_of(message), message.attachments),
                    ephemeral=message.visibility is Visibility.PRIVATE)


def description_of(message: Message) -> str:
    """The body, followed by the lettered choices of a quiz."""
    text = CHANNEL_MENTION.sub(lambda m: f"<#{m.group(1)}>", message.body.strip())  # Discord links by id
    if message.choices:
        lines = "\n".join(f"**{c.letter}.** {c.text}" for c in message.choices)
        text = f"{text}\n\n{lines}" if text else lines
    return text


def field_rows(message: Message) -> list[tuple[str, str, bool]]:
    """Fields as (name, value, inline), long values split over continuation fields."""
    rows: list[tuple[str, str, bool]] = []
    for item in message.fields:
        name = shorten(item.name.strip(), FIELD_NAME_LIMIT) or "\u200b"
        pieces = split_markdown(item.value, FIELD_VALUE_LIMIT) or ["\u200b"]
        for index, piece in enumerate(pieces):
            label = name if index == 0 else shorten(f"{item.name.strip()} (continued)", FIELD_NAME_LIMIT)
            rows.append((label, piece, item.inline and len(pieces) == 1))
    return rows


def buttons_of(message: Message) -> tuple[ButtonSpec, ...]:
    """The message's buttons on at most 5 rows of 5, labels within 80 characters.

    Buttons keep the rows the core asked for (a row longer than 5 wraps); when that needs more
    than 5 rows, or no rows were asked for, they are packed 5 to a row in order.
    """
    kept = []
    for button in message.buttons:
        if len(button.action) > CUSTOM_ID_LIMIT:
            log.warning("dropping a button whose id is longer than %d characters", CUSTOM_ID_LIMIT)
            continue
        kept.append(button)
    rows = button_rows(kept)
    if len(rows) > ROWS:
        rows = [kept[i:i + BUTTONS_PER_ROW] for i in range(0, len(kept), BUTTONS_PER_ROW)]
    if len(rows) > ROWS:
        log.warning("a message had %d buttons; Discord shows at most %d", len(kept), BUTTONS_PER_ROW * ROWS)
    return tuple(
        ButtonSpec(shorten(button.label.strip(), LABEL_LIMIT) or ELLIPSIS, button.action,
                   BUTTON_STYLES[button.style], index)
        for index, row in enumerate(rows[:ROWS])
        for button in row
    )


def button_rows(buttons: list[Button]) -> list[list[Button]]:
    """Buttons grouped by the row the core gave them (in order of first use), 5 at most a row."""
    groups: dict[int | None, list[Button]] = {}
    for button in buttons:
        groups.setdefault(button.row, []).append(button)
    if list(groups) == [None]:
        groups = {0: buttons}
    return [group[i:i + BUTTONS_PER_ROW] for group in groups.values()
            for i in range(0, len(group), BUTTONS_PER_ROW)]


def pack(embeds: list[discord.Embed], buttons: tuple[ButtonSpec, ...],
         attachments: tuple[Attachment, ...] = ()) -> tuple[Part, ...]:
    """Group embeds into messages of at most 10 embeds and 6,000 characters; buttons and files go last."""
    groups: list[list[discord.Embed]] = [[]]
    for embed in embeds:
        current = groups[-1]
        if current and (len(current) >= EMBEDS_PER_MESSAGE
                        or sum(len(e) for e in current) + len(embed) > MESSAGE_EMBED_CHARS):
            groups.append([])
        groups[-1].append(embed)
    parts = [Part(tuple(group)) for group in groups]
    parts[-1] = Part(parts[-1].embeds, buttons, attachments[:FILES_PER_MESSAGE])
    if len(attachments) > FILES_PER_MESSAGE:
        log.warning("a message had %d files; Discord takes at most %d", len(attachments), FILES_PER_MESSAGE)
    return tuple(parts)
