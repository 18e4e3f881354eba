"""What the Discord adapter keeps of a deferred interaction."""

from __future__ import annotations

from adapters.discord.interactions import Kept
from bot.usecases.context import ChannelRef
from tests.conftest import make_actor


def test_a_kept_command_brings_back_its_channel_argument() -> None:
    """A setup kept for a restart names the same channel when it is read back."""
    kept = Kept(application_id=1, token="t", actor=make_actor(platform="discord"), command="setup",
                args=[ChannelRef("123", "general"), "09:00", "UTC"])
    again = Kept.model_validate_json(kept.model_dump_json())
    assert again.args == [ChannelRef("123", "general"), "09:00", "UTC"]
