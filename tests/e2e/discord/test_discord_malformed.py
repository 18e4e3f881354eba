"""Generated malformed interactions (hypothesis) through the real discord.py client, 200 a run.

Each is skipped or answered politely: never a traceback, never a dropped gateway connection.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import string
import threading
from collections.abc import Coroutine, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from adapters.discord.client import StudyClient
from adapters.discord.config import apply
from adapters.discord.runner import serve
from bot.app import UNEXPECTED, StudyBot
from bot.bootstrap import wire
from bot.content.catalogue import Catalogue
from bot.content.loader import require_course
from bot.settings import Settings
from bot.store import migrate
from bot.store.db import create_engine, session_factory
from bot.usecases.context import Core
from tests.conftest import COURSE_DIR
from tests.e2e.discord.discord_standin import (
    ADMIN,
    CHANNEL_ID,
    MEMBER,
    TOKEN,
    Reply,
    StandIn,
    channel_resolved,
    interaction_payload,
)
from tests.e2e.records import Recorder

EXAMPLES = 200
T = TypeVar("T")
Path_ = tuple[str | int, ...]
DELETE = "delete"
KEEP_ALIVE = "RequestHandler.start"  # an aiohttp server connection, open between requests
# A command name or signature the bot does not know is what Discord sends when its copy of /study is
# stale: the operator is told so (an error line without a traceback) and the user gets a polite answer.
OUT_OF_DATE = "Discord's copy of /study is out of date"


class Served:
    """A StudyClient connected to the stand-in, both on their own event loop in a thread."""

    def __init__(self, loop: asyncio.AbstractEventLoop, standin: StandIn, records: list[logging.LogRecord]) -> None:
        self.loop = loop
        self.standin = standin
        self.records = records
        self.steady: set[asyncio.Task[Any]] = set()  # the tasks a connected, idle client runs

    def call(self, work: Coroutine[Any, Any, T]) -> T:
        """Run `work` on the client's loop and return its result."""
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout=20)

    async def settled(self) -> None:
        """Wait until every task the last interactions started has finished.

        The stand-in's idle keep-alive connections aside.
        """
        for _ in range(1000):
            busy = [t for t in asyncio.all_tasks() if t not in self.steady and t is not asyncio.current_task()
                    and getattr(t.get_coro(), "__qualname__", "") != KEEP_ALIVE]
            if not busy:
                return
            await asyncio.wait(busy, timeout=0.01)
        raise TimeoutError(f"interactions still being handled after 10 s: {busy}")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One StudyClient on SQLite against the stand-in gateway, for the whole module."""
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    ready: Future[Served] = Future()
    records: list[logging.LogRecord] = []
    handler = Recorder(records)
    logging.getLogger().addHandler(handler)
    urls = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY

    async def main(path: Path) -> None:
        standin = StandIn()
        await standin.start()
        url = f"sqlite:///{path / 'fuzz.db'}"
        engine = create_engine(url)
        await migrate.upgrade(engine)
        bot = StudyBot(Core(catalogue=Catalogue.of(require_course(COURSE_DIR)), sessions=session_factory(engine)))
        settings = Settings(_env_file=None, DATABASE_URL=url, STUDYBOT_ADMINS="",
                            discord={"token": TOKEN, "api_url": standin.api_url, "gateway_url": standin.gateway_url})
        apply(settings.discord)
        client = StudyClient(wire(settings, engine, bot), guild_ready_timeout=0.1)
        task = asyncio.create_task(serve(client, TOKEN, sync_on_start=False))
        try:
            await asyncio.wait_for(client.wait_until_ready(), timeout=10)
            served = Served(loop, standin, records)
            [reply] = await standin.answer(await standin.command(MEMBER, "help"))  # warm: the first answer
            assert reply.title
            served.steady = set(asyncio.all_tasks())
            ready.set_result(served)
            await stop.wait()
        except BaseException as exc:
            if not ready.done():
                ready.set_exception(exc)
            raise
        finally:
            await client.close()
            await asyncio.gather(task, return_exceptions=True)
            await engine.dispose()
            await standin.stop()

    thread = threading.Thread(target=loop.run_until_complete, args=(main(tmp_path_factory.mktemp("fuzz")),))
    thread.start()
    try:
        yield ready.result(timeout=30)
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=30)
        loop.close()
        logging.getLogger().removeHandler(handler)
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = urls[0], yarl.URL(str(urls[1]))


# what the gateway sends, before it is broken -------------------------------------------------------
COMMANDS: dict[str, list[dict[str, Any]]] = {
    "help": [],
    "lesson": [{"name": "topic", "type": 3, "value": "1"}],
    "quiz": [],
    "leaderboard": [{"name": "period", "type": 3, "value": "week"}],
    "setup": [{"name": "channel", "type": 7, "value": str(CHANNEL_ID)}, {"name": "time", "type": 3, "value": "09:00"},
              {"name": "timezone", "type": 3, "value": "Europe/Berlin"}],
}
BUTTONS = ["sb1:n", "sb1:t", "sb1:a:q1:1:2", "sb1:l:1", "sb1:x:y"]


@dataclass(frozen=True)
class Huge:
    """A long string, kept short in reports: `text` repeated `times` times."""

    text: str
    times: int

    def __repr__(self) -> str:
        return f"{self.text!r} * {self.times}"


@dataclass(frozen=True)
class Fuzzed:
    """A genuine interaction of one kind, and the changes that break it (a path and DELETE or a new value)."""

    kind: str  # "command:<name>", "button:<custom id>" or "autocomplete"
    changes: tuple[tuple[Path_, Any], ...] = ()


def genuine(standin: StandIn, kind: str) -> dict[str, Any]:
    """A well-formed INTERACTION_CREATE of `kind`, as Discord sends it, sharing nothing with the stand-in."""
    return copy.deepcopy(_genuine(standin, kind))


def _genuine(standin: StandIn, kind: str) -> dict[str, Any]:
    family, _, detail = kind.partition(":")
    if family == "button":
        payload = interaction_payload(3, MEMBER, CHANNEL_ID, standin.next_id())
        payload["data"] = {"custom_id": detail, "component_type": 2}
        button = {"type": 2, "style": 2, "label": "Next", "custom_id": detail}
        payload["message"] = standin._message(CHANNEL_ID, {"components": [{"type": 1, "components": [button]}]})
        return payload
    kind_number, options = (4, [{"name": "topic", "type": 3, "value": "de", "focused": True}]) \
        if family == "autocomplete" else (2, COMMANDS[detail])
    payload = interaction_payload(kind_number, MEMBER, CHANNEL_ID, standin.next_id())
    payload["data"] = {"id": "1190000000000000001", "name": "study", "type": 1, "guild_id": payload["guild_id"],
                       "options": [{"name": "lesson" if family == "autocomplete" else detail, "type": 1,
                                    "options": options}]}
    if detail == "setup":
        payload["member"]["permissions"] = str(ADMIN.permissions)
        payload["data"]["resolved"] = channel_resolved(CHANNEL_ID)
    return payload


def paths(value: Any, prefix: Path_ = ()) -> list[Path_]:
    """Every key and index inside `value`, deepest last."""
    found: list[Path_] = []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for key, inner in items:
        found.append((*prefix, key))
        found += paths(inner, (*prefix, key))
    return found


def broken(payload: dict[str, Any], changes: tuple[tuple[Path_, Any], ...]) -> dict[str, Any]:
    """`payload` with each change applied (a change below one already removed is left out)."""
    for path, value in changes:
        parent: Any = payload
        for step in path[:-1]:
            try:
                parent = parent[step]
            except (KeyError, IndexError, TypeError):
                break
        else:
            last = path[-1]
            if isinstance(parent, dict) and value == DELETE:
                parent.pop(last, None)
            elif isinstance(parent, dict):  # noqa: SIM114 (mypy narrows the list index only in its own branch)
                parent[last] = value.text * value.times if isinstance(value, Huge) else value
            elif isinstance(parent, list) and isinstance(last, int) and last < len(parent):
                parent[last] = value.text * value.times if isinstance(value, Huge) else value
    return payload


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 12), st.floats(allow_nan=False),
    st.text(string.ascii_letters, min_size=1, max_size=20),  # ids as letters
    st.integers(2**64, 10**40).map(str), st.integers(2**64, 10**40), st.integers(-(10**30), -1),  # huge ids
    st.builds(Huge, st.text(min_size=1, max_size=3), st.integers(2_000, 100_000)),  # huge strings
    st.text(max_size=60),  # unicode
    JSON,  # nested junk
)
KINDS = [f"command:{name}" for name in COMMANDS] + [f"button:{cid}" for cid in BUTTONS] + ["autocomplete"]
_TEMPLATE = StandIn()


@st.composite
def malformed(draw: st.DrawFn) -> Fuzzed:
    """A genuine interaction with one to three of its fields removed or replaced by junk."""
    kind = draw(st.sampled_from(KINDS))
    where = paths(genuine(_TEMPLATE, kind))
    changes = draw(st.lists(st.tuples(st.sampled_from(where), st.just(DELETE) | JUNK), min_size=1, max_size=3))
    return Fuzzed(kind, tuple(changes))


async def send(served: Served, fuzzed: Fuzzed) -> list[Reply]:
    """What the bot answered to the broken interaction, sent before a genuine `/study help`.

    It is read once help is answered and every task they started is done.
    """
    standin = served.standin
    payload = standin.admit(broken(genuine(standin, fuzzed.kind), fuzzed.changes))
    await standin.dispatch("INTERACTION_CREATE", payload)
    [reply] = await standin.answer(await standin.command(MEMBER, "help"), within=5)
    assert reply.title.startswith("StudyBot")
    await served.settled()
    iid = payload.get("id")
    return [r for r in standin.replies if str(r.interaction_id) == iid] if isinstance(iid, str) else []


# One client serves every example, so an example that breaks it fails every later one too: the first
# failing example is the one to read, and shrinking would only replay broken runs.
@settings(max_examples=EXAMPLES, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(fuzzed=malformed())
@example(Fuzzed("button:sb1:n", ((("member", "user"), DELETE),)))
@example(Fuzzed("button:sb1:n", ((("data", "custom_id"), DELETE),)))
@example(Fuzzed("button:sb1:n", ((("data",), DELETE),)))
@example(Fuzzed("button:sb1:n", ((("type",), DELETE),)))
@example(Fuzzed("command:help", ((("id",), "abcdef"),)))
@example(Fuzzed("command:help", ((("id",), str(10**30)),)))
@example(Fuzzed("command:lesson", ((("type",), 5),)))
@example(Fuzzed("command:lesson", ((("data", "options", 0, "options", 0, "value"), Huge("x", 100_000)),)))
@example(Fuzzed("command:help", ((("member", "nick"), True),)))
@example(Fuzzed("autocomplete", ((("data", "options", 0, "options", 0, "name"), "A"),)))
@example(Fuzzed("autocomplete", ((("data", "options", 0, "options", 0, "focused"), DELETE),)))
@example(Fuzzed("autocomplete", ((("data", "options", 0, "options", 0, "value"), -937),)))
@example(Fuzzed("command:setup", ((("data", "resolved", "channels", str(CHANNEL_ID), "id"), DELETE),)))
@example(Fuzzed("button:sb1:n", ((("message", "flags"), "x"),)))
@example(Fuzzed("command:quiz", ((("guild_id",), "0"),)))
def test_a_malformed_interaction_is_skipped_or_answered_and_the_gateway_stays_up(
    served: Served, fuzzed: Fuzzed
) -> None:
    """A malformed interaction is skipped or answered, and the bot serves on.

    Nothing logs a traceback or an error (but the out-of-date notice), a skipped interaction logs
    one line, the one gateway connection stays, the next command is answered, and whatever was
    acknowledged got a real answer rather than an apology.
    """
    before = len(served.records)
    answered = served.call(send(served, fuzzed))
    logged = served.records[before:]
    bad = [f"{r.name}: {r.getMessage()[:200]}" for r in logged
           if r.exc_info or (r.levelno >= logging.ERROR and not r.getMessage().startswith(OUT_OF_DATE))]
    assert bad == []
    skipped = [r for r in logged if r.getMessage().startswith("skipped a malformed interaction")]
    assert len(skipped) <= 1
    assert not (skipped and answered)
    assert (served.standin.connections, len(served.standin.identifies), len(served.standin.sockets)) == (1, 1, 1)
    assert all(r.type in (4, 5, 8) for r in answered if r.kind == "callback")
    assert all(r.title != UNEXPECTED.title for r in answered)
