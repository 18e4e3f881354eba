"""One persistent button class for every StudyBot button: the custom_id is the core's action id."""

from __future__ import annotations

import re
from typing import Any, Self

import discord

from bot.actions import COURSE_PREFIX, PREFIX, SEP

TEMPLATE = re.compile(f"(?:{re.escape(PREFIX)}|{re.escape(COURSE_PREFIX)}){re.escape(SEP)}(?P<rest>.{{1,96}})")
"""Matches every action id the core makes (`sb1:...` and `sb2:...`, at most 100 characters)."""


class StudyButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=TEMPLATE):
    """A button whose click is routed to the core by its custom_id, so it works after restarts."""

    def __init__(self, action: str, *, label: str = "", style: discord.ButtonStyle = discord.ButtonStyle.secondary,
                 row: int | None = None) -> None:
        super().__init__(discord.ui.Button(label=label, custom_id=action, style=style, row=row))
        self.action = action

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> Self:
        """Rebuild the button from a click on any message, however old."""
        label = getattr(item, "label", None) or ""
        style = getattr(item, "style", discord.ButtonStyle.secondary)
        return cls(match.group(0), label=label, style=style)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Hand the click to the core and answer privately."""
        from adapters.discord.interactions import on_click

        await on_click(interaction, self.action)
