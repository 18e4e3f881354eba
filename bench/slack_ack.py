"""p99 time from a signed Slack request to its ack: StudyBot's HTTP mode next to a bare bolt app.

    .venv/bin/python -m bench.slack_ack [--rate 100] [--seconds 10]

Each server runs in its own process on 127.0.0.1 with a local stand-in of Slack's Web API
(users.info, auth.test, response_url) in a third; this process sends signed `/study` slash
commands open-loop at `--rate` per second and times each one until the HTTP response (the ack).
StudyBot does its real work after the ack (users.info, the database, the response_url post) in
the same event loop, so that work competes with acking exactly as in production.
The floor is a bare slack-bolt AsyncApp whose listener only calls `ack()`, served by the same
aiohttp code; "bare, lazy" is the same bare app configured like StudyBot
(process_before_response=True, work in a lazy listener).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import socket
import statistics
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

import aiohttp
from aiohttp import web
from slack_sdk.signature import SignatureVerifier

SECRET = "bench-signing-secret"
TEXTS = ("quiz", "streak", "stats", "help", "lesson 3", "interview", "leaderboard")
TARGET_P99_MS = 50.0
TARGET_RATIO = 1.5


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# The Web API stand-in ---------------------------------------------------------------------------

def serve_api(port: int) -> None:
    """A minimal Slack Web API on loopback: auth.test, users.info, chat.postMessage, response_url."""

    async def api(request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.can_read_body:
            await request.read()
        if method == "users.info":
            user = request.query.get("user", "U0")
            return web.json_response({"ok": True, "user": {"id": user, "name": user.lower(), "tz": "Europe/Berlin",
                                                          "is_admin": False, "profile": {}}})
        if method == "auth.test":
            return web.json_response({"ok": True, "team_id": "T0BENCH", "user_id": "U0BOT", "bot_id": "B0BOT"})
        return web.json_response({"ok": True, "ts": "1700000000.000001"})

    answered = {"count": 0}

    async def response(request: web.Request) -> web.Response:
        await request.read()
        answered["count"] += 1
        return web.Response(text="ok")

    async def count(_request: web.Request) -> web.Response:
        return web.json_response(answered)

    app = web.Application()
    app.add_routes([web.route("*", "/api/{method}", api), web.post("/response/{name}", response),
                    web.get("/answered", count)])
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


# The servers under test -------------------------------------------------------------------------

def serve_studybot(port: int, api_port: int, data_dir: str) -> None:
    """StudyBot's real Slack runner in HTTP mode, on a fresh SQLite database."""
    from adapters.slack import runner
    from bot.bootstrap import build
    from bot.settings import Settings

    async def main() -> None:
        slack = {"bot_token": "xoxb-bench", "signing_secret": SECRET, "http_port": port, "http_host": "127.0.0.1",
                 "api_url": f"http://127.0.0.1:{api_port}/api/"}
        settings = Settings(_env_file=None, STUDYBOT_DATA_DIR=data_dir, slack=slack)
        runtime = await build(settings)
        await runner.run(runtime)

    asyncio.run(main())


def serve_bare(port: int, api_port: int, lazy: bool) -> None:
    """A bare slack-bolt app whose /study listener only acks (the floor)."""
    from slack_bolt.async_app import AsyncAck, AsyncApp

    from adapters.slack.config import web_client
    from adapters.slack.inbound import Gate
    from adapters.slack.runner import http_app

    async def main() -> None:
        app = AsyncApp(client=web_client("xoxb-bench", f"http://127.0.0.1:{api_port}/api/"), signing_secret=SECRET,
                       process_before_response=lazy)

        async def ack_only(ack: AsyncAck) -> None:
            await ack()

        async def nothing() -> None:
            return None

        if lazy:
            app.command("/study")(ack=ack_only, lazy=[nothing])
        else:
            app.command("/study")(ack_only)
        async def healthy() -> tuple[bool, dict[str, object]]:
            return True, {"status": "ok"}

        runner = web.AppRunner(http_app(app, healthy, Gate(SECRET)), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        await asyncio.Event().wait()

    asyncio.run(main())


# The load generator -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Result:
    """Ack latencies of one run, in milliseconds."""

    name: str
    latencies: list[float]
    errors: int
    answered: int

    def quantile(self, q: float) -> float:
        """The q-quantile (0..1) of the latencies."""
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def line(self) -> str:
        """One line of the report."""
        return (f"{self.name:<25} n={len(self.latencies):>5}  p50={self.quantile(0.5):6.2f} ms  "
                f"p90={self.quantile(0.9):6.2f} ms  p99={self.quantile(0.99):6.2f} ms  "
                f"max={max(self.latencies):6.2f} ms  mean={statistics.fmean(self.latencies):6.2f} ms  "
                f"errors={self.errors}  answered={self.answered}")


def signed_command(text: str, n: int, api_port: int) -> tuple[bytes, dict[str, str]]:
    """A signed /study slash command, as Slack posts it."""
    body = urllib.parse.urlencode({
        "token": "x", "team_id": "T0BENCH", "team_domain": "bench", "channel_id": "C0BENCH",
        "channel_name": "bench", "user_id": f"U{n % 50:04d}", "user_name": f"user{n % 50}", "command": "/study",
        "text": text, "api_app_id": "A0BENCH", "response_url": f"http://127.0.0.1:{api_port}/response/{n}",
        "trigger_id": f"{n}.1.x",
    })
    ts = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body)
    assert signature is not None
    headers = {"X-Slack-Request-Timestamp": ts, "Content-Type": "application/x-www-form-urlencoded",
               "X-Slack-Signature": signature}
    return body.encode(), headers


async def wait_ready(url: str, seconds: float = 30) -> None:
    """Wait until the server accepts connections."""
    deadline = time.monotonic() + seconds
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                async with session.post(url, data=b"") as response:
                    await response.read()
                    return
            except aiohttp.ClientConnectionError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.1)


async def load(name: str, port: int, api_port: int, rate: float, seconds: float) -> Result:
    """Send signed commands open-loop at `rate`/s for `seconds`; time each until its ack."""
    url = f"http://127.0.0.1:{port}/slack/events"
    await wait_ready(url)
    latencies: list[float] = []
    errors = 0
    connector = aiohttp.TCPConnector(limit=200)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(n: int) -> None:
            nonlocal errors
            body, headers = signed_command(TEXTS[n % len(TEXTS)], n, api_port)
            start = time.perf_counter()
            try:
                async with session.post(url, data=body, headers=headers) as response:
                    await response.read()
                    ok = response.status == 200
            except aiohttp.ClientError:
                ok = False
            elapsed = (time.perf_counter() - start) * 1000
            if ok and n >= 0:
                latencies.append(elapsed)
            elif not ok:
                errors += 1

        for n in range(-20, 0):  # warm up: connections, auth.test, caches (not counted)
            await one(n)
        await asyncio.sleep(0.5)
        tasks = []
        begin = time.perf_counter()
        for n in range(int(rate * seconds)):
            delay = begin + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(n)))
        await asyncio.gather(*tasks)
        await asyncio.sleep(1.0)  # let the work after the acks finish
        async with session.get(f"http://127.0.0.1:{api_port}/answered") as response:
            answered = int((await response.json())["count"])
    return Result(name, latencies, errors, answered)


def run_one(name: str, target: Callable[..., None], args: tuple[object, ...], api_port: int, rate: float,
            seconds: float) -> Result:
    """Start one server process, load it, stop it."""
    port = args[0]
    assert isinstance(port, int)
    process = multiprocessing.get_context("spawn").Process(target=target, args=args, daemon=True)
    process.start()
    try:
        return asyncio.run(load(name, port, api_port, rate, seconds))
    finally:
        process.terminate()
        process.join(5)


def main() -> int:
    """Run the benchmark and print the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=100.0, help="requests per second (default 100)")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds of load per server (default 10)")
    args = parser.parse_args()
    api_port = free_port()
    api = multiprocessing.get_context("spawn").Process(target=serve_api, args=(api_port,), daemon=True)
    api.start()
    try:
        with tempfile.TemporaryDirectory() as data_dir:
            results = [
                run_one("bare bolt (floor)", serve_bare, (free_port(), api_port, False), api_port,
                        args.rate, args.seconds),
                run_one("bare bolt, lazy listener", serve_bare, (free_port(), api_port, True), api_port,
                        args.rate, args.seconds),
                run_one("StudyBot HTTP mode", serve_studybot, (free_port(), api_port, data_dir), api_port,
                        args.rate, args.seconds),
            ]
    finally:
        api.terminate()
        api.join(5)
    print(f"Signed /study requests at {args.rate:g}/s for {args.seconds:g} s each, "
          f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    for result in results:
        print(result.line())
    floor, ours = results[0].quantile(0.99), results[-1].quantile(0.99)
    ratio = ours / floor if floor else float("inf")
    verdict = "PASS" if ours <= TARGET_P99_MS and ratio <= TARGET_RATIO else "FAIL"
    print(f"StudyBot p99 {ours:.2f} ms = {ratio:.2f}x the floor's {floor:.2f} ms "
          f"(target: <= {TARGET_P99_MS:g} ms and <= {TARGET_RATIO:g}x): {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
