"""Re-reading the packs of a content dir on real files: valid changes are served, broken ones are not."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from pathlib import Path

import pytest
import yaml

from bot.content.catalogue import Catalogue, load_catalogue
from bot.content.reloading import ContentReloader
from tests.packs import Served, card_pack


def reloader_of(content: Path, default: str | None = None) -> tuple[ContentReloader, Served]:
    """A reloader of `content` and what it serves, starting with what is there now."""
    served = Served(load_catalogue(content, default))
    return ContentReloader(lambda: load_catalogue(content, default), served.apply, served.catalogue), served


def retitle(pack: Path, topic: str, title: str) -> None:
    """Change the title of one topic of a pack on disk."""
    path = pack / "topics" / f"{topic}.yaml"
    data = yaml.safe_load(path.read_text())
    path.write_text(yaml.safe_dump({**data, "title": title}, sort_keys=False))


async def test_a_new_pack_folder_is_served_after_a_reload(tmp_path: Path) -> None:
    """A pack added to the content dir is served, and the outcome names it as added."""
    card_pack(tmp_path, name="alpha")
    reloader, served = reloader_of(tmp_path, "alpha")
    card_pack(tmp_path, name="beta")
    outcome = await reloader.reload()
    assert outcome.applied
    assert outcome.added == ("beta",)
    assert outcome.removed == ()
    assert list(served.catalogue.courses) == ["alpha", "beta"]
    assert served.catalogue.default_id == "alpha"


async def test_a_changed_topic_title_is_served_after_a_reload(tmp_path: Path) -> None:
    """A topic retitled on disk has its new title in the served course."""
    pack = card_pack(tmp_path, name="alpha")
    reloader, served = reloader_of(tmp_path)
    retitle(pack, "gc", "Garbage collection")
    await reloader.reload()
    assert served.catalogue.default.topic_by_id["gc"].title == "Garbage collection"


async def test_a_removed_pack_is_named_in_the_log(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The log line of a reload says what is served now and which course went away."""
    card_pack(tmp_path, name="alpha")
    beta = card_pack(tmp_path, name="beta")
    reloader, _served = reloader_of(tmp_path, "alpha")
    (beta / "course.yaml").unlink()
    with caplog.at_level(logging.INFO, logger="bot.content.reloading"):
        outcome = await reloader.reload()
    assert outcome.removed == ("beta",)
    assert [r.getMessage() for r in caplog.records] == [
        "content reloaded: serving alpha: 2 topics (default alpha); removed: beta"
    ]


async def test_a_broken_pack_keeps_the_old_content(tmp_path: Path) -> None:
    """One invalid file anywhere: nothing is applied and the old catalogue is still the served one."""
    pack = card_pack(tmp_path, name="alpha")
    reloader, served = reloader_of(tmp_path)
    before = served.catalogue
    retitle(pack, "linq", "Deferred execution")
    (pack / "topics" / "gc.yaml").write_text("id: gc\ntitle: [unclosed\n")
    outcome = await reloader.reload()
    assert not outcome.applied
    assert served.applied == 0
    assert served.catalogue is before
    assert reloader.catalogue is before
    assert before.default.topic_by_id["linq"].title == "LINQ"


async def test_a_broken_pack_is_one_warning_without_a_traceback(tmp_path: Path,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    """The log gets one warning naming how many errors and the first, and no traceback."""
    pack = card_pack(tmp_path, name="alpha")
    reloader, _served = reloader_of(tmp_path)
    (pack / "topics" / "gc.yaml").write_text("id: gc\ntitle: [unclosed\n")
    with caplog.at_level(logging.INFO, logger="bot.content.reloading"):
        outcome = await reloader.reload()
    assert len(caplog.records) == 1
    record = caplog.records[0]
    assert record.levelno == logging.WARNING
    assert record.exc_info is None
    assert f"{len(outcome.errors)} error(s), the first: alpha/topics/gc.yaml" in record.getMessage()
    assert "still serving alpha: 2 topics" in record.getMessage()


async def test_a_duplicate_course_id_keeps_the_old_content(tmp_path: Path) -> None:
    """A new pack with the id of a served one is refused as a whole."""
    card_pack(tmp_path, name="alpha")
    reloader, served = reloader_of(tmp_path)
    card_pack(tmp_path, name="copy", course_id="alpha")
    outcome = await reloader.reload()
    assert "the course id 'alpha' is used by another pack too" in str(outcome.errors[0])
    assert list(served.catalogue.courses) == ["alpha"]


async def test_concurrent_reloads_do_not_overlap(tmp_path: Path) -> None:
    """Reloads asked for at once load one after the other, off the event loop."""
    card_pack(tmp_path, name="alpha")
    inside, most = 0, 0
    guard = threading.Lock()
    loop_thread = threading.get_ident()
    threads: set[int] = set()

    def load() -> Catalogue:
        nonlocal inside, most
        threads.add(threading.get_ident())
        with guard:
            inside += 1
            most = max(most, inside)
        time.sleep(0.05)
        with guard:
            inside -= 1
        return load_catalogue(tmp_path, None)

    served = Served(load_catalogue(tmp_path, None))
    reloader = ContentReloader(load, served.apply, served.catalogue)
    outcomes = await asyncio.gather(*(reloader.reload() for _ in range(4)))
    assert all(o.applied for o in outcomes)
    assert most == 1
    assert served.applied == 4
    assert loop_thread not in threads
