"""Interview practice against a real database."""

from __future__ import annotations

from bot import actions
from bot.content.models import Course
from bot.messages import Kind
from bot.usecases import interview
from bot.usecases.context import Core
from tests.conftest import Clock, make_actor


async def test_interview_round_trip(core: Core, course: Course) -> None:
    """Question, reveal with rubric, self-grade: points and FSRS state recorded once."""
    actor = make_actor()
    question = await interview.next_interview(core, actor, core.catalogue.default, "valuetask-vs-task")
    assert question.kind is Kind.INTERVIEW
    reveal_action = actions.decode(question.buttons[0].action)
    assert isinstance(reveal_action, actions.Reveal)
    qid, instance = reveal_action.question_id, reveal_action.instance
    revealed = await interview.reveal(core.catalogue.default, qid, instance)
    assert course.interview_by_id[qid].model_answer in revealed.body
    assert [b.label for b in revealed.buttons] == ["Again", "Hard", "Good", "Easy"]
    graded = await interview.grade(core, actor, core.catalogue.default, qid, instance, "good", "d1")
    assert graded.title == "Graded: Good"
    assert graded.fields[0].value == "5 (+5)"
    async with core.unit_of_work() as uow:
        dues = await uow.learners.review_dues(1, core.catalogue.default.id)
    assert qid in dues


async def test_regrading_differently_is_refused(core: Core, course: Course) -> None:
    """A second, different grade for the same instance is refused and nothing changes."""
    actor = make_actor()
    qid = course.topics[0].interview[0].id
    await interview.grade(core, actor, core.catalogue.default, qid, "inst1", "easy", "d1")
    refused = await interview.grade(core, actor, core.catalogue.default, qid, "inst1", "again", "d2")
    assert refused.kind is Kind.ERROR
    async with core.unit_of_work() as uow:
        stats = await uow.learners.stats(1)
    assert stats is not None
    assert stats.points == 5


async def test_graded_question_is_not_offered_again_next(core: Core, course: Course) -> None:
    """After grading the first interview question Good, the next one offered is different."""
    actor = make_actor()
    first = course.topics[0].interview[0]
    await interview.grade(core, actor, core.catalogue.default, first.id, "inst1", "good", "d1")
    following = await interview.next_interview(core, actor, core.catalogue.default)
    assert first.prompt not in following.body


async def test_again_brings_the_question_back_soon(core: Core, course: Course, clock: Clock) -> None:
    """Graded Again, a question is due within the hour and offered first."""
    actor = make_actor()
    first = course.topics[0].interview[0]
    await interview.grade(core, actor, core.catalogue.default, first.id, "inst1", "again", "d1")
    clock.advance(minutes=15)
    assert first.prompt in (await interview.next_interview(core, actor, core.catalogue.default)).body


async def test_unknown_grade_is_a_friendly_error(core: Core, course: Course) -> None:
    """A grade that is not one of the four is refused."""
    message = await interview.grade(core, make_actor(), core.catalogue.default, course.topics[0].interview[0].id,
                                    "i", "superb", "d")
    assert message.kind is Kind.ERROR
