"""Self-graded practice: an interview question or a card, its answer, and a self-grade that feeds FSRS.

Interview questions and cards go the same way: shown, revealed, graded Again / Hard / Good / Easy.
"""

from __future__ import annotations

from bot import actions
from bot.content.models import Card, Course, SelfGraded
from bot.domain.points import interview_points
from bot.domain.selection import pick_next
from bot.domain.srs import Grade
from bot.messages import Button, Field, Kind, Message, Style, error, info
from bot.usecases.context import Actor, Core
from bot.usecases.courses import other_courses
from bot.usecases.format import plural, topic_footer
from bot.usecases.recording import NewAnswer, Submission
from bot.usecases.topics import TopicNotFound, find_topic

GRADES = tuple(Grade)
GRADE_STYLES = {
    Grade.AGAIN: Style.DANGER,
    Grade.HARD: Style.SECONDARY,
    Grade.GOOD: Style.SUCCESS,
    Grade.EASY: Style.PRIMARY,
}
ADVICE = {
    Grade.AGAIN: "No worries: this one comes back soon. Re-read the model answer once more.",
    Grade.HARD: "Nearly there. It will come back in a few days.",
    Grade.GOOD: "Well done. It will come back when it is about to fade.",
    Grade.EASY: "Great! It will not come back for a while.",
}


def interview_message(course: Course, question: SelfGraded, instance: str) -> Message:
    """The open question (or a card's front) with a button to reveal the answer."""
    topic = course.topic_by_id[question.topic_id]
    reveal = actions.Reveal(question.id, instance, course=course.key).encode()
    if isinstance(question, Card):
        return Message(
            kind=Kind.INTERVIEW,
            title=f"Card · {topic.title}",
            body=f"{question.front}\n\n_Recall the answer, then turn the card over._",
            buttons=(Button("Show the answer", reveal, Style.PRIMARY),),
            footer=topic_footer(course, topic),
        )
    return Message(
        kind=Kind.INTERVIEW,
        title=f"Interview · {topic.title}",
        body=f"{question.prompt}\n\n_Think it through (or say it out loud), then reveal the model answer._",
        buttons=(Button("Reveal model answer", reveal, Style.PRIMARY),),
        footer=topic_footer(course, topic),
    )


def reveal_message(course: Course, question: SelfGraded, instance: str) -> Message:
    """The model answer and rubric (or the card's back), with self-grade buttons."""
    topic = course.topic_by_id[question.topic_id]
    grades = tuple(
        Button(g.value.capitalize(), actions.Grade(question.id, instance, g.value, course=course.key).encode(),
               GRADE_STYLES[g])
        for g in GRADES
    )
    footer = "How well did you do? Your grade decides when this question comes back."
    if isinstance(question, Card):
        return Message(kind=Kind.REVEAL, title=f"Answer · {topic.title}",
                       body=f"**Q:** {question.front}\n\n{question.back}", buttons=grades,
                       footer=footer.replace("this question", "this card"))
    return Message(
        kind=Kind.REVEAL,
        title=f"Model answer · {topic.title}",
        body=f"**Q:** {question.prompt}\n\n{question.model_answer}",
        fields=(
            Field("A good answer makes these points", "\n".join(f"- {r}" for r in question.rubric), inline=False),
        ),
        buttons=grades,
        footer=footer,
    )


async def next_interview(core: Core, actor: Actor, course: Course, query: str | None = None) -> Message:
    """An interview question or card of `course`: due ones first, then unseen, optionally within one topic."""
    candidates = [q.id for t in course.topics for q in t.self_graded]
    if query:
        found = find_topic(course, query)
        if isinstance(found, TopicNotFound):
            return found.message(actions.Interview, other_courses(core.catalogue, course, "interview"))
        candidates = [q.id for q in found.self_graded]
        if not candidates:
            return info(f"No interview questions for “{found.title}” yet")
    if not candidates:
        return info("This course has no interview questions or cards yet", "Try `/study quiz` or `/study lesson`.")
    identity = await core.identify(actor)
    async with core.unit_of_work() as uow:
        dues = await uow.learners.review_dues(identity.user_pk, course.id)
    pick = pick_next(candidates, dues, core.clock())
    question_id = pick.question_id
    if question_id is None:
        # Interview practice is open-ended: offer the one that falls due first.
        question_id = min((q for q in candidates if q in dues), key=lambda q: dues[q])
    return interview_message(course, course.self_graded_by_id[question_id], actions.new_instance())


async def reveal(course: Course, question_id: str, instance: str) -> Message:
    """The model answer of an interview question, or the back of a card."""
    question = course.self_graded_by_id.get(question_id)
    if question is None:
        return _retired()
    return reveal_message(course, question, instance)


async def grade(
    core: Core, actor: Actor, course: Course, question_id: str, instance: str, grade_name: str, delivery_key: str
) -> Message:
    """Record a self-grade once per question (or card) instance."""
    question = course.self_graded_by_id.get(question_id)
    if question is None:
        return _retired()
    try:
        chosen = Grade(grade_name)
    except ValueError:
        return error("That is not a grade", "Pick Again, Hard, Good or Easy.")
    identity = await core.identify(actor)
    index = GRADES.index(chosen)
    new = NewAnswer(
        course_id=course.id,
        question_id=question.id,
        topic_id=question.topic_id,
        kind="card" if isinstance(question, Card) else "interview",
        instance=instance,
        delivery_key=delivery_key,
        choice=index,
        correct=chosen in (Grade.GOOD, Grade.EASY),
        points=interview_points(),
        rating=chosen.rating,
    )
    outcome = await core.answers.record(Submission(identity, new, core.clock()))
    earlier = outcome.earlier
    if earlier is not None and (earlier.choice != index or earlier.question_id != question.id):
        return error(
            "You already graded this answer",
            f"You chose **{GRADES[earlier.choice].value.capitalize()}**; grades can't be changed.",
        )
    stats = outcome.stats
    gained = f"+{outcome.points}" if outcome.is_new else "already counted"
    if outcome.is_new and outcome.points == 0:
        gained += ", practised again before it was due"
    points, streak = stats.points, stats.current_streak
    topic = course.topic_by_id[question.topic_id]
    return Message(
        kind=Kind.GRADED,
        title=f"Graded: {chosen.value.capitalize()}",
        body=ADVICE[chosen],
        fields=(Field("Points", f"{points} ({gained})"), Field("Streak", plural(streak, "day"))),
        buttons=(
            Button("Another card" if isinstance(question, Card) else "Another interview question",
                   actions.Interview(course=course.key).encode(), Style.PRIMARY),
            *((Button("Quiz me", actions.NextQuiz(course=course.key).encode()),) if course.quiz_by_id else ()),
        ),
        footer=topic_footer(course, topic),
    )


def _retired() -> Message:
    return info("That question has been retired", "It is no longer part of the course; try `/study interview`.")
