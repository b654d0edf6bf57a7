"""The durable nudge scheduler: enqueue due occurrences, claim, send once, record the outcome.

Every promise is kept by the database (see ``bot.store.nudges``); this module decides what to
do with each claimed delivery. Time and sleep are injected: ``crosswalk nudges run-due --now``,
the tests and the benchmark drive it without waiting for the wall clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.metrics import Metrics
from bot.nudges.batch import GroupCommit
from bot.nudges.composer import Composer
from bot.nudges.sender import (
    DeliveryError,
    Gone,
    NudgeSender,
    RateLimited,
    Rejected,
    Target,
    Transient,
    Uncertain,
)
from bot.store import Conversation
from bot.store.nudges import Claimed, Finish, NudgeStore

log = logging.getLogger("crosswalk.nudges")

Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class SchedulerConfig:
    """Timings and limits; the defaults suit a weekly nudge."""

    window: timedelta = timedelta(hours=12)  # catch-up: later than this is recorded as missed
    late_after: timedelta = timedelta(minutes=5)  # enqueued this long after the run: late
    claim_lease: timedelta = timedelta(seconds=120)  # claimed but not yet sending
    send_lease: timedelta = timedelta(seconds=90)  # sending: past this it becomes unknown
    send_timeout: float = 60.0  # one platform call (must stay below send_lease)
    batch: int = 50  # claimed per lane at a time
    lane_concurrency: int = 16  # sends in flight per lane
    max_attempts: int = 6  # then failed
    backoff_base: float = 5.0  # seconds, doubled per attempt, with jitter
    backoff_cap: float = 600.0
    max_wait: float = 900.0  # run-due waits this long at most for retries
    poll: float = 15.0  # serve: seconds between passes when nothing is waiting sooner


@dataclass
class Report:
    """What a pass (or a whole ``run-due``) did."""

    due: int = 0
    late: int = 0
    sent: int = 0
    failed: int = 0
    unknown: int = 0
    missed: int = 0
    skipped: int = 0
    retried: int = 0
    deactivated: int = 0
    no_sender: dict[str, int] = field(default_factory=dict)

    def add(self, other: Report) -> None:
        for name in ("due", "late", "sent", "failed", "unknown", "missed", "skipped", "retried",
                     "deactivated"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for lane, n in other.no_sender.items():
            self.no_sender[lane] = self.no_sender.get(lane, 0) + n

    def as_dict(self) -> dict[str, object]:
        return {k: v for k, v in vars(self).items() if v}


class Scheduler:
    """Sends every due nudge once, across restarts and replicas."""

    def __init__(
        self,
        store: NudgeStore,
        senders: Mapping[str, NudgeSender],
        composer: Composer,
        metrics: Metrics,
        *,
        clock: Clock,
        sleep: Sleep = asyncio.sleep,
        config: SchedulerConfig | None = None,
        worker: str | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self.senders = dict(senders)
        self.composer = composer
        self.metrics = metrics
        self.clock = clock
        self.sleep = sleep
        self.config = config or SchedulerConfig()
        self.worker = worker or uuid.uuid4().hex[:12]
        self.rng = rng or random.Random()
        self._stop: asyncio.Event | None = None  # set: finish what is claimed, claim no more
        self._sending = GroupCommit(self._flush_sending)
        self._finishing = GroupCommit(self._flush_finish)

    async def _flush_sending(self, items: Sequence[Claimed]) -> list[bool]:
        return await self.store.start_sending(items, self.clock(), self.config.send_lease)

    async def _flush_finish(self, results: Sequence[Finish]) -> list[bool]:
        return await self.store.finish(results, self.clock())

    # ------------------------------------------------------------------ entry points

    async def run_due(self) -> Report:
        """Everything due now, sent once; waits for retries up to ``max_wait``, then returns."""
        report = await self.tick()
        started = self.clock()
        while True:
            wake = await self._next_retry()
            if wake is None:
                break
            now = self.clock()
            if (wake - started).total_seconds() > self.config.max_wait:
                log.warning("run-due: deliveries wait for a retry at %s; leaving them pending",
                            wake.isoformat())
                break
            await self.sleep(max(0.0, (wake - now).total_seconds()))
            report.add(await self.tick(enqueue=False))
        return report

    async def run_forever(self, stop: asyncio.Event) -> None:
        """The loop inside ``crosswalk serve``: a pass, then sleep until the next thing is due."""
        self._stop = stop
        while not stop.is_set():
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:
                self.metrics.errors.labels("nudges").inc()
                log.exception("nudge pass failed")
            wait = self.config.poll
            wake = await self._safe_next_wakeup()
            if wake is not None:
                wait = min(wait, max(0.5, (wake - self.clock()).total_seconds()))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=wait)

    async def tick(self, enqueue: bool = True) -> Report:
        """One pass: enqueue what is due, expire leases, then drain every lane."""
        report = Report()
        now = self.clock()
        cfg = self.config
        if enqueue:
            enqueued = await self.store.enqueue(now, cfg.window, cfg.late_after)
            report.due, report.late, report.missed = enqueued.due, enqueued.late, enqueued.missed
            self.metrics.nudges_due.inc(enqueued.due)
            self.metrics.nudges_late.inc(enqueued.late)
            self.metrics.nudges_missed.inc(enqueued.missed)
        swept = await self.store.sweep(now, cfg.window)
        for row in swept.unknown:
            log.warning("nudge delivery %s: lease expired while sending; recorded as unknown",
                        row["id"])
        report.unknown += len(swept.unknown)
        report.missed += len(swept.missed)
        self.metrics.nudges_unknown.inc(len(swept.unknown))
        self.metrics.nudges_missed.inc(len(swept.missed))
        lanes = await self.store.lanes(now)
        runnable = []
        for lane in lanes:
            if lane.split(":", 1)[0] in self.senders:
                runnable.append(lane)
            else:
                report.no_sender[lane] = report.no_sender.get(lane, 0) + 1
        results = await asyncio.gather(*(self._lane(lane) for lane in runnable))
        for result in results:
            report.add(result)
        return report

    # ------------------------------------------------------------------ lanes

    async def _lane(self, lane: str) -> Report:
        """Claim and send a lane's deliveries; the next batch is claimed while the last sends."""
        report = Report()
        gate = asyncio.Semaphore(self.config.lane_concurrency)
        running: set[asyncio.Task[None]] = set()

        async def one(item: Claimed) -> None:
            try:
                await self._deliver(item, report)
            finally:
                gate.release()

        try:
            while self._stop is None or not self._stop.is_set():
                token = uuid.uuid4().hex
                batch = await self.store.claim(lane, self.clock(), self.config.claim_lease,
                                               token, self.worker, self.config.batch)
                if not batch:
                    break
                for item in batch:
                    await gate.acquire()
                    task = asyncio.create_task(one(item))
                    running.add(task)
                    task.add_done_callback(running.discard)
            if running:
                await asyncio.gather(*running)
        except BaseException:
            for task in running:
                task.cancel()
            raise
        return report

    async def _deliver(self, item: Claimed, report: Report) -> None:
        cfg = self.config
        if item.status != "active":
            await self._finish(item, "skipped", report, reason=f"subscription {item.status}")
            return
        if not item.conversation_active:
            await self._finish(item, "skipped", report,
                               reason=f"conversation inactive: {item.inactive_reason or '?'}")
            return
        sender = self.senders[item.channel]
        try:
            nudge = await self.composer.compose(item, self.clock())
        except Exception:
            self.metrics.errors.labels("nudges").inc()
            log.exception("composing nudge delivery %s failed", item.id)
            await self._retry(item, "could not compose the nudge", None, report)
            return
        if nudge is None:
            await self._finish(item, "skipped", report, reason="nothing changed since the last")
            return
        target = Target(item.id, item.subscription_id, _conversation(item))
        await sender.pace(target)
        if not await self._sending.submit(item):
            log.info("nudge delivery %s was taken over by another worker", item.id)
            return
        try:
            platform_id = await asyncio.wait_for(
                sender.send(target, nudge.messages), timeout=cfg.send_timeout
            )
        except RateLimited as exc:
            await self._retry(item, exc.reason, exc.retry_after, report, count=False)
        except Transient as exc:
            await self._retry(item, exc.reason, exc.retry_after, report)
        except Gone as exc:
            await self._finish(item, "failed", report, reason=exc.reason)
            await self.store.deactivate(item.subscription_id, exc.reason, self.clock())
            report.deactivated += 1
            log.warning("nudges stopped for subscription %s: %s", item.subscription_id, exc.reason)
        except Rejected as exc:
            await self._finish(item, "failed", report, reason=exc.reason)
        except (Uncertain, TimeoutError) as exc:
            reason = exc.reason if isinstance(exc, DeliveryError) else "timed out while sending"
            await self._finish(item, "unknown", report, reason=reason)
        except asyncio.CancelledError:
            raise  # left in ``sending``: the lease turns it into ``unknown``
        except Exception as exc:
            log.exception("nudge delivery %s: unexpected error while sending", item.id)
            await self._finish(item, "unknown", report, reason=f"error while sending: "
                               f"{type(exc).__name__}")
        else:
            await self._finish(item, "sent", report, platform_id=platform_id)

    async def _retry(
        self, item: Claimed, reason: str, retry_after: float | None, report: Report,
        count: bool = True,
    ) -> None:
        cfg = self.config
        attempts = item.attempts + 1
        if count and attempts >= cfg.max_attempts:
            await self._finish(item, "failed", report,
                               reason=f"{reason} (gave up after {attempts} attempts)")
            return
        delay = retry_after if retry_after is not None else min(
            cfg.backoff_cap, cfg.backoff_base * 2 ** (attempts - 1)) * (0.5 + self.rng.random())
        now = self.clock()
        if await self.store.release(item, now + timedelta(seconds=delay), reason, now):
            report.retried += 1
            self.metrics.nudges_retried.inc()

    async def _finish(
        self, item: Claimed, state: str, report: Report, *, reason: str | None = None,
        platform_id: str | None = None,
    ) -> None:
        changed = await self._finishing.submit(
            Finish(item.id, item.token, item.subscription_id, state, platform_id, reason)
        )
        now = self.clock()
        if not changed:
            log.warning("nudge delivery %s: could not record %s (lease lost)", item.id, state)
            return
        if state == "sent":
            report.sent += 1
            self.metrics.nudges_sent.labels(item.channel).inc()
            self.metrics.nudge_lag.observe(max(0.0, (now - item.occurrence_at).total_seconds()))
        elif state == "failed":
            report.failed += 1
            self.metrics.nudges_failed.labels(item.channel).inc()
            log.warning("nudge delivery %s failed: %s", item.id, reason)
        elif state == "unknown":
            report.unknown += 1
            self.metrics.nudges_unknown.inc()
            log.warning("nudge delivery %s outcome unknown: %s", item.id, reason)
        else:
            report.skipped += 1

    # ------------------------------------------------------------------ helpers

    async def _next_retry(self) -> datetime | None:
        """The earliest retry waiting in a lane this process can send."""
        return await self.store.next_retry(list(self.senders))

    async def _safe_next_wakeup(self) -> datetime | None:
        try:
            return await self.store.next_wakeup()
        except Exception:
            log.exception("reading the next nudge wake-up failed")
            return None


def _conversation(item: Claimed) -> Conversation:
    return Conversation(
        org_id=item.org_id, channel=item.channel, id=item.conversation_id,
        is_direct=item.is_direct, reference=item.reference, active=item.conversation_active,
        inactive_reason=item.inactive_reason, updated_at=item.occurrence_at, updated_by="",
    )
