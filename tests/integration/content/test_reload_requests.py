"""`studybot content reload` records a request in the database; running processes watch for it and reload.

On real files and a real database (SQLite and PostgreSQL).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import cli_content
from bot.bootstrap import build
from bot.cli import _parser
from bot.content.catalogue import load_catalogue
from bot.content.reloading import ContentReloader, RequestWatch, read_request, record_request
from bot.settings import Settings
from bot.store.db import create_engine, session_factory
from tests.dbproxy import CutProxy
from tests.packs import Served, card_pack

QUICK_S = 0.05


def settings_of(db_url: str, content: Path, course: str | None = "alpha") -> Settings:
    """The settings of a process serving `content` from the database at `db_url`."""
    return Settings(_env_file=None, DATABASE_URL=db_url, STUDYBOT_CONTENT_DIR=str(content), STUDYBOT_COURSE=course)


async def content_reload(settings: Settings) -> int:
    """`studybot content reload`, as its function (in a thread: it runs an event loop of its own)."""
    return await asyncio.to_thread(cli_content.run, _parser().parse_args(["content", "reload"]), settings)


@pytest.fixture
async def requests_engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the test database, for reading what the command recorded."""
    engine = create_engine(db_url)
    yield engine
    await engine.dispose()


def watch_of(content: Path, engine: AsyncEngine) -> tuple[RequestWatch, Served]:
    """A watch of the test database that reloads `content`, as a running process has one."""
    served = Served(load_catalogue(content, "alpha"))
    reloader = ContentReloader(lambda: load_catalogue(content, "alpha"), served.apply, served.catalogue)
    return RequestWatch(reloader, session_factory(engine)), served


async def until(condition: Callable[[], bool], within: float = 10.0) -> None:
    """Wait until `condition` holds."""
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, "the condition did not come true in time"
        await asyncio.sleep(0.01)


async def test_reload_of_invalid_content_fails_and_records_nothing(
    db_url: str, requests_engine: AsyncEngine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A broken pack: every error printed, a non-zero exit, and no request for the running processes."""
    pack = card_pack(tmp_path, name="alpha")
    (pack / "topics" / "gc.yaml").write_text("id: gc\ntitle: [unclosed\n")
    assert await content_reload(settings_of(db_url, tmp_path)) == 1
    err = capsys.readouterr().err
    assert "error: alpha/topics/gc.yaml" in err
    assert "Nothing was reloaded" in err
    assert await read_request(session_factory(requests_engine)) is None


async def test_reload_of_valid_content_records_a_request(
    db_url: str, requests_engine: AsyncEngine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Valid packs: the courses are listed and the time of the request is recorded."""
    card_pack(tmp_path, name="alpha")
    card_pack(tmp_path, name="beta", cards={"gc": [("b.c1", "Front", "Back")]})
    before = dt.datetime.now(dt.UTC)
    assert await content_reload(settings_of(db_url, tmp_path)) == 0
    assert capsys.readouterr().out == (
        "2 courses valid (alpha: 2 topics, beta: 1 topic). "
        "Running StudyBot processes will re-read them within 15 seconds.\n"
    )
    recorded = await read_request(session_factory(requests_engine))
    assert recorded is not None
    assert before <= dt.datetime.fromisoformat(recorded) <= dt.datetime.now(dt.UTC)


async def test_a_request_made_before_the_watch_started_is_not_applied(
    db_url: str, requests_engine: AsyncEngine, tmp_path: Path
) -> None:
    """The request seen at start is the baseline: a starting process does not reload for it."""
    card_pack(tmp_path, name="alpha")
    await record_request(session_factory(requests_engine), "2026-01-01T00:00:00+00:00")
    watch, served = watch_of(tmp_path, requests_engine)
    assert await watch.check() is None
    assert await watch.check() is None
    assert served.applied == 0


async def test_a_watch_told_to_stop_ends_after_its_check(requests_engine: AsyncEngine, tmp_path: Path) -> None:
    """Setting its stop ends the watch once the check under way is done, without cancelling it."""
    card_pack(tmp_path, name="alpha")
    watch, served = watch_of(tmp_path, requests_engine)
    stop = asyncio.Event()
    task = asyncio.create_task(watch.run(30, stop))
    await asyncio.sleep(3 * QUICK_S)  # the first check is done; the watch is pausing
    stop.set()
    await asyncio.wait_for(task, timeout=5)
    assert not task.cancelled()
    assert served.applied == 0


async def test_the_watch_applies_a_recorded_request_exactly_once(
    db_url: str, requests_engine: AsyncEngine, tmp_path: Path
) -> None:
    """A process watching every few milliseconds serves a pack added before `content reload`, once."""
    card_pack(tmp_path, name="alpha")
    watch, served = watch_of(tmp_path, requests_engine)
    task = asyncio.create_task(watch.run(QUICK_S))
    try:
        await asyncio.sleep(3 * QUICK_S)  # the watch has seen that there is no request yet
        card_pack(tmp_path, name="beta")
        assert await content_reload(settings_of(db_url, tmp_path)) == 0
        await until(lambda: served.applied > 0)
        await asyncio.sleep(10 * QUICK_S)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)  # its read, if one was under way, ends too
    assert served.applied == 1
    assert list(served.catalogue.courses) == ["alpha", "beta"]


async def test_the_running_bot_serves_the_reloaded_default_course(db_url: str, tmp_path: Path) -> None:
    """As `build` wires it, a recorded request makes the core serve the re-read default course."""
    pack = card_pack(tmp_path, name="alpha")
    settings = settings_of(db_url, tmp_path)
    runtime = await build(settings)
    try:
        runtime.watch_reload_requests(QUICK_S)
        await asyncio.sleep(3 * QUICK_S)
        path = pack / "topics" / "gc.yaml"
        path.write_text(path.read_text().replace("title: GC", "title: Garbage collection"))
        await record_request(runtime.core.sessions, dt.datetime.now(dt.UTC).isoformat())
        await until(lambda: runtime.core.catalogue.default.topic_by_id["gc"].title == "Garbage collection")
        assert runtime.reloader.catalogue is runtime.core.catalogue
    finally:
        await runtime.close()


async def test_a_database_outage_while_watching_is_one_warning(
    pg_url: str, pg_proxy: CutProxy, proxied: AsyncEngine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Cut off, checking again and again logs one warning; a request made meanwhile is applied once it is back."""
    card_pack(tmp_path, name="alpha")
    watch, served = watch_of(tmp_path, proxied)
    assert await watch.check() is None
    await pg_proxy.cut()
    with caplog.at_level(logging.INFO, logger="bot.content.reloading"):
        for _ in range(5):
            assert await watch.check() is None
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        direct = create_engine(pg_url)
        try:
            await record_request(session_factory(direct), dt.datetime.now(dt.UTC).isoformat())
        finally:
            await direct.dispose()
        await pg_proxy.restore()
        outcome = await watch.check()
    assert len(warnings) == 1
    assert warnings[0].exc_info is None
    assert "cannot look for content reload requests" in warnings[0].getMessage()
    assert outcome is not None
    assert outcome.applied
    assert served.applied == 1
    assert "looking for content reload requests again" in caplog.messages[-2]
