"""Cards served through self-graded practice, and as the day's drop, against a real database."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import actions
from bot.content.loader import require_course
from bot.content.models import Course
from bot.messages import Kind
from bot.usecases import interview, lessons, quiz, syllabus
from bot.usecases.context import Core
from tests.conftest import make_actor
from tests.packs import card_pack


@pytest.fixture
def course(tmp_path: Path) -> Course:
    """A pack of cards only, as an Anki import makes it: one topic, two cards."""
    return require_course(card_pack(tmp_path, {"greetings": [("n1.1", "hola", "hello"), ("n2.1", "adiós", "goodbye")]}))


async def test_card_is_shown_revealed_and_graded_through_fsrs(core: Core, course: Course) -> None:
    """`/study interview` in a pack of cards shows a front, reveals its back, and a grade schedules it."""
    actor = make_actor()
    shown = await interview.next_interview(core, actor, core.catalogue.default)
    assert shown.kind is Kind.INTERVIEW
    assert shown.title == "Card · GREETINGS"
    reveal = actions.decode(shown.buttons[0].action)
    assert isinstance(reveal, actions.Reveal)
    card = course.card_by_id[reveal.question_id]
    assert card.front in shown.body
    revealed = await interview.reveal(core.catalogue.default, reveal.question_id, reveal.instance)
    assert revealed.body == f"**Q:** {card.front}\n\n{card.back}"
    assert [b.label for b in revealed.buttons] == ["Again", "Hard", "Good", "Easy"]
    graded = await interview.grade(core, actor, core.catalogue.default, reveal.question_id, reveal.instance, "good",
                                   "d1")
    assert graded.title == "Graded: Good"
    assert [b.label for b in graded.buttons] == ["Another card"]
    async with core.unit_of_work() as uow:
        dues = await uow.learners.review_dues(1, core.catalogue.default.id)
    assert reveal.question_id in dues


async def test_graded_card_is_not_offered_again_next(core: Core, course: Course) -> None:
    """After grading one card, the next one offered is the other card."""
    actor = make_actor()
    first = actions.decode((await interview.next_interview(core, actor, core.catalogue.default,
                                                           "greetings")).buttons[0].action)
    assert isinstance(first, actions.Reveal)
    await interview.grade(core, actor, core.catalogue.default, first.question_id, first.instance, "easy", "d1")
    second = actions.decode((await interview.next_interview(core, actor, core.catalogue.default,
                                                            "greetings")).buttons[0].action)
    assert isinstance(second, actions.Reveal)
    assert {first.question_id, second.question_id} == {"n1.1", "n2.1"}


async def test_topic_without_lesson_lists_the_days_cards(core: Core, course: Course) -> None:
    """A topic of cards shows its cards to practise instead of a lesson, with a button to study them."""
    message = await lessons.lesson(core, make_actor(), core.catalogue.default, "greetings")
    assert "**2 cards to practise.**" in message.body
    assert "- hola\n- adiós" in message.body
    assert [b.label for b in message.buttons] == ["Study these cards"]
    assert actions.decode(message.buttons[0].action) == actions.Interview("greetings", course=course.key)


async def test_quiz_in_a_pack_of_cards_points_to_the_cards(core: Core, course: Course) -> None:
    """`/study quiz` in a pack without quiz questions says so and where the cards are."""
    message = await quiz.next_question(core, make_actor(), core.catalogue.default)
    assert message.title == "This course has no quiz questions"
    assert "/study interview" in message.body


async def test_section_offers_the_cards_of_each_topic(core: Core, course: Course) -> None:
    """A section of the syllabus has a cards button for a topic of cards, next to its lesson."""
    message = await syllabus.topics(core, make_actor(), core.catalogue.default, "all")
    assert [b.label for b in message.buttons] == ["📖 1. GREETINGS", "Cards 1", "All topics"]
    assert actions.decode(message.buttons[1].action) == actions.Interview("greetings", course=course.key)


async def test_the_syllabus_of_a_pack_of_cards_points_to_its_cards(core: Core, course: Course) -> None:
    """With no quiz questions and one topic, the syllabus shows how to open topic 1's cards, not a quiz 12."""
    message = await syllabus.topics(core, make_actor(), core.catalogue.default)
    assert "Open a topic's cards by number, e.g. `/study interview 1`, or pick a section below." in message.body
    assert "/study quiz" not in message.body
