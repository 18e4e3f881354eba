"""Malformed interactions from the gateway are skipped with one line; the connection stays up."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tests.e2e.discord.discord_standin import MEMBER, StandIn


def interaction(standin: StandIn, **change: Any) -> dict[str, Any]:
    """A button press as the gateway sends it, with `change` applied (None removes a key)."""
    data = standin._base(3, MEMBER, 1, None)
    data["data"] = {"custom_id": "sb1:n", "component_type": 2}
    data["message"] = standin._message(1, {"content": "x"}, standin.next_id())
    for key, value in change.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


MALFORMED = {
    "member without user": lambda s: interaction(s, member={"roles": [], "permissions": "0", "joined_at": None}),
    "data without custom_id": lambda s: interaction(s, data={"component_type": 2}),
    "no data": lambda s: interaction(s, data=None),
    "no type": lambda s: interaction(s, type=None),
}


@pytest.mark.parametrize("make", MALFORMED.values(), ids=MALFORMED.keys())
async def test_a_malformed_interaction_is_skipped_and_the_gateway_stays_up(
    standin: StandIn, client: Any, caplog: pytest.LogCaptureFixture, make: Any
) -> None:
    """The client logs one line, keeps its one connection, and answers the next real command."""
    caplog.set_level(logging.WARNING)
    await standin.dispatch("INTERACTION_CREATE", make(standin))
    [reply] = await standin.answer(await standin.command(MEMBER, "help"))
    assert reply.title
    assert len(standin.identifies) == 1
    skipped = [r for r in caplog.records if r.getMessage().startswith("skipped a malformed interaction")]
    assert len(skipped) == 1
    assert all(r.exc_info is None for r in caplog.records)
