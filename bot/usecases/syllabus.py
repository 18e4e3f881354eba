"""`/study topics`: the syllabus by section with the learner's progress, and one section's topics."""

from __future__ import annotations

from dataclasses import dataclass

from bot import actions
from bot.content.models import Course, Section, Topic
from bot.messages import Button, Kind, Message, Style, error
from bot.text import shorten
from bot.usecases.context import Actor, Core
from bot.usecases.format import plural

NOT_STARTED = "○"
PRACTISED = "●"
MASTERED = "✓"
TITLE_IN_LABEL = 40  # characters of a topic title on its lesson button


@dataclass(frozen=True)
class TopicProgress:
    """How far a learner is with one topic: practised at all, and quiz questions answered right."""

    practised: bool
    right: int
    questions: int

    @property
    def mark(self) -> str:
        """○ not started, ● practised, ✓ every quiz question answered right."""
        if self.questions and self.right == self.questions:
            return MASTERED
        return PRACTISED if self.practised else NOT_STARTED

    def describe(self) -> str:
        """`4/6 questions right`; empty when not started (the mark says so)."""
        if not self.practised or not self.questions:
            return ""
        return f"{self.right}/{plural(self.questions, 'question')} right"


async def progress_by_topic(core: Core, actor: Actor, course: Course) -> dict[str, TopicProgress]:
    """Every topic's progress for the learner in `course`."""
    identity = await core.identify(actor)
    async with core.reading() as uow:
        cards = await uow.learners.course_cards(identity.user_pk, course.id)
    practised, right = {t.topic_id for t in cards.tallies}, cards.right
    return {
        t.id: TopicProgress(t.id in practised, sum(q.id in right for q in t.quiz), len(t.quiz))
        for t in course.topics
    }


def topic_line(course: Course, topic: Topic, progress: TopicProgress) -> str:
    """One syllabus line: mark, number, title and progress."""
    described = progress.describe()
    suffix = f" · {described}" if described else ""
    return f"- {progress.mark} **{course.topic_number(topic.id)}.** {topic.title}{suffix}"


def section_range(course: Course, section: Section) -> str:
    """`1-4`: the numbers of a section's topics."""
    numbers = [course.topic_number(t) for t in section.topic_ids]
    return f"{numbers[0]}-{numbers[-1]}" if len(numbers) > 1 else str(numbers[0])


def syllabus_message(course: Course, progress: dict[str, TopicProgress], others: tuple[Course, ...] = ()) -> Message:
    """The whole syllabus by section, each topic with its progress, and buttons to go on.

    `others` are the other courses served: the commands then name this one, and the others are listed.
    """
    parts = []
    for section in course.sections:
        topics = [course.topic_by_id[t] for t in section.topic_ids]
        done = sum(progress[t.id].practised for t in topics)
        lines = "\n".join(topic_line(course, t, progress[t.id]) for t in topics)
        parts.append(f"**{section.title}** ({done}/{len(topics)} practised)\n{lines}")
    seen = sum(p.practised for p in progress.values())
    n = min(12, len(course.topics))  # an example number the course has
    named = f"{course.id} {n}" if others else str(n)
    how = (
        f"Open a lesson or a quiz by number, e.g. `/study lesson {named}` or `/study quiz {named}`"
        if any(t.quiz for t in course.topics)
        else f"Open a topic's cards by number, e.g. `/study interview {named}`"
    )
    intro = f"You have practised {seen} of {plural(len(course.topics), 'topic')}. {how}, or pick a section below."
    if others:
        listed = ", ".join(f"`/study topics {c.id}` ({c.title})" for c in others)
        parts.append(f"**Other courses here:** {listed}")
    buttons: list[Button] = []
    upcoming = next((t for t in course.topics if not progress[t.id].practised), None)
    if upcoming is not None:
        label = f"Next up: {course.topic_number(upcoming.id)}. {_short(upcoming.title)}"
        buttons.append(Button(label, actions.Lesson(upcoming.id, course=course.key).encode(), Style.PRIMARY, row=0))
    buttons += [
        Button(f"{section_range(course, s)} · {s.title}", actions.Topics(s.id, course=course.key).encode(),
               row=1 + i // 5)
        for i, s in enumerate(course.sections)
    ]
    return Message(
        kind=Kind.TOPICS,
        title=f"📚 {course.title}",
        body=intro + "\n\n" + "\n\n".join(parts),
        buttons=tuple(buttons),
        footer=f"{NOT_STARTED} not started · {PRACTISED} practised · {MASTERED} all questions right",
    )


def section_message(course: Course, section: Section, progress: dict[str, TopicProgress]) -> Message:
    """One section's topics with their summaries and progress, and buttons for a lesson and practice each."""
    topics = [course.topic_by_id[t] for t in section.topic_ids]
    lines = []
    for topic in topics:
        line = topic_line(course, topic, progress[topic.id])
        lines.append(f"{line}\n\n  _{topic.summary}_" if topic.summary else line)
    body = "\n\n".join(lines)
    buttons: list[Button] = []
    for row, topic in enumerate(topics):
        n = course.topic_number(topic.id)
        lesson = actions.Lesson(topic.id, course=course.key).encode()
        buttons.append(Button(f"📖 {n}. {_short(topic.title)}", lesson, Style.PRIMARY, row=row))
        if topic.quiz:
            buttons.append(Button(f"Quiz {n}", actions.QuizTopic(topic.id, course=course.key).encode(), row=row))
        if topic.interview:
            buttons.append(Button(f"Interview {n}", actions.Interview(topic.id, course=course.key).encode(), row=row))
        elif topic.cards:
            buttons.append(Button(f"Cards {n}", actions.Interview(topic.id, course=course.key).encode(), row=row))
    buttons.append(Button("All topics", actions.Topics(course=course.key).encode(), row=len(topics)))
    place = [s.id for s in course.sections].index(section.id) + 1
    return Message(
        kind=Kind.TOPICS,
        title=section.title,
        body=body,
        buttons=tuple(buttons),
        footer=f"Section {place}/{len(course.sections)} · topics {section_range(course, section)} · {course.title}",
    )


async def topics(core: Core, actor: Actor, course: Course, section_id: str | None = None) -> Message:
    """The syllabus of `course` with the learner's progress, or one section of it."""
    section = None
    if section_id:
        section = course.section_by_id.get(section_id)
        if section is None:
            return error("That section is no longer in the course", "Try `/study topics`.")
    progress = await progress_by_topic(core, actor, course)
    if section is None:
        return syllabus_message(course, progress, tuple(c for c in core.catalogue if c.id != course.id))
    return section_message(course, section, progress)


def _short(title: str) -> str:
    return shorten(title.split(": ", 1)[0], TITLE_IN_LABEL)
