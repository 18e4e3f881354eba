"""Quiz use cases against a real database: selection, answering once, feedback."""

from __future__ import annotations

import asyncio
import datetime as dt
import re

from sqlalchemy import func, select

from bot import actions
from bot.app import StudyBot
from bot.content.models import Course
from bot.messages import Kind
from bot.store.models import Answer, ReviewState, UserStats
from bot.usecases import quiz
from bot.usecases.context import Core
from tests.conftest import Clock, make_actor


def _answer_args(message_action: str) -> tuple[str, str, int]:
    action = actions.decode(message_action)
    assert isinstance(action, actions.Answer)
    return action.question_id, action.instance, action.choice


async def _count(core: Core, model: type, **where: object) -> int:
    async with core.unit_of_work() as uow:
        stmt = select(func.count()).select_from(model)
        for key, value in where.items():
            stmt = stmt.where(getattr(model, key) == value)
        return int(await uow.answers.session.scalar(stmt) or 0)


async def test_first_quiz_is_the_first_question_of_the_syllabus(core: Core, course: Course) -> None:
    """A new learner starts at the first question of the first topic."""
    message = await quiz.next_question(core, make_actor(), core.catalogue.default)
    assert message.kind is Kind.QUIZ
    first = course.topics[0].quiz[0]
    assert message.body == first.prompt
    assert [b.label for b in message.buttons] == ["A", "B", "C", "D"]


async def test_right_answer_earns_points_and_starts_streak(core: Core, course: Course) -> None:
    """A right answer says so, adds 10 points per difficulty level and starts a 1-day streak."""
    actor = make_actor()
    question = await quiz.next_question(core, actor, core.catalogue.default)
    qid, instance, _ = _answer_args(question.buttons[0].action)
    right = course.quiz_by_id[qid].answer
    feedback = await quiz.answer(core, actor, core.catalogue.default, qid, instance, right, "d1")
    assert feedback.title.startswith("✅")
    expected = 10 * course.quiz_by_id[qid].difficulty
    assert f"+{expected}" in feedback.fields[0].value
    assert feedback.fields[1].value == "1 day"
    async with core.unit_of_work() as uow:
        stats = await uow.answers.session.get(UserStats, 1)
        assert stats is not None
        assert stats.points == expected
        assert stats.current_streak == 1


async def test_wrong_answer_shows_correct_choice_and_explanation(
    core: Core, course: Course
) -> None:
    """A wrong answer names the correct choice and gives the explanation."""
    actor = make_actor()
    q = course.topics[0].quiz[0]
    wrong = (q.answer + 1) % 4
    feedback = await quiz.answer(core, actor, core.catalogue.default, q.id, "inst1", wrong, "d1")
    assert feedback.kind is Kind.FEEDBACK
    assert feedback.title.endswith(f"the answer is {'ABCD'[q.answer]}")
    assert q.correct_choice in feedback.body
    assert q.explanation in feedback.body


async def test_same_delivery_twice_counts_once(core: Core, course: Course) -> None:
    """A retried delivery of the same click records one answer and the same points."""
    actor = make_actor()
    q = course.topics[0].quiz[0]
    await quiz.answer(core, actor, core.catalogue.default, q.id, "inst1", q.answer, "delivery-1")
    again = await quiz.answer(core, actor, core.catalogue.default, q.id, "inst1", q.answer, "delivery-1")
    assert "already counted" in again.fields[0].value
    assert await _count(core, Answer) == 1
    async with core.unit_of_work() as uow:
        stats = await uow.learners.stats(1)
        assert stats is not None
        assert stats.points == 10 * q.difficulty
        assert stats.answers == 1


async def test_double_click_with_new_delivery_counts_once(core: Core, course: Course) -> None:
    """Two clicks on the same button (two deliveries) count once."""
    actor = make_actor()
    q = course.topics[0].quiz[0]
    await quiz.answer(core, actor, core.catalogue.default, q.id, "inst1", q.answer, "click-1")
    await quiz.answer(core, actor, core.catalogue.default, q.id, "inst1", q.answer, "click-2")
    assert await _count(core, Answer) == 1


async def test_changed_answer_is_refused(core: Core, course: Course) -> None:
    """A second, different answer to the same question instance is refused politely."""
    actor = make_actor()
    q = course.topics[0].quiz[0]
    await quiz.answer(core, actor, core.catalogue.default, q.id, "inst1", q.answer, "click-1")
    refused = await quiz.answer(core, actor, core.catalogue.default, q.id, "inst1", (q.answer + 1) % 4, "click-2")
    assert refused.kind is Kind.ERROR
    assert "already answered" in refused.title
    async with core.unit_of_work() as uow:
        [stored] = await uow.answers.answers_matching([(1, "inst1")], [])
        assert stored.choice == q.answer


async def test_right_answer_is_not_asked_again_soon(
    core: Core, course: Course, clock: Clock
) -> None:
    """A question answered right does not come back the next hour."""
    actor = make_actor()
    q = course.topics[0].quiz[0]
    await quiz.answer(core, actor, core.catalogue.default, q.id, "inst1", q.answer, "d1")
    clock.advance(hours=1)
    following = await quiz.next_question(core, actor, core.catalogue.default)
    assert following.body != q.prompt


async def test_missed_question_comes_back_first_when_due(
    core: Core, course: Course, clock: Clock
) -> None:
    """A missed question is due again after ten minutes and then comes before unseen ones."""
    actor = make_actor()
    q = course.topics[0].quiz[0]
    await quiz.answer(core, actor, core.catalogue.default, q.id, "inst1", (q.answer + 1) % 4, "d1")
    assert (await quiz.next_question(core, actor, core.catalogue.default)).body != q.prompt
    clock.advance(minutes=11)
    assert (await quiz.next_question(core, actor, core.catalogue.default)).body == q.prompt


async def test_topic_quiz_stays_in_topic(core: Core, course: Course) -> None:
    """`/study quiz <topic>` asks a question of that topic, and its Next button keeps the topic."""
    actor = make_actor()
    topic = course.topic_by_id["valuetask-vs-task"]
    message = await quiz.next_question(core, actor, core.catalogue.default, "valuetask-vs-task")
    assert message.body == topic.quiz[0].prompt
    qid, instance, _ = _answer_args(message.buttons[0].action)
    feedback = await quiz.answer(core, actor, core.catalogue.default, qid, instance, 0, "d1", scoped=True)
    assert actions.decode(feedback.buttons[0].action) == actions.NextQuiz("valuetask-vs-task", course=course.key)


async def test_caught_up_when_topic_is_mastered(core: Core, course: Course) -> None:
    """When every question of a topic was answered right, the learner is told they are caught up."""
    actor = make_actor()
    topic = course.topic_by_id["valuetask-vs-task"]
    for n, q in enumerate(topic.quiz):
        await quiz.answer(core, actor, core.catalogue.default, q.id, f"inst{n}", q.answer, f"d{n}")
    message = await quiz.next_question(core, actor, core.catalogue.default, topic.id)
    assert message.title == "You're all caught up!"
    assert "next review is due" in message.body


async def test_unknown_topic_suggests_close_ids(core: Core) -> None:
    """A misspelt topic gets a friendly error naming the closest topic ids."""
    message = await quiz.next_question(core, make_actor(), core.catalogue.default, "valutask")
    assert message.kind is Kind.ERROR
    assert "valuetask-vs-task" in message.body


async def test_retired_question_is_skipped_gracefully(core: Core) -> None:
    """A click on a question removed from the content is not counted and says so."""
    message = await quiz.answer(core, make_actor(), core.catalogue.default, "gone-topic.q9", "inst1", 0, "d1")
    assert message.title == "That question has been retired"
    assert await _count(core, Answer) == 0


async def test_review_state_is_written_per_question(core: Core, course: Course) -> None:
    """An answer creates the learner's FSRS card for that question."""
    q = course.topics[0].quiz[0]
    await quiz.answer(core, make_actor(), core.catalogue.default, q.id, "inst1", q.answer, "d1")
    assert await _count(core, ReviewState, question_id=q.id) == 1


async def test_button_click_routes_to_answer(studybot: StudyBot, course: Course) -> None:
    """A click on an answer button goes through StudyBot.click and records the answer."""
    actor = make_actor()
    question = await studybot.dispatch(actor, "/study quiz")
    q = course.topics[0].quiz[0]
    feedback = await studybot.click(actor, question.buttons[q.answer].action, "click-1")
    assert feedback.title == "✅ Correct!"


async def test_same_question_opened_twice_scores_once(core: Core, course: Course) -> None:
    """Two open copies of one question both answered right: points once, both answers kept."""
    actor = make_actor()
    first = await quiz.next_question(core, actor, core.catalogue.default)
    second = await quiz.next_question(core, actor, core.catalogue.default)
    assert first.body == second.body
    q = course.topics[0].quiz[0]
    one = await quiz.answer(core, actor, core.catalogue.default, *_answer_args(first.buttons[q.answer].action), "d1")
    two = await quiz.answer(core, actor, core.catalogue.default, *_answer_args(second.buttons[q.answer].action), "d2")
    assert f"+{10 * q.difficulty}" in one.fields[0].value
    assert "+0, answered again before it was due" in two.fields[0].value
    async with core.unit_of_work() as uow:
        stats = await uow.learners.stats(1)
        points = (await uow.answers.session.scalars(select(Answer.points).order_by(Answer.id))).all()
    assert stats.points == 10 * q.difficulty
    assert list(points) == [10 * q.difficulty, 0]


async def test_same_question_opened_twice_scores_once_when_answered_together(core: Core, course: Course) -> None:
    """The same, with both answers arriving at once (one batch): points once."""
    actor = make_actor()
    q = course.topics[0].quiz[0]
    await asyncio.gather(
        quiz.answer(core, actor, core.catalogue.default, q.id, "copy-1", q.answer, "d1"),
        quiz.answer(core, actor, core.catalogue.default, q.id, "copy-2", q.answer, "d2"),
    )
    async with core.unit_of_work() as uow:
        stats = await uow.learners.stats(1)
    assert stats.points == 10 * q.difficulty


async def test_caught_up_after_wrong_answers_counts_right_and_wrong(core: Core, course: Course,
                                                                     clock: Clock) -> None:
    """With two of six answered wrong, the caught-up message says 4 right and 2 wrong, not "got them right"."""
    actor = make_actor()
    topic = course.topic_by_id["valuetask-vs-task"]
    for n, q in enumerate(topic.quiz):
        choice = q.answer if n >= 2 else (q.answer + 1) % len(q.choices)
        await quiz.answer(core, actor, core.catalogue.default, q.id, f"inst{n}", choice, f"d{n}")
    async with core.unit_of_work() as uow:
        dues = await uow.learners.review_dues((await core.identify(actor)).user_pk, core.catalogue.default.id)
    clock.now = min(dues.values()) - dt.timedelta(seconds=1)  # nothing due yet
    message = await quiz.next_question(core, actor, core.catalogue.default, topic.id)
    assert message.title == "You're all caught up!"
    assert "4 right and 2 wrong on your last try" in message.body
    assert "got them" not in message.body


async def test_next_review_time_names_its_timezone(core: Core, course: Course, clock: Clock) -> None:
    """The next review is shown in the learner's timezone, named, with how far off it is."""
    actor = make_actor(tz="Europe/London")
    topic = course.topic_by_id["valuetask-vs-task"]
    for n, q in enumerate(topic.quiz):
        await quiz.answer(core, actor, core.catalogue.default, q.id, f"inst{n}", q.answer, f"d{n}")
    message = await quiz.next_question(core, actor, core.catalogue.default, topic.id)
    assert "got them all right" in message.body
    assert re.search(r"The next review is due \w{3} \d{2} \w{3}, \d{2}:\d{2} Europe/London \(in \d+ \w+\)\.",
                     message.body), message.body
