"""A learner's data: forget-me, export-me and privacy on the boards, against a real database."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
from typing import Any

import pytest
from sqlalchemy import Table, insert, select

from bot import actions
from bot.app import StudyBot
from bot.content.models import Course
from bot.messages import Message
from bot.store.models import PendingScore, Score, User
from bot.store.privacy import PER_USER_TABLES
from bot.store.scores import PendingDelta, pending_params
from bot.usecases import privacy, progress, quiz
from bot.usecases.context import Actor, Core
from bot.usecases.drops import Drops
from tests.conftest import Clock, make_actor

ADA = make_actor("ada", "w1")
BOB = make_actor("bob", "w1")
ADA_ELSEWHERE = make_actor("ada", "w2")
ADA_ON_SLACK = make_actor("ada", "w1", platform="slack")


async def study(core: Core, course: Course, actor: Actor, answers: int) -> None:
    """Answer `answers` questions, alternately right and wrong, and set a timezone of one's own."""
    studied = with_own_timezone(actor)
    for n, question in enumerate([q for t in course.topics for q in t.quiz][:answers]):
        choice = question.answer if n % 2 == 0 else (question.answer + 1) % len(question.choices)
        tag = f"{actor.platform}-{actor.workspace_id}-{actor.user_id}-{n}"
        await quiz.answer(core, studied, core.catalogue.default, question.id, tag[-32:], choice, f"d-{tag}")


def with_own_timezone(actor: Actor) -> Actor:
    """The actor with a timezone of their own, which is one of the settings kept about them."""
    return dataclasses.replace(actor, user_timezone="Europe/Berlin")


async def snapshot(core: Core) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every per-learner table, and of users, keyed by table name."""
    tables: list[Table] = [*PER_USER_TABLES, User.__table__]  # type: ignore[list-item]
    async with core.unit_of_work() as uow:
        connection = await uow.answers.session.connection()
        return {t.name: sorted(tuple(r) for r in await connection.execute(select(t))) for t in tables}


async def user_pk(core: Core, actor: Actor) -> int:
    """The database id of an actor's user row."""
    return (await core.identify(actor)).user_pk


async def confirm(bot: StudyBot, actor: Actor, asked: Message, key: str = "forget-1") -> Message:
    """Press "Delete everything" on a forget-me confirmation as `actor`."""
    button = next(b for b in asked.buttons if b.label == "Delete everything")
    return await bot.click(actor, button.action, key)


@pytest.fixture
async def learners(core: Core, course: Course) -> dict[str, int]:
    """Four learners with answers, cards, stats, scores, reminders and settings: Ada, Bob, Ada elsewhere, on Slack."""
    for actor, answers in ((ADA, 5), (BOB, 3), (ADA_ELSEWHERE, 4), (ADA_ON_SLACK, 2)):
        await study(core, course, actor, answers)
        await StudyBot(core).dispatch(actor, "/study privacy hide")
        await StudyBot(core).dispatch(actor, "/study remind 18:00")
        async with core.unit_of_work() as uow:  # yesterday's reminder, as the scheduler claims one
            claimed = await uow.reminders.claim(await user_pk(core, actor), "remind", dt.date(2026, 11, 24), "w1")
        assert claimed is not None
    await core.scores.settled()  # their points on the boards
    return {name: await user_pk(core, actor) for name, actor in
            (("ada", ADA), ("bob", BOB), ("elsewhere", ADA_ELSEWHERE), ("slack", ADA_ON_SLACK))}


async def test_forget_me_deletes_exactly_the_callers_rows(core: Core, learners: dict[str, int]) -> None:
    """Table by table, Ada's rows in this workspace are gone and every other row is as it was."""
    before = await snapshot(core)
    bot = StudyBot(core)
    done = await confirm(bot, ADA, await bot.dispatch(ADA, "/study forget-me"))
    assert done.title == "Your data is deleted"
    after = await snapshot(core)
    ada = learners["ada"]
    for table in PER_USER_TABLES:
        position = list(table.c.keys()).index("user_id")
        mine = [row for row in before[table.name] if row[position] == ada]
        assert mine, f"{table.name}: the test should give Ada rows to delete"
        assert after[table.name] == [row for row in before[table.name] if row[position] != ada], table.name
    assert after["users"] == [row for row in before["users"] if row[0] != ada]


async def test_forget_me_tells_how_many_answers_went(core: Core, learners: dict[str, int]) -> None:
    """The reply counts the answers deleted."""
    bot = StudyBot(core)
    done = await confirm(bot, ADA, await bot.dispatch(ADA, "/study forget-me"))
    assert "deleted 5 answers" in done.body


async def test_forget_me_is_logged_without_ids_or_names(core: Core, learners: dict[str, int],
                                                        caplog: pytest.LogCaptureFixture) -> None:
    """The event line counts rows per table and names no one."""
    bot = StudyBot(core)
    asked = await bot.dispatch(ADA, "/study forget-me")
    with caplog.at_level(logging.INFO, logger="bot.usecases.privacy"):
        await confirm(bot, ADA, asked)
    [line] = [r.getMessage() for r in caplog.records if r.name == "bot.usecases.privacy"]
    assert line == ("a learner's data was deleted on console: "
                    "5 answers, 5 review cards, 1 stats row, 1 reminder, 1 sent reminder, 6 board scores "
                    "and 1 user row")
    assert "ada" not in line.lower()
    assert "w1" not in line


async def test_a_forgotten_learner_leaves_the_leaderboard(core: Core, learners: dict[str, int]) -> None:
    """After forget-me the board has one line fewer, and Ada can start afresh."""
    bot = StudyBot(core)
    board = await progress.leaderboard(core, BOB, [])
    assert board.body.count("a learner") == 2
    await confirm(bot, ADA, await bot.dispatch(ADA, "/study forget-me"))
    board = await progress.leaderboard(core, BOB, [])
    assert board.body.count("a learner") == 1
    streak = await bot.dispatch(ADA, "/study streak")
    assert streak.fields[1].value == "0"


async def test_keep_my_data_deletes_nothing(core: Core, learners: dict[str, int]) -> None:
    """Keep my data leaves every row where it was."""
    before = await snapshot(core)
    bot = StudyBot(core)
    asked = await bot.dispatch(ADA, "/study forget-me")
    keep = next(b for b in asked.buttons if b.label == "Keep my data")
    assert (await bot.click(ADA, keep.action, "keep-1")).title == "Nothing was deleted"
    assert await snapshot(core) == before


async def test_someone_elses_confirmation_deletes_nothing(core: Core, learners: dict[str, int]) -> None:
    """Bob pressing Ada's Delete everything is refused, and neither loses anything."""
    before = await snapshot(core)
    bot = StudyBot(core)
    refused = await confirm(bot, BOB, await bot.dispatch(ADA, "/study forget-me"))
    assert refused.title == "This button isn't yours"
    assert await snapshot(core) == before


async def test_an_expired_confirmation_deletes_nothing(core: Core, learners: dict[str, int], clock: Clock) -> None:
    """Ten minutes and a second after asking, the button no longer deletes."""
    before = await snapshot(core)
    bot = StudyBot(core)
    asked = await bot.dispatch(ADA, "/study forget-me")
    clock.advance(minutes=10, seconds=1)
    assert (await confirm(bot, ADA, asked)).title == "That confirmation has expired"
    assert await snapshot(core) == before


async def test_a_confirmation_in_time_deletes(core: Core, learners: dict[str, int], clock: Clock) -> None:
    """Nine minutes after asking, the button still works."""
    bot = StudyBot(core)
    asked = await bot.dispatch(ADA, "/study forget-me")
    clock.advance(minutes=9)
    assert (await confirm(bot, ADA, asked)).title == "Your data is deleted"


def test_the_confirmation_button_carries_no_id_of_the_learner() -> None:
    """The button id holds a digest of who asked, never their platform id."""
    button = actions.Forget(1_800_000_000, privacy.owner_digest(make_actor("U0SECRETID"))).encode()
    assert "U0SECRETID" not in button


async def test_operators_forget_a_learner_in_every_workspace_of_a_platform(core: Core,
                                                                           learners: dict[str, int]) -> None:
    """Without a workspace, Ada's console rows go in both workspaces; her Slack rows and Bob's stay."""
    done = await privacy.forget(core, "console", "ada")
    assert sorted(d.learner.workspace for d in done) == ["w1", "w2"]
    after = await snapshot(core)
    assert sorted(row[0] for row in after["users"]) == sorted([learners["bob"], learners["slack"]])


async def test_forgetting_nobody_deletes_nothing(core: Core, learners: dict[str, int]) -> None:
    """An id with no data finds nothing to delete."""
    before = await snapshot(core)
    assert await privacy.forget(core, "console", "nobody") == []
    assert await snapshot(core) == before


async def pend(core: Core, *deltas: tuple[int, int]) -> None:
    """A batch's pending scores as another process leaves them for a moment: (learner id, points) in course c."""
    async with core.unit_of_work() as uow:
        ws = (await core.identify(ADA)).workspace_pk
        rows = [PendingDelta(ws, "c", user, dt.date(2026, 11, 23), dt.date(2026, 11, 1), points, 1,
                             core.clock()) for user, points in deltas]
        await uow.answers.session.execute(insert(PendingScore), pending_params(rows))


async def course_points(core: Core, user: int) -> int | None:
    """A learner's all-time points in course c, as the boards hold them."""
    async with core.unit_of_work() as uow:
        return await uow.answers.session.scalar(
            select(Score.points).where(Score.user_id == user, Score.course_id == "c", Score.period == "all"))


async def test_forget_me_first_folds_what_another_process_left_pending(core: Core,
                                                                       learners: dict[str, int]) -> None:
    """A batch holding Ada's and Bob's latest points: Bob's reach the board, Ada's go with the rest of her rows."""
    await pend(core, (learners["ada"], 7), (learners["bob"], 3))
    bot = StudyBot(core)
    await confirm(bot, ADA, await bot.dispatch(ADA, "/study forget-me"))
    assert await course_points(core, learners["bob"]) == 3
    assert await course_points(core, learners["ada"]) is None
    async with core.unit_of_work() as uow:
        assert await uow.answers.fold_scores(10) == 0


# export-me -------------------------------------------------------------------------------------

async def exported(core: Core, actor: Actor) -> dict[str, Any]:
    """The JSON document of `/study export-me`."""
    message = await StudyBot(core).dispatch(actor, "/study export-me")
    [attachment] = message.attachments
    assert (attachment.mime, attachment.filename) == ("application/json", "studybot-my-data-2026-11-25.json")
    document: dict[str, Any] = json.loads(attachment.data)
    return document


async def test_export_holds_every_answer_of_the_learner(core: Core, learners: dict[str, int]) -> None:
    """The file has each of Ada's five answers here, as recorded, and none of anyone else's."""
    document = await exported(core, ADA)
    async with core.unit_of_work() as uow:
        mine = (await uow.privacy.export(learners["ada"]))["answers"]
    assert len(document["answers"]) == 5
    assert document["answers"] == mine
    assert {a["delivery_key"].split("-")[3] for a in document["answers"]} == {"ada"}
    assert {a["instance"] for a in document["answers"]} == {f"console-w1-ada-{n}" for n in range(5)}


async def test_export_holds_cards_totals_and_settings(core: Core, learners: dict[str, int]) -> None:
    """The file has the review cards, the totals and the settings (timezone, hidden) of the learner."""
    document = await exported(core, ADA)
    assert (document["format"], document["version"], document["platform"], document["workspace"]) == (
        "studybot-learner-export", 3, "console", "w1")
    assert len(document["review_states"]) == 5
    assert {card["course_id"] for card in document["review_states"]} == {"dotnet-architect"}
    assert document["courses"] == ["dotnet-architect"]
    [stats] = document["user_stats"]
    assert (stats["answers"], stats["correct"]) == (5, 3)
    user = document["user"]
    assert (user["external_id"], user["timezone"], user["hidden"]) == ("ada", "Europe/Berlin", True)
    assert "id" not in user
    assert "user_id" not in stats


async def test_export_holds_the_points_another_process_left_pending(core: Core, learners: dict[str, int]) -> None:
    """Ada's latest points, still on their way to the boards from another process, are in her exported scores."""
    await pend(core, (learners["ada"], 7))
    scores = (await exported(core, ADA))["scores"]
    assert [s["points"] for s in scores if (s["course_id"], s["period"]) == ("c", "all")] == [7]


async def test_export_lists_the_answers_of_each_recent_day(core: Core, learners: dict[str, int]) -> None:
    """The totals hold Ada's five answers per day as [ISO day, answers] pairs, the days her answers fell on."""
    document = await exported(core, ADA)
    [stats] = document["user_stats"]
    days = sorted({a["local_day"] for a in document["answers"]})
    assert stats["recent_days"] == [[day, sum(a["local_day"] == day for a in document["answers"])] for day in days]


async def test_export_cards_count_the_quiz_answers(core: Core, learners: dict[str, int]) -> None:
    """The file's cards count Ada's five quiz answers and the three right ones."""
    cards = (await exported(core, ADA))["review_states"]
    assert (sum(c["quiz_answers"] for c in cards), sum(c["quiz_right"] for c in cards)) == (5, 3)


async def test_export_round_trips_through_json(core: Core, learners: dict[str, int]) -> None:
    """Every answer's time in the file reads back as the moment recorded."""
    document = await exported(core, ADA)
    times = [dt.datetime.fromisoformat(a["answered_at"]) for a in document["answers"]]
    assert all(t.tzinfo is not None for t in times)
    assert times == sorted(times)


# privacy hide|show -----------------------------------------------------------------------------

async def test_a_hidden_learner_is_a_learner_on_the_board(core: Core, course: Course) -> None:
    """After `privacy hide`, others see "a learner" where the name was; `show` puts it back."""
    bot = StudyBot(core)
    await study(core, course, ADA, 1)
    await study(core, course, BOB, 1)
    assert "**Ada**" in (await progress.leaderboard(core, BOB, [])).body
    hidden = await bot.dispatch(ADA, "/study privacy hide")
    assert hidden.title == "You're hidden on leaderboards"
    board = (await progress.leaderboard(core, BOB, [])).body
    assert "Ada" not in board
    assert "**a learner**" in board
    assert "**Bob**" in board
    await bot.dispatch(ADA, "/study privacy show")
    assert "**Ada**" in (await progress.leaderboard(core, BOB, [])).body


async def test_privacy_without_a_setting_says_the_current_one(core: Core) -> None:
    """`/study privacy` alone says how boards name you."""
    message = await StudyBot(core).dispatch(ADA, "/study privacy")
    assert message.title == "Leaderboards show your name"


async def test_a_privacy_setting_that_is_not_one_is_a_friendly_error(core: Core) -> None:
    """`/study privacy maybe` says which settings there are."""
    message = await StudyBot(core).dispatch(ADA, "/study privacy maybe")
    assert message.title == "“maybe” is not a privacy setting"


async def test_a_hidden_learner_is_a_learner_on_the_weekly_board_post(core: Core, course: Course,
                                                                      clock: Clock) -> None:
    """The weekly board in the channel names a hidden learner "a learner", in the scores and the streaks."""
    admin = make_actor("boss", "w1", admin=True)
    bot = StudyBot(core)
    clock.now = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
    assert (await bot.dispatch(admin, "/study setup C1 09:00 UTC weekly-board on")).title == "Daily drop set up ✅"
    clock.now = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)  # Sunday: the streak is alive on Monday
    await study(core, course, ADA, 1)
    await bot.dispatch(ADA, "/study privacy hide")
    clock.now = dt.datetime(2026, 11, 23, 9, 1, tzinfo=dt.UTC)  # Monday
    drops = Drops(core, "worker")
    [due] = [d for d in await drops.due(clock.now) if d.kind == "weekly"]
    claim = await drops.claim(due)
    assert claim is not None
    board = await drops.message(due, claim)
    assert "Ada" not in board.body + board.fields[0].value
    assert "**a learner**" in board.body
    assert "**a learner**" in board.fields[0].value
