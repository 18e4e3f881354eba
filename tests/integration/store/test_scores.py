"""The boards' scores, folded from the answers' pending scores, equal a recount of the answers, on both databases."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import func, select

from bot.app import StudyBot
from bot.content.models import Course
from bot.domain.srs import Grade
from bot.store.models import Answer
from bot.usecases import interview, quiz
from bot.usecases.context import Core
from tests.boards import recounted_scores, stored_scores
from tests.conftest import Clock, make_actor

START = dt.datetime(2026, 9, 20, 7, 0, tzinfo=dt.UTC)


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
