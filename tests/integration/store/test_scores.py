"""The boards' scores, folded from the answers' pending scores, equal a recount of the answers, on both databases."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import StudyBot
from bot.content.models import Course
from bot.domain.periods import ALL_TIME
from bot.domain.srs import Grade
from bot.store.models import ALL_COURSES, Answer, PendingScore
from bot.store.scores import PendingDelta, pending_params
from bot.usecases import interview, quiz
from bot.usecases.context import Core
from tests.boards import Scores, recounted_scores, stored_scores
from tests.conftest import Clock, make_actor

START = dt.datetime(2026, 9, 20, 7, 0, tzinfo=dt.UTC)
WEEK, MONTH = dt.date(2026, 11, 23), dt.date(2026, 11, 1)
SUNDAY_NIGHT = dt.datetime(2026, 11, 29, 22, 30, tzinfo=dt.UTC)


async def _fold(core: Core, *rows: tuple[str, int, int, dt.datetime]) -> tuple[Scores, int, int]:
    """Write a batch's pending row of one learner's deltas (course, points, right answers, first answer), fold it.

    The boards, and the learner's workspace and user ids.
    """
    identity = await core.identify(make_actor("u1", "w1"))
    ws, uid = identity.workspace_pk, identity.user_pk
    pending = [PendingDelta(ws, course, uid, WEEK, MONTH, points, correct, at) for course, points, correct, at in rows]
    engine: AsyncEngine = core.sessions.kw["bind"]
    async with engine.begin() as conn:
        await conn.execute(insert(PendingScore), pending_params(pending))
    async with core.unit_of_work() as uow:
        assert await uow.answers.fold_scores(100) == 1
    return await stored_scores(engine), ws, uid


async def test_a_pending_row_adds_to_six_board_rows(core: Core) -> None:
    """Its course's and the overall board's week, month and all time, each with its points."""
    stored, ws, uid = await _fold(core, ("c", 10, 1, SUNDAY_NIGHT))
    assert stored == {
        (ws, course, period, day, uid): (10, 1, SUNDAY_NIGHT)
        for course in ("c", ALL_COURSES)
        for period, day in (("week", WEEK), ("month", MONTH), ("all", ALL_TIME))
    }


async def test_a_first_answer_keeps_its_moment_whatever_its_zone_or_microseconds(core: Core) -> None:
    """A moment on the hour, and one given in another zone, reach the boards as the same instants."""
    on_the_hour = SUNDAY_NIGHT.replace(minute=0)
    elsewhere = (SUNDAY_NIGHT + dt.timedelta(microseconds=7)).astimezone(ZoneInfo("Asia/Kolkata"))
    stored, ws, uid = await _fold(core, ("a", 1, 1, on_the_hour), ("b", 1, 1, elsewhere))
    assert stored[(ws, "a", "all", ALL_TIME, uid)][2] == on_the_hour
    assert stored[(ws, "b", "all", ALL_TIME, uid)][2] == elsewhere


async def test_a_fold_leaves_out_a_learner_deleted_since(core: Core) -> None:
    """Pending points of a learner whose rows were deleted before the fold put no one on the boards."""
    identity = await core.identify(make_actor("u1", "w1"))
    kept = await core.identify(make_actor("u2", "w1"))
    pending = [PendingDelta(identity.workspace_pk, "c", user, WEEK, MONTH, 10, 1, SUNDAY_NIGHT)
               for user in (identity.user_pk, kept.user_pk)]
    engine: AsyncEngine = core.sessions.kw["bind"]
    async with engine.begin() as conn:
        await conn.execute(insert(PendingScore), pending_params(pending))
    async with core.unit_of_work() as uow:
        await uow.privacy.forget(identity.user_pk)
    async with core.unit_of_work() as uow:
        assert await uow.answers.fold_scores(100) == 1
    assert {user for *_, user in await stored_scores(engine)} == {kept.user_pk}


async def test_two_courses_of_one_learner_add_up_on_the_overall_board(core: Core) -> None:
    """Each course's rows hold its own points; the overall rows hold both, with the earlier first answer."""
    earlier = SUNDAY_NIGHT - dt.timedelta(days=1)
    stored, ws, uid = await _fold(core, ("a", 10, 1, SUNDAY_NIGHT), ("b", 4, 1, earlier))
    assert stored[(ws, ALL_COURSES, "all", ALL_TIME, uid)] == (14, 2, earlier)
    assert stored[(ws, "a", "all", ALL_TIME, uid)] == (10, 1, SUNDAY_NIGHT)
    assert stored[(ws, "b", "week", WEEK, uid)] == (4, 1, earlier)


async def test_a_fold_adds_to_the_board_rows_already_there(core: Core) -> None:
    """A second fold adds its points and right answers to the rows, and keeps the earlier first answer."""
    await _fold(core, ("c", 10, 1, SUNDAY_NIGHT))
    earlier = SUNDAY_NIGHT - dt.timedelta(hours=2)
    stored, ws, uid = await _fold(core, ("c", 5, 0, earlier), ("c", 3, 1, SUNDAY_NIGHT + dt.timedelta(hours=1)))
    assert stored[(ws, "c", "month", MONTH, uid)] == (18, 2, earlier)
    assert stored[(ws, ALL_COURSES, "week", WEEK, uid)] == (18, 2, earlier)


async def test_scores_equal_a_recount_after_a_random_history(core: Core, course: Course, clock: Clock) -> None:
    """Ten weeks of seeded random answers in two workspaces (one in Tokyo) leave scores equal to a recount."""
    rng = random.Random(20261201)
    clock.now = START
    admin = make_actor("boss", "w2", admin=True, channel="C1")
    await StudyBot(core).dispatch(admin, "/study setup C1 09:00 Asia/Tokyo")
    actors = [make_actor(f"u{n}", f"w{1 + n % 2}", tz=rng.choice([None, "America/New_York"])) for n in range(8)]
    questions = list(course.quiz_by_id.values())[:12]  # few questions, so some come back before they are due
    prompts = [q for t in course.topics for q in t.interview][:3]
    for n in range(400):
        clock.advance(minutes=rng.choice([1, 7, 45, 180, 600]))
        actor = rng.choice(actors)
        if rng.random() < 0.1:
            prompt = rng.choice(prompts)
            await interview.grade(core, actor, core.catalogue.default, prompt.id, f"g{n}",
                                  rng.choice(list(Grade)).value, f"gd{n}")
            continue
        q = rng.choice(questions)
        choice = q.answer if rng.random() < 0.7 else (q.answer + 1) % len(q.choices)
        await quiz.answer(core, actor, core.catalogue.default, q.id, f"i{n}", choice, f"d{n}")
        if rng.random() < 0.05:  # a redelivery of the same click counts once
            await quiz.answer(core, actor, core.catalogue.default, q.id, f"i{n}", choice, f"d{n}")
    engine = core.sessions.kw["bind"]
    await core.scores.settled()
    stored = await stored_scores(engine)
    assert stored == await recounted_scores(engine)
    assert {period for _, _, period, _, _ in stored} == {"week", "month", "all"}
    async with engine.connect() as conn:  # the history did have right answers that earned nothing
        voided = await conn.scalar(
            select(func.count()).where(Answer.correct, Answer.points == 0, Answer.kind == "quiz")
        )
    assert voided
