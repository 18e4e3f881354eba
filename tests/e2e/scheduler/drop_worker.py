"""A scheduler process for the crash tests: sends what is due at DROP_NOW, then prints its outcomes.

DROP_KIND is `drop` (the default: daily drops) or `reminder` (learners' reminders, as DMs). It
posts through the real Discord poster, pointed at the test's stand-in by DISCORD_API_URL.
"""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import json
import os
from pathlib import Path

from adapters.discord.config import apply
from bot.content.catalogue import Catalogue
from bot.content.loader import require_course
from bot.settings import Settings
from bot.store.db import create_engine, session_factory
from bot.usecases.context import Core
from bot.usecases.drops import Drops
from bot.usecases.reminder_sends import Reminders
from scheduler.fanout import DropRunner, ReminderRunner
from tests.e2e.discord.rest_poster import open_poster

ROOT = Path(__file__).resolve().parents[3]


async def main() -> None:
    """Post the drops due at DROP_NOW and print how many ended each way, as JSON."""
    now = dt.datetime.fromisoformat(os.environ["DROP_NOW"])
    engine = create_engine(os.environ["DATABASE_URL"])
    core = Core(catalogue=Catalogue.of(require_course(ROOT / "content" / "dotnet-architect")),
                sessions=session_factory(engine),
                clock=lambda: now)
    apply(Settings(_env_file=None).discord)
    worker, lease = f"worker-{os.getpid()}", dt.timedelta(seconds=float(os.environ["DROP_LEASE"]))
    async with open_poster(os.environ["DISCORD_TOKEN"]) as poster:
        if os.environ.get("DROP_KIND") == "reminder":
            reminders = ReminderRunner(Reminders(core, worker, lease=lease), {"discord": poster}, clock=lambda: now,
                                       concurrency=8, backoff=0.05)
            outcomes = await reminders.run_due()
        else:
            drops = DropRunner(Drops(core, worker, lease=lease), {"discord": poster}, clock=lambda: now,
                               concurrency=8, backoff=0.05)
            outcomes = await drops.run_due()
    await engine.dispose()
    print(json.dumps(collections.Counter(o.outcome for o in outcomes)))


if __name__ == "__main__":
    asyncio.run(main())
