"""Reviewing mistakes (`/study review`) and the learner's own review queue (the drop's "My reviews")."""

from __future__ import annotations

import datetime as dt

from bot import actions
from bot.content.models import Course, QuizQuestion
from bot.messages import LETTERS, Button, Field, Kind, Message, Style, info
from bot.store.learners import Mistake
from bot.usecases.context import Actor, Core
from bot.usecases.format import local_time, plural, relative

PAGE_SIZE = 5
"""Mistakes on one page: with their Try again buttons they stay well within Slack's 50 blocks and
Discord's 5 rows of buttons, and a page of long explanations still reads as one message."""
DUE_LISTED = 10
"""Topics named in the review queue; the others are counted."""


async def review(core: Core, actor: Actor, course: Course, page_text: str | None = None) -> Message:
    """The first page of the learner's mistakes in `course` (or the page typed, counting from 1)."""
    page = 0
    if page_text:
        if not (page_text.isascii() and page_text.isdigit()) or not 1 <= int(page_text) <= 999:
            return info(f"“{page_text}” is not a page number", "Use `/study review` or `/study review 2`.")
        page = int(page_text) - 1
    return await mistakes(core, actor, course, page)


async def mistakes(core: Core, actor: Actor, course: Course, page: int = 0) -> Message:
    """One page of the learner's quiz questions of `course` answered wrong and not right since, newest first.

    Questions no longer in the course are left out.
    """
    identity = await core.identify(actor)
    async with core.reading() as uow:
        found = [m for m in await uow.learners.mistakes(identity.user_pk, course.id)
                 if m.question_id in course.quiz_by_id]
    return mistakes_message(course, found, page, core.clock())


def mistakes_message(course: Course, found: list[Mistake], page: int, now: dt.datetime) -> Message:
    """One page of mistakes (those of the course, newest first), with Try again buttons and pages to move to."""
    if not found:
        return info(
            "No mistakes to review",
            "Every quiz question you answered wrong, you have answered right since. Well done!",
            buttons=(Button("Quiz me", actions.NextQuiz(course=course.key).encode(), Style.PRIMARY),),
        )
    pages = -(-len(found) // PAGE_SIZE)
    page = min(page, pages - 1)
    start = page * PAGE_SIZE
    shown = found[start:start + PAGE_SIZE]
    body = "\n\n".join(_mistake(course, start + i + 1, m, now) for i, m in enumerate(shown))
    later = len(found) - start - len(shown)
    if later:
        body += f"\n\n…and {later} more. **Older mistakes** shows the next {min(later, PAGE_SIZE)}."
    buttons = [
        Button(f"Try again {start + i + 1}", actions.Retry(m.question_id, course=course.key).encode(), Style.PRIMARY,
               row=0)
        for i, m in enumerate(shown)
    ]
    if page:
        buttons.append(Button("Newer mistakes", actions.Mistakes(page - 1, course=course.key).encode(), row=1))
    if later:
        buttons.append(Button("Older mistakes", actions.Mistakes(page + 1, course=course.key).encode(), row=1))
    return Message(
        kind=Kind.REVIEW,
        title=f"Your mistakes to review ({len(found)})",
        body=body,
        buttons=tuple(buttons),
        footer=f"Page {page + 1} of {pages} · newest first · answered right, a question leaves the list",
    )


def _mistake(course: Course, number: int, mistake: Mistake, now: dt.datetime) -> str:
    """One mistake: the question, the answer given, the right one and the explanation."""
    question = course.quiz_by_id[mistake.question_id]
    topic = course.topic_by_id[question.topic_id]
    return (
        f"**{number}. {topic.title}** · answered {_ago(mistake.answered_at, now)}\n\n"
        f"{question.prompt}\n\n"
        f"- Your answer: {_choice(question, mistake.choice)}\n"
        f"- Right answer: {_choice(question, question.answer)}\n\n"
        f"{question.explanation}"
    )


def _choice(question: QuizQuestion, index: int) -> str:
    """A choice with its letter, or a note when the question no longer has that choice."""
    if not 0 <= index < len(question.choices):
        return "a choice the question no longer offers"
    return f"**{LETTERS[index]}.** {question.choices[index]}"


def _ago(moment: dt.datetime, now: dt.datetime) -> str:
    """`3 days ago`, `2 hours ago`, `just now`."""
    ahead = relative(now, moment)
    return "just now" if ahead == "now" else ahead.removeprefix("in ") + " ago"


async def due_queue(core: Core, actor: Actor, course: Course) -> Message:
    """What is due for the learner now in `course`, by topic, with buttons to work through it; shown only to them."""
    identity = await core.identify(actor)
    async with core.reading() as uow:
        dues = await uow.learners.review_dues(identity.user_pk, course.id)
        wrong = [m for m in await uow.learners.mistakes(identity.user_pk, course.id)
                 if m.question_id in course.quiz_by_id]
    now = core.clock()
    quiz_dues = {q: at for q, at in dues.items() if q in course.quiz_by_id}
    due = sorted((at, q) for q, at in quiz_dues.items() if at <= now)
    buttons = [Button("Quiz me", actions.NextQuiz(course=course.key).encode(), Style.PRIMARY)]
    if wrong:
        buttons.append(Button(f"My mistakes ({len(wrong)})", actions.Mistakes(course=course.key).encode()))
    mistakes_line = f"\n\n{plural(len(wrong), 'mistake')} to look at again: `/study review`." if wrong else ""
    if not due:
        upcoming = [at for at in quiz_dues.values() if at > now]
        when = (f" The next one is due {local_time(min(upcoming), identity.timezone, now)}."
                if upcoming else " Answer a few quiz questions and they will come back here when they are due.")
        return Message(kind=Kind.REVIEW, title="Nothing is due for review", body=f"You're up to date.{when}"
                       f"{mistakes_line}", buttons=tuple(buttons))
    by_topic: dict[str, int] = {}
    for _at, question_id in due:
        topic_id = course.quiz_by_id[question_id].topic_id
        by_topic[topic_id] = by_topic.get(topic_id, 0) + 1
    lines = [
        f"- {course.topic_number(t)}. {course.topic_by_id[t].title}: {plural(n, 'question')}"
        for t, n in list(by_topic.items())[:DUE_LISTED]
    ]
    if len(by_topic) > DUE_LISTED:
        lines.append(f"- …and {plural(len(by_topic) - DUE_LISTED, 'more topic')}")
    return Message(
        kind=Kind.REVIEW,
        title=f"Your reviews: {plural(len(due), 'question')} due",
        body="\n".join(lines) + "\n\n**Quiz me** asks the one that has waited longest first." + mistakes_line,
        fields=(Field("Due now", str(len(due))),),
        buttons=tuple(buttons),
        footer="Spaced repetition: a question comes back just before you would forget it",
    )
