"""`/study timezone`: a learner's own timezone, shown and chosen, and how it meets the platform's."""

from __future__ import annotations

from bot.app import StudyBot
from bot.content.catalogue import Catalogue
from bot.usecases.context import Core
from tests.conftest import Clock, make_actor


async def test_without_a_name_it_shows_the_current_timezone(studybot: StudyBot) -> None:
    """A new learner sees the default timezone and how to change it."""
    reply = await studybot.dispatch(make_actor("ada"), "/study timezone")
    assert reply.title == "🕒 Your timezone: UTC"
    assert "/study timezone Europe/Berlin" in reply.body


async def test_a_chosen_timezone_is_kept_and_shown(studybot: StudyBot) -> None:
    """After choosing Asia/Tokyo, the command and `/study streak` both show it."""
    ada = make_actor("ada")
    assert (await studybot.dispatch(ada, "/study timezone Asia/Tokyo")).title == "🕒 Your timezone is now Asia/Tokyo"
    assert (await studybot.dispatch(ada, "/study timezone")).title == "🕒 Your timezone: Asia/Tokyo"
    streak = await studybot.dispatch(ada, "/study streak")
    assert {f.name: f.value for f in streak.fields}["Your days end at"].startswith("midnight Asia/Tokyo")


async def test_an_unknown_timezone_is_refused_kindly(studybot: StudyBot) -> None:
    """A made-up name gets the same hint as setup, and nothing changes."""
    ada = make_actor("ada")
    reply = await studybot.dispatch(ada, "/study timezone Mars/Olympus")
    assert reply.title == "“Mars/Olympus” is not a timezone"
    assert "Europe/London" in reply.body
    assert (await studybot.dispatch(ada, "/study timezone")).title == "🕒 Your timezone: UTC"


async def test_the_platforms_timezone_counts_until_the_learner_chooses(studybot: StudyBot) -> None:
    """Slack's users.info tz sets the day of a learner who never chose one."""
    reply = await studybot.dispatch(make_actor("ada", platform="slack", tz="America/New_York"), "/study timezone")
    assert reply.title == "🕒 Your timezone: America/New_York"
    assert "platform" in reply.body


async def test_an_explicit_choice_wins_over_the_platforms_timezone(core: Core, studybot: StudyBot,
                                                                   clock: Clock) -> None:
    """Chosen Europe/Berlin stays even when Slack keeps reporting America/New_York, in a fresh process too."""
    slack_ada = make_actor("ada", platform="slack", tz="America/New_York")
    await studybot.dispatch(slack_ada, "/study streak")
    await studybot.dispatch(slack_ada, "/study timezone Europe/Berlin")
    assert (await studybot.dispatch(slack_ada, "/study timezone")).title == "🕒 Your timezone: Europe/Berlin"
    fresh = Core(catalogue=Catalogue.of(core.catalogue.default), sessions=core.sessions, clock=clock)
    identity = await fresh.identify(slack_ada)
    assert (identity.timezone, identity.timezone_chosen) == ("Europe/Berlin", True)
