"""A reload while learners are mid-question: what is still served keeps working, what was removed is said so."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot import actions
from bot.app import StudyBot
from bot.content.catalogue import Catalogue, load_catalogue
from bot.content.reloading import ContentReloader
from bot.messages import Kind
from bot.usecases.context import Core
from bot.usecases.courses import NO_LONGER_SERVED
from tests.conftest import make_actor
from tests.packs import CARDS, card_pack


def serving(core: Core, content: Path) -> ContentReloader:
    """A reloader of `content` that puts what it reads in service in `core`, as the running bot does."""
    core.catalogue = load_catalogue(content, "alpha")

    def apply(catalogue: Catalogue) -> None:
        core.catalogue = catalogue

    return ContentReloader(lambda: load_catalogue(content, "alpha"), apply, core.catalogue)


async def test_a_card_kept_by_a_reload_is_graded_and_a_removed_one_is_retired(core: Core, tmp_path: Path) -> None:
    """Two cards shown before a reload that drops one: the kept card is graded, the removed one is retired."""
    card_pack(tmp_path, name="alpha")
    reloader = serving(core, tmp_path)
    bot = StudyBot(core)
    actor = make_actor()
    kept = await bot.dispatch(actor, "/study interview gc")
    dropped = await bot.dispatch(actor, "/study interview linq")
    shutil.rmtree(tmp_path / "alpha")
    card_pack(tmp_path, {"gc": CARDS["gc"]}, name="alpha")
    outcome = await reloader.reload()
    assert outcome.applied
    revealed = await bot.click(actor, kept.buttons[0].action, "reveal-1")
    assert revealed.kind is Kind.REVEAL
    graded = await bot.click(actor, revealed.buttons[2].action, "grade-1")
    assert graded.title == "Graded: Good"
    gone = await bot.click(actor, dropped.buttons[0].action, "reveal-2")
    assert gone.title == "That question has been retired"


async def test_a_course_removed_by_a_reload_answers_its_buttons_politely(core: Core, tmp_path: Path) -> None:
    """A second pack taken away: its buttons say the course is no longer served; the first still works."""
    card_pack(tmp_path, name="alpha")
    beta = card_pack(tmp_path, name="beta")
    reloader = serving(core, tmp_path)
    bot = StudyBot(core)
    actor = make_actor()
    shown = await bot.dispatch(actor, "/study interview beta")
    assert {actions.decode(b.action).course for b in shown.buttons} == {core.catalogue.courses["beta"].key}
    shutil.rmtree(beta)
    outcome = await reloader.reload()
    assert outcome.removed == ("beta",)
    assert await bot.click(actor, shown.buttons[0].action, "reveal-1") == NO_LONGER_SERVED
    still = await bot.dispatch(actor, "/study interview")
    assert still.kind is Kind.INTERVIEW


async def test_a_broken_reload_leaves_every_button_working(core: Core, tmp_path: Path) -> None:
    """A reload that finds an error changes nothing: a card shown before it is revealed as usual."""
    pack = card_pack(tmp_path, name="alpha")
    reloader = serving(core, tmp_path)
    bot = StudyBot(core)
    shown = await bot.dispatch(make_actor(), "/study interview gc")
    (pack / "topics" / "gc.yaml").write_text("id: gc\ntitle: [unclosed\n")
    outcome = await reloader.reload()
    assert not outcome.applied
    assert (await bot.click(make_actor(), shown.buttons[0].action, "reveal-1")).kind is Kind.REVEAL
