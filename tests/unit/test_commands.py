"""The `/study` subcommand table: each subcommand declared once, with the handler it runs."""

from __future__ import annotations

import pytest

from bot.commands import SUBCOMMANDS, Subcommand, by_name, help_message
from bot.content.catalogue import Catalogue
from bot.content.models import Course
from bot.messages import Message, info
from bot.usecases.context import Actor, Argument, Core


async def _handler(_core: Core, _actor: Actor, _args: list[Argument]) -> Message:
    return info("ran", "")


def test_a_subcommand_without_a_handler_fails_where_it_is_declared() -> None:
    """A subcommand that runs nothing cannot be declared, so no table can hold one."""
    with pytest.raises(TypeError, match="/study dance is declared without a handler"):
        Subcommand("dance", "", "Dance", None)  # type: ignore[arg-type]


def test_two_subcommands_with_one_name_fail_when_the_table_is_built() -> None:
    """A name declared twice is refused, rather than one declaration silently hiding the other."""
    with pytest.raises(ValueError, match="share a name"):
        by_name((Subcommand("quiz", "", "One", _handler), Subcommand("quiz", "", "Two", _handler)))


def listed(text: str) -> list[str]:
    """The subcommand names of the `- `/study name ...`: ...` lines of a help text."""
    return [line.split("`")[1].split()[1] for line in text.splitlines() if line.startswith("- `/study ")]


def test_help_lists_every_declared_subcommand_once_admin_ones_apart(course: Course) -> None:
    """Help is made from the table: one line per subcommand, in its order, the admin ones under their heading."""
    learners, admins = help_message(Catalogue.of(course)).body.split("**Admins**")
    assert listed(learners) == [c.name for c in SUBCOMMANDS if not c.admin]
    assert listed(admins) == [c.name for c in SUBCOMMANDS if c.admin]
