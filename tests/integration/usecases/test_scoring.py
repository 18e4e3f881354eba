"""Answers' points reach the boards through pending scores and folds: once each, soon, whoever folds."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import StudyBot
from bot.content.catalogue import Catalogue
from bot.content.models import Course
from bot.store.db import create_engine, session_factory
from bot.store.models import PendingScore, Score
from bot.usecases import progress, quiz
from bot.usecases.batching import AnswerBatcher
from bot.usecases.context import Core
from bot.usecases.scoring import ScoreFolder
from tests.boards import recounted_scores, stored_scores
from tests.conftest import Clock, make_actor


def slow_folds(core: Core) -> ScoreFolder:
    """Make the core's folder gather batches for a minute before folding, unless a reader asks sooner."""
    core.scores = ScoreFolder(core.unit_of_work, gather_s=60)
    core.answers = AnswerBatcher(core.unit_of_work, committed=core.scores.committed)
    return core.scores


async def answer_some(core: Core, course: Course, users: int = 3, each: int = 4, tag: str = "a") -> None:
    """`users` learners each answer `each` quiz questions right, one after another (`tag` keeps the clicks new)."""
    questions = [q for t in course.topics for q in t.quiz]
    for u in range(users):
        for n in range(each):
            q = questions[(u * each + n) % len(questions)]
            await quiz.answer(core, make_actor(f"u{u}"), course, q.id, f"{tag}-{u}-{n}", q.answer, f"{tag}-d{u}-{n}")


async def count(engine: AsyncEngine, model: type) -> int:
    """Rows in a table."""
    async with engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(model)) or 0)


def engine_of(core: Core) -> AsyncEngine:
    """The engine the core's sessions are bound to."""
    engine: AsyncEngine = core.sessions.kw["bind"]
    return engine


async def test_answers_wait_as_pending_scores_until_a_fold(core: Core, course: Course) -> None:
    """Right after the answers commit, their points are pending and the boards hold nothing yet."""
    slow_folds(core)
    await answer_some(core, course)
    assert await count(engine_of(core), PendingScore) > 0
    assert await count(engine_of(core), Score) == 0


async def test_a_fold_puts_every_pending_score_on_the_boards_once(core: Core, course: Course) -> None:
    """After a fold the boards equal a recount of the answers and nothing is pending; a second fold adds nothing."""
    folder = slow_folds(core)
    await answer_some(core, course)
    assert await folder.fold_all() > 0
    engine = engine_of(core)
    assert await count(engine, PendingScore) == 0
    assert await stored_scores(engine) == await recounted_scores(engine)
    assert await folder.fold_all() == 0
    assert await stored_scores(engine) == await recounted_scores(engine)


async def test_a_fold_transaction_takes_at_most_its_batch(core: Core, course: Course) -> None:
    """With a batch of two, a fold of many pending rows runs in several transactions and still counts each once."""
    slow_folds(core)
    await answer_some(core, course, users=4, each=3)
    pending = await count(engine_of(core), PendingScore)
    assert pending > 2
    small = ScoreFolder(core.unit_of_work, batch=2)
    assert await small.fold_all() == pending
    assert await stored_scores(engine_of(core)) == await recounted_scores(engine_of(core))


async def test_a_board_read_right_after_an_answer_shows_its_points(core: Core, course: Course) -> None:
    """A reader does not wait out the gathering: the fold starts for it, and the board has the new points."""
    slow_folds(core)
    q = course.topics[0].quiz[0]
    ada = make_actor("ada")
    await quiz.answer(core, ada, course, q.id, "i1", q.answer, "d1")
    board = await asyncio.wait_for(progress.leaderboard(core, ada, ["week"]), timeout=10)
    assert "Ada" in board.body
    assert await count(engine_of(core), PendingScore) == 0


async def test_what_a_stopped_process_left_pending_is_folded_by_the_sweep(
    core: Core, course: Course, db_url: str, clock: Clock
) -> None:
    """Pending rows whose process never folded them reach the boards through another process's sweep."""
    slow_folds(core)
    await answer_some(core, course)
    core.answers = AnswerBatcher(core.unit_of_work)  # the "stopped" process: its folder never runs again
    other_engine = create_engine(db_url, pool_size=2)
    try:
        other = Core(catalogue=Catalogue.of(course), sessions=session_factory(other_engine), clock=clock)
        sweeping = asyncio.create_task(other.scores.sweep(interval=0.05))
        for _ in range(200):
            if await count(engine_of(core), PendingScore) == 0:
                break
            await asyncio.sleep(0.05)
        sweeping.cancel()
        with pytest.raises(asyncio.CancelledError):
            await sweeping
    finally:
        await other_engine.dispose()
    assert await count(engine_of(core), PendingScore) == 0
    assert await stored_scores(engine_of(core)) == await recounted_scores(engine_of(core))


async def test_two_processes_folding_at_once_count_each_answer_once(
    core: Core, course: Course, db_url: str, clock: Clock
) -> None:
    """Two folders on their own connections, folding the same pending rows together, leave the boards at a recount."""
    slow_folds(core)
    await answer_some(core, course, users=6, each=5)
    engines = [create_engine(db_url, pool_size=2) for _ in range(2)]
    try:
        folders = [ScoreFolder(Core(catalogue=Catalogue.of(course), sessions=session_factory(e),
                                    clock=clock).unit_of_work, batch=3) for e in engines]
        taken = await asyncio.gather(*(folder.fold_all() for folder in folders))
    finally:
        for e in engines:
            await e.dispose()
    assert sum(taken) > 0
    assert await count(engine_of(core), PendingScore) == 0
    assert await stored_scores(engine_of(core)) == await recounted_scores(engine_of(core))


async def test_a_timezone_change_with_answers_pending_recounts_them_once(core: Core, course: Course) -> None:
    """Moving the workspace's timezone while points are still pending folds them first: the boards equal a recount."""
    slow_folds(core)
    await answer_some(core, course)
    assert await count(engine_of(core), PendingScore) > 0
    admin = make_actor("boss", admin=True, channel="C1")
    await StudyBot(core).dispatch(admin, "/study setup C1 09:00 Asia/Tokyo")
    assert await count(engine_of(core), PendingScore) == 0
    await answer_some(core, course, users=2, each=2, tag="b")
    await core.scores.settled()
    assert await stored_scores(engine_of(core)) == await recounted_scores(engine_of(core))


async def test_a_sweep_told_to_stop_ends_after_its_fold(core: Core, course: Course) -> None:
    """Setting its stop ends a sweep once its fold is done, without cancelling it: the pending rows are folded."""
    slow_folds(core)
    await answer_some(core, course)
    stop = asyncio.Event()
    stop.set()  # before the first fold: the sweep still folds once, then stops
    await asyncio.wait_for(core.scores.sweep(interval=30, stop=stop), timeout=10)
    assert await count(engine_of(core), PendingScore) == 0
