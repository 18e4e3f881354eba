"""Values the store cannot hold are bad input, answered as such on both databases, never a database error."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import func, select

from bot import actions
from bot.app import StudyBot
from bot.content.models import Course
from bot.store.models import Answer, User
from bot.usecases.context import Core
from tests.conftest import make_actor


async def answers(core: Core) -> int:
    """How many answers are stored."""
    async with core.unit_of_work() as uow:
        return int(await uow.answers.session.scalar(select(func.count()).select_from(Answer)) or 0)


async def test_a_button_instance_too_long_for_the_store_is_a_damaged_button(
    studybot: StudyBot, core: Core, course: Course
) -> None:
    """An answer button whose instance is over 32 characters is "damaged"; nothing is recorded."""
    q = course.topics[0].quiz[0]
    message = await studybot.click(make_actor(), actions.Answer(q.id, "i" * 33, q.answer).encode(), "d1")
    assert message.title == "That button is damaged"
    assert await answers(core) == 0


async def test_a_nul_byte_in_a_name_is_dropped_and_the_answer_recorded(
    studybot: StudyBot, core: Core, course: Course
) -> None:
    """A name with NUL and control characters is stored without them (PostgreSQL refuses NUL)."""
    q = course.topics[0].quiz[0]
    actor = replace(make_actor(), user_name="Ada\x00\x1b[31m Lovelace")
    message = await studybot.click(actor, actions.Answer(q.id, "i1", q.answer).encode(), "d1")
    assert message.title.startswith("✅")
    async with core.unit_of_work() as uow:
        names = list(await uow.answers.session.scalars(select(User.display_name)))
    assert names == ["Ada[31m Lovelace"]


async def test_ids_longer_than_the_store_holds_are_refused_politely(studybot: StudyBot, core: Core) -> None:
    """A user id of 65 characters gets a clear answer and creates nobody."""
    message = await studybot.dispatch(make_actor("u" * 65), "/study streak")
    assert message.title == "StudyBot can't serve that request"
    async with core.unit_of_work() as uow:
        assert await uow.answers.session.scalar(select(func.count()).select_from(User)) == 0


async def test_a_delivery_key_longer_than_the_store_holds_is_refused(
    studybot: StudyBot, core: Core, course: Course
) -> None:
    """A click whose delivery key is over 200 characters records nothing."""
    q = course.topics[0].quiz[0]
    message = await studybot.click(make_actor(), actions.Answer(q.id, "i1", q.answer).encode(), "k" * 201)
    assert message.title == "StudyBot can't serve that request"
    assert await answers(core) == 0
