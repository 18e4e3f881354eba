"""Posting due drops and reminders: bounded, paced fan-out per platform, retries with backoff, one log line each.

One runner serves both: it is given the source of its deliveries (`Drops` or `Reminders`), which
says what is due, claims it, builds its message and sends it (into a channel, or as a direct
message); the runner claims, paces, retries, keeps the claim alive and records the outcome. A
source that can batch (`BatchDeliveries`: reminders) is claimed a batch to a transaction and its
outcomes recorded by group commit; drops are claimed one by one.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

from bot.messages import Message
from bot.outage import OutageLog, unreachable
from bot.posting import PermanentPostError, Poster
from bot.usecases.context import utc_now
from bot.usecases.drops import Claim, DueDrop
from bot.usecases.reminder_sends import DueReminder
from scheduler.group_commit import GroupCommit

log = logging.getLogger("studybot.drops")

# Posts per period each platform accepts from one bot, paced before sending. Discord's global
# limit is 50 requests per second per bot token; without pacing, a fan-out of thousands of
# channels bursts into it, and discord.py gives a post up after five 429s in a row, which
# costs the runner a retry with backoff and puts that drop seconds behind. Slack publishes only
# per-channel limits (1 message per second per channel, never reached by one drop per channel)
# and an unnumbered workspace-wide one, so it is not paced: its 429s are waited out by
# `Retry-After`. The pace is per process: with several scheduler processes on one bot token,
# pass a share of it (or rely on the 429 handling).
DEFAULT_PACING: Mapping[str, tuple[int, float]] = {"discord": (50, 1.0)}
# A reminder is a DM: on Discord, opening the DM channel (POST /users/@me/channels) is a request of
# its own against the same global limit whenever discord.py has not got the channel cached, so DMs
# go at half the rate (two requests each), one every 40 ms: evenly spaced, so that the opens of
# the next DMs and the posts of the last ones never bunch up in one second of Discord's window.
DIRECT_PACING: Mapping[str, tuple[int, float]] = {"discord": (1, 0.04)}
# Room for the gap between our clock and the platform's: the sliding window we keep is this
# much longer than the platform's, so posts sent together still arrive inside the limit.
PACING_MARGIN = 0.03
# Where the source can batch (`BatchDeliveries`: reminders), deliveries are claimed, and their
# outcomes recorded, this many to a transaction, and at most BATCHES_AHEAD batches of claims are
# out (claimed, not yet recorded) at once: a fan-out of 50,000 keeps a few hundred claims alive,
# not all of them, so a process that stops leaves few for the lease to hand over.
BATCH = 100
BATCHES_AHEAD = 3


@dataclass(frozen=True)
class Outcome:
    """What happened to one due drop."""

    key: str
    outcome: str  # "sent", "failed", "taken" (another process has it) or "skipped" (no poster here)
    topic_id: str = ""
    message_id: str | None = None
    error: str | None = None


def idempotency_key(claim: Claim, name: str = "drop") -> str:
    """The key a drop (or a reminder, by `name`) is posted with: the same for every attempt and every claimant."""
    return f"studybot-{name}-{claim.id}"


class Due(Protocol):
    """Something due to be delivered: a drop (`DueDrop`) or a reminder (`DueReminder`)."""

    @property
    def key(self) -> str:
        """A readable id, unique among the deliveries due, for logs."""
        ...

    @property
    def platform(self) -> str:
        """The platform it goes out on."""
        ...

    @property
    def target(self) -> str:
        """Where it goes, for the log line (`channel=C1`, `user=U1`)."""
        ...

    @property
    def kind(self) -> str:
        """What it is (lesson, weekly, remind, later)."""
        ...

    @property
    def local_date(self) -> dt.date:
        """The local date it is for."""
        ...


D = TypeVar("D", bound=Due)
R = TypeVar("R")


class Deliveries(Protocol[D]):
    """What a runner needs from its source: what is due, claims, messages, sending and recording."""

    @property
    def name(self) -> str:
        """What the source delivers (`drop`, `reminder`): in idempotency keys and log lines."""
        ...

    @property
    def lease(self) -> dt.timedelta:
        """How long a claim lives without being renewed."""
        ...

    async def due(self, now: dt.datetime, only: int | None = None, /) -> list[D]:
        """What is due at `now` and free to claim (only one channel's, for drops, when given)."""
        ...

    async def claim(self, due: D, /) -> Claim | None:
        """Claim it for this process, or take over a stale claim; None if another process has it."""
        ...

    async def renew(self, claim: Claim, /) -> bool:
        """Keep the claim alive; False once another process took it over."""
        ...

    async def finish(self, due: D, claim: Claim, now: dt.datetime, message_id: str | None, error: str | None,
                     /) -> bool:
        """Record the outcome; False if the claim was taken over."""
        ...

    async def message(self, due: D, claim: Claim, /) -> Message:
        """The message to deliver."""
        ...

    async def send(self, poster: Poster, due: D, message: Message, key: str, /) -> str:
        """Deliver the message through the platform's poster; the platform's message id."""
        ...

    async def find(self, poster: Poster, due: D, key: str, /) -> str | None:
        """An earlier delivery with this key by a claimant that stopped, if the platform can tell."""
        ...


Finished = tuple[Claim, str | None, str | None]
"""A delivery's outcome to record: its claim, the platform's message id, and the error (None when sent)."""


@runtime_checkable
class BatchDeliveries(Protocol[D]):
    """A source that can claim, and record, many deliveries in one transaction each (reminders)."""

    async def claim_many(self, due: Sequence[D], /) -> list[tuple[D, Claim, Message]]:
        """Claim these (taking over stale claims): each item won, as given, with its claim and message.

        What another process holds is left out.
        """
        ...

    async def finish_many(self, finished: Sequence[Finished], now: dt.datetime, /) -> set[int]:
        """Record these outcomes; the ids of the claims recorded (a claim taken over meanwhile is not)."""
        ...


class Pace:
    """At most `limit` posts in any `period` seconds (a sliding window, first come first served)."""

    def __init__(self, limit: int, period: float, margin: float = PACING_MARGIN) -> None:
        self.limit = limit
        self.period = period * (1 + margin)
        self._sent: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        """Return when one more post fits; it is counted from then."""
        loop = asyncio.get_running_loop()
        async with self._lock:
            while True:
                now = loop.time()
                while self._sent and self._sent[0] <= now - self.period:
                    self._sent.popleft()
                if len(self._sent) < self.limit:
                    self._sent.append(now)
                    return
                await asyncio.sleep(self._sent[0] + self.period - now)


class DeliveryRunner(Generic[D]):
    """Delivers every due drop (or reminder) once: claim in the database, post, record the message id."""

    def __init__(
        self,
        drops: Deliveries[D],
        posters: Mapping[str, Poster],
        *,
        clock: Callable[[], dt.datetime] = utc_now,
        concurrency: int = 16,
        attempts: int = 4,
        backoff: float = 2.0,
        pacing: Mapping[str, tuple[int, float]] = DEFAULT_PACING,
        outage: OutageLog | None = None,
        batch: int = BATCH,
    ) -> None:
        self.drops = drops
        # One story in the log per database outage, shared with the scheduler that runs this runner.
        self.outage = outage or OutageLog(log, what=f"{drops.name} job")
        self.posters = posters
        self.clock = clock
        self.attempts = attempts
        self.backoff = backoff
        self.batch = batch
        self._concurrency = concurrency
        self._limits: dict[str, asyncio.Semaphore] = {}
        self._active: set[str] = set()
        self._paces = {platform: Pace(limit, period) for platform, (limit, period) in pacing.items()}

    async def run_due(self, channel_id: int | None = None) -> list[Outcome]:
        """Post everything due now (or only one channel's drops); one failing delivery delays no other.

        What goes to one place (a channel's lesson, board and team report) goes in the order it is
        due in; different places are served at once.
        """
        found = await self.drops.due(self.clock(), channel_id)
        self.outage.succeeded()  # the database answered
        due = [d for d in found if d.key not in self._active]
        if isinstance(self.drops, BatchDeliveries) and self.batch > 1:
            return await self._run_batched(self.drops, due)
        by_target: dict[str, list[D]] = {}
        for d in due:
            by_target.setdefault(f"{d.platform}:{d.target}", []).append(d)
        runs = await asyncio.gather(*(self._run_in_order(group) for group in by_target.values()))
        return [outcome for run in runs for outcome in run]

    async def _run_in_order(self, due: list[D]) -> list[Outcome]:
        """Deliver to one place, one after another."""
        return [await self.run_one(d) for d in due]

    def _limit(self, platform: str) -> asyncio.Semaphore:
        """How many deliveries may be under way at once on a platform."""
        return self._limits.setdefault(platform, asyncio.Semaphore(self._concurrency))

    async def run_one(self, due: D) -> Outcome:
        """Claim, post and record one delivery."""
        poster = self.posters.get(due.platform)
        if poster is None:
            return Outcome(due.key, "skipped")
        async with self._limit(due.platform):
            started = time.perf_counter()
            claim = await self.drops.claim(due)
            if claim is None:
                return Outcome(due.key, "taken")
            return await self._attempt(poster, due, claim, None, self._finish, started)

    async def _run_batched(self, source: BatchDeliveries[D], due: list[D]) -> list[Outcome]:
        """Claim in batches, deliver each claim as in `run_one`, record the outcomes in batches.

        Outcomes come back in the order of `due`. A batch of claims that fails (the database is
        down) stops the run once the deliveries already claimed are done and recorded.
        """
        outcomes = {id(d): Outcome(d.key, "skipped") for d in due if d.platform not in self.posters}
        sendable = [d for d in due if d.platform in self.posters]
        records: GroupCommit[Finished, bool] = GroupCommit(self._finish_many, self.batch)
        started: list[tuple[D, asyncio.Task[Outcome]]] = []
        room = asyncio.Semaphore(self.batch * BATCHES_AHEAD)
        try:
            for start in range(0, len(sendable), self.batch):
                chunk = sendable[start:start + self.batch]
                for _ in chunk:
                    await room.acquire()
                started += await self._claim_batch(source, chunk, records, room, outcomes)
        except asyncio.CancelledError:
            for _due, task in started:
                task.cancel()
            raise
        finally:
            delivered = await asyncio.gather(*(task for _due, task in started), return_exceptions=True)
            await records.close()
        for (d, _task), result in zip(started, delivered, strict=True):
            if isinstance(result, BaseException):
                raise result
            outcomes[id(d)] = result
        return [outcomes[id(d)] for d in due]

    async def _claim_batch(
        self, source: BatchDeliveries[D], chunk: list[D], records: GroupCommit[Finished, bool],
        room: asyncio.Semaphore, outcomes: dict[int, Outcome],
    ) -> list[tuple[D, asyncio.Task[Outcome]]]:
        """Claim one batch and start a delivery for each claim won; each gives its `room` back when done."""
        started = time.perf_counter()
        try:
            claimed = await source.claim_many(chunk)
        except BaseException:
            for _ in chunk:
                room.release()
            raise
        won = {id(d) for d, _claim, _message in claimed}
        for d in chunk:
            if id(d) not in won:
                outcomes[id(d)] = Outcome(d.key, "taken")
                room.release()

        async def record(_due: D, claim: Claim, message_id: str | None, error: str | None) -> bool:
            return await records.submit((claim, message_id, error))

        tasks = []
        for d, claim, message in claimed:
            self._active.add(d.key)  # this process's own sweeps leave it alone meanwhile
            task = asyncio.create_task(self._attempt(self.posters[d.platform], d, claim, message, record, started,
                                                     limit=self._limit(d.platform)))
            task.add_done_callback(lambda _task: room.release())
            tasks.append((d, task))
        return tasks

    async def _attempt(self, poster: Poster, due: D, claim: Claim, message: Message | None,
                       record: Callable[[D, Claim, str | None, str | None], Awaitable[bool]], started: float,
                       limit: asyncio.Semaphore | None = None) -> Outcome:
        """Deliver a claimed delivery (the claim kept alive meanwhile), record the outcome, and log it."""
        self._active.add(due.key)  # this process's own sweeps leave it alone meanwhile
        delivery = asyncio.create_task(self._deliver(poster, due, claim, message, limit))
        lost = asyncio.Event()
        heartbeat = asyncio.create_task(self._keep_claimed(claim, delivery, lost))
        try:
            try:
                message_id, error = await delivery
            except asyncio.CancelledError:
                if not lost.is_set():  # this runner itself is being cancelled
                    delivery.cancel()
                    raise
                message_id, error = None, "the claim was taken over by another process"
            recorded = not lost.is_set() and await record(due, claim, message_id, error)
        finally:
            heartbeat.cancel()
            self._active.discard(due.key)
            # A renewal cut short closes its connection on the way out: let it finish, leaving no task behind.
            await asyncio.gather(heartbeat, return_exceptions=True)
        status = "failed" if error else "sent"
        outcome = Outcome(due.key, status if recorded else "taken", claim.topic_id, message_id, error)
        log.info(
            "%s %s platform=%s kind=%s date=%s topic=%s outcome=%s takeover=%s latency_ms=%d%s",
            self.drops.name,
            due.target,
            due.platform,
            due.kind,
            due.local_date,
            claim.topic_id or "-",
            outcome.outcome,
            claim.takeover,
            (time.perf_counter() - started) * 1000,
            f" error={error!r}" if error else "",
        )
        return outcome

    async def _keep_claimed(self, claim: Claim, delivery: asyncio.Task[Any], lost: asyncio.Event) -> None:
        """Renew the claim while the drop is being posted and recorded (slow APIs, long Retry-After waits).

        If another process took it over meanwhile, stop posting.
        """
        interval = self.drops.lease.total_seconds() / 3
        while True:
            await asyncio.sleep(interval)
            try:
                renewed = await self.drops.renew(claim)
            except Exception as exc:
                if unreachable(exc):
                    self.outage.failed(exc)
                else:
                    log.warning("could not renew the claim of %s %s; will try again", self.drops.name, claim.id,
                                exc_info=True)
                continue
            self.outage.succeeded()
            if not renewed:
                log.warning("%s %s was taken over by another process; stopping this attempt", self.drops.name, claim.id)
                lost.set()
                delivery.cancel()
                return

    async def _finish(self, due: D, claim: Claim, message_id: str | None, error: str | None) -> bool:
        """Record the outcome, retrying through a database blip (the claim is kept alive meanwhile)."""
        what = f"{self.drops.name} {claim.id} (message {message_id})"
        finished = await self._recording(what, lambda: self.drops.finish(due, claim, self.clock(), message_id, error))
        return bool(finished)

    async def _finish_many(self, finished: Sequence[Finished]) -> list[bool]:
        """Record a batch of outcomes in one transaction, retrying as `_finish` does; whether each was recorded."""
        source = self.drops
        assert isinstance(source, BatchDeliveries)
        what = f"{len(finished)} {self.drops.name}s"
        recorded = await self._recording(what, lambda: source.finish_many(finished, self.clock())) or set()
        return [claim.id in recorded for claim, _message_id, _error in finished]

    async def _recording(self, what: str, call: Callable[[], Awaitable[R]]) -> R | None:
        """`call()` retried with backoff through database blips; None when it never got through."""
        for attempt in range(1, self.attempts + 1):
            try:
                result = await call()
            except Exception as exc:
                if attempt < self.attempts:
                    await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
                elif unreachable(exc):  # the claim's lease lets a later run find the post and record it
                    self.outage.failed(exc)
                else:
                    log.exception("could not record %s", what)
            else:
                self.outage.succeeded()
                return result
        return None

    async def _deliver(self, poster: Poster, due: D, claim: Claim, message: Message | None = None,
                       limit: asyncio.Semaphore | None = None) -> tuple[str | None, str | None]:
        """Post the delivery, unless a stopped claimant's post is found already where it goes.

        `message` is the one prepared with the claim (else it is built now); `limit` is the
        platform's share of concurrent deliveries, when the caller does not hold it already.
        """
        async with limit if limit is not None else contextlib.nullcontext():
            if claim.takeover:
                try:
                    found = await self.drops.find(poster, due, idempotency_key(claim, self.drops.name))
                except Exception:
                    log.warning("could not look for an earlier post of %s %s", self.drops.name, claim.id,
                                exc_info=True)
                    found = None
                if found is not None:
                    return found, None
            return await self._post(poster, due, claim, message or await self.drops.message(due, claim))

    async def _post(self, poster: Poster, due: D, claim: Claim, message: Message) -> tuple[str | None, str | None]:
        """Post with retries; (message id, None) or (None, why it failed)."""
        key = idempotency_key(claim, self.drops.name)
        pace = self._paces.get(due.platform)
        for attempt in range(1, self.attempts + 1):
            try:
                if pace is not None:
                    await pace.wait()
                return await self.drops.send(poster, due, message, key), None
            except PermanentPostError as exc:
                return None, str(exc)
            except Exception as exc:  # a platform outage, a timeout: retry with backoff
                if attempt == self.attempts:
                    log.exception("giving up on %s %s after %d attempts", self.drops.name, due.key, attempt)
                    return None, f"could not post after {attempt} attempts: {exc.__class__.__name__}: {exc}"
                delay = self.backoff * 2 ** (attempt - 1)
                log.warning("%s %s failed (%s); retrying in %.0f s", self.drops.name, due.key, exc.__class__.__name__,
                            delay)
                await asyncio.sleep(delay)
                await self.drops.renew(claim)
        raise AssertionError("attempts must be at least 1")


DropRunner = DeliveryRunner[DueDrop]
"""The runner of daily drops and weekly boards (given `Drops`)."""
ReminderRunner = DeliveryRunner[DueReminder]
"""The runner of learners' reminders (given `Reminders`)."""
