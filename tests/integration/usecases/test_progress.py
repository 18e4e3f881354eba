"""Streaks in local time, stats and leaderboards against a real database."""

from __future__ import annotations

import datetime as dt
import io

from PIL import Image

from bot.app import StudyBot
from bot.content.models import Course
from bot.domain.points import quiz_points
from bot.messages import Kind
from bot.usecases import progress, quiz
from bot.usecases.context import Actor, Core
from tests.conftest import Clock, make_actor, without_pictures


async def answer_right(core: Core, course: Course, actor: Actor, n: int, topic: int = 0) -> None:
    """Answer the `n`th question of a topic right, as a new showing with its own delivery."""
    q = course.topics[topic].quiz[n % 6]
    await quiz.answer(core, actor, core.catalogue.default, q.id, f"{actor.user_id}-{topic}-{n}", q.answer,
                      f"{actor.user_id}-d{topic}-{n}")


async def answer_wrong(core: Core, course: Course, actor: Actor, n: int) -> None:
    """Answer the `n`th question of the second topic wrong, as a new showing with its own delivery."""
    q = course.topics[1].quiz[n]
    await quiz.answer(core, actor, core.catalogue.default, q.id, f"{actor.user_id}-w{n}", (q.answer + 1) % 4,
                      f"{actor.user_id}-wd{n}")


async def test_streak_counts_days_in_the_learners_timezone(core: Core, course: Course, clock: Clock) -> None:
    """Answers at 23:30 and 00:30 Tokyo time are two days, although both fall on one UTC day."""
    actor = make_actor(tz="Asia/Tokyo")
    clock.now = dt.datetime(2026, 11, 25, 14, 30, tzinfo=dt.UTC)  # 23:30 in Tokyo
    await answer_right(core, course, actor, 0)
    clock.now = dt.datetime(2026, 11, 25, 15, 30, tzinfo=dt.UTC)  # 00:30 next day in Tokyo
    await answer_right(core, course, actor, 1)
    message = await progress.streak(core, actor)
    assert message.title == "🔥 Streak: 2 days"


async def test_streak_in_utc_would_be_one_day(core: Core, course: Course, clock: Clock) -> None:
    """The same two answers for a learner on UTC are one day."""
    actor = make_actor()
    clock.now = dt.datetime(2026, 11, 25, 14, 30, tzinfo=dt.UTC)
    await answer_right(core, course, actor, 0)
    clock.now = dt.datetime(2026, 11, 25, 15, 30, tzinfo=dt.UTC)
    await answer_right(core, course, actor, 1)
    assert (await progress.streak(core, actor)).title == "🔥 Streak: 1 day"


async def test_streak_over_the_dst_change(core: Core, course: Course, clock: Clock) -> None:
    """Daily answers at 08:00 New York time across the autumn change make a 3-day streak."""
    actor = make_actor(tz="America/New_York")
    for n, moment in enumerate(
        (
            dt.datetime(2026, 10, 31, 12, 0, tzinfo=dt.UTC),  # 08:00 EDT
            dt.datetime(2026, 11, 1, 13, 0, tzinfo=dt.UTC),  # 08:00 EST, the change day
            dt.datetime(2026, 11, 2, 13, 0, tzinfo=dt.UTC),
        )
    ):
        clock.now = moment
        await answer_right(core, course, actor, n)
    assert (await progress.streak(core, actor)).title == "🔥 Streak: 3 days"


async def test_streak_ends_after_two_missed_days(core: Core, course: Course, clock: Clock) -> None:
    """Seen three days after the last answer, the streak is over but the best is kept."""
    actor = make_actor()
    await answer_right(core, course, actor, 0)
    clock.advance(days=1)
    await answer_right(core, course, actor, 1)
    clock.advance(days=3)
    message = await progress.streak(core, actor)
    assert message.title == "🔥 Streak: 0 days"
    assert message.fields[0].value == "2 days"


async def test_user_changing_timezone_keeps_streak(core: Core, course: Course, clock: Clock) -> None:
    """A learner who flies west and answers on the same local date again keeps the streak."""
    clock.now = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
    await answer_right(core, course, make_actor(tz="Europe/Berlin"), 0)
    clock.now = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)
    await answer_right(core, course, make_actor(tz="Europe/Berlin"), 1)
    clock.now = dt.datetime(2026, 11, 26, 20, 0, tzinfo=dt.UTC)  # still the 26th in Los Angeles
    await answer_right(core, course, make_actor(tz="America/Los_Angeles"), 2)
    assert (await progress.streak(core, make_actor(tz="America/Los_Angeles"))).title == "🔥 Streak: 2 days"


async def test_stats_show_accuracy_per_section_and_topics_practised(core: Core, course: Course) -> None:
    """Two right in section 1 and one wrong: accuracy 67%, per-section lines, 2 topics practised."""
    actor = make_actor()
    await answer_right(core, course, actor, 0)
    await answer_right(core, course, actor, 1)
    await answer_wrong(core, course, actor, 0)
    message = await progress.stats(core, actor, core.catalogue.default)
    assert "Memory Management & Performance: 67% (2/3 right)" in message.body
    fields = {f.name: f.value for f in message.fields}
    assert fields["Accuracy"] == "67% of 3 answers"
    assert fields["Topics practised"].endswith("2/30")


async def test_leaderboard_orders_by_points_and_marks_you(core: Core, course: Course) -> None:
    """More points rank higher; the asking user is marked."""
    alice, bob = make_actor("alice"), make_actor("bob")
    await answer_right(core, course, alice, 0)
    for n in range(3):
        await answer_right(core, course, bob, n)
    message = await progress.leaderboard(core, alice, ["week"])
    lines = message.body.splitlines()
    assert "Bob" in lines[0]
    assert "Alice" in lines[1]
    assert lines[1].endswith("← you")


async def test_leaderboard_ties_are_broken_by_who_got_there_first(core: Core, course: Course, clock: Clock) -> None:
    """Equal points and equal right answers: the earlier learner ranks first, every time."""
    for name in ("zed", "amy"):
        await answer_right(core, course, make_actor(name), 0)
        clock.advance(minutes=1)
    body = (await progress.leaderboard(core, make_actor("amy"), ["all"])).body
    assert body.index("Zed") < body.index("Amy")


async def test_leaderboard_never_mixes_workspaces(core: Core, course: Course) -> None:
    """A learner from another workspace does not appear."""
    await answer_right(core, course, make_actor("alice", "w1"), 0)
    await answer_right(core, course, make_actor("mallory", "w2"), 0)
    body = (await progress.leaderboard(core, make_actor("alice", "w1"), ["all"])).body
    assert "Alice" in body
    assert "Mallory" not in body


async def test_weekly_board_excludes_last_week(core: Core, course: Course, clock: Clock) -> None:
    """Points from before Monday count for the month and all time, not this week."""
    actor = make_actor()
    clock.now = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)  # Friday of last week
    await answer_right(core, course, actor, 0)
    clock.now = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
    assert "Nobody has scored" in (await progress.leaderboard(core, actor, ["week"])).body
    assert "U1" in (await progress.leaderboard(core, actor, ["month"])).body
    assert "U1" in (await progress.leaderboard(core, actor, ["all"])).body


async def test_monthly_board_excludes_last_month(core: Core, course: Course, clock: Clock) -> None:
    """Points from October are not in November's board."""
    actor = make_actor()
    clock.now = dt.datetime(2026, 10, 30, 12, 0, tzinfo=dt.UTC)
    await answer_right(core, course, actor, 0)
    clock.now = dt.datetime(2026, 11, 2, 12, 0, tzinfo=dt.UTC)
    assert "Nobody has scored" in (await progress.leaderboard(core, actor, ["month"])).body


async def test_bad_leaderboard_period_is_a_friendly_error(core: Core) -> None:
    """An unknown period names the valid ones."""
    message = await progress.leaderboard(core, make_actor(), ["decade"])
    assert message.kind is Kind.ERROR
    assert "`week`, `month` or `all`" in message.body


async def test_leaderboard_is_a_list_one_learner_a_line(core: Core, course: Course) -> None:
    """Each learner is a list item of their own, so every renderer shows one a line."""
    for name in ("alice", "bob", "carol"):
        await answer_right(core, course, make_actor(name), 0)
    lines = (await progress.leaderboard(core, make_actor("bob"), ["week"])).body.split("\n\n")[0].splitlines()
    assert len(lines) == 3
    assert all(line.startswith("- ") for line in lines)
    assert [line.endswith("← you") for line in lines] == [False, True, False]


async def test_only_the_week_board_says_weeks_start_on_monday(core: Core) -> None:
    """Week: weeks start on Monday; month: months follow the calendar in the timezone; all time: no period."""
    actor = make_actor()
    footers = {p: (await progress.leaderboard(core, actor, [p])).footer for p in ("week", "month", "all")}
    assert footers["week"] == "Weeks start on Monday, UTC time"
    assert footers["month"] == "Months follow the calendar in UTC"
    assert footers["all"] == ""


async def test_leaderboard_footer_has_no_markdown(core: Core) -> None:
    """Footers are plain text: the other boards are named in the body, not as backticks in the footer."""
    message = await progress.leaderboard(core, make_actor(), ["month"])
    assert "`" not in message.footer
    assert "Other boards: `/study leaderboard week`, `/study leaderboard all`." in message.body


async def test_stats_label_the_per_section_lines(core: Core, course: Course) -> None:
    """The per-section accuracy lines come under a heading that says what they count."""
    await answer_right(core, course, make_actor(), 0)
    body = (await progress.stats(core, make_actor(), core.catalogue.default)).body
    assert body.startswith("**Quiz answers right, by section**\n- Memory Management & Performance:")


async def test_stats_come_with_the_progress_card_drawn_once_per_change(core: Core, course: Course) -> None:
    """The card is a 900x640 PNG; asking again with nothing new gives the kept picture, a new answer a new one."""
    actor = make_actor()
    question = course.topics[0].quiz[0]
    await quiz.answer(core, actor, core.catalogue.default, question.id, "i1", question.answer, "d1")
    first = await progress.stats(core, actor, core.catalogue.default)
    [card] = first.attachments
    assert (card.filename, card.mime) == ("progress-card.png", "image/png")
    with Image.open(io.BytesIO(card.data)) as image:
        assert image.size == (900, 640)
    assert len(core.pictures) == 1
    again = await progress.stats(core, actor, core.catalogue.default)
    assert again.attachments[0].data == card.data
    assert len(core.pictures) == 1
    second = course.topics[0].quiz[1]
    await quiz.answer(core, actor, core.catalogue.default, second.id, "i2", second.answer, "d2")
    await progress.stats(core, actor, core.catalogue.default)
    assert len(core.pictures) == 2


async def test_stats_answer_without_the_card_when_it_cannot_be_drawn(core: Core, course: Course) -> None:
    """A card that cannot be drawn leaves the stats whole, with the last weeks as text, and no attachment."""
    without_pictures(core)
    actor = make_actor()
    await answer_right(core, course, actor, 0)
    message = await progress.stats(core, actor, core.catalogue.default)
    assert message.kind is Kind.STATS
    assert message.attachments == ()
    assert [f.name for f in message.fields][-1] == "Last 4 weeks"


async def test_own_rank_shown_below_the_top_ten(core: Core, course: Course) -> None:
    """Twelfth of twelve: the caller's rank, the number on the board and their points follow the top ten."""
    for n in range(11):
        for k in range(2):
            await answer_right(core, course, make_actor(f"ace{n:02}"), k)
    await answer_right(core, course, make_actor("late"), 0, topic=2)
    message = await progress.leaderboard(core, make_actor("late"), ["week"])
    points = (await progress.streak(core, make_actor("late"))).fields[1].value
    assert [(f.name, f.value) for f in message.fields] == [("You", f"#12 of 12, {points} pts")]
    assert "Late" not in message.body


async def test_own_rank_not_shown_when_in_the_top_ten(core: Core, course: Course) -> None:
    """A caller on the board is marked there, with no line of their own below it."""
    for name in ("alice", "bob"):
        await answer_right(core, course, make_actor(name), 0)
    message = await progress.leaderboard(core, make_actor("bob"), ["all"])
    assert message.fields == ()
    assert "← you" in message.body


async def test_own_rank_not_shown_without_points(core: Core, course: Course) -> None:
    """A caller who has not scored in the period gets the board alone."""
    await answer_right(core, course, make_actor("alice"), 0)
    assert (await progress.leaderboard(core, make_actor("newcomer"), ["week"])).fields == ()


async def test_board_counts_the_points_an_early_repeat_did_not_earn_as_none(core: Core, course: Course) -> None:
    """A question answered again before it is due earns nothing, and the boards agree with the points total."""
    actor = make_actor()
    q = course.topics[0].quiz[0]
    await quiz.answer(core, actor, core.catalogue.default, q.id, "first", q.answer, "d-first")
    await quiz.answer(core, actor, core.catalogue.default, q.id, "again", q.answer, "d-again")
    points = (await progress.streak(core, actor)).fields[1].value
    assert points == str(quiz_points(True, q.difficulty))  # the first answer's points only
    for period in ("week", "month", "all"):
        body = (await progress.leaderboard(core, actor, [period])).body
        assert f"**U1**: {points} pts (2 right answers)" in body


async def test_boards_follow_the_workspace_timezone_once_it_is_set(core: Core, course: Course, clock: Clock) -> None:
    """Sunday 20:00 UTC is last week in UTC but this week in Auckland: the board moves with the first setup."""
    clock.now = dt.datetime(2026, 11, 22, 20, 0, tzinfo=dt.UTC)  # Monday 09:00 in Auckland
    await answer_right(core, course, make_actor("ada"), 0)
    clock.now = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
    assert "Ada" not in (await progress.leaderboard(core, make_actor("ada"), ["week"])).body
    admin = make_actor("boss", admin=True, channel="C1")
    await StudyBot(core).dispatch(admin, "/study setup C1 09:00 Pacific/Auckland")
    board = await progress.leaderboard(core, make_actor("ada"), ["week"])
    assert "Ada" in board.body
    assert board.footer == "Weeks start on Monday, Pacific/Auckland time"


async def test_own_rank_breaks_ties_like_the_board(core: Core, course: Course, clock: Clock) -> None:
    """Of two learners below the top ten with equal points, the one who answered first ranks first."""
    for n in range(10):
        for k in range(3):
            await answer_right(core, course, make_actor(f"ace{n}"), k)
    for name in ("early", "late"):
        clock.advance(minutes=1)
        await answer_right(core, course, make_actor(name), 0)
    ranks = [(await progress.leaderboard(core, make_actor(name), ["all"])).fields[0].value for name in ("early",
                                                                                                        "late")]
    assert [r.split(" of ")[0] for r in ranks] == ["#11", "#12"]


async def test_questions_right_once_come_from_the_cards(core: Core, course: Course, clock: Clock) -> None:
    """Wrong then right counts; wrong only does not; a later wrong answer does not take it back."""
    actor = make_actor()
    first, second = course.topics[0].quiz[0], course.topics[0].quiz[1]
    wrong = (first.answer + 1) % len(first.choices)
    await quiz.answer(core, actor, core.catalogue.default, first.id, "i1", wrong, "d1")
    await quiz.answer(core, actor, core.catalogue.default, second.id, "i2",
                      (second.answer + 1) % len(second.choices), "d2")
    clock.advance(days=1)
    await quiz.answer(core, actor, core.catalogue.default, first.id, "i3", first.answer, "d3")
    clock.advance(days=30)
    await quiz.answer(core, actor, core.catalogue.default, first.id, "i4", wrong, "d4")
    identity = await core.identify(actor)
    async with core.reading() as uow:
        assert (await uow.learners.course_cards(identity.user_pk, core.catalogue.default.id)).right == {first.id}


async def test_stats_show_the_answers_of_each_recent_day(core: Core, course: Course, clock: Clock) -> None:
    """Two answers three days ago, one today, a repeated click counted once: the last four weeks' line says so."""
    actor = make_actor()
    await answer_right(core, course, actor, 0)
    await answer_right(core, course, actor, 1)
    await answer_right(core, course, actor, 1)  # the same showing again: not a new answer
    clock.advance(days=3)
    await answer_right(core, course, actor, 2)
    line = (await progress.stats(core, actor, core.catalogue.default)).fields[4].value
    assert line == "▁" * 24 + "█▁▁▅"  # the busiest day full, half of it at the middle block
