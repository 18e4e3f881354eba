"""One scheduler process of `bench.fanout --schedulers N`: the fan-out, when told to start.

It reads one JSON line on stdin (its name, the scratch database, the stand-ins' URLs, the mode,
the pool size and the runner's options), sets up its own engine and posters, prints `ready`,
and waits for `go`. It then runs the real runner once and prints one JSON line: when it started
and finished (time.monotonic, the same clock as the stand-ins'), the CPU time it took, its
outcomes, its peak RSS,
and the warnings and errors it logged.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from collections import Counter
from typing import Any

from bench.fanout import ROOT, CountingHandler, due_clock, fan_out, posters_at, rss_mib
from bot.content.catalogue import Catalogue
from bot.content.loader import require_course
from bot.store.db import create_engine, session_factory
from bot.usecases.context import Core


def read_line() -> str:
    """The next line on stdin (blocking, so run in a thread)."""
    return sys.stdin.readline()


async def main() -> None:
    """Set up, say `ready`, wait for `go`, run the fan-out once, and print what it measured."""
    loop = asyncio.get_running_loop()
    config: dict[str, Any] = json.loads(await loop.run_in_executor(None, read_line))
    counting = CountingHandler()
    logging.basicConfig(level=logging.WARNING, handlers=[counting])
    options = dict(config["options"])
    options["pacing"] = {platform: (int(limit), float(period)) for platform, (limit, period)
                         in options["pacing"].items()}
    course = require_course(ROOT / "content" / "dotnet-architect")
    engine = create_engine(config["url"], pool_size=config["pool"])
    core = Core(catalogue=Catalogue.of(course), sessions=session_factory(engine), clock=due_clock)
    try:
        async with posters_at(config["urls"]) as posters:
            print("ready", flush=True)
            await loop.run_in_executor(None, read_line)  # "go"
            rss_before = rss_mib()
            started, cpu = time.monotonic(), time.process_time()
            found = await fan_out(core, posters, config["reminding"], config["worker"], options)
            finished, cpu = time.monotonic(), time.process_time() - cpu
    finally:
        await engine.dispose()
    print(json.dumps({"worker": config["worker"], "started": started, "finished": finished,
                      "rss_before": rss_before, "rss_peak": rss_mib(), "cpu": cpu,
                      "outcomes": dict(Counter(o.outcome for o in found)), "logs": dict(counting.counts)}),
          flush=True)


if __name__ == "__main__":
    asyncio.run(main())
