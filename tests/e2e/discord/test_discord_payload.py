"""The command tree's payload, exactly what a sync sends, checked against Discord's limits."""

from __future__ import annotations

import re
from typing import Any

import discord
import pytest
from discord import app_commands

from adapters.discord.commands import StudyGroup, matching_timezones
from adapters.discord.config import intents
from adapters.discord.sync import payload_hash, tree_payload
from bot.commands import SUBCOMMANDS

NAME = re.compile(r"^[-_\w]{1,32}$")
SUBCOMMAND, STRING = 1, 3


@pytest.fixture
def payload() -> list[dict[str, Any]]:
    """The payload of the adapter's command tree."""
    tree: app_commands.CommandTree[discord.Client] = app_commands.CommandTree(discord.Client(intents=intents()))
    tree.add_command(StudyGroup())
    return tree_payload(tree)


def command_chars(command: dict[str, Any]) -> int:
    """Characters Discord counts against a command's 4,000: names, descriptions, choices, recursively."""
    total = len(command["name"]) + len(command.get("description", ""))
    for option in command.get("options", []):
        total += command_chars(option)
        total += sum(len(c["name"]) + len(str(c["value"])) for c in option.get("choices", []))
    return total


def walk(options: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every option, subcommands and their options alike."""
    found = []
    for option in options:
        found.append(option)
        found += walk(option.get("options", []))
    return found


def test_one_study_group_with_every_subcommand(payload: list[dict[str, Any]]) -> None:
    """The tree is one `/study` command whose subcommands are the core's."""
    [study] = payload
    assert study["name"] == "study"
    assert [o["name"] for o in study["options"]] == [s.name for s in SUBCOMMANDS]
    assert all(o["type"] == SUBCOMMAND for o in study["options"])


def test_names_and_descriptions_fit(payload: list[dict[str, Any]]) -> None:
    """Every name is 1-32 lower-case characters and every description 1-100."""
    [study] = payload
    for item in [study, *walk(study["options"])]:
        assert NAME.match(item["name"]), item["name"]
        assert item["name"] == item["name"].lower(), item["name"]
        assert 1 <= len(item["description"]) <= 100, item["name"]


def test_option_counts_and_order_fit(payload: list[dict[str, Any]]) -> None:
    """At most 25 subcommands and 25 options each, required options before optional ones."""
    [study] = payload
    assert len(study["options"]) <= 25
    for sub in study["options"]:
        options = sub.get("options", [])
        assert len(options) <= 25
        required = [o.get("required", False) for o in options]
        assert required == sorted(required, reverse=True), sub["name"]


def test_choices_and_autocomplete_fit(payload: list[dict[str, Any]]) -> None:
    """Choices are at most 25 of 100 characters, and never combined with autocomplete."""
    [study] = payload
    for option in walk(study["options"]):
        choices = option.get("choices", [])
        assert len(choices) <= 25
        assert all(len(c["name"]) <= 100 and len(str(c["value"])) <= 100 for c in choices)
        assert not (choices and option.get("autocomplete"))


def test_whole_command_within_4000_characters(payload: list[dict[str, Any]]) -> None:
    """The command's names, descriptions and choices add up to at most 4,000 characters."""
    [study] = payload
    assert command_chars(study) <= 4000


def test_typed_options(payload: list[dict[str, Any]]) -> None:
    """Topics autocomplete, the period has choices, setup takes a text channel and a timezone."""
    subs = {s["name"]: {o["name"]: o for o in s.get("options", [])} for s in payload[0]["options"]}
    assert all(subs[n]["topic"]["autocomplete"] for n in ("lesson", "quiz", "interview"))
    assert [c["value"] for c in subs["leaderboard"]["period"]["choices"]] == ["week", "month", "all"]
    assert subs["setup"]["channel"]["type"] == 7
    assert subs["setup"]["channel"]["channel_types"] == [0, 5]
    assert subs["setup"]["timezone"]["autocomplete"]
    assert subs["setup"]["timezone"]["type"] == STRING
    assert [n for n, o in subs["setup"].items() if o.get("required")] == ["channel", "time", "timezone"]


def test_group_is_guild_only(payload: list[dict[str, Any]]) -> None:
    """`/study` is offered in servers only (its data is per server)."""
    assert payload[0]["contexts"] == [0]


def test_hash_is_stable_and_sensitive(payload: list[dict[str, Any]]) -> None:
    """The same payload hashes the same; any change gives another hash."""
    changed = [{**payload[0], "description": payload[0]["description"] + "!"}]
    assert payload_hash(payload) == payload_hash([dict(payload[0])])
    assert payload_hash(changed) != payload_hash(payload)


def test_timezone_matches_fit_autocomplete() -> None:
    """Timezone suggestions are at most 25, names at most 100 characters, prefix matches first."""
    found = matching_timezones("america/")
    assert len(found) == 25
    assert all(len(n) <= 100 for n in found)
    assert matching_timezones("new_y")[0] == "America/New_York"
    assert matching_timezones("")[0] == "UTC"
