"""Daily drops against a real database: exactly once, progression, catch-up, failures."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy import func, select

from bot.app import StudyBot
from bot.content.catalogue import Catalogue
from bot.content.models import Course
from bot.messages import Message, Visibility
from bot.store.db import create_engine, session_factory
from bot.store.models import Channel, DailyDrop
from bot.usecases import quiz
from bot.usecases.context import Core
from bot.usecases.drops import Drops
from scheduler.fanout import DropRunner
from tests.conftest import Clock, make_actor
from tests.integration.scheduler.conftest import ADMIN, PermanentPostError, RecordingPlatform, at, set_up


async def drops_in_db(core: Core) -> list[DailyDrop]:
    """Every daily drop row, in the order they were made."""
    async with core.unit_of_work() as uow:
        return list((await uow.answers.session.scalars(select(DailyDrop).order_by(DailyDrop.id))).all())


async def test_drop_goes_out_once_at_its_time(core: Core, clock: Clock, runner: DropRunner,
                                              platform: RecordingPlatform, course: Course) -> None:
    """At 09:00 the first topic is posted; running again the same day posts nothing more."""
    at(clock, "Europe/Berlin", 2026, 11, 24, 18, 0)
    await set_up(core, clock, "C1", "09:00 Europe/Berlin")
    at(clock, "Europe/Berlin", 2026, 11, 25, 8, 59)
    assert await runner.run_due() == []
    at(clock, "Europe/Berlin", 2026, 11, 25, 9, 0)
    [outcome] = await runner.run_due()
    assert outcome.outcome == "sent"
    assert platform.titles("C1") == [course.topics[0].title]
    at(clock, "Europe/Berlin", 2026, 11, 25, 17, 0)
    assert await runner.run_due() == []
    [drop] = await drops_in_db(core)
    assert (drop.status, drop.message_id, drop.topic_id) == ("sent", "m1", course.topics[0].id)


async def test_each_day_brings_the_next_topic(core: Core, clock: Clock, runner: DropRunner,
                                              platform: RecordingPlatform, course: Course) -> None:
    """Three days, three topics in syllabus order."""
    at(clock, "UTC", 2026, 11, 24, 10, 0)
    await set_up(core, clock, "C1", "09:00 UTC")
    for day in (25, 26, 27):
        at(clock, "UTC", 2026, 11, day, 9, 30)
        await runner.run_due()
    assert platform.titles("C1") == [t.title for t in course.topics[:3]]


async def test_course_wraps_around_with_an_announcement(core: Core, clock: Clock, runner: DropRunner,
                                                        platform: RecordingPlatform, course: Course) -> None:
    """After the last topic the channel starts again at topic 1 and says so."""
    at(clock, "UTC", 2026, 11, 24, 10, 0)
    await set_up(core, clock, "C1", "09:00 UTC")
    async with core.unit_of_work() as uow:
        channel = (await uow.answers.session.scalars(select(Channel))).one()
        channel.next_topic_index = len(course.topics)
    at(clock, "UTC", 2026, 11, 25, 9, 30)
    await runner.run_due()
    [(_, message, _)] = platform.posts
    assert message.title == course.topics[0].title
    assert "whole course" in message.body


async def test_autumn_fold_posts_once(core: Core, clock: Clock, runner: DropRunner,
                                      platform: RecordingPlatform) -> None:
    """Firing at both 01:30s of New York's fold night posts one drop."""
    at(clock, "UTC", 2026, 10, 30, 12, 0)
    await set_up(core, clock, "C1", "01:30 America/New_York")
    for hour in (5, 6):  # 01:30 EDT and 01:30 EST, in UTC
        clock.now = clock.now.replace(year=2026, month=11, day=1, hour=hour, minute=30)
        await runner.run_due()
    assert len(platform.posts) == 1


async def test_missed_drop_goes_out_when_the_bot_returns_the_same_day(
    core: Core, clock: Clock, runner: DropRunner, platform: RecordingPlatform
) -> None:
    """Down at 09:00 and back at 15:00 the same day: the drop goes out at 15:00."""
    at(clock, "UTC", 2026, 11, 24, 10, 0)
    await set_up(core, clock, "C1", "09:00 UTC")
    at(clock, "UTC", 2026, 11, 25, 15, 0)
    await runner.run_due()
    assert len(platform.posts) == 1


async def test_days_missed_entirely_are_not_posted_later(core: Core, clock: Clock, runner: DropRunner,
                                                         platform: RecordingPlatform, course: Course) -> None:
    """Down for two whole days: on return only today's drop goes out, with the next topic."""
    at(clock, "UTC", 2026, 11, 24, 10, 0)
    await set_up(core, clock, "C1", "09:00 UTC")
    at(clock, "UTC", 2026, 11, 27, 9, 5)
    await runner.run_due()
    assert platform.titles("C1") == [course.topics[0].title]
    assert [d.local_date.day for d in await drops_in_db(core)] == [27]


async def test_paused_channel_gets_nothing(core: Core, clock: Clock, runner: DropRunner,
                                           platform: RecordingPlatform) -> None:
    """No drop while paused."""
    at(clock, "UTC", 2026, 11, 24, 10, 0)
    await set_up(core, clock, "C1", "09:00 UTC")
    await StudyBot(core).dispatch(ADMIN, "/study pause")
    at(clock, "UTC", 2026, 11, 25, 9, 30)
    assert await runner.run_due() == []
    assert platform.posts == []


async def test_permanent_error_marks_the_drop_and_tells_admins(core: Core, clock: Clock, runner: DropRunner,
                                                               platform: RecordingPlatform) -> None:
    """A deleted channel fails at once, is marked failed, and shows up in /study schedule."""
    at(clock, "UTC", 2026, 11, 24, 10, 0)
    await set_up(core, clock, "C1", "09:00 UTC")
    platform.failures["C1"] = [PermanentPostError("cannot post in channel C1: the channel was deleted")]
    at(clock, "UTC", 2026, 11, 25, 9, 30)
    [outcome] = await runner.run_due()
    assert outcome.outcome == "failed"
    [drop] = await drops_in_db(core)
    assert drop.status == "failed"
    schedule = await StudyBot(core).dispatch(ADMIN, "/study schedule")
    assert "the channel was deleted" in schedule.body
    assert await runner.run_due() == []


async def test_transient_errors_are_retried(core: Core, clock: Clock, runner: DropRunner,
                                            platform: RecordingPlatform) -> None:
    """Two timeouts, then success: the drop is sent once."""
    at(clock, "UTC", 2026, 11, 24, 10, 0)
    await set_up(core, clock, "C1", "09:00 UTC")
    platform.failures["C1"] = [TimeoutError(), ConnectionResetError()]
    at(clock, "UTC", 2026, 11, 25, 9, 30)
    [outcome] = await runner.run_due()
    assert outcome.outcome == "sent"
    assert len(platform.posts) == 1


async def test_one_failing_channel_does_not_stop_the_others(core: Core, clock: Clock, runner: DropRunner,
                                                            platform: RecordingPlatform) -> None:
    """A channel that keeps failing ends failed; the other channels are posted."""
    at(clock, "UTC", 2026, 11, 24, 10, 0)
    for name in ("C1", "C2", "C3"):
        await set_up(core, clock, name, "09:00 UTC")
    platform.failures["C2"] = [OSError("boom")] * 10
    at(clock, "UTC", 2026, 11, 25, 9, 30)
    outcomes = {o.key.split(":")[1]: o.outcome for o in await runner.run_due()}
    assert outcomes == {"C1": "sent", "C2": "failed", "C3": "sent"}


async def test_stale_claim_of_a_stopped_process_is_taken_over(core: Core, clock: Clock,
                                                              platform: RecordingPlatform) -> None:
    """A claim left by a process that died is taken over after the lease and posted with the same key."""
    at(clock, "UTC", 2026, 11, 24, 10, 0)
    await set_up(core, clock, "C1", "09:00 UTC")
    at(clock, "UTC", 2026, 11, 25, 9, 0)
    dead = Drops(core, "dead-worker")
    [due] = await dead.due(clock.now)
    claim = await dead.claim(due)
    assert claim is not None
    lease = dt.timedelta(seconds=0.5)
    survivor = DropRunner(Drops(core, "survivor", lease=lease), {"console": platform}, clock=clock)
    assert await survivor.run_due() == []  # the claim is still fresh
    await asyncio.sleep(lease.total_seconds() + 0.1)  # by the database's clock, which no test can set
    [outcome] = await survivor.run_due()
    assert outcome.outcome == "sent"
    [(_, _, key)] = platform.posts
    assert key == f"studybot-drop-{claim.id}"


async def test_weekly_board_on_monday(core: Core, clock: Clock, runner: DropRunner,
                                      platform: RecordingPlatform, course: Course) -> None:
    """On Monday a board of last week's top learners follows the lesson."""
    at(clock, "UTC", 2026, 11, 20, 10, 0)
    await set_up(core, clock, "C1", "09:00 UTC mon-fri weekly-board on")
    q = course.topics[0].quiz[0]
    await quiz.answer(core, make_actor("ada"), core.catalogue.default, q.id, "i1", q.answer, "d1")
    at(clock, "UTC", 2026, 11, 23, 9, 1)  # Monday
    await runner.run_due()
    titles = platform.titles("C1")
    assert titles == [course.topics[0].title, "🏆 Last week's top learners"]
    board = platform.posts[1][1]
    assert "Ada" in board.body


async def test_team_report_on_monday_names_nobody_and_goes_out_once(
        core: Core, clock: Clock, runner: DropRunner, platform: RecordingPlatform, course: Course) -> None:
    """With team-report on, Monday's drop is followed by last week's team figures, without names, once."""
    at(clock, "UTC", 2026, 11, 20, 10, 0)
    await set_up(core, clock, "C1", "09:00 UTC mon-fri weekly-board on team-report on")
    q = course.topics[0].quiz[0]
    await quiz.answer(core, make_actor("ada"), core.catalogue.default, q.id, "i1", q.answer, "d1")
    at(clock, "UTC", 2026, 11, 23, 9, 1)  # Monday
    await runner.run_due()
    await runner.run_due()
    assert platform.titles("C1") == [course.topics[0].title, "🏆 Last week's top learners",
                                      "👥 Last week's team report"]
    report = platform.posts[2][1]
    assert report.visibility is Visibility.PUBLIC
    assert "Active last week: 1 learner (the week before: 0)" in report.body
    assert "Ada" not in report.body
    assert report.footer.startswith("Week ending Sun 22 Nov 2026")


async def test_team_report_alone_makes_monday_a_drop_day(
        core: Core, clock: Clock, runner: DropRunner, platform: RecordingPlatform) -> None:
    """A channel dropping lessons on Fridays only still gets its team report on Monday, and no lesson."""
    at(clock, "UTC", 2026, 11, 20, 10, 0)
    await set_up(core, clock, "C1", "09:00 UTC fri team-report on")
    at(clock, "UTC", 2026, 11, 23, 9, 1)
    await runner.run_due()
    assert platform.titles("C1") == ["👥 Last week's team report"]


async def test_two_schedulers_on_one_database_post_each_drop_once(core: Core, clock: Clock, course: Course,
                                                                  platform: RecordingPlatform) -> None:
    """Two processes' runners firing together for 200 channels post exactly 200 drops."""
    at(clock, "UTC", 2026, 11, 24, 10, 0)
    bot = StudyBot(core)
    for n in range(200):
        await bot.dispatch(ADMIN, f"/study setup C{n} 09:00 UTC")
    at(clock, "UTC", 2026, 11, 25, 9, 0)
    url = core.sessions.kw["bind"].url.render_as_string(hide_password=False)
    other_engine = create_engine(url)
    other = Core(catalogue=Catalogue.of(course), sessions=session_factory(other_engine), clock=clock)
    first = DropRunner(Drops(core, "a"), {"console": platform}, clock=clock)
    second = DropRunner(Drops(other, "b"), {"console": platform}, clock=clock)
    results = await asyncio.gather(first.run_due(), second.run_due())
    await other_engine.dispose()
    sent = [o for batch in results for o in batch if o.outcome == "sent"]
    assert len(sent) == 200
    assert len(platform.posts) == 200
    assert len({c for c, _, _ in platform.posts}) == 200
    async with core.unit_of_work() as uow:
        assert await uow.answers.session.scalar(select(func.count()).select_from(DailyDrop)) == 200


async def test_failed_drop_does_not_skip_a_topic(core: Core, clock: Clock, runner: DropRunner,
                                                 platform: RecordingPlatform, course: Course) -> None:
    """A drop that failed today is retried with the same topic tomorrow."""
    at(clock, "UTC", 2026, 11, 24, 10, 0)
    await set_up(core, clock, "C1", "09:00 UTC")
    platform.failures["C1"] = [PermanentPostError("cannot post: the bot was removed")]
    at(clock, "UTC", 2026, 11, 25, 9, 30)
    await runner.run_due()
    at(clock, "UTC", 2026, 11, 26, 9, 30)
    await runner.run_due()
    assert platform.titles("C1") == [course.topics[0].title]


async def test_today_shows_the_last_topic_that_went_out(core: Core, clock: Clock, runner: DropRunner,
                                                        platform: RecordingPlatform, course: Course) -> None:
    """`/study today` in the channel shows the topic posted there, not one that failed."""
    at(clock, "UTC", 2026, 11, 24, 10, 0)
    await set_up(core, clock, "C1", "09:00 UTC")
    at(clock, "UTC", 2026, 11, 25, 9, 30)
    await runner.run_due()
    platform.failures["C1"] = [PermanentPostError("cannot post: missing permission")]
    at(clock, "UTC", 2026, 11, 26, 9, 30)
    await runner.run_due()
    today = await StudyBot(core).dispatch(make_actor(channel="C1"), "/study today")
    assert today.title == course.topics[0].title


async def test_weekly_board_covers_the_channels_last_week(core: Core, clock: Clock, runner: DropRunner,
                                                          platform: RecordingPlatform, course: Course) -> None:
    """In Auckland, Monday's board counts Monday-to-Sunday Auckland time, even with a London workspace."""
    at(clock, "Europe/London", 2026, 11, 10, 10, 0)
    await set_up(core, clock, "CL", "09:00 Europe/London")  # the workspace's day is London's
    await set_up(core, clock, "C1", "09:00 Pacific/Auckland weekly-board on")
    q = course.topics[0].quiz[0]
    at(clock, "Pacific/Auckland", 2026, 11, 12, 12, 0)  # Thursday of the week before the board
    await quiz.answer(core, make_actor("ada"), core.catalogue.default, q.id, "i1", q.answer, "d1")
    at(clock, "Pacific/Auckland", 2026, 11, 4, 12, 0)  # two weeks before: not on this board
    await quiz.answer(core, make_actor("bob"), core.catalogue.default, q.id, "i2", q.answer, "d2")
    at(clock, "Pacific/Auckland", 2026, 11, 16, 9, 1)  # Monday 09:01 in Auckland, Sunday in London
    await runner.run_due()
    board = next(m for c, m, _ in platform.posts if c == "C1" and m.title.startswith("🏆"))
    assert "Ada" in board.body
    assert "Bob" not in board.body
    assert board.footer.endswith("week of 09 Nov · Europe/London")


class SlowPlatform(RecordingPlatform):
    """A platform that takes longer to accept a post than the claim lease lasts."""

    async def post(self, channel_id: str, message: Message, idempotency_key: str) -> str:
        """Accept the post after longer than the lease."""
        await asyncio.sleep(0.6)
        return await super().post(channel_id, message, idempotency_key)


async def test_slow_post_keeps_its_claim(core: Core, course: Course) -> None:
    """A post slower than the lease is renewed meanwhile, so a second runner never takes it over."""
    await set_up(core, Clock(dt.datetime.now(dt.UTC) - dt.timedelta(days=1)), "C1", "00:00 UTC")
    platform = SlowPlatform()
    lease = dt.timedelta(seconds=0.3)
    first = DropRunner(Drops(core, "a", lease=lease), {"console": platform})
    second = DropRunner(Drops(core, "b", lease=lease), {"console": platform})

    async def keep_sweeping() -> list[str]:
        seen = []
        for _ in range(8):
            await asyncio.sleep(0.1)
            seen += [o.outcome for o in await second.run_due()]
        return seen

    results, second_outcomes = await asyncio.gather(first.run_due(), keep_sweeping())
    assert [o.outcome for o in results] == ["sent"]
    assert second_outcomes == []
    assert len(platform.posts) == 1


async def test_a_claim_taken_over_mid_post_is_not_recorded_twice(core: Core, clock: Clock) -> None:
    """If a stalled process's claim is taken over, only the new claimant records the drop and moves the channel on.

    The stalled one's late writes are void (the attempt number fences them).
    """
    at(clock, "UTC", 2026, 11, 24, 10, 0)
    await set_up(core, clock, "C1", "09:00 UTC")
    at(clock, "UTC", 2026, 11, 25, 9, 0)
    platform = SlowPlatform()
    stalled = DropRunner(Drops(core, "A"), {"console": platform}, clock=clock)  # renews only every 40 s
    taker = DropRunner(Drops(core, "B", lease=dt.timedelta(seconds=0.2)), {"console": platform}, clock=clock)

    async def later() -> list[str]:
        await asyncio.sleep(0.3)  # A has not renewed within B's lease: to B, A looks stalled
        return [o.outcome for o in await taker.run_due()]

    first, second = await asyncio.gather(stalled.run_due(), later())
    assert ([o.outcome for o in first], second) == (["taken"], ["sent"])
    async with core.unit_of_work() as uow:
        channel = await uow.answers.session.scalar(select(Channel))
        drop = await uow.answers.session.scalar(select(DailyDrop))
    assert channel is not None
    assert drop is not None
    assert channel.next_topic_index == 1
    assert (drop.status, drop.claimed_by, drop.attempts) == ("sent", "B", 2)


async def test_a_replica_whose_clock_runs_ahead_leaves_a_live_claim_alone(core: Core, clock: Clock) -> None:
    """Leases are judged by the database's clock: a replica an hour ahead does not take over a fresh claim."""
    at(clock, "UTC", 2026, 11, 24, 10, 0)
    await set_up(core, clock, "C1", "09:00 UTC")
    at(clock, "UTC", 2026, 11, 25, 9, 0)
    platform = SlowPlatform()
    posting = DropRunner(Drops(core, "A"), {"console": platform}, clock=clock)
    ahead = DropRunner(Drops(core, "B"), {"console": platform}, clock=Clock(clock.now + dt.timedelta(hours=1)))
    behind = DropRunner(Drops(core, "C"), {"console": platform}, clock=Clock(clock.now - dt.timedelta(minutes=30)))

    async def meanwhile() -> list[str]:
        await asyncio.sleep(0.2)  # A's claim is in the database and its post under way
        return [o.outcome for runner in (ahead, behind) for o in await runner.run_due()]

    first, others = await asyncio.gather(posting.run_due(), meanwhile())
    assert [o.outcome for o in first] == ["sent"]
    assert others == []
    assert len(platform.posts) == 1


async def test_the_drop_has_a_my_reviews_button(core: Core, clock: Clock, runner: DropRunner,
                                                platform: RecordingPlatform) -> None:
    """The daily lesson carries My reviews, which opens the clicker's own queue privately."""
    at(clock, "UTC", 2026, 11, 24, 10, 0)
    await set_up(core, clock, "C1", "09:00 UTC")
    at(clock, "UTC", 2026, 11, 25, 9, 30)
    await runner.run_due()
    [(_, drop, _)] = platform.posts
    reviews = next(b for b in drop.buttons if b.label == "My reviews")
    reply = await StudyBot(core).click(make_actor("ada", channel="C1"), reviews.action, "reviews-1")
    assert (reply.title, reply.visibility) == ("Nothing is due for review", Visibility.PRIVATE)
