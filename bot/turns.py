"""One turn = one unit of work: claim the inbound id, lock, load, handle, save once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.metrics import Metrics
from bot.store import Claim, Store
from bot.throttle import Throttle, notice
from dialogs.messages import Inbound, Joined, Origin, Post, Reply, Sender, Text
from dialogs.router import Core
from dialogs.turn import TurnContext

log = logging.getLogger("crosswalk.turns")

SORRY = (
    "Sorry, something went wrong on my side and nothing was changed. "
    "Please try again in a moment."
)

Clock = Callable[[], datetime]
PostHook = Callable[..., Awaitable[None]]  # TurnRunner.post_delivered


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class TurnResult:
    replies: list[Reply]
    duplicate: bool = False
    failed: bool = False
    throttled: bool = False  # not run (issue 12); ``replies`` holds the notice, if one is due


class TurnRunner:
    """Runs turns for every channel and tracks them so shutdown can wait."""

    def __init__(
        self, store: Store, core: Core, metrics: Metrics | None = None, clock: Clock = utcnow,
        throttle: Throttle | None = None,
    ) -> None:
        self.store = store
        self.core = core
        self.metrics = metrics or Metrics()
        self.clock = clock
        self.throttle = throttle  # the server's (issue 12); the console and CLI have none
        self._in_flight: set[asyncio.Task[Any]] = set()

    async def run(self, event: Inbound, reference: dict[str, Any] | None = None) -> TurnResult:
        origin = event.origin
        if self.throttle is not None and not isinstance(event, Joined):
            verdict = self.throttle.check(origin.org_id, event.sender.user_id)
            if not verdict.allowed:
                self.metrics.throttled.labels(origin.channel).inc()
                log.info("turn throttled for %.1fs (inbound %s)", verdict.retry_after,
                         event.inbound_id)
                replies: list[Reply] = [notice(verdict.retry_after)] if verdict.notify else []
                return TurnResult(replies, throttled=True)
        now = self.clock()
        claim = await self.store.claim_inbound(origin.channel, origin.org_id, event.inbound_id, now)
        if claim is not Claim.CLAIMED:
            self.metrics.duplicates.labels(origin.channel).inc()
            if claim is Claim.ABANDONED:
                self.metrics.abandoned.inc()
                log.warning("inbound %s claimed by a turn that never finished; not re-run",
                            event.inbound_id)
            else:
                log.info("duplicate inbound %s ignored", event.inbound_id)
            return TurnResult([], duplicate=True)
        self.metrics.turns.labels(origin.channel).inc()
        self.metrics.in_flight.inc()
        try:
            async with self.store.turn(origin, event.sender, now) as tx:
                ctx = TurnContext(event=event, state=tx.state, now=now, data=tx)
                replies = await self.core.handle(ctx)
                await tx.save_state(ctx.state, by=event.sender.user_id)
                if reference is not None:
                    await tx.save_reference(reference, by=event.sender.user_id)
                await tx.complete_inbound(event.inbound_id)
        except Exception:
            self.metrics.errors.labels("turn").inc()
            log.exception("turn failed for inbound %s (%s)", event.inbound_id, origin.channel)
            return TurnResult([Text(SORRY)], failed=True)
        finally:
            self.metrics.in_flight.dec()
        return TurnResult(replies)

    async def post_delivered(
        self,
        post: Post,
        origin: Origin,
        user_id: str,
        *,
        ok: bool,
        target_conversation: str = "",
        message_id: str = "",
        reason: str = "",
    ) -> None:
        """Record what a ``Post`` became, once the edge has tried to deliver it.

        A plan posting is confirmed or marked failed. An interview moved to a direct chat makes
        that chat's state point at the interview, so typed answers there reach it.
        """
        from bot.store.plan import plan_repo

        if not post.record:
            return
        now = self.clock()
        try:
            if post.record.startswith("plan:"):
                async with plan_repo(self.store, write=True) as repo:
                    await repo.confirm_posting(origin.org_id, post.record, ok=ok, now=now,
                                               message_id=message_id, reason=reason)
            elif post.record.startswith("interview:") and ok and target_conversation:
                direct = Origin(origin.channel, origin.org_id, target_conversation,
                                is_direct=True)
                async with self.store.turn(direct, Sender(user_id), now) as tx:
                    tx.state.active = post.record
                    await tx.save_state(tx.state, by=user_id)
        except Exception:
            self.metrics.errors.labels("post_record").inc()
            log.exception("recording the delivery of %s failed", post.record)

    def track(self, coro: Any) -> asyncio.Task[Any]:
        """Run slow work after an acknowledgement; shutdown waits for it."""
        task: asyncio.Task[Any] = asyncio.ensure_future(coro)
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)
        return task

    async def drain(self, wait_s: float = 10.0) -> int:
        """Wait up to ``wait_s`` seconds for tracked work; returns how many were still running."""
        pending = [t for t in self._in_flight if not t.done()]
        if not pending:
            return 0
        _done, still = await asyncio.wait(pending, timeout=wait_s)
        return len(still)
