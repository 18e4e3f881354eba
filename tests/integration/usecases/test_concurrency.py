"""Many answers at once: nothing lost, nothing counted twice, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.content.models import Course
from bot.store.models import Answer, User, UserStats
from bot.usecases import quiz
from bot.usecases.context import Core
from tests.conftest import make_actor

USERS = 20
PER_USER = 5


async def test_many_users_answering_at_once_lose_nothing(core: Core, course: Course) -> None:
    """20 users x 5 answers at the same time: 100 answers, and each user's points add up."""
    questions = course.topics[0].quiz[:PER_USER]

    async def one(user: int, n: int) -> None:
        q = questions[n]
        await quiz.answer(core, make_actor(f"u{user}"), core.catalogue.default, q.id, f"i{user}-{n}", q.answer,
                          f"d{user}-{n}")

    await asyncio.gather(*(one(u, n) for u in range(USERS) for n in range(PER_USER)))
    expected_points = sum(10 * q.difficulty for q in questions)
    async with core.unit_of_work() as uow:
        assert await uow.answers.session.scalar(select(func.count()).select_from(Answer)) == USERS * PER_USER
        points = (await uow.answers.session.scalars(select(UserStats.points))).all()
        answers = (await uow.answers.session.scalars(select(UserStats.answers))).all()
    assert sorted(points) == [expected_points] * USERS
    assert sorted(answers) == [PER_USER] * USERS


async def test_same_delivery_twice_at_once_counts_once(core: Core, course: Course) -> None:
    """The same click delivered ten times concurrently records one answer and one set of points."""
    q = course.topics[0].quiz[0]
    actor = make_actor()
    replies = await asyncio.gather(
        *(quiz.answer(core, actor, core.catalogue.default, q.id, "inst", q.answer, "same-delivery") for _ in range(10))
    )
    assert all(r.title == "✅ Correct!" for r in replies)
    assert sum("already counted" not in r.fields[0].value for r in replies) == 1
    async with core.unit_of_work() as uow:
        assert await uow.answers.session.scalar(select(func.count()).select_from(Answer)) == 1
        stats = await uow.learners.stats(1)
    assert stats is not None
    assert stats.points == 10 * q.difficulty


async def test_first_sight_of_a_user_from_many_requests_creates_one_user(core: Core) -> None:
    """Concurrent first requests of one new user create a single user row."""
    actor = make_actor("newcomer")
    await asyncio.gather(*(core.identify(actor) for _ in range(10)))
    async with core.unit_of_work() as uow:
        assert await uow.answers.session.scalar(select(func.count()).select_from(User)) == 1
