"""Quizzes end to end: `/study quiz`, answer buttons, double delivery and restarts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot import actions
from bot.content.models import Course
from bot.store.answers import StatsRow
from bot.store.models import Answer, User
from bot.usecases.context import Core
from tests.e2e.discord.discord_standin import MEMBER, Reply, StandIn


async def answers(core: Core) -> list[Answer]:
    """Every recorded answer."""
    async with core.unit_of_work() as uow:
        return list((await uow.answers.session.scalars(select(Answer).order_by(Answer.id))).all())


async def stats_of(core: Core, user_id: int) -> StatsRow | None:
    """The running totals of a Discord user."""
    async with core.unit_of_work() as uow:
        user = await uow.answers.session.scalar(select(User).where(User.external_id == str(user_id)))
        return await uow.learners.stats(user.id) if user else None


def answer_button(course: Course, question: Reply, right: bool) -> str:
    """The custom_id of the right (or a wrong) answer of the question shown."""
    first = actions.decode(question.buttons[0]["custom_id"])
    assert isinstance(first, actions.Answer)
    correct = course.quiz_by_id[first.question_id].answer
    for button in question.buttons:
        choice = actions.decode(button["custom_id"])
        assert isinstance(choice, actions.Answer)
        if (choice.choice == correct) == right:
            return str(button["custom_id"])
    raise AssertionError("no such button")


async def ask(standin: StandIn) -> Reply:
    """Run `/study quiz` as the member and return the question shown."""
    [reply] = await standin.answer(await standin.command(MEMBER, "quiz"))
    return reply


async def test_quiz_shows_question_with_one_button_per_choice(standin: StandIn, client: Any) -> None:
    """`/study quiz` answers privately with the question, its lettered choices and A-D buttons."""
    reply = await ask(standin)
    assert reply.ephemeral
    assert reply.type == 4
    assert reply.title.startswith("Quiz · ")
    assert "**A.**" in reply.text
    assert "**B.**" in reply.text
    assert [b["label"] for b in reply.buttons][:2] == ["A", "B"]
    assert all(isinstance(actions.decode(b["custom_id"]), actions.Answer) for b in reply.buttons)


async def test_right_answer_click_is_recorded_and_praised(standin: StandIn, client: Any, core: Core,
                                                          course: Course) -> None:
    """Clicking the right answer says so privately, offers the next question and stores the answer."""
    question = await ask(standin)
    iid = await standin.click(MEMBER, question, answer_button(course, question, right=True))
    [feedback] = await standin.answer(iid)
    assert feedback.ephemeral
    assert feedback.title == "✅ Correct!"
    assert "Points" in feedback.text
    assert "Streak" in feedback.text
    assert [b["label"] for b in feedback.buttons] == ["Next question"]
    [stored] = await answers(core)
    assert stored.correct
    assert stored.delivery_key == f"discord:{iid}"
    stats = await stats_of(core, MEMBER.id)
    assert stats is not None
    assert stats.answers == 1
    assert stats.correct == 1
    assert stats.points > 0


async def test_wrong_answer_click_shows_the_correct_choice(standin: StandIn, client: Any, core: Core,
                                                           course: Course) -> None:
    """A wrong answer shows the correct choice and the explanation, and is stored as wrong."""
    question = await ask(standin)
    iid = await standin.click(MEMBER, question, answer_button(course, question, right=False))
    [feedback] = await standin.answer(iid)
    assert feedback.title.startswith("❌ Not quite: the answer is ")
    assert "Your answer" in feedback.text
    [stored] = await answers(core)
    assert not stored.correct
    stats = await stats_of(core, MEMBER.id)
    assert stats is not None
    assert stats.answers == 1
    assert stats.correct == 0


async def test_same_click_delivered_twice_counts_once(standin: StandIn, client: Any, core: Core,
                                                      course: Course) -> None:
    """A redelivered interaction (same id) is answered again but recorded only once."""
    question = await ask(standin)
    custom_id = answer_button(course, question, right=True)
    iid = await standin.click(MEMBER, question, custom_id)
    await standin.answer(iid)
    await standin.click(MEMBER, question, custom_id, interaction_id=iid)
    first, second = await standin.answer(iid, count=2)
    assert first.title == second.title == "✅ Correct!"
    assert "already counted" in second.text
    assert len(await answers(core)) == 1
    stats = await stats_of(core, MEMBER.id)
    assert stats is not None
    assert stats.answers == 1


async def test_double_click_counts_once(standin: StandIn, client: Any, core: Core, course: Course) -> None:
    """Two clicks (two interactions) on the same answer record it once."""
    question = await ask(standin)
    custom_id = answer_button(course, question, right=True)
    first = await standin.click(MEMBER, question, custom_id)
    second = await standin.click(MEMBER, question, custom_id)
    await standin.answer(first)
    [again] = await standin.answer(second)
    assert again.title == "✅ Correct!"
    assert len(await answers(core)) == 1


async def test_button_from_before_a_restart_still_works(standin: StandIn, start_client: Any, core: Core,
                                                        course: Course) -> None:
    """A question shown by one client is answered through a brand-new client after a restart."""
    first = await start_client()
    question = await ask(standin)
    await first.close()
    await standin.wait_for(lambda: not standin.sockets)
    second = await start_client()
    assert second is not first
    iid = await standin.click(MEMBER, question, answer_button(course, question, right=True))
    [feedback] = await standin.answer(iid)
    assert feedback.title == "✅ Correct!"
    [stored] = await answers(core)
    assert stored.delivery_key == f"discord:{iid}"


async def test_next_question_button_asks_again(standin: StandIn, client: Any, course: Course) -> None:
    """The "Next question" button under feedback shows a new question with its buttons."""
    question = await ask(standin)
    feedback_id = await standin.click(MEMBER, question, answer_button(course, question, right=True))
    [feedback] = await standin.answer(feedback_id)
    iid = await standin.click(MEMBER, feedback, feedback.buttons[0]["custom_id"])
    [again] = await standin.answer(iid)
    assert again.title.startswith("Quiz · ")
    assert again.buttons[0]["custom_id"] != question.buttons[0]["custom_id"]
