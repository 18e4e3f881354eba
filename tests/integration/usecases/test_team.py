"""`/study team` from a seeded history with known answers, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from PIL import Image
from sqlalchemy import select

from bot.app import ADMINS_ONLY, StudyBot
from bot.content.models import Course
from bot.domain import srs
from bot.messages import Kind, Visibility
from bot.store.models import ReviewState
from bot.usecases import quiz, team
from bot.usecases.context import Core
from tests.conftest import Clock, make_actor, without_pictures

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)  # the clock fixture: a Wednesday
# Who answered what, when: (learner, topic index, question index, right, day of November or (month, day)).
HISTORY = [
    *[("ada", 0, n, True, day) for n, day in enumerate((21, 22, 23, 24, 25))],  # 5 days running, today too
    ("bo", 0, 0, False, 22), ("bo", 0, 1, True, 23), ("bo", 0, 2, True, 24),  # a 3-day streak, not today
    ("cy", 1, 0, True, 10),  # once, 15 days ago
    ("dee", 1, 1, False, (10, 1)),  # once, in October: outside the four weeks
]


async def _seed(core: Core, clock: Clock, course: Course) -> None:
    """Record HISTORY through the real answer path, each answer at 09:00 UTC on its day."""
    for n, (who, topic, index, right, day) in enumerate(HISTORY):
        month, date = day if isinstance(day, tuple) else (11, day)
        clock.now = dt.datetime(2026, month, date, 9, 0, tzinfo=dt.UTC)
        question = course.topics[topic].quiz[index]
        choice = question.answer if right else (question.answer + 1) % len(question.choices)
        await quiz.answer(core, make_actor(who), core.catalogue.default, question.id, f"i{n}", choice, f"d{n}")
    clock.now = NOW


@pytest.fixture
async def report(core: Core, clock: Clock, course: Course) -> team.TeamReport:
    """The team's figures after HISTORY."""
    await _seed(core, clock, course)
    async with core.unit_of_work() as uow:
        participation = await uow.team.participation(1, course.id, dt.date(2026, 10, 29), dt.date(2026, 11, 16),
                                                     dt.date(2026, 11, 23), NOW - dt.timedelta(days=29), NOW.date())
        memory = await uow.team.memory(1, course.id, NOW, NOW + team.DUE_WITHIN)
        activity = await uow.team.lapsing(1, team.AT_RISK_STREAK, dt.date(2026, 11, 18))
    return team.build_report(core.catalogue.default, NOW.date(), participation, memory, activity, "UTC", NOW)


async def test_participation_counts_learners_by_week(report: team.TeamReport) -> None:
    """Three learners studied in the four weeks; two this week and last; one on three days this week."""
    p = report.participation
    assert (p.team, p.this_week, p.last_week, p.three_days_this_week) == (3, 2, 2, 1)


async def test_answers_are_counted_per_day_over_four_weeks(report: team.TeamReport) -> None:
    """Each of the 28 days holds its answers; October's answer is outside the window."""
    days = report.answers_by_day()
    assert len(days) == 28
    assert sum(days) == 9
    assert days[-6:] == [0, 1, 2, 2, 2, 1]  # 20 to 25 November
    assert days[-16] == 1  # 10 November


async def test_recall_per_topic_is_fsrs_retrievability_of_the_cards(
    report: team.TeamReport, core: Core, course: Course
) -> None:
    """The database's sum of recall per topic equals py-fsrs's own retrievability of the same cards."""
    async with core.unit_of_work() as uow:
        cards = (await uow.team.session.scalars(select(ReviewState))).all()
    expected = {}
    for index in (0, 1):
        topic = course.topics[index]
        recalls = [srs.recall(c.card, NOW) for c in cards if c.topic_id == topic.id]
        expected[topic.title] = sum(recalls) / len(recalls)
    assert {r.title: r.recall for r in report.recall} == pytest.approx(expected, abs=1e-9)
    assert [r.learners for r in report.recall] == [2, 2]
    assert [r.recall for r in report.recall] == sorted(r.recall or 0.0 for r in report.recall)


async def test_topics_nobody_practised_are_listed(report: team.TeamReport, course: Course) -> None:
    """Every topic but the two practised ones, in syllabus order."""
    assert report.unpractised == tuple(t.title for t in course.topics[2:])


async def test_reviews_due_within_a_week_count_every_young_card(report: team.TeamReport) -> None:
    """All ten cards are at most one review old, so all fall due within seven days."""
    assert report.due_soon == 10


async def test_nudges_name_a_lapsing_streak_and_idle_learners(report: team.TeamReport) -> None:
    """Bo's 3-day streak is not extended today; Cy and Dee have been idle for 7+ days, most recent first."""
    assert report.at_risk == (("Bo", 3),)
    assert report.idle == (("Cy", dt.date(2026, 11, 10)), ("Dee", dt.date(2026, 10, 1)))


async def test_sections_show_accuracy_and_mastery(report: team.TeamReport, course: Course) -> None:
    """Eight of ten answers were right; eight cards were answered right once, of the questions two learners hold."""
    first = course.sections[0]
    assert course.topics[0].id in first.topic_ids
    assert course.topics[1].id in first.topic_ids
    section = report.sections[0]
    assert (section.answers, section.right) == (10, 8)
    questions = sum(len(t.quiz) + len(t.self_graded) for t in course.topics[:2])
    assert section.mastered == pytest.approx(8 / (2 * questions))
    assert all(s.answers == 0 and s.mastered is None for s in report.sections[1:])


async def test_the_report_shows_names_only_when_asked(report: team.TeamReport) -> None:
    """The admin's view names who may need a nudge; the view without names only counts them."""
    named = team.team_message(report, names=True).body
    anonymous = team.team_message(report, names=False).body
    assert "Bo (3 days)" in named
    assert "Cy (last 10 Nov)" in named
    assert not re.search(r"\b(Ada|Bo|Cy|Dee)\b", anonymous)
    assert "1 learner with a streak of 3+ days had not studied today" in anonymous


async def test_admins_see_the_team_privately(core: Core, clock: Clock, course: Course) -> None:
    """`/study team` answers an admin with the team view, privately."""
    await _seed(core, clock, course)
    message = await StudyBot(core).dispatch(make_actor("boss", admin=True), "/study team")
    assert message.kind is Kind.TEAM
    assert "Active this week: 2 learners (last week: 2)" in message.body
    assert "Studied on 3+ days this week: 1 of the 3 learners active in the last 4 weeks (33%)" in message.body
    assert "busiest day: Tue 24 Nov, 2" in message.body


async def test_learners_who_are_not_admins_are_refused(core: Core, clock: Clock, course: Course) -> None:
    """Names of learners who need a nudge never reach someone who is not an admin."""
    await _seed(core, clock, course)
    assert await StudyBot(core).dispatch(make_actor("ada"), "/study team") == ADMINS_ONLY


async def test_an_empty_workspace_has_a_calm_report(core: Core) -> None:
    """With nobody studying yet, every part says so instead of failing."""
    message = await StudyBot(core).dispatch(make_actor("boss", admin=True), "/study team")
    assert "Nobody has practised a topic yet." in message.body
    assert "Answers in the last 4 weeks: 0\n" in message.body
    assert "Streak of 3+ days, not studied today: nobody" in message.body


async def test_the_team_figures_are_kept_for_ten_minutes_then_refreshed(
    core: Core, clock: Clock, course: Course
) -> None:
    """A new answer shows after the kept figures grow old: first the old ones with a note, then the new."""
    bot = StudyBot(core)
    boss = make_actor("boss", admin=True)
    await bot.dispatch(boss, "/study team")
    question = course.topics[0].quiz[0]
    await quiz.answer(core, make_actor("ada"), core.catalogue.default, question.id, "late", question.answer, "late")
    assert "Answers in the last 4 weeks: 0\n" in (await bot.dispatch(boss, "/study team")).body
    clock.advance(minutes=10)
    stale = await bot.dispatch(boss, "/study team")
    assert "Answers in the last 4 weeks: 0\n" in stale.body
    assert stale.footer.startswith("Figures from 10 minutes ago, refreshing now.")
    await core.team_figures.settled()
    fresh = await bot.dispatch(boss, "/study team")
    assert "Answers in the last 4 weeks: 1 (busiest day: Wed 25 Nov, 1)" in fresh.body
    assert not fresh.footer.startswith("Figures from")


async def test_the_team_view_comes_with_its_chart(core: Core, clock: Clock, course: Course) -> None:
    """The reply carries the team chart as a PNG with alt text naming the weakest topic."""
    await _seed(core, clock, course)
    message = await StudyBot(core).dispatch(make_actor("boss", admin=True), "/study team")
    [chart] = message.attachments
    assert (chart.filename, chart.mime) == ("team-chart.png", "image/png")
    with Image.open(io.BytesIO(chart.data)) as image:
        assert image.size == (900, 760)
    assert "Value Types vs Reference Types" in chart.alt
    assert "- Answers a day: " in message.body


async def test_the_team_view_answers_without_its_chart_when_it_cannot_be_drawn(
    core: Core, clock: Clock, course: Course,
) -> None:
    """A chart that cannot be drawn leaves the team view whole, with the answers a day as text."""
    await _seed(core, clock, course)
    without_pictures(core)
    message = await StudyBot(core).dispatch(make_actor("boss", admin=True), "/study team")
    assert message.attachments == ()
    assert "- Answers a day: " in message.body


async def test_the_weekly_report_covers_the_week_that_ended_without_names(
    core: Core, clock: Clock, course: Course
) -> None:
    """Posted on Monday 30 November: the week of 23 to 29 November, public, counting without naming."""
    await _seed(core, clock, course)
    message = await team.weekly_report(core, 1, course, "UTC", dt.date(2026, 11, 30))
    assert message.visibility is Visibility.PUBLIC
    assert message.title == "👥 Last week's team report"
    assert "Active last week: 2 learners (the week before: 2)" in message.body
    assert "Studied on 3+ days last week: 1 of the 3 learners" in message.body
    assert "2 learners inactive for 7+ days" in message.body
    assert "had not studied today" not in message.body
    assert not re.search(r"\b(Ada|Bo|Cy|Dee)\b", message.body)
    assert message.footer.startswith("Week ending Sun 29 Nov 2026")
