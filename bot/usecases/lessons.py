"""Lessons: one topic's lesson, and the topic of the day for a channel."""

from __future__ import annotations

from bot import actions
from bot.content.models import Course, Topic
from bot.messages import Button, Field, Kind, Message, Style, Visibility
from bot.text import shorten
from bot.usecases.context import Actor, Core
from bot.usecases.courses import other_courses
from bot.usecases.format import reference_links, topic_footer
from bot.usecases.topics import TopicNotFound, find_topic


def lesson_message(
    course: Course, topic: Topic, *, visibility: Visibility = Visibility.PRIVATE, heading: str = "",
    reviews: bool = False,
) -> Message:
    """A topic's lesson with its key points and buttons to practise it; a topic of cards lists its cards.

    With `reviews` (the daily drop) it also has **My reviews**, which opens the clicker's own
    review queue privately.
    """
    body = topic.lesson or _without_lesson(topic)
    if heading:
        body = f"{heading}\n\n{body}"
    fields: list[Field] = []
    if topic.key_points:
        fields.append(Field("Key points", "\n".join(f"- {p}" for p in topic.key_points), inline=False))
    if topic.references:
        fields.append(Field("Read more", reference_links(topic.references), inline=False))
    buttons: list[Button] = []
    if topic.quiz:
        buttons.append(Button("Quiz me on this", actions.QuizTopic(topic.id, course=course.key).encode(),
                              Style.PRIMARY))
    if topic.interview:
        buttons.append(Button("Interview question", actions.Interview(topic.id, course=course.key).encode()))
    elif topic.cards:
        buttons.append(Button("Study these cards", actions.Interview(topic.id, course=course.key).encode(),
                              Style.PRIMARY))
    if reviews:
        buttons.append(Button("My reviews", actions.Reviews(course=course.key).encode()))
    return Message(
        kind=Kind.LESSON,
        title=topic.title,
        body=body,
        fields=tuple(fields),
        buttons=tuple(buttons),
        footer=topic_footer(course, topic),
        visibility=visibility,
    )


CARDS_LISTED = 10
FRONT_LENGTH = 120


def _without_lesson(topic: Topic) -> str:
    """The body of a topic that has no lesson: its cards, the day's practice, or a note that it is coming."""
    if not topic.cards:
        return f"_{topic.summary}_\n\nThe full lesson for this topic is still being written."
    fronts = "\n".join(f"- {shorten(' '.join(c.front.split()), FRONT_LENGTH)}" for c in topic.cards[:CARDS_LISTED])
    more = f"\n- … and {len(topic.cards) - CARDS_LISTED} more" if len(topic.cards) > CARDS_LISTED else ""
    count = f"{len(topic.cards)} card{'' if len(topic.cards) == 1 else 's'}"
    return (f"_{topic.summary}_\n\n**{count} to practise.** Recall each answer, then grade yourself:\n\n"
            f"{fronts}{more}")


async def lesson(core: Core, actor: Actor, course: Course, query: str | None) -> Message:
    """The lesson of `course` for `query` (id, number or title), or today's when no topic is given."""
    if not query:
        return await today(core, actor, course)
    found = find_topic(course, query)
    if isinstance(found, TopicNotFound):
        return found.message(also=other_courses(core.catalogue, course, "lesson"))
    return lesson_message(course, found)


async def todays_topic(core: Core, actor: Actor, course: Course) -> Topic:
    """The channel's topic of the day in `course`: its latest drop, else the next one it will get.

    In a channel that drops another course (or none), the course's first topic.
    """
    if not actor.channel_id:
        return course.topics[0]
    identity = await core.identify(actor)
    async with core.reading() as uow:
        channel = await uow.channels.channel(identity.workspace_pk, actor.channel_id)
        if channel is None or (channel.course_id or core.catalogue.default_id) != course.id:
            return course.topics[0]
        last = await uow.channels.last_drop(channel.id)
        if last is not None and last.topic_id in course.topic_by_id:
            return course.topic_by_id[last.topic_id]
        return course.topics[channel.next_topic_index % len(course.topics)]


async def today(core: Core, actor: Actor, course: Course) -> Message:
    """Today's lesson of `course` for the channel the actor is in."""
    topic = await todays_topic(core, actor, course)
    return lesson_message(course, topic, heading="**Today's topic**")
