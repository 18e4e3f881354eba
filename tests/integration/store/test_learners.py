"""A learner's own reads: what their cards in a course say, and their totals with the course's points."""

from __future__ import annotations

from bot.content.models import Course, QuizQuestion
from bot.store.learners import TopicTally
from bot.usecases import interview, quiz
from bot.usecases.context import Core
from tests.conftest import make_actor


async def _answer(core: Core, question: QuizQuestion, n: int, right: bool = True) -> None:
    """Answer a quiz question of the default course as its own showing."""
    choice = question.answer if right else (question.answer + 1) % len(question.choices)
    await quiz.answer(core, make_actor(), core.catalogue.default, question.id, f"i{n}", choice, f"d{n}")


async def test_cards_sum_quiz_answers_and_right_ones_per_topic(core: Core, course: Course) -> None:
    """Two questions of one topic (right, wrong) and one of another (right): 2 answers 1 right, 1 and 1."""
    first, second = course.topics[0], course.topics[1]
    await _answer(core, first.quiz[0], 1)
    await _answer(core, first.quiz[1], 2, right=False)
    await _answer(core, second.quiz[0], 3)
    identity = await core.identify(make_actor())
    async with core.reading() as uow:
        cards = await uow.learners.course_cards(identity.user_pk, core.catalogue.default.id)
    assert sorted(cards.tallies, key=lambda t: t.topic_id) == sorted(
        [TopicTally(first.id, 2, 1), TopicTally(second.id, 1, 1)], key=lambda t: t.topic_id)


async def test_cards_name_the_questions_answered_right(core: Core, course: Course) -> None:
    """Of a question answered right and one answered wrong, only the first is right once."""
    right, wrong = course.topics[0].quiz[0], course.topics[0].quiz[1]
    await _answer(core, right, 1)
    await _answer(core, wrong, 2, right=False)
    identity = await core.identify(make_actor())
    async with core.reading() as uow:
        cards = await uow.learners.course_cards(identity.user_pk, core.catalogue.default.id)
    assert cards.right == {right.id}


async def test_a_topic_only_interviewed_is_practised_without_quiz_answers(core: Core, course: Course) -> None:
    """An interview self-grade puts its topic among the tallies, with no quiz answers."""
    topic = course.topics[2]
    actor = make_actor()
    await interview.grade(core, actor, core.catalogue.default, topic.interview[0].id, "inst1", "good", "d1")
    identity = await core.identify(actor)
    async with core.reading() as uow:
        cards = await uow.learners.course_cards(identity.user_pk, core.catalogue.default.id)
    assert cards.tallies == [TopicTally(topic.id, 0, 0)]


async def test_stats_in_course_read_the_course_points(core: Core, course: Course) -> None:
    """After a right answer (on the boards), the course's all-time points are the points earned, as are the totals'."""
    await _answer(core, course.topics[0].quiz[0], 1)
    await core.scores.settled()
    identity = await core.identify(make_actor())
    async with core.reading() as uow:
        read = await uow.learners.stats_in_course(identity.user_pk, identity.workspace_pk, core.catalogue.default.id)
    assert read.course_points == read.stats.points > 0


async def test_stats_in_a_course_without_points_read_zero(core: Core, course: Course) -> None:
    """In a course the learner has no score in, the course's points are 0; the totals are still read."""
    await _answer(core, course.topics[0].quiz[0], 1)
    identity = await core.identify(make_actor())
    async with core.reading() as uow:
        read = await uow.learners.stats_in_course(identity.user_pk, identity.workspace_pk, "another-course")
    assert (read.course_points, read.stats.answers) == (0, 1)


async def test_last_quiz_results_are_the_latest_answers_to_the_questions_asked(core: Core, course: Course) -> None:
    """A question answered wrong then right reads right; a question answered but not asked about is left out."""
    again, other = course.topics[0].quiz[0], course.topics[1].quiz[0]
    await _answer(core, again, 1, right=False)
    await _answer(core, again, 2)
    await _answer(core, other, 3)
    identity = await core.identify(make_actor())
    async with core.reading() as uow:
        results = await uow.learners.last_quiz_results(identity.user_pk, core.catalogue.default.id, [again.id])
    assert results == {again.id: True}
