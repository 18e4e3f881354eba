"""Group commit of answers: shared transactions, arrival order, idempotency, error isolation, concurrency."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import pytest
from sqlalchemy import func, select

from bot.content.catalogue import Catalogue
from bot.content.models import Course, QuizQuestion
from bot.domain.points import quiz_points
from bot.messages import Kind
from bot.store.answers import AnswerStore
from bot.store.db import create_engine, session_factory
from bot.store.errors import RejectedValueError
from bot.store.models import Answer, ReviewState
from bot.store.unit_of_work import Stores
from bot.usecases import batching, quiz, recording
from bot.usecases.batching import AnswerBatcher
from bot.usecases.context import Core, Identity
from bot.usecases.recording import NewAnswer, Recorded, Submission, record_many
from tests.conftest import Clock, make_actor


async def record_alone(store: AnswerStore, identity: Identity, answer: NewAnswer, now: dt.datetime) -> Recorded:
    """Record one answer in the caller's transaction, outside any batcher."""
    [outcome] = await record_many(store, [Submission(identity, answer, now)])
    return outcome


def _new(question: QuizQuestion, instance: str, delivery: str, choice: int | None = None) -> NewAnswer:
    return quiz.quiz_answer("dotnet-architect", question, instance, delivery,
                            question.answer if choice is None else choice)


@pytest.fixture
def batch_sizes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of every batch the batchers commit in this test."""
    sizes: list[int] = []
    original = recording.record_many

    async def counting(store: AnswerStore, submissions: Sequence[Submission]) -> list[Recorded]:
        sizes.append(len(submissions))
        return await original(store, submissions)

    monkeypatch.setattr(batching, "record_many", counting)
    return sizes


async def _count(core: Core, model: type) -> int:
    async with core.unit_of_work() as uow:
        return int(await uow.answers.session.scalar(select(func.count()).select_from(model)) or 0)


async def test_answers_arriving_together_share_a_transaction(
    core: Core, course: Course, batch_sizes: list[int]
) -> None:
    """Twenty users answering at the same moment are recorded in fewer than twenty transactions."""
    q = course.topics[0].quiz[0]
    replies = await asyncio.gather(
        *(quiz.answer(core, make_actor(f"u{n}"), core.catalogue.default, q.id, f"i{n}", q.answer,
                      f"d{n}") for n in range(20))
    )
    assert all(r.title == "✅ Correct!" for r in replies)
    assert sum(batch_sizes) == 20
    assert len(batch_sizes) < 20
    assert await _count(core, Answer) == 20


async def test_one_learners_answers_in_a_batch_apply_in_arrival_order(core: Core, course: Course) -> None:
    """Each caller gets the totals right after its own answer, in the order the answers arrived."""
    identity = await core.identify(make_actor())
    questions = course.topics[0].quiz[:4]
    outcomes = await asyncio.gather(
        *(
            core.answers.record(Submission(identity, _new(q, f"i{n}", f"d{n}"), core.clock()))
            for n, q in enumerate(questions)
        )
    )
    running = 0
    for q, outcome in zip(questions, outcomes, strict=True):
        running += quiz_points(True, q.difficulty)
        assert outcome.is_new
        assert outcome.stats.points == running
        assert outcome.stats.answers == questions.index(q) + 1


async def test_repeated_answers_to_one_question_in_a_batch_chain_the_card(core: Core, course: Course) -> None:
    """Three copies of one question in one batch count as if they had come one after another.

    The first reviews the card; the later ones (before it is due again) leave it alone and earn
    nothing.
    """
    identity = await core.identify(make_actor())
    q = course.topics[0].quiz[0]
    wrong = (q.answer + 1) % 4
    outcomes = await asyncio.gather(
        core.answers.record(Submission(identity, _new(q, "i1", "d1", wrong), core.clock())),
        core.answers.record(Submission(identity, _new(q, "i2", "d2"), core.clock())),
        core.answers.record(Submission(identity, _new(q, "i3", "d3", wrong), core.clock())),
    )
    async with core.unit_of_work() as uow:
        card = await uow.answers.session.scalar(select(ReviewState))
    assert card is not None
    assert (card.reviews, card.lapses) == (1, 1)
    assert [o.points for o in outcomes] == [0, 0, 0]
    assert outcomes[-1].stats.answers == 3


async def test_same_delivery_twice_in_a_batch_counts_once(core: Core, course: Course) -> None:
    """A delivery repeated within one batch is recorded once; the repeat gets the first answer back."""
    identity = await core.identify(make_actor())
    q = course.topics[0].quiz[0]
    first, second = await asyncio.gather(
        *(core.answers.record(Submission(identity, _new(q, "inst", "same"), core.clock())) for _ in range(2))
    )
    assert first.is_new
    assert second.earlier is not None
    assert second.earlier.delivery_key == "same"
    assert second.stats.points == first.stats.points == quiz_points(True, q.difficulty)
    assert await _count(core, Answer) == 1


async def test_different_second_answer_in_a_batch_is_refused(core: Core, course: Course) -> None:
    """Two different answers to one instance in one batch: the first counts, the second is refused."""
    q = course.topics[0].quiz[0]
    actor = make_actor()
    await core.identify(actor)  # known already, so both answers reach the batcher in call order
    wrong = (q.answer + 1) % 4
    right, refused = await asyncio.gather(
        quiz.answer(core, actor, core.catalogue.default, q.id, "inst", q.answer, "d1"),
        quiz.answer(core, actor, core.catalogue.default, q.id, "inst", wrong, "d2"),
    )
    assert right.title == "✅ Correct!"
    assert refused.kind is Kind.ERROR
    assert await _count(core, Answer) == 1


async def test_a_failing_answer_fails_alone(core: Core, course: Course, batch_sizes: list[int]) -> None:
    """An answer of an unknown user fails for its caller only; the rest of its batch is recorded."""
    good = await core.identify(make_actor())
    ghost = Identity(workspace_pk=good.workspace_pk, user_pk=9999, timezone="UTC")
    q, q2 = course.topics[0].quiz[:2]
    outcomes = await asyncio.gather(
        core.answers.record(Submission(good, _new(q, "i1", "d1"), core.clock())),
        core.answers.record(Submission(ghost, _new(q, "i2", "d2"), core.clock())),
        core.answers.record(Submission(good, _new(q2, "i3", "d3"), core.clock())),
        return_exceptions=True,
    )
    assert batch_sizes == [3, 1, 1, 1]  # the batch, then each of its answers alone
    assert isinstance(outcomes[1], RejectedValueError)
    assert isinstance(outcomes[0], Recorded)
    assert isinstance(outcomes[2], Recorded)
    assert outcomes[2].stats.points == quiz_points(True, q.difficulty) + quiz_points(True, q2.difficulty)
    assert await _count(core, Answer) == 2


async def test_a_full_queue_is_split_into_batches_of_the_maximum_size(
    core: Core, course: Course, batch_sizes: list[int]
) -> None:
    """Ten answers queued together through a batcher of at most three go in batches of three or fewer."""
    batcher = AnswerBatcher(core.unit_of_work, max_batch=3)
    identity = await core.identify(make_actor())
    q = course.topics[0].quiz[0]
    await asyncio.gather(
        *(batcher.record(Submission(identity, _new(q, f"i{n}", f"d{n}"), core.clock())) for n in range(10))
    )
    assert sum(batch_sizes) == 10
    assert max(batch_sizes) <= 3
    assert await _count(core, Answer) == 10


async def test_a_cancelled_caller_does_not_disturb_its_batch(core: Core, course: Course) -> None:
    """A caller cancelled while waiting leaves the other answers of its batch recorded."""
    identity = await core.identify(make_actor())
    q = course.topics[0].quiz[0]
    waiting = asyncio.ensure_future(core.answers.record(Submission(identity, _new(q, "i1", "d1"), core.clock())))
    other = asyncio.ensure_future(core.answers.record(Submission(identity, _new(q, "i2", "d2"), core.clock())))
    await asyncio.sleep(0)
    waiting.cancel()
    outcome = await other
    assert outcome.is_new
    assert waiting.cancelled()


async def test_batches_match_one_by_one_recording(
    core: Core, course: Course, clock: Clock, batch_sizes: list[int]
) -> None:
    """The same answers give the same totals and cards whether batched or recorded one at a time."""
    alone = await core.identify(make_actor("alone"))
    batched = await core.identify(make_actor("batched"))
    questions = course.topics[0].quiz[:3]
    plan = [(questions[n % 3], n % 4 == 1, clock.now + dt.timedelta(hours=20 * n)) for n in range(8)]

    def answer(n: int, q: QuizQuestion, wrong: bool, who: str) -> NewAnswer:
        return _new(q, f"{who}{n}", f"{who}-d{n}", (q.answer + 1) % 4 if wrong else None)

    for n, (q, wrong, when) in enumerate(plan):
        async with core.unit_of_work() as uow:
            await record_alone(uow.answers, alone, answer(n, q, wrong, "a"), when)
    await asyncio.gather(
        *(
            core.answers.record(Submission(batched, answer(n, q, wrong, "b"), when))
            for n, (q, wrong, when) in enumerate(plan)
        )
    )
    assert batch_sizes == [8]
    async with core.unit_of_work() as uow:
        assert await uow.learners.stats(alone.user_pk) == await uow.learners.stats(batched.user_pk)
        cards = (await uow.answers.session.scalars(select(ReviewState).order_by(ReviewState.question_id))).all()
    by_user = {
        u: [(c.question_id, c.card, c.due, c.reviews, c.lapses, c.last_correct_at) for c in cards if c.user_id == u]
        for u in (alone.user_pk, batched.user_pk)
    }
    assert by_user[alone.user_pk] == by_user[batched.user_pk]


async def test_two_processes_batching_the_same_learners_lose_nothing(
    core: Core, course: Course, db_url: str, clock: Clock
) -> None:
    """Two cores (as two processes) recording answers of the same learners at once never deadlock."""
    engine = create_engine(db_url, pool_size=5)
    other = Core(catalogue=Catalogue.of(course), sessions=session_factory(engine), clock=clock)
    try:
        actors = [make_actor(f"u{n}") for n in range(6)]
        questions = list(course.quiz_by_id.values())[:60]  # a different question for every answer
        expected = [0] * 6

        async def answer(c: Core, name: str, n: int, actor_index: int) -> None:
            actor, q = actors[actor_index], questions[n + (30 if name == "b" else 0)]
            expected[actor_index] += quiz_points(True, q.difficulty)
            await quiz.answer(c, actor, c.catalogue.default, q.id, f"{name}{n}", q.answer,
                              f"{name}:{actor.user_id}:{n}")

        await asyncio.gather(
            *(answer(core, "a", n, n % 6) for n in range(30)),
            *(answer(other, "b", n, 5 - n % 6) for n in range(30)),
        )
        async with core.unit_of_work() as uow:
            totals = [await uow.learners.stats((await core.identify(a)).user_pk) for a in actors]
    finally:
        await other.scores.drain()  # its last answers on the boards before its database closes
        await engine.dispose()
    assert [t.answers for t in totals] == [10] * 6
    assert [t.points for t in totals] == expected
    assert await _count(core, Answer) == 60


async def test_a_card_written_while_a_batch_waits_for_its_lock_is_not_lost(
    core: Core, course: Course, db_url: str, clock: Clock
) -> None:
    """An answer another process commits while a batch waits for the learner's lock counts on the card."""
    engine = create_engine(db_url, pool_size=2)
    other = Core(catalogue=Catalogue.of(course), sessions=session_factory(engine), clock=clock)
    q = course.topics[0].quiz[0]
    identity = await core.identify(make_actor())
    try:
        async with other.unit_of_work() as uow:
            await record_alone(uow.answers, identity, _new(q, "i1", "d1"), clock.now)
            batched = asyncio.ensure_future(core.answers.record(Submission(identity, _new(q, "i2", "d2"), clock.now)))
            await asyncio.sleep(0.3)
            assert not batched.done()
        outcome = await batched
    finally:
        await engine.dispose()
    # Had the batch missed the card the other process wrote, it would have taken the question for a new
    # one: reviewed it again and paid its points twice.
    assert outcome.stats.answers == 2
    assert outcome.stats.points == quiz_points(True, q.difficulty)
    async with core.unit_of_work() as uow:
        card = await uow.answers.session.scalar(select(ReviewState))
    assert card is not None
    assert card.reviews == 1


async def test_an_answer_recorded_alone_after_waiting_for_the_lock_sees_the_card(
    core: Core, course: Course, db_url: str, clock: Clock
) -> None:
    """The one-by-one path reads the card only once it holds the learner's lock.

    So an answer another process committed meanwhile counts: the repeat earns nothing and is not
    reviewed.
    """
    engine = create_engine(db_url, pool_size=2)
    other = Core(catalogue=Catalogue.of(course), sessions=session_factory(engine), clock=clock)
    q = course.topics[0].quiz[0]
    identity = await core.identify(make_actor())

    async def second() -> Recorded:
        async with core.unit_of_work() as uow:
            return await record_alone(uow.answers, identity, _new(q, "i2", "d2"), clock.now)

    try:
        async with other.unit_of_work() as uow:
            await record_alone(uow.answers, identity, _new(q, "i1", "d1"), clock.now)
            waiting = asyncio.ensure_future(second())
            await asyncio.sleep(0.3)
            assert not waiting.done()
        outcome = await waiting
    finally:
        await engine.dispose()
    async with core.unit_of_work() as uow:
        card = await uow.answers.session.scalar(select(ReviewState))
    assert outcome.stats.points == quiz_points(True, q.difficulty)
    assert card is not None
    assert card.reviews == 1


class HeldFirstCommit:
    """Units of work of which the first, once written, waits for `release` before it commits."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.written = asyncio.Event()
        self.release = asyncio.Event()
        self.batches = 0

    @asynccontextmanager
    async def _store(self) -> AsyncIterator[Stores]:
        self.batches += 1
        first = self.batches == 1
        async with self.core.unit_of_work() as uow:
            yield uow
            if first:
                self.written.set()
                await self.release.wait()

    def __call__(self) -> AbstractAsyncContextManager[Stores]:
        """A unit of work, held before its commit when it is the first."""
        return self._store()


@pytest.fixture
async def pg_core(course: Course, pg_url: str, clock: Clock) -> AsyncIterator[Core]:
    """A core on PostgreSQL, where batches of different learners can run side by side."""
    engine = create_engine(pg_url, pool_size=5)
    yield Core(catalogue=Catalogue.of(course), sessions=session_factory(engine), clock=clock)
    await engine.dispose()


async def test_the_next_batch_runs_while_the_previous_one_commits(pg_core: Core, course: Course) -> None:
    """A batch held just before its COMMIT doesn't hold up the next one, of another learner."""
    held = HeldFirstCommit(pg_core)
    batcher = AnswerBatcher(held)
    first = await pg_core.identify(make_actor("first"))
    second = await pg_core.identify(make_actor("second"))
    q = course.topics[0].quiz[0]
    waiting = asyncio.ensure_future(batcher.record(Submission(first, _new(q, "i1", "d1"), pg_core.clock())))
    await held.written.wait()
    other = await asyncio.wait_for(batcher.record(Submission(second, _new(q, "i2", "d2"), pg_core.clock())), 5)
    assert other.is_new
    assert not waiting.done()
    held.release.set()
    assert (await waiting).is_new


async def test_a_later_batch_of_the_same_learner_waits_for_the_earlier_commit(
    pg_core: Core, course: Course
) -> None:
    """The learner's next answer, in the next batch, waits for the held one and counts after it."""
    held = HeldFirstCommit(pg_core)
    batcher = AnswerBatcher(held)
    identity = await pg_core.identify(make_actor())
    q1, q2 = course.topics[0].quiz[:2]
    earlier = asyncio.ensure_future(batcher.record(Submission(identity, _new(q1, "i1", "d1"), pg_core.clock())))
    await held.written.wait()
    later = asyncio.ensure_future(batcher.record(Submission(identity, _new(q2, "i2", "d2"), pg_core.clock())))
    await asyncio.sleep(0.3)
    assert not later.done()
    held.release.set()
    assert (await earlier).stats.answers == 1
    outcome = await later
    assert outcome.stats.answers == 2
    assert outcome.stats.points == quiz_points(True, q1.difficulty) + quiz_points(True, q2.difficulty)
