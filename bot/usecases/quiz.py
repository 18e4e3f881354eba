"""Quizzes: the next question for a learner, and recording their answer exactly once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot import actions
from bot.content.models import Course, QuizQuestion
from bot.domain import srs
from bot.domain.points import quiz_points
from bot.domain.selection import pick_next
from bot.messages import LETTERS, Button, Choice, Field, Kind, Message, Style, error, info
from bot.store.answers import StatsRow
from bot.usecases.context import Actor, Core
from bot.usecases.courses import other_courses
from bot.usecases.format import difficulty_label, local_time, plural, topic_footer
from bot.usecases.recording import NewAnswer, Submission
from bot.usecases.topics import TopicNotFound, find_topic


def question_message(course: Course, question: QuizQuestion, instance: str, scoped: bool) -> Message:
    """A quiz question with one button per choice."""
    topic = course.topic_by_id[question.topic_id]
    return Message(
        kind=Kind.QUIZ,
        title=f"Quiz · {topic.title}",
        body=question.prompt,
        choices=tuple(Choice(LETTERS[i], c) for i, c in enumerate(question.choices)),
        buttons=tuple(
            Button(LETTERS[i], actions.Answer(question.id, instance, i, scoped, course=course.key).encode())
            for i in range(len(question.choices))
        ),
        footer=f"{topic_footer(course, topic)} · difficulty {difficulty_label(question.difficulty)}",
    )


async def next_question(core: Core, actor: Actor, course: Course, query: str | None = None) -> Message:
    """The question of `course` that is best for the learner now, optionally within one topic."""
    candidates: Sequence[str] = course.quiz_ids
    scoped = False
    if query:
        found = find_topic(course, query)
        if isinstance(found, TopicNotFound):
            return found.message(actions.QuizTopic, other_courses(core.catalogue, course, "quiz"))
        if not found.quiz:
            return info(f"No quiz for “{found.title}” yet", "Its questions are still being written.")
        candidates = [q.id for q in found.quiz]
        scoped = True
    if not candidates:
        return info("This course has no quiz questions", "Its topics hold cards: try `/study interview`.",
                    buttons=(Button("Study cards", actions.Interview(course=course.key).encode(), Style.PRIMARY),))
    identity = await core.identify(actor)
    async with core.reading() as uow:
        dues = await uow.learners.review_dues(identity.user_pk, course.id)
        pick = pick_next(candidates, dues, core.clock())
        results = (await uow.learners.last_quiz_results(identity.user_pk, course.id, candidates)
                   if pick.question_id is None else {})
    if pick.question_id is None:
        right = sum(results.values())
        return caught_up(course, right, len(results) - right, pick.next_due, core.clock(), identity.timezone,
                         bool(query))
    return question_message(course, course.quiz_by_id[pick.question_id], actions.new_instance(), scoped)


def caught_up(
    course: Course, right: int, wrong: int, next_due: dt.datetime | None, now: dt.datetime, tz: str, scoped: bool
) -> Message:
    """Nothing is due: how the latest answers went, and when the next review falls due."""
    scope = " in this topic" if scoped else ""
    if not wrong:
        how = f"You have answered every question{scope} recently and got them all right."
    else:
        how = (
            f"You have answered every question{scope} recently: {right} right and {wrong} wrong "
            "on your last try. The ones you missed come back first."
        )
    when = ""
    if next_due is not None:
        when = f" The next review is due {local_time(next_due, tz, now)}."
    return info(
        "You're all caught up!",
        f"{how}{when}\n\nTry `/study interview` or another topic in the meantime.",
        buttons=(Button("Interview question", actions.Interview(course=course.key).encode()),),
    )


async def answer(
    core: Core,
    actor: Actor,
    course: Course,
    question_id: str,
    instance: str,
    choice: int,
    delivery_key: str,
    scoped: bool = False,
) -> Message:
    """Record an answer to a question of `course` once per question instance and say how it went."""
    question = course.quiz_by_id.get(question_id)
    if question is None:
        return retired(course, "so it was not counted")
    if not 0 <= choice < len(question.choices):
        return error("That is not one of the choices", "Pick one of the buttons under the question.")
    identity = await core.identify(actor)
    new = quiz_answer(course.id, question, instance, delivery_key, choice)
    outcome = await core.answers.record(Submission(identity, new, core.clock()))
    earlier = outcome.earlier
    if earlier is not None and (earlier.choice != choice or earlier.question_id != question.id):
        return error(
            "You already answered this question",
            f"Your answer was **{LETTERS[earlier.choice]}**, and answers can't be changed. "
            "Ask for `/study quiz` to get a new question.",
        )
    earned = outcome.points if outcome.is_new else None
    return feedback_message(course, question, choice, outcome.stats, scoped, earned=earned)


def retired(course: Course, outcome: str) -> Message:
    """A quiz question that is no longer in the course: what became of the click, and a way on."""
    return info(
        "That question has been retired",
        f"It is no longer part of the course, {outcome}.",
        buttons=(Button("Next question", actions.NextQuiz(course=course.key).encode(), Style.PRIMARY),),
    )


async def ask_again(course: Course, question_id: str) -> Message:
    """A question asked anew, as a fresh showing ("Try again" on a mistake).

    Its card decides what an answer is worth: answered before it is due again, it counts for the
    streak and accuracy but earns no points, as for any question answered early.
    """
    question = course.quiz_by_id.get(question_id)
    if question is None:
        return retired(course, "so it can't be asked again")
    return question_message(course, question, actions.new_instance(), scoped=False)


def quiz_answer(course_id: str, question: QuizQuestion, instance: str, delivery_key: str, choice: int) -> NewAnswer:
    """What a choice for a quiz question of that course records: right or wrong, its points and its FSRS rating."""
    correct = choice == question.answer
    return NewAnswer(
        course_id=course_id,
        question_id=question.id,
        topic_id=question.topic_id,
        kind="quiz",
        instance=instance,
        delivery_key=delivery_key,
        choice=choice,
        correct=correct,
        points=quiz_points(correct, question.difficulty),
        rating=srs.rating_for_answer(correct),
    )


def feedback_message(
    course: Course,
    question: QuizQuestion,
    choice: int,
    stats: StatsRow,
    scoped: bool,
    earned: int | None,
) -> Message:
    """Right or wrong, the correct choice, the explanation, and points and streak now."""
    correct = choice == question.answer
    letter = LETTERS[question.answer]
    title = "✅ Correct!" if correct else f"❌ Not quite: the answer is {letter}"
    body = f"**{letter}. {question.correct_choice}**\n\n{question.explanation}"
    gained = "already counted" if earned is None else f"+{earned}"
    if earned == 0 and correct:
        gained += ", answered again before it was due"
    fields: tuple[Field, ...] = (
        Field("Points", f"{stats.points} ({gained})"),
        Field("Streak", plural(stats.current_streak, "day")),
    )
    if not correct:
        fields = (Field("Your answer", f"{LETTERS[choice]}. {question.choices[choice]}", inline=False), *fields)
    topic = course.topic_by_id[question.topic_id]
    return Message(
        kind=Kind.FEEDBACK,
        title=title,
        body=body,
        fields=tuple(fields),
        buttons=(Button("Next question", actions.NextQuiz(topic.id if scoped else "", course=course.key).encode(),
                        Style.PRIMARY),),
        footer=topic_footer(course, topic),
    )
