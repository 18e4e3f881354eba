"""The entry point's routing table."""

from __future__ import annotations

from bot.app import ROUTES
from bot.commands import BY_NAME


def test_every_subcommand_but_help_has_a_route() -> None:
    """Each declared subcommand (help is answered by the entry point itself) has exactly one route."""
    assert set(ROUTES) == set(BY_NAME) - {"help"}
