"""Lessons: one topic's lesson, and the topic of the day for a channel."""

from __future__ import annotations

from bot import actions
from bot.content.models import Course, Topic
from bot.messages import Button, Field, Kind, Message, Style, Visibility
from bot.usecases.context import Actor, Core
from bot.usecases.format import reference_links, topic_footer
from bot.usecases.topics import TopicNotFound, find_topic


def lesson_message(
    course: Course, topic: Topic, *, visibility: Visibility = Visibility.PRIVATE, heading: str = "",
    reviews: bool = False,
) -> Message:
    """A topic's lesson with its key points and buttons to practise it.

    With `reviews` (the daily drop) it also has **My reviews**, which opens the clicker's own
    review queue privately.
    """
    body = (
        topic.lesson
        or f"_{topic.summary}_\n\nThe full lesson for this topic is still being written."
    )
    if heading:
        body = f"{heading}\n\n{body}"
    fields: list[Field] = []
    if topic.key_points:
        fields.append(Field("Key points", "\n".join(f"- {p}" for p in topic.key_points), inline=False))
    if topic.references:
        fields.append(Field("Read more", reference_links(topic.references), inline=False))
    buttons: list[Button] = []
    if topic.quiz:
        buttons.append(Button("Quiz me on this", actions.QuizTopic(topic.id).encode(), Style.PRIMARY))
    if topic.interview:
        buttons.append(Button("Interview question", actions.Interview(topic.id).encode()))
    if reviews:
        buttons.append(Button("My reviews", actions.Reviews().encode()))
    return Message(
        kind=Kind.LESSON,
        title=topic.title,
        body=body,
        fields=tuple(fields),
        buttons=tuple(buttons),
        footer=topic_footer(course, topic),
        visibility=visibility,
    )


async def lesson(core: Core, actor: Actor, query: str | None) -> Message:
    """The lesson for `query` (id, number or title), or today's when no topic is given."""
    if not query:
        return await today(core, actor)
    found = find_topic(core.course, query)
    if isinstance(found, TopicNotFound):
        return found.message()
    return lesson_message(core.course, found)


async def todays_topic(core: Core, actor: Actor) -> Topic:
    """The channel's topic of the day: its latest drop, else the next one it will get."""
    course = core.course
    if not actor.channel_id:
        return course.topics[0]
    identity = await core.identify(actor)
    async with core.unit_of_work() as uow:
        channel = await uow.channels.channel(identity.workspace_pk, actor.channel_id)
        if channel is None:
            return course.topics[0]
        last = await uow.channels.last_drop(channel.id)
        if last is not None and last.topic_id in course.topic_by_id:
            return course.topic_by_id[last.topic_id]
        return course.topics[channel.next_topic_index % len(course.topics)]


async def today(core: Core, actor: Actor) -> Message:
    """Today's lesson for the channel the actor is in."""
    topic = await todays_topic(core, actor)
    return lesson_message(core.course, topic, heading="**Today's topic**")
