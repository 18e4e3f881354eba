"""Reviewing mistakes and the learner's review queue, against a real database."""

from __future__ import annotations

from bot import actions
from bot.app import StudyBot
from bot.content.catalogue import Catalogue
from bot.content.models import Course, QuizQuestion
from bot.messages import LETTERS, Button, Kind
from bot.usecases import quiz, review
from bot.usecases.context import Actor, Core
from tests.conftest import Clock, make_actor


def questions(course: Course, n: int) -> list[QuizQuestion]:
    """The first `n` quiz questions of the course, in syllabus order."""
    return [q for t in course.topics for q in t.quiz][:n]


async def answer(core: Core, actor: Actor, question: QuizQuestion, *, right: bool, tag: str) -> None:
    """Answer `question` right or wrong, as a new showing with its own delivery."""
    choice = question.answer if right else (question.answer + 1) % len(question.choices)
    await quiz.answer(core, actor, core.catalogue.default, question.id, f"{actor.user_id}-{tag}", choice,
                      f"{actor.user_id}-d{tag}")


def without_question(course: Course, question_id: str) -> Course:
    """The course as if one quiz question had been removed from its content."""
    topics = tuple(t.model_copy(update={"quiz": tuple(q for q in t.quiz if q.id != question_id)})
                   for t in course.topics)
    fields = {name: getattr(course, name) for name in type(course).model_fields}
    return type(course)(**(fields | {"topics": topics}))


def tried_again(message_buttons: tuple[Button, ...]) -> list[str]:
    """The question ids of a message's Try again buttons, in order."""
    ids = []
    for button in message_buttons:
        action = actions.decode(button.action)
        if isinstance(action, actions.Retry):
            ids.append(action.question_id)
    return ids


async def test_review_lists_wrong_answers_newest_first(core: Core, course: Course, clock: Clock) -> None:
    """Two questions answered wrong: the later one comes first, each with its Try again button."""
    actor = make_actor()
    first, second = questions(course, 2)
    await answer(core, actor, first, right=False, tag="1")
    clock.advance(minutes=5)
    await answer(core, actor, second, right=False, tag="2")
    message = await review.review(core, actor, core.catalogue.default)
    assert message.kind is Kind.REVIEW
    assert message.title == "Your mistakes to review (2)"
    assert tried_again(message.buttons) == [second.id, first.id]
    assert message.body.index(second.prompt) < message.body.index(first.prompt)


async def test_each_mistake_shows_the_answer_given_the_right_one_and_why(core: Core, course: Course) -> None:
    """A mistake shows the choice made, the right choice with its letter, and the explanation."""
    actor = make_actor()
    [question] = questions(course, 1)
    await answer(core, actor, question, right=False, tag="1")
    body = (await review.review(core, actor, core.catalogue.default)).body
    given = (question.answer + 1) % len(question.choices)
    assert f"Your answer: **{LETTERS[given]}.** {question.choices[given]}" in body
    assert f"Right answer: **{LETTERS[question.answer]}.** {question.correct_choice}" in body
    assert question.explanation in body


async def test_a_question_answered_right_since_leaves_the_review(core: Core, course: Course, clock: Clock) -> None:
    """Wrong, then right: the question is no longer a mistake to review."""
    actor = make_actor()
    first, second = questions(course, 2)
    await answer(core, actor, first, right=False, tag="1")
    await answer(core, actor, second, right=False, tag="2")
    clock.advance(days=1)
    await answer(core, actor, first, right=True, tag="3")
    assert tried_again((await review.review(core, actor, core.catalogue.default)).buttons) == [second.id]


async def test_a_question_answered_wrong_after_a_right_answer_is_a_mistake(core: Core, course: Course,
                                                                          clock: Clock) -> None:
    """Right, then wrong: the latest answer counts, so it is back on the list."""
    actor = make_actor()
    [question] = questions(course, 1)
    await answer(core, actor, question, right=True, tag="1")
    clock.advance(days=5)
    await answer(core, actor, question, right=False, tag="2")
    assert tried_again((await review.review(core, actor, core.catalogue.default)).buttons) == [question.id]


async def test_no_mistakes_says_so_with_a_quiz_button(core: Core, course: Course) -> None:
    """With every answer right there is nothing to review, and a Quiz me button."""
    actor = make_actor()
    [question] = questions(course, 1)
    await answer(core, actor, question, right=True, tag="1")
    message = await review.review(core, actor, core.catalogue.default)
    assert message.title == "No mistakes to review"
    assert [b.label for b in message.buttons] == ["Quiz me"]


async def test_only_the_learners_own_mistakes_are_listed(core: Core, course: Course) -> None:
    """Another learner's wrong answer is not on my review."""
    first, second = questions(course, 2)
    await answer(core, make_actor("ada"), first, right=False, tag="1")
    await answer(core, make_actor("bob"), second, right=False, tag="1")
    assert tried_again((await review.review(core, make_actor("ada"), core.catalogue.default)).buttons) == [first.id]


async def test_a_question_removed_from_the_content_is_skipped(core: Core, course: Course) -> None:
    """A mistake whose question left the course is not listed, and the rest still are."""
    actor = make_actor()
    first, second = questions(course, 2)
    await answer(core, actor, first, right=False, tag="1")
    await answer(core, actor, second, right=False, tag="2")
    core.catalogue = Catalogue.of(without_question(course, second.id))
    message = await review.review(core, actor, core.catalogue.default)
    assert message.title == "Your mistakes to review (1)"
    assert tried_again(message.buttons) == [first.id]


async def test_many_mistakes_are_paged_with_a_count_of_the_rest(core: Core, course: Course, clock: Clock) -> None:
    """Twelve mistakes: five a page, "and 7 more", and an Older mistakes button to the next page."""
    actor = make_actor()
    wrong = questions(course, 12)
    for n, question in enumerate(wrong):
        await answer(core, actor, question, right=False, tag=str(n))
        clock.advance(minutes=1)
    first = await review.review(core, actor, core.catalogue.default)
    assert tried_again(first.buttons) == [q.id for q in reversed(wrong)][:5]
    assert "…and 7 more." in first.body
    older = next(b for b in first.buttons if b.label == "Older mistakes")
    second = await StudyBot(core).click(actor, older.action, "page-2")
    assert tried_again(second.buttons) == [q.id for q in reversed(wrong)][5:10]
    assert second.footer.startswith("Page 2 of 3")
    assert {b.label for b in second.buttons} >= {"Newer mistakes", "Older mistakes"}


async def test_a_page_typed_past_the_end_shows_the_last(core: Core, course: Course) -> None:
    """`/study review 9` with one page of mistakes shows that page."""
    actor = make_actor()
    [question] = questions(course, 1)
    await answer(core, actor, question, right=False, tag="1")
    message = await StudyBot(core).dispatch(actor, "/study review 9")
    assert tried_again(message.buttons) == [question.id]


async def test_a_page_that_is_no_number_is_a_friendly_note(core: Core) -> None:
    """`/study review two` says how to ask for a page."""
    message = await StudyBot(core).dispatch(make_actor(), "/study review two")
    assert message.title == "“two” is not a page number"


async def test_try_again_asks_the_question_anew(core: Core, course: Course) -> None:
    """Try again shows the same question as a new showing, with buttons for its choices."""
    actor = make_actor()
    [question] = questions(course, 1)
    await answer(core, actor, question, right=False, tag="1")
    retry = (await review.review(core, actor, core.catalogue.default)).buttons[0]
    asked = await StudyBot(core).click(actor, retry.action, "retry-1")
    assert asked.kind is Kind.QUIZ
    assert asked.body == question.prompt
    shown = actions.decode(asked.buttons[0].action)
    assert isinstance(shown, actions.Answer)
    assert (shown.question_id, shown.instance != f"{actor.user_id}-1") == (question.id, True)


async def test_trying_again_before_it_is_due_earns_no_points(core: Core, course: Course) -> None:
    """A right answer on Try again straight after the mistake counts, but earns nothing: it is not due yet."""
    actor = make_actor()
    [question] = questions(course, 1)
    await answer(core, actor, question, right=False, tag="1")
    bot = StudyBot(core)
    asked = await bot.click(actor, (await review.review(core, actor, core.catalogue.default)).buttons[0].action,
                            "retry-1")
    right = asked.buttons[question.answer].action
    feedback = await bot.click(actor, right, "retry-answer")
    assert feedback.title == "✅ Correct!"
    assert feedback.fields[0].value == "0 (+0, answered again before it was due)"
    assert (await review.review(core, actor, core.catalogue.default)).title == "No mistakes to review"


async def test_trying_again_when_it_is_due_earns_points(core: Core, course: Course, clock: Clock) -> None:
    """Once the card is due again (FSRS decides when), a right answer on Try again earns its points."""
    actor = make_actor()
    [question] = questions(course, 1)
    await answer(core, actor, question, right=False, tag="1")
    clock.advance(days=2)
    bot = StudyBot(core)
    asked = await bot.click(actor, (await review.review(core, actor, core.catalogue.default)).buttons[0].action,
                            "retry-1")
    feedback = await bot.click(actor, asked.buttons[question.answer].action, "retry-answer")
    assert feedback.fields[0].value == f"{10 * question.difficulty} (+{10 * question.difficulty})"


async def test_try_again_on_a_retired_question_says_so(core: Core, course: Course) -> None:
    """Try again for a question no longer in the course is a friendly note."""
    message = await StudyBot(core).click(make_actor(), actions.Retry("gone.q9").encode(), "retry-gone")
    assert message.title == "That question has been retired"


async def test_my_reviews_lists_what_is_due_by_topic(core: Core, course: Course, clock: Clock) -> None:
    """After two wrong answers and a wait, both questions are due and their topic is named."""
    actor = make_actor()
    first, second = questions(course, 2)
    await answer(core, actor, first, right=False, tag="1")
    await answer(core, actor, second, right=False, tag="2")
    clock.advance(days=1)
    message = await StudyBot(core).click(actor, actions.Reviews().encode(), "reviews-1")
    assert message.title == "Your reviews: 2 questions due"
    assert f"{course.topics[0].title}: 2 questions" in message.body
    assert [b.label for b in message.buttons] == ["Quiz me", "My mistakes (2)"]


async def test_my_reviews_with_nothing_due_says_when_the_next_is(core: Core, course: Course) -> None:
    """Straight after a right answer nothing is due; the reply says when the next review is."""
    actor = make_actor()
    [question] = questions(course, 1)
    await answer(core, actor, question, right=True, tag="1")
    message = await review.due_queue(core, actor, core.catalogue.default)
    assert message.title == "Nothing is due for review"
    assert "The next one is due" in message.body
