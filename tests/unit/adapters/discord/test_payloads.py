"""What the gateway boundary lets through to discord.py: Discord's documented interaction shapes only."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.discord.payloads import MalformedInteractionError, check_interaction, focused_option

GUILD = "1140000000000000002"


def command(*options: dict[str, Any], kind: int = 2, **envelope: Any) -> dict[str, Any]:
    """`/study lesson` with `options` in a server, as the gateway sends it; `envelope` replaces top-level fields."""
    payload = {
        "id": "1180000000000000001", "application_id": "1130000000000000001", "type": kind,
        "token": "aW50ZXJhY3Rpb246MTE4MDAwMDAwMDAwMDAwMDAwMTp0b2tlbg", "guild_id": GUILD,
        "channel_id": "1150000000000000003",
        "member": {"user": {"id": "1170000000000000007", "username": "lea", "global_name": "Lea"},
                   "nick": None, "permissions": "2147568640"},
        "data": {"id": "1190000000000000001", "name": "study", "type": 1, "guild_id": GUILD,
                 "options": [{"name": "lesson", "type": 1, "options": list(options)}]},
    }
    return {**payload, **envelope}


def reason(payload: Any) -> str:
    """Why the payload was refused."""
    with pytest.raises(MalformedInteractionError) as refused:
        check_interaction(payload)
    return str(refused.value)


def test_a_command_with_a_string_option_passes() -> None:
    """A genuine `/study lesson topic:1`."""
    check_interaction(command({"name": "topic", "type": 3, "value": "1"}))


def test_a_button_press_in_a_direct_message_passes() -> None:
    """Outside a server the presser comes as `user`, without a member."""
    press = command(kind=3, guild_id=None, member=None, user={"id": "1170000000000000007", "username": "lea"},
                    data={"custom_id": "sb1:n", "component_type": 2})
    check_interaction(press)


def test_autocomplete_of_a_number_option_may_carry_what_was_typed() -> None:
    """Discord sends the text typed so far as the focused value, even for an integer option."""
    check_interaction(command({"name": "count", "type": 4, "value": "1a", "focused": True}, kind=4))


def test_an_id_of_letters_is_refused() -> None:
    """Ids are snowflakes: decimal digits."""
    assert reason(command(id="abcdef")).startswith("id:")


@pytest.mark.parametrize("ident", ["0", str(2**64)], ids=["zero", "over 64 bits"])
def test_an_id_outside_64_bits_or_zero_is_refused(ident: str) -> None:
    """A snowflake is a positive 64-bit number."""
    assert "positive 64-bit" in reason(command(id=ident))


def test_a_token_with_a_slash_is_refused() -> None:
    """The token goes into the callback's URL; Discord's never holds a slash."""
    assert reason(command(token="a/b")).startswith("token:")


def test_a_server_interaction_without_a_member_is_refused() -> None:
    """In a server the presser comes as `member`."""
    assert "from a member" in reason(command(member=None))


def test_an_option_whose_value_is_not_of_its_type_is_refused() -> None:
    """A string option holding a number never reaches the command."""
    assert "does not fit its type 3" in reason(command({"name": "topic", "type": 3, "value": 42}))


def test_a_string_option_longer_than_discord_allows_is_refused() -> None:
    """Discord's string options hold at most 6,000 characters."""
    assert "does not fit" in reason(command({"name": "topic", "type": 3, "value": "x" * 6_001}))


def test_a_button_press_without_custom_id_is_refused() -> None:
    """A component interaction names the component it came from."""
    assert reason(command(kind=3, data={"component_type": 2})) == "custom_id: Field required"


def test_autocomplete_without_a_focused_option_is_refused() -> None:
    """An autocomplete request is about exactly one option."""
    assert "exactly one focused" in reason(command({"name": "topic", "type": 3, "value": "de"}, kind=4))


def test_the_focused_option_is_found_below_the_subcommand() -> None:
    """`focused_option` names the option being typed."""
    payload = command({"name": "topic", "type": 3, "value": "de", "focused": True}, kind=4)
    assert focused_option(payload["data"]) == "topic"


def test_not_an_object_is_refused() -> None:
    """A gateway event that is not even a JSON object."""
    assert reason(["not", "an", "interaction"]).startswith("Interaction: Input should be a valid dictionary")
