"""The `studybot` command line: run the bot, the console, and content and database tools."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import importlib
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

from bot import cli_content
from bot.bootstrap import Runtime, StartupError, build, describe_database
from bot.settings import Settings, SettingsError, load_settings

log = logging.getLogger("studybot")
PLATFORMS = ("discord", "slack", "console")


def _version() -> str:
    try:
        return metadata.version("studybot")
    except metadata.PackageNotFoundError:  # a source checkout that was never installed
        return "(not installed)"


def _command(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str, summary: str, *examples: str
) -> argparse.ArgumentParser:
    """A subcommand whose --help ends with examples of its use."""
    lines = "\n".join(f"  {example}" for example in examples)
    return sub.add_parser(
        name,
        help=summary,
        description=summary[0].upper() + summary[1:] + ".",
        epilog=f"example{'s' if len(examples) > 1 else ''}:\n{lines}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="studybot",
        description="A study bot for Discord, Slack and the console.\n"
        "Without a command it runs every configured platform, or the console when none is.",
        epilog="examples:\n  studybot                   # the bot, or the console without tokens\n"
        "  studybot console --user ada\n  studybot content validate --strict",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command")
    _command(
        sub, "run", "run every configured platform and the scheduler (with none: say what to set, and exit)",
        "studybot run", "DISCORD_TOKEN=... studybot run",
    )
    console = _command(sub, "console", "study in this terminal, no accounts needed", "studybot console --user ada")
    console.add_argument("--user", default=None, help="who you are (default: your login name)")

    content = _command(sub, "content", "check, describe, import and export course packs",
                       "studybot content validate --strict", "studybot content import anki Spanish.apkg")
    cli_content.add_commands(content, _command)

    db = _command(sub, "db", "database tools", "studybot db upgrade")
    dsub = db.add_subparsers(dest="db_command", required=True)
    _command(
        dsub, "upgrade", "apply database migrations", "studybot db upgrade",
        "DATABASE_URL=postgresql://user:password@localhost:5432/studybot studybot db upgrade",
    )

    discord = _command(sub, "discord", "Discord tools", "studybot discord invite", "studybot discord sync")
    disc = discord.add_subparsers(dest="discord_command", required=True)
    sync = _command(
        disc, "sync", "register the /study command with Discord",
        "studybot discord sync                      # every server (global)",
        "studybot discord sync --guild 123456789012345678",
        "studybot discord sync --guild 123456789012345678 --clear",
    )
    sync.add_argument("--guild", type=int, default=None, help="sync to one server only (instant)")
    sync.add_argument("--clear", action="store_true", help="with --guild: remove that server's own copy again")
    _command(disc, "invite", "print the invite URL for this bot", "studybot discord invite")

    export = _command(
        sub, "export", "write a workspace's answers and per-learner stats to files, for a lead's own analysis",
        "studybot export --workspace T0123ABCD", "studybot export --workspace 123456789012345678 --format json",
    )
    export.add_argument("--workspace", required=True,
                        help="the workspace's id on its platform (Slack team, Discord server)")
    export.add_argument("--platform", choices=PLATFORMS, default=None, help="only this platform's workspace")
    export.add_argument("--format", choices=("csv", "json"), default="csv",
                        help="csv: answers.csv and learners.csv (default); json: one file")
    export.add_argument("--out", type=Path, default=None, help="the folder to write to (default: <data dir>/exports)")
    forget = _command(
        sub, "forget", "delete everything kept about one learner (a deletion request by email)",
        "studybot forget --platform slack --user U0123ABCD",
        "studybot forget --platform discord --user 123456789012345678 --workspace 234567890123456789 --yes",
    )
    forget.add_argument("--platform", choices=PLATFORMS, required=True, help="the learner's platform")
    forget.add_argument("--user", required=True, help="the learner's id on that platform")
    forget.add_argument("--workspace", default=None, help="only in this workspace (default: every one of theirs)")
    forget.add_argument("--yes", action="store_true", help="do not ask for a confirmation")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `studybot` command."""
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"studybot: {exc}", file=sys.stderr)
        return 2
    _configure_logging(settings, quiet=args.command in ("console", "content", "discord", "export", "forget"))
    try:
        if args.command == "content":
            return cli_content.run(args, settings)
        if args.command == "db":
            return asyncio.run(_db_upgrade(settings))
        if args.command == "export":
            from bot import datatools  # export and forget alone use it

            return asyncio.run(datatools.export(settings, args.workspace, args.platform, args.format, args.out))
        if args.command == "forget":
            from bot import datatools

            return asyncio.run(datatools.forget(settings, args.platform, args.user, args.workspace, yes=args.yes))
        if args.command == "console":
            return asyncio.run(until_stopped(_console(settings, args.user)))
        if args.command == "discord":
            tool = importlib.import_module("adapters.discord.cli")
            result: int = tool.main(args, settings)
            return result
        return asyncio.run(until_stopped(_run(settings, console_fallback=args.command is None)))
    except StartupError as exc:
        print(f"studybot: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `studybot content stats | head`
        sys.stderr.close()
        return 0


def _configure_logging(settings: Settings, quiet: bool) -> None:
    level = logging.WARNING if quiet else getattr(logging, settings.log_level.upper(), logging.INFO)
    logging.basicConfig(level=level, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


async def _db_upgrade(settings: Settings) -> int:
    runtime = await build(settings)
    await runtime.close()
    print(f"database {describe_database(settings.db_url)} is up to date")
    return 0


async def _console(settings: Settings, user: str | None) -> int:
    from adapters.console.runner import run_console

    async with _running(settings, hang_up_reloads=not sys.stdin.isatty()) as runtime:
        await run_console(
            runtime.bot, user or _login_name(), posters=runtime.posters, history=settings.data_dir / "console_history",
            files=settings.data_dir / "exports",
        )
    return 0


@asynccontextmanager
async def _running(settings: Settings, *, hang_up_reloads: bool = True) -> AsyncIterator[Runtime]:
    """The wired runtime with its drop scheduler, reload watch and score sweep started; stopped on the way out.

    With `hang_up_reloads`, SIGHUP re-reads the course packs instead of stopping the process; a
    console in a terminal leaves it alone, since there a hang-up means the terminal was closed.
    """
    runtime = await build(settings)
    try:
        await runtime.scheduler.start(catch_up=False)  # each platform's catch-up sweep runs as it connects
        runtime.watch_reload_requests()
        runtime.sweep_scores()
        if hang_up_reloads:
            reload_on_hang_up(runtime)
        yield runtime
    finally:
        leave_by(STOP_GRACE_S)
        await runtime.close()


RELOAD_SIGNAL: signal.Signals | None = getattr(signal, "SIGHUP", None)
_reloads: set[asyncio.Task[Any]] = set()


def reload_on_hang_up(runtime: Runtime) -> None:
    """Make SIGHUP re-read the course packs (`kill -HUP`, `docker kill -s HUP`), where the platform has it."""
    if RELOAD_SIGNAL is None:
        return
    loop = asyncio.get_running_loop()

    def reload() -> None:
        log.info("SIGHUP: re-reading the course packs")
        task = loop.create_task(runtime.reloader.reload())
        _reloads.add(task)
        task.add_done_callback(_reloads.discard)

    loop.add_signal_handler(RELOAD_SIGNAL, reload)


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "learner"


ADAPTERS = {
    "discord": ("adapters.discord.runner", "DISCORD_TOKEN"),
    "slack": (
        "adapters.slack.runner",
        "SLACK_BOT_TOKEN with SLACK_APP_TOKEN (Socket Mode) or "
        "SLACK_SIGNING_SECRET and SLACK_HTTP_PORT (HTTP mode)",
    ),
}


def configured_adapters(settings: Settings) -> list[str]:
    """Platforms whose credentials are set; a half-configured Slack stops start-up, naming what is missing."""
    names = []
    if settings.discord.token:
        names.append("discord")
    if settings.slack.wanted:
        if settings.slack.problem is not None:
            raise StartupError(settings.slack.problem)
        names.append("slack")
    return names


RESTART_FIRST_S = 5.0
RESTART_MAX_S = 300.0


async def supervise(name: str, run: Callable[[Runtime], Awaitable[None]], runtime: Runtime) -> None:
    """Keep one platform running: a crash or lost connection restarts it with backoff.

    The other platforms and the scheduler are left alone. Configuration errors (StartupError) still
    stop the bot.
    """
    delay = RESTART_FIRST_S
    while True:
        started = time.monotonic()
        try:
            await run(runtime)
            return
        except StartupError:
            raise
        except Exception as exc:
            runtime.health.connected[name] = False
            runtime.posters.withdraw(name)  # drops wait (unclaimed) for the restarted platform
            if time.monotonic() - started > RESTART_MAX_S:
                delay = RESTART_FIRST_S  # it ran fine for a while: start the backoff again
            log.error("%s stopped (%s: %s); restarting in %.0f s", name.capitalize(), exc.__class__.__name__,
                      exc, delay, exc_info=True)
            await asyncio.sleep(delay)
            delay = min(delay * 2, RESTART_MAX_S)


NOTHING_TO_RUN = 0
"""`studybot run`'s exit code when no platform is configured: not a failure, so a container with
`restart: on-failure` stays down instead of restarting forever (see docker-compose.yml)."""


def _platform_settings() -> str:
    return "\n".join(f"  {name.capitalize()}: set {env}" for name, (_m, env) in ADAPTERS.items())


async def _run(settings: Settings, *, console_fallback: bool) -> int:
    names = configured_adapters(settings)
    if not names and not console_fallback:
        print(
            "No chat platform is configured, so there is nothing to run. Set one of these in .env "
            "or the environment, then start StudyBot again:\n"
            + _platform_settings()
            + "\nTo study without a platform, run `studybot console`.",
            file=sys.stderr,
        )
        return NOTHING_TO_RUN
    if not names:
        print(
            "No chat platform is configured, so StudyBot starts in the console.\n"
            + _platform_settings()
            + "\n",
            file=sys.stderr,
        )
        if settings.log_level != "DEBUG":  # keep the terminal for the conversation
            logging.getLogger().setLevel(logging.WARNING)
        return await _console(settings, None)
    runners = [importlib.import_module(ADAPTERS[n][0]) for n in names]
    async with _running(settings) as runtime:
        services = [supervise(n, r.run, runtime) for n, r in zip(names, runners, strict=True)]
        if settings.health_port:
            services.append(runtime.health.serve(names, settings.health_host, settings.health_port))
        await asyncio.gather(*services)
    return 0


STOP_GRACE_S = 0.8
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, *([RELOAD_SIGNAL] if RELOAD_SIGNAL else []))


async def until_stopped(work: Coroutine[Any, Any, int]) -> int:
    """Run `work` until it ends or the process is asked to stop (SIGTERM from `docker stop`, Ctrl-C, a closed terminal).

    Then `work` is cancelled, so the platforms, the scheduler and the database close cleanly. Once
    the bot runs, SIGHUP re-reads the course packs instead (`reload_on_hang_up`), but in a console
    in a terminal.
    """
    task = asyncio.ensure_future(work)
    loop = asyncio.get_running_loop()

    def stop() -> None:
        leave_by(STOP_GRACE_S)
        task.cancel()

    for sig in STOP_SIGNALS:
        if signal.getsignal(sig) is not signal.SIG_IGN:  # under `nohup`, a hang-up stops nothing
            loop.add_signal_handler(sig, stop)
    try:
        return await task
    except asyncio.CancelledError:
        log.info("stopped")
        return 0


def leave_by(seconds: float) -> None:
    """Make sure the process has ended `seconds` from now, however far closing has got.

    Closing normally takes milliseconds. What can hold it up is a SQLite write waiting for another
    process's lock, which nothing can interrupt: then the process leaves anyway, and the database
    rolls back what was not committed (nothing that was acknowledged depends on it).
    """
    timer = threading.Timer(seconds, _leave_now)
    timer.daemon = True
    timer.start()


def _leave_now() -> None:
    log.warning("stopping took longer than %.1f s; leaving without waiting for the database", STOP_GRACE_S)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    raise SystemExit(main())
