"""Reading Slack's channel mentions out of command text."""

from __future__ import annotations

from adapters.slack.payloads import read_channel
from bot.usecases.context import ChannelRef


def test_a_linked_channel_is_read_with_its_id_and_name() -> None:
    """`<#C123|general>`, as Slack escapes a channel in command text, is that channel."""
    assert read_channel("<#C123|general>") == ChannelRef("C123", "general")


def test_a_channel_escaped_without_its_name_keeps_the_id() -> None:
    """Slack may send `<#C123|>` or `<#C123>`: the id is what matters."""
    assert read_channel("<#C123|>") == ChannelRef("C123", "")
    assert read_channel("<#C123>") == ChannelRef("C123", "")


def test_other_words_are_not_channels() -> None:
    """Plain words, `#name` as typed and other mentions stay words for the core to read."""
    assert read_channel("09:00") is None
    assert read_channel("#general") is None
    assert read_channel("<@U123>") is None
