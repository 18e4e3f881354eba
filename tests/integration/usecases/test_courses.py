"""Two courses in one workspace: each with its own progress, boards, drops and buttons, and an overall board."""

from __future__ import annotations

import pytest

from bot import actions
from bot.app import StudyBot
from bot.content.catalogue import Catalogue
from bot.content.models import Course
from bot.messages import Kind, Message
from bot.usecases.context import Core, CourseRef
from bot.usecases.courses import NO_LONGER_SERVED
from tests.conftest import Clock, make_actor

ADMIN = make_actor("boss", admin=True)


def second_course(course: Course) -> Course:
    """Another course with the same topics and question ids: ids are unique only within a course."""
    return Course(id="second", title="Second Course", description="The same questions, studied apart.",
                  sections=course.sections, topics=course.topics, requires=course.requires)


@pytest.fixture
def both(core: Core, course: Course) -> Course:
    """The core serves the shipped course (the default) and a second one; the second is returned."""
    other = second_course(course)
    core.catalogue = Catalogue.of(course, other)
    return other


async def answer_first_question(bot: StudyBot, actor_name: str, course_word: str, delivery: str) -> Message:
    """Ask `/study quiz <course>` and press its right answer."""
    actor = make_actor(actor_name)
    question = await bot.dispatch(actor, f"/study quiz {course_word}")
    assert question.kind is Kind.QUIZ
    first = actions.decode(question.buttons[0].action)
    assert isinstance(first, actions.Answer)
    courses = {c.key: c for c in bot.core.catalogue}
    right = courses[first.course].quiz_by_id[first.question_id].answer
    return await bot.click(actor, question.buttons[right].action, delivery)


async def test_a_quiz_in_the_second_course_carries_its_key(core: Core, both: Course) -> None:
    """`/study quiz second` asks a question of the second course, whose buttons name it."""
    question = await StudyBot(core).dispatch(make_actor(), "/study quiz second")
    assert {actions.decode(b.action).course for b in question.buttons} == {both.key}


async def test_progress_is_kept_per_course(core: Core, course: Course, both: Course) -> None:
    """An answer in the second course counts in its stats, not in the first course's."""
    bot = StudyBot(core)
    feedback = await answer_first_question(bot, "ada", "second", "d1")
    assert feedback.title == "✅ Correct!"
    second = await bot.dispatch(make_actor("ada"), "/study stats second")
    first = await bot.dispatch(make_actor("ada"), "/study stats")
    assert {f.name: f.value for f in second.fields}["Accuracy"] == "100% of 1 answer"
    assert {f.name: f.value for f in first.fields}["Accuracy"] == "– of 0 answers"
    assert first.footer == course.title
    assert second.footer == both.title


async def test_points_show_the_course_and_every_course(core: Core, both: Course) -> None:
    """With several courses, stats give the course's points and the learner's points in all of them."""
    bot = StudyBot(core)
    await answer_first_question(bot, "ada", "second", "d1")
    await answer_first_question(bot, "ada", "dotnet-architect", "d2")
    points = {f.name: f.value for f in (await bot.dispatch(make_actor("ada"), "/study stats second")).fields}["Points"]
    course_points, total = points.split(" (")  # points in both courses
    assert int(total.removesuffix(" in all courses)")) > int(course_points) > 0


async def test_the_same_question_id_is_a_separate_card_in_each_course(core: Core, course: Course,
                                                                       both: Course) -> None:
    """Answering a question in one course leaves the question with the same id in the other one unseen."""
    bot = StudyBot(core)
    await answer_first_question(bot, "ada", "second", "d1")
    identity = await core.identify(make_actor("ada"))
    async with core.reading() as uow:
        in_second = await uow.learners.review_dues(identity.user_pk, both.id)
        in_first = await uow.learners.review_dues(identity.user_pk, course.id)
    assert len(in_second) == 1
    assert in_first == {}


async def test_each_course_has_its_board_and_the_overall_board_has_everyone(core: Core, both: Course) -> None:
    """Ada scores in the first course, Bob in the second: each board has its learner, `overall` both."""
    bot = StudyBot(core)
    await answer_first_question(bot, "ada", "dotnet-architect", "d1")
    await answer_first_question(bot, "bob", "second", "d2")
    first = await bot.dispatch(make_actor("cy"), "/study leaderboard week")
    second = await bot.dispatch(make_actor("cy"), "/study leaderboard week second")
    overall = await bot.dispatch(make_actor("cy"), "/study leaderboard overall")
    assert "Ada" in first.body
    assert "Bob" not in first.body
    assert "Bob" in second.body
    assert "Ada" not in second.body
    assert "Ada" in overall.body
    assert "Bob" in overall.body
    assert overall.title == "🏆 Leaderboard · All courses · this week"
    assert second.title == f"🏆 Leaderboard · {both.title} · this week"


async def test_a_channel_set_to_a_course_serves_it_without_naming_it(core: Core, clock: Clock, both: Course) -> None:
    """After `setup ... course second` in C2, `/study quiz` there is of the second course; in C1 of the default."""
    bot = StudyBot(core)
    reply = await bot.dispatch(ADMIN, "/study setup #c2 09:00 UTC course second")
    assert reply.title == "Daily drop set up ✅", reply.body
    assert {f.name: f.value for f in reply.fields}["Course"] == both.title
    in_c2 = await bot.dispatch(make_actor(channel="c2"), "/study quiz")
    in_c1 = await bot.dispatch(make_actor(channel="c1"), "/study quiz")
    assert actions.decode(in_c2.buttons[0].action).course == both.key
    assert actions.decode(in_c1.buttons[0].action).course == core.catalogue.default.key


async def test_changing_a_channels_course_starts_it_from_the_first_topic(core: Core, both: Course) -> None:
    """A set-up channel moved to another course says so, and its next topic is that course's first."""
    bot = StudyBot(core)
    await bot.dispatch(ADMIN, "/study setup #c2 09:00 UTC")
    reply = await bot.dispatch(ADMIN, "/study setup #c2 09:00 UTC course second")
    assert {f.name: f.value for f in reply.fields}["Course"] == f"{both.title}, from its first topic"
    assert "course C# & .NET 8 Architect Mastery → Second Course" in reply.body
    listed = await bot.dispatch(ADMIN, "/study schedule")
    assert f"next topic: {both.topics[0].title} ({both.title})" in listed.body


async def test_an_unknown_course_is_named_with_the_courses_there_are(core: Core, both: Course) -> None:
    """A course option naming no course gets a friendly error listing the courses; so does setup."""
    bot = StudyBot(core)
    stats = await bot.run(make_actor(), "stats", [CourseRef("k8s")])
    setup = await bot.dispatch(ADMIN, "/study setup #c2 09:00 UTC course k8s")
    assert stats.kind is Kind.ERROR
    assert stats.title == "There is no course “k8s” here"
    assert "`second` (Second Course)" in stats.body
    assert setup.kind is Kind.ERROR
    assert setup.title == "There is no course “k8s”"


async def test_a_course_can_be_named_by_its_title(core: Core, both: Course) -> None:
    """The course option takes a title too, in any case."""
    reply = await StudyBot(core).run(make_actor(), "topics", [CourseRef("second course")])
    assert reply.title == f"📚 {both.title}"


async def test_the_syllabus_points_to_the_other_courses(core: Core, course: Course, both: Course) -> None:
    """With two courses, the syllabus names this course in its examples and lists the other one."""
    reply = await StudyBot(core).dispatch(make_actor(), "/study topics")
    assert "`/study lesson dotnet-architect 12`" in reply.body
    assert "**Other courses here:** `/study topics second` (Second Course)" in reply.body


async def test_help_lists_the_courses(core: Core, both: Course) -> None:
    """Help names every course and how to choose one."""
    reply = await StudyBot(core).dispatch(make_actor(), "/study help")
    assert "**Courses:** `dotnet-architect` (C# & .NET 8 Architect Mastery), `second` (Second Course)" in reply.body


async def test_a_button_of_a_course_no_longer_served_is_answered_politely(core: Core, course: Course,
                                                                           both: Course) -> None:
    """Once the second course is gone, its buttons say so, and nothing is recorded."""
    bot = StudyBot(core)
    question = await bot.dispatch(make_actor(), "/study quiz second")
    core.catalogue = Catalogue.of(course)
    reply = await bot.click(make_actor(), question.buttons[0].action, "d1")
    assert reply == NO_LONGER_SERVED
    stats = await bot.dispatch(make_actor(), "/study stats")
    assert {f.name: f.value for f in stats.fields}["Accuracy"] == "– of 0 answers"


async def test_a_word_after_topics_that_names_no_course_is_answered_as_one(core: Core, both: Course) -> None:
    """`/study topics kubernetes` says there is no such course, and lists the ones there are."""
    reply = await StudyBot(core).dispatch(make_actor(), "/study topics kubernetes")
    assert reply.title == "There is no course “kubernetes” here"
    assert "`second` (Second Course)" in reply.body


async def test_a_topic_not_found_names_the_other_courses(core: Core, both: Course) -> None:
    """`/study quiz kubernetes` finds no topic in this course, and says which other courses could be meant."""
    reply = await StudyBot(core).dispatch(make_actor(), "/study quiz kubernetes")
    assert reply.kind is Kind.ERROR
    assert reply.body.endswith("Other courses here: `second` (Second Course); name one first, as in "
                               "`/study quiz second`.")


async def test_a_course_boards_other_periods_keep_the_course(core: Core, both: Course) -> None:
    """The board of the second course points to that course's other periods, and to the overall board."""
    reply = await StudyBot(core).dispatch(make_actor(), "/study leaderboard second")
    assert reply.body.endswith("Other boards: `/study leaderboard month second`, `/study leaderboard all second`, "
                               "`/study leaderboard overall`.")


async def test_points_in_the_only_course_studied_are_given_once(core: Core, both: Course) -> None:
    """A learner with points in one course only is not told the same number twice."""
    bot = StudyBot(core)
    await answer_first_question(bot, "ada", "second", "d1")
    points = {f.name: f.value for f in (await bot.dispatch(make_actor("ada"), "/study stats second")).fields}["Points"]
    assert points.isdigit()


async def test_a_streaks_quiz_me_is_in_the_channels_course(core: Core, both: Course) -> None:
    """`/study streak` in a channel set to the second course offers a quiz of that course."""
    bot = StudyBot(core)
    await bot.dispatch(ADMIN, "/study setup #c2 09:00 UTC course second")
    reply = await bot.dispatch(make_actor(channel="c2"), "/study streak")
    assert actions.decode(reply.buttons[0].action).course == both.key


async def test_a_button_without_a_course_is_of_the_default_course(core: Core, course: Course, both: Course) -> None:
    """An `sb1` button (made before several courses were served) answers in the default course, in any channel."""
    bot = StudyBot(core)
    await bot.dispatch(ADMIN, "/study setup #c2 09:00 UTC course second")
    question = await bot.click(make_actor(channel="c2"), actions.NextQuiz().encode(), "d1")
    assert actions.decode(question.buttons[0].action).course == course.key
