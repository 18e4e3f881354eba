"""Learners' reminders against a real database: their local time, once a day, and what stops them."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy import select

from bot import actions
from bot.app import StudyBot
from bot.content.catalogue import Catalogue
from bot.content.models import Course
from bot.messages import Kind, Message
from bot.store.db import create_engine, session_factory
from bot.store.models import ReminderSend
from bot.usecases.context import Actor, Core
from bot.usecases.reminder_sends import Reminders
from scheduler.fanout import ReminderRunner, idempotency_key
from tests.conftest import Clock, make_actor
from tests.integration.scheduler.conftest import RecordingPlatform, at

ADA = make_actor("ada")


def reminders_runner(core: Core, platform: RecordingPlatform, clock: Clock, worker: str = "worker-a",
                     lease: dt.timedelta | None = None) -> ReminderRunner:
    """A reminder runner sending to the recording platform, with no real waiting between retries."""
    source = Reminders(core, worker) if lease is None else Reminders(core, worker, lease=lease)
    return ReminderRunner(source, {"console": platform}, clock=clock, backoff=0.0)


async def say(core: Core, text: str, actor: Actor = ADA) -> Message:
    """Run a `/study` command as `actor`."""
    return await StudyBot(core).dispatch(actor, text)


async def study(core: Core, actor: Actor = ADA) -> None:
    """Answer one quiz question as `actor`, which makes today a study day."""
    question = await say(core, "/study quiz", actor)
    reply = await StudyBot(core).click(actor, question.buttons[0].action, f"click-{question.buttons[0].action}")
    assert "Streak" in " ".join(f.name for f in reply.fields), reply.title


def button(message: Message, label: str) -> str:
    """The action of the button with `label`."""
    return next(b.action for b in message.buttons if b.label == label)


async def test_reminder_goes_out_once_at_the_learners_local_time(core: Core, clock: Clock,
                                                                 platform: RecordingPlatform) -> None:
    """Set for 18:00 Berlin: nothing at 17:59, one DM at 18:00, nothing more that day."""
    runner = reminders_runner(core, platform, clock)
    at(clock, "Europe/Berlin", 2026, 11, 25, 9, 0)
    await say(core, "/study timezone Europe/Berlin")
    assert (await say(core, "/study remind 18:00")).title == "⏰ Reminder set for 18:00 Europe/Berlin"
    at(clock, "Europe/Berlin", 2026, 11, 25, 17, 59)
    assert await runner.run_due() == []
    at(clock, "Europe/Berlin", 2026, 11, 25, 18, 0)
    [outcome] = await runner.run_due()
    assert outcome.outcome == "sent"
    [(user, message, _key)] = platform.directs
    assert user == "ada"
    assert [b.label for b in message.buttons] == ["Quiz me", "Remind me later today", "Stop reminders"]
    assert message.buttons[0].action == actions.NextQuiz().encode()
    at(clock, "Europe/Berlin", 2026, 11, 25, 23, 0)
    assert await runner.run_due() == []
    assert len(platform.directs) == 1


async def test_reminder_tells_the_streak_and_what_is_due(core: Core, clock: Clock,
                                                         platform: RecordingPlatform) -> None:
    """A learner who studied yesterday hears of their 1-day streak and the questions due for review."""
    runner = reminders_runner(core, platform, clock)
    at(clock, "UTC", 2026, 11, 24, 9, 0)
    await study(core)
    await say(core, "/study remind 18:00")
    at(clock, "UTC", 2026, 11, 25, 18, 0)
    await runner.run_due()
    [(_user, message, _key)] = platform.directs
    assert message.title == "⏰ Keep your 1 day streak alive"
    fields = {f.name: f.value for f in message.fields}
    assert fields["Streak"] == "1 day"
    assert fields["Due now"].endswith("due for review")


async def test_no_reminder_on_a_day_already_studied(core: Core, clock: Clock, platform: RecordingPlatform) -> None:
    """A learner who answered a question today gets nothing at their reminder time."""
    runner = reminders_runner(core, platform, clock)
    at(clock, "UTC", 2026, 11, 25, 8, 0)
    await say(core, "/study remind 18:00")
    await study(core)
    at(clock, "UTC", 2026, 11, 25, 18, 0)
    assert await runner.run_due() == []
    at(clock, "UTC", 2026, 11, 26, 18, 0)  # the next day they have not studied yet
    [outcome] = await runner.run_due()
    assert outcome.outcome == "sent"


async def test_spring_forward_gap_moves_the_reminder_by_the_gap(core: Core, clock: Clock,
                                                               platform: RecordingPlatform) -> None:
    """02:30 does not exist in Berlin on 29 March 2026: the reminder goes at 03:30 CEST (01:30 UTC)."""
    runner = reminders_runner(core, platform, clock)
    clock.now = dt.datetime(2026, 3, 28, 12, 0, tzinfo=dt.UTC)
    await say(core, "/study timezone Europe/Berlin")
    await say(core, "/study remind 02:30")
    clock.now = dt.datetime(2026, 3, 29, 1, 29, tzinfo=dt.UTC)
    assert await runner.run_due() == []
    clock.now = dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)
    [outcome] = await runner.run_due()
    assert outcome.outcome == "sent"


async def test_autumn_fold_reminds_once_at_the_first_time(core: Core, clock: Clock,
                                                          platform: RecordingPlatform) -> None:
    """02:30 happens twice in Berlin on 25 October 2026: one reminder, at the first (00:30 UTC)."""
    runner = reminders_runner(core, platform, clock)
    clock.now = dt.datetime(2026, 10, 24, 12, 0, tzinfo=dt.UTC)
    await say(core, "/study timezone Europe/Berlin")
    await say(core, "/study remind 02:30")
    clock.now = dt.datetime(2026, 10, 25, 0, 29, tzinfo=dt.UTC)
    assert await runner.run_due() == []
    clock.now = dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)
    assert [o.outcome for o in await runner.run_due()] == ["sent"]
    clock.now = dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC)  # 02:30 again, now CET
    assert await runner.run_due() == []
    assert len(platform.directs) == 1


async def test_a_new_timezone_moves_the_reminder_to_its_local_time(core: Core, clock: Clock,
                                                                   platform: RecordingPlatform) -> None:
    """Set for 18:00 in UTC, then the learner moves to Tokyo: the next reminder comes at 18:00 Tokyo."""
    runner = reminders_runner(core, platform, clock)
    clock.now = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
    await say(core, "/study remind 18:00")
    clock.now = dt.datetime(2026, 11, 24, 20, 0, tzinfo=dt.UTC)  # 05:00 on the 25th in Tokyo
    await say(core, "/study timezone Asia/Tokyo")
    clock.now = dt.datetime(2026, 11, 25, 8, 59, tzinfo=dt.UTC)
    assert await runner.run_due() == []
    clock.now = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)  # 18:00 in Tokyo
    [outcome] = await runner.run_due()
    assert outcome.outcome == "sent"
    [(_user, message, _key)] = platform.directs
    assert message.footer.startswith("Reminder at 18:00 Asia/Tokyo")


async def test_a_time_already_passed_today_waits_for_tomorrow(core: Core, clock: Clock,
                                                              platform: RecordingPlatform) -> None:
    """Set at 19:00 for 18:00: nothing that evening, the first reminder the next day."""
    runner = reminders_runner(core, platform, clock)
    at(clock, "UTC", 2026, 11, 25, 19, 0)
    reply = await say(core, "/study remind 18:00")
    assert "first on Thu 26 Nov" in reply.body
    assert await runner.run_due() == []
    at(clock, "UTC", 2026, 11, 26, 18, 0)
    assert [o.outcome for o in await runner.run_due()] == ["sent"]


async def test_missed_reminder_is_caught_up_the_same_day_only(core: Core, clock: Clock,
                                                              platform: RecordingPlatform) -> None:
    """Down at 18:00, back at 22:00: sent then; down all of the next day: no backlog the day after."""
    runner = reminders_runner(core, platform, clock)
    at(clock, "UTC", 2026, 11, 24, 12, 0)
    await say(core, "/study remind 18:00")
    at(clock, "UTC", 2026, 11, 25, 22, 0)
    assert [(o.outcome, o.key) for o in await runner.run_due()] == [("sent", "console:ada:remind:2026-11-25")]
    at(clock, "UTC", 2026, 11, 27, 9, 0)  # the 26th was missed entirely; the 27th's time has not come
    assert await runner.run_due() == []


async def test_remind_me_later_sends_one_more_two_hours_on(core: Core, clock: Clock,
                                                           platform: RecordingPlatform) -> None:
    """The snooze sends once more two hours after the click, without a second snooze button; one a day."""
    runner = reminders_runner(core, platform, clock)
    at(clock, "UTC", 2026, 11, 24, 12, 0)
    await say(core, "/study remind 18:00")
    at(clock, "UTC", 2026, 11, 25, 18, 0)
    await runner.run_due()
    [(_user, first, _key)] = platform.directs
    at(clock, "UTC", 2026, 11, 25, 18, 5)
    snoozed = await StudyBot(core).click(ADA, button(first, "Remind me later today"), "later-1")
    assert snoozed.title == "⏰ I'll remind you later"
    again = await StudyBot(core).click(ADA, button(first, "Remind me later today"), "later-2")
    assert again.title == "⏰ Not this time"
    at(clock, "UTC", 2026, 11, 25, 20, 4)
    assert await runner.run_due() == []
    at(clock, "UTC", 2026, 11, 25, 20, 5)
    assert [o.key for o in await runner.run_due()] == ["console:ada:later:2026-11-25"]
    second = platform.directs[1][1]
    assert [b.label for b in second.buttons] == ["Quiz me", "Stop reminders"]
    at(clock, "UTC", 2026, 11, 25, 23, 0)
    assert await runner.run_due() == []


async def test_snooze_is_skipped_when_the_learner_studied_meanwhile(core: Core, clock: Clock,
                                                                    platform: RecordingPlatform) -> None:
    """A learner who studies after snoozing gets no second reminder."""
    runner = reminders_runner(core, platform, clock)
    at(clock, "UTC", 2026, 11, 24, 12, 0)
    await say(core, "/study remind 18:00")
    at(clock, "UTC", 2026, 11, 25, 18, 0)
    await runner.run_due()
    await StudyBot(core).click(ADA, button(platform.directs[0][1], "Remind me later today"), "later-1")
    await study(core)
    at(clock, "UTC", 2026, 11, 25, 21, 0)
    assert await runner.run_due() == []


async def test_stop_reminders_button_stops_them(core: Core, clock: Clock, platform: RecordingPlatform) -> None:
    """After **Stop reminders**, no reminder the next day; `/study remind` says none is set."""
    runner = reminders_runner(core, platform, clock)
    at(clock, "UTC", 2026, 11, 24, 12, 0)
    await say(core, "/study remind 18:00")
    at(clock, "UTC", 2026, 11, 25, 18, 0)
    await runner.run_due()
    stopped = await StudyBot(core).click(ADA, button(platform.directs[0][1], "Stop reminders"), "stop-1")
    assert stopped.title == "⏰ Reminders stopped"
    at(clock, "UTC", 2026, 11, 26, 18, 0)
    assert await runner.run_due() == []
    assert (await say(core, "/study remind")).title == "⏰ No reminder set"


async def test_remind_off_stops_them(core: Core, clock: Clock, platform: RecordingPlatform) -> None:
    """`/study remind off` before the time: nothing is sent."""
    runner = reminders_runner(core, platform, clock)
    at(clock, "UTC", 2026, 11, 25, 12, 0)
    await say(core, "/study remind 18:00")
    assert (await say(core, "/study remind off")).title == "⏰ Reminders stopped"
    at(clock, "UTC", 2026, 11, 25, 18, 0)
    assert await runner.run_due() == []


async def test_closed_dms_switch_reminders_off_and_the_next_command_says_so(
    core: Core, clock: Clock, platform: RecordingPlatform
) -> None:
    """DMs closed: the reminder fails, reminders go off, the next command tells it once, none the next day."""
    runner = reminders_runner(core, platform, clock)
    at(clock, "UTC", 2026, 11, 24, 12, 0)
    await say(core, "/study remind 18:00")
    platform.closed.add("ada")
    at(clock, "UTC", 2026, 11, 25, 18, 0)
    [outcome] = await runner.run_due()
    assert outcome.outcome == "failed"
    streak = await say(core, "/study streak")
    assert streak.body.startswith("⏰ Your reminders are switched off: I could not send you a direct message")
    assert not (await say(core, "/study streak")).body.startswith("⏰")
    assert (await say(core, "/study remind")).title == "⏰ No reminder set"
    at(clock, "UTC", 2026, 11, 26, 18, 0)
    assert await runner.run_due() == []


async def test_closed_dm_notice_reaches_another_process(core: Core, course: Course, db_url: str, clock: Clock,
                                                        platform: RecordingPlatform) -> None:
    """A process that did not send the reminder tells the notice once its cached identity is refreshed."""
    engine = create_engine(db_url)
    other = Core(catalogue=Catalogue.of(course), sessions=session_factory(engine), clock=clock)
    try:
        at(clock, "UTC", 2026, 11, 24, 12, 0)
        await say(core, "/study remind 18:00")
        platform.closed.add("ada")
        at(clock, "UTC", 2026, 11, 25, 18, 0)
        await reminders_runner(other, platform, clock).run_due()
        core.forget_identity((await core.identify(ADA)).user_pk)  # what IDENTITY_TTL_S does in time
        assert (await say(core, "/study stats")).body.startswith("⏰ Your reminders are switched off")
    finally:
        await engine.dispose()


async def test_two_schedulers_remind_each_learner_once(core: Core, course: Course, db_url: str, clock: Clock,
                                                       platform: RecordingPlatform) -> None:
    """Two runners on two engines, running at the same moment: 20 learners, 20 reminders."""
    at(clock, "UTC", 2026, 11, 24, 12, 0)
    for n in range(20):
        await say(core, "/study remind 18:00", make_actor(f"u{n}"))
    engine = create_engine(db_url)
    other = Core(catalogue=Catalogue.of(course), sessions=session_factory(engine), clock=clock)
    try:
        at(clock, "UTC", 2026, 11, 25, 18, 0)
        first, second = reminders_runner(core, platform, clock, "a"), reminders_runner(other, platform, clock, "b")
        results = await asyncio.gather(first.run_due(), second.run_due())
    finally:
        await engine.dispose()
    sent = [o.key for run in results for o in run if o.outcome == "sent"]
    assert sorted(sent) == sorted(f"console:u{n}:remind:2026-11-25" for n in range(20))
    assert sorted(u for u, _m, _k in platform.directs) == sorted(f"u{n}" for n in range(20))


async def test_a_stale_claim_is_taken_over_with_the_same_key(core: Core, clock: Clock,
                                                             platform: RecordingPlatform) -> None:
    """A claim whose holder stopped is taken over once the lease is over; the same key, so no second DM."""
    at(clock, "UTC", 2026, 11, 24, 12, 0)
    await say(core, "/study remind 18:00")
    at(clock, "UTC", 2026, 11, 25, 18, 0)
    lease = dt.timedelta(seconds=0.2)
    stopped = Reminders(core, "stopped", lease=lease)
    [due] = await stopped.due(clock())
    claim = await stopped.claim(due)
    assert claim is not None
    await asyncio.sleep(0.3)
    [outcome] = await reminders_runner(core, platform, clock, "survivor", lease=lease).run_due()
    assert outcome.outcome == "sent"
    [(_user, _message, key)] = platform.directs
    assert key == idempotency_key(claim, "reminder")
    async with core.unit_of_work() as uow:
        [row] = (await uow.reminders.session.scalars(select(ReminderSend))).all()
    assert (row.status, row.attempts, row.claimed_by) == ("sent", 2, "survivor")


class NoIdempotentPosts(RecordingPlatform):
    """A platform like Slack: every post is a new message, and earlier ones are found by their key."""

    async def post_direct(self, user_id: str, message: Message, idempotency_key: str) -> str:
        """Record every direct message, keys or not."""
        self.directs.append((user_id, message, idempotency_key))
        self.by_key[idempotency_key] = f"d{len(self.directs)}"
        return self.by_key[idempotency_key]

    async def find_direct(self, user_id: str, idempotency_key: str) -> str | None:
        """The earlier direct message with this key, if one was sent."""
        return self.by_key.get(idempotency_key)


async def test_a_taken_over_reminder_already_sent_is_not_sent_again(core: Core, clock: Clock) -> None:
    """A holder that sent the DM and stopped before recording it: the survivor finds the DM and records it."""
    platform = NoIdempotentPosts()
    at(clock, "UTC", 2026, 11, 24, 12, 0)
    await say(core, "/study remind 18:00")
    at(clock, "UTC", 2026, 11, 25, 18, 0)
    lease = dt.timedelta(seconds=0.2)
    stopped = Reminders(core, "stopped", lease=lease)
    [due] = await stopped.due(clock())
    claim = await stopped.claim(due)
    assert claim is not None
    await platform.post_direct("ada", Message(kind=Kind.STREAK, title="Reminder"), idempotency_key(claim, "reminder"))
    await asyncio.sleep(0.3)
    [outcome] = await reminders_runner(core, platform, clock, "survivor", lease=lease).run_due()
    assert outcome.outcome == "sent"
    assert len(platform.directs) == 1
    async with core.unit_of_work() as uow:
        [row] = (await uow.reminders.session.scalars(select(ReminderSend))).all()
    assert (row.status, row.message_id) == ("sent", "d1")


async def test_many_learners_are_reminded_in_batches_each_once(core: Core, clock: Clock,
                                                              platform: RecordingPlatform) -> None:
    """250 learners with batches of 100: every learner one DM, every claim recorded sent, one outcome each."""
    at(clock, "UTC", 2026, 11, 24, 12, 0)
    learners = [f"u{n}" for n in range(250)]
    for learner in learners:
        await say(core, "/study remind 18:00", make_actor(learner))
    at(clock, "UTC", 2026, 11, 25, 18, 0)
    outcomes = await reminders_runner(core, platform, clock).run_due()
    assert [o.outcome for o in outcomes] == ["sent"] * 250
    assert sorted(u for u, _m, _k in platform.directs) == sorted(learners)
    async with core.unit_of_work() as uow:
        rows = (await uow.reminders.session.scalars(select(ReminderSend))).all()
    assert sorted((r.status, r.message_id) for r in rows) == sorted(("sent", o.message_id) for o in outcomes)


async def test_a_stopped_processs_batch_of_claims_is_taken_over_with_their_keys(
    core: Core, clock: Clock, platform: RecordingPlatform
) -> None:
    """A process claims three reminders in one batch and stops; after the lease the survivor sends each once."""
    at(clock, "UTC", 2026, 11, 24, 12, 0)
    for n in range(3):
        await say(core, "/study remind 18:00", make_actor(f"u{n}"))
    at(clock, "UTC", 2026, 11, 25, 18, 0)
    lease = dt.timedelta(seconds=0.2)
    stopped = Reminders(core, "stopped", lease=lease)
    claimed = await stopped.claim_many(await stopped.due(clock()))
    assert len(claimed) == 3
    await asyncio.sleep(0.3)
    outcomes = await reminders_runner(core, platform, clock, "survivor", lease=lease).run_due()
    assert [o.outcome for o in outcomes] == ["sent"] * 3
    keys = sorted(idempotency_key(c, "reminder") for _d, c, _m in claimed)
    assert sorted(k for _u, _m, k in platform.directs) == keys
    async with core.unit_of_work() as uow:
        rows = (await uow.reminders.session.scalars(select(ReminderSend))).all()
    assert {(r.status, r.attempts, r.claimed_by) for r in rows} == {("sent", 2, "survivor")}


async def test_a_batch_claimed_by_a_live_process_is_left_to_it(core: Core, clock: Clock,
                                                              platform: RecordingPlatform) -> None:
    """Claims within their lease are another process's: a second batch claim of them wins none, nothing is sent."""
    at(clock, "UTC", 2026, 11, 24, 12, 0)
    for n in range(3):
        await say(core, "/study remind 18:00", make_actor(f"u{n}"))
    at(clock, "UTC", 2026, 11, 25, 18, 0)
    other = Reminders(core, "other")
    due = await other.due(clock())
    assert len(await other.claim_many(due)) == 3
    assert await Reminders(core, "late").claim_many(due) == []
    assert await reminders_runner(core, platform, clock, "late").run_due() == []
    assert platform.directs == []


async def test_a_holder_whose_claims_were_taken_over_records_nothing(core: Core, clock: Clock) -> None:
    """The stopped holder comes back after a takeover: its batch of outcomes is refused, the survivor's stands."""
    at(clock, "UTC", 2026, 11, 24, 12, 0)
    for n in range(2):
        await say(core, "/study remind 18:00", make_actor(f"u{n}"))
    at(clock, "UTC", 2026, 11, 25, 18, 0)
    lease = dt.timedelta(seconds=0.2)
    stopped, survivor = Reminders(core, "stopped", lease=lease), Reminders(core, "survivor", lease=lease)
    first = await stopped.claim_many(await stopped.due(clock()))
    await asyncio.sleep(0.3)
    second = await survivor.claim_many([d for d, _c, _m in first])
    assert [c.takeover for _d, c, _m in second] == [True, True]
    assert await stopped.finish_many([(c, "old", None) for _d, c, _m in first], clock()) == set()
    recorded = await survivor.finish_many([(c, f"new-{c.id}", None) for _d, c, _m in second], clock())
    assert recorded == {c.id for _d, c, _m in second}
    async with core.unit_of_work() as uow:
        rows = (await uow.reminders.session.scalars(select(ReminderSend))).all()
    assert sorted((r.status, r.message_id) for r in rows) == sorted(("sent", f"new-{r.id}") for r in rows)


async def test_one_person_in_two_workspaces_gets_each_reminder_with_its_own_outcome(
    core: Core, clock: Clock, platform: RecordingPlatform
) -> None:
    """Two learners with one platform id (two workspaces) share a log key, yet each has a DM and an outcome."""
    at(clock, "UTC", 2026, 11, 24, 12, 0)
    for workspace in ("w1", "w2"):
        await say(core, "/study remind 18:00", make_actor("ada", workspace))
    at(clock, "UTC", 2026, 11, 25, 18, 0)
    outcomes = await reminders_runner(core, platform, clock).run_due()
    assert [o.outcome for o in outcomes] == ["sent", "sent"]
    assert len({o.message_id for o in outcomes}) == 2
    assert [u for u, _m, _k in platform.directs] == ["ada", "ada"]
