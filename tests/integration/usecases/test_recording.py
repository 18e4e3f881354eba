"""What recording answers counts on each card (its quiz answers and the right ones) and on each day."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.content.models import Course, QuizQuestion
from bot.store.models import ReviewState
from bot.usecases import interview, quiz
from bot.usecases.context import Core, Identity
from bot.usecases.recording import NewAnswer, Submission, record_many
from tests.conftest import Clock, make_actor


def _quiz(core: Core, question: QuizQuestion, n: int, right: bool = True) -> NewAnswer:
    """A quiz answer to `question`, shown as its own instance with its own delivery."""
    choice = question.answer if right else (question.answer + 1) % len(question.choices)
    return quiz.quiz_answer(core.catalogue.default.id, question, f"i{n}", f"d{n}", choice)


async def _record(core: Core, identity: Identity, *answers: NewAnswer) -> None:
    """Record the answers as one batch, in one transaction."""
    async with core.unit_of_work() as uow:
        await record_many(uow.answers, [Submission(identity, a, core.clock()) for a in answers])


async def _counts(core: Core, question_id: str) -> tuple[int, int, int]:
    """The card's quiz answers, right ones, and reviews."""
    async with core.reading() as uow:
        row = (await uow.answers.session.execute(
            select(ReviewState.quiz_answers, ReviewState.quiz_right, ReviewState.reviews)
            .where(ReviewState.question_id == question_id)
        )).one()
    return int(row[0]), int(row[1]), int(row[2])


async def test_a_right_answer_counts_one_answer_and_one_right(core: Core, course: Course) -> None:
    """A first right answer makes a card with one quiz answer, right."""
    identity = await core.identify(make_actor())
    q = course.topics[0].quiz[0]
    await _record(core, identity, _quiz(core, q, 1))
    assert await _counts(core, q.id) == (1, 1, 1)


async def test_a_wrong_answer_counts_one_answer_and_none_right(core: Core, course: Course) -> None:
    """A first wrong answer makes a card with one quiz answer, none right."""
    identity = await core.identify(make_actor())
    q = course.topics[0].quiz[0]
    await _record(core, identity, _quiz(core, q, 1, right=False))
    assert await _counts(core, q.id) == (1, 0, 1)


async def test_an_early_repeat_counts_though_the_review_is_left_alone(
    core: Core, course: Course, clock: Clock
) -> None:
    """Answered again before it is due, the card keeps its review but counts the answer (and adds to it)."""
    identity = await core.identify(make_actor())
    q = course.topics[0].quiz[0]
    await _record(core, identity, _quiz(core, q, 1))
    clock.advance(minutes=1)
    await _record(core, identity, _quiz(core, q, 2, right=False))
    assert await _counts(core, q.id) == (2, 1, 1)


async def test_an_interview_grade_counts_no_quiz_answer(core: Core, course: Course) -> None:
    """A self-graded interview question gets a card with no quiz answers."""
    actor = make_actor()
    qid = course.topics[0].interview[0].id
    await interview.grade(core, actor, core.catalogue.default, qid, "inst1", "good", "d1")
    assert await _counts(core, qid) == (0, 0, 1)


async def test_a_delivery_recorded_twice_counts_once(core: Core, course: Course) -> None:
    """The same answer delivered again (same instance and delivery) is refused and not counted again."""
    identity = await core.identify(make_actor())
    q = course.topics[0].quiz[0]
    await _record(core, identity, _quiz(core, q, 1))
    await _record(core, identity, _quiz(core, q, 1))
    assert await _counts(core, q.id) == (1, 1, 1)


async def test_two_answers_to_one_card_in_a_batch_both_count(core: Core, course: Course) -> None:
    """A right and a wrong answer to one question in one batch: the card counts two answers, one right."""
    identity = await core.identify(make_actor())
    q = course.topics[0].quiz[0]
    await _record(core, identity, _quiz(core, q, 1), _quiz(core, q, 2, right=False))
    assert await _counts(core, q.id) == (2, 1, 1)


async def _days(core: Core, identity: Identity) -> dict[dt.date, int]:
    """The learner's answers per day, as their stats row keeps them."""
    async with core.reading() as uow:
        return dict((await uow.learners.stats(identity.user_pk)).recent_days)


async def test_answers_count_on_the_learners_own_days(core: Core, course: Course, clock: Clock) -> None:
    """At 23:30 and 00:30 in Tokyo, a quiz answer and an interview grade fall on two days; a repeat is not counted."""
    actor = make_actor(tz="Asia/Tokyo")
    identity = await core.identify(actor)
    clock.now = dt.datetime(2026, 12, 1, 14, 30, tzinfo=dt.UTC)  # 23:30 in Tokyo
    q = course.topics[0].quiz[0]
    await _record(core, identity, _quiz(core, q, 1))
    await _record(core, identity, _quiz(core, q, 1))
    clock.advance(hours=1)
    await interview.grade(core, actor, core.catalogue.default, course.topics[0].interview[0].id, "g1", "good", "gd1")
    assert await _days(core, identity) == {dt.date(2026, 12, 1): 1, dt.date(2026, 12, 2): 1}
