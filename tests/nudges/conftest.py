"""Nudge test helpers: an injected clock and sleep, an in-process sender, conversations."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.metrics import Metrics
from bot.nudges.composer import Composer
from bot.nudges.scheduler import Scheduler, SchedulerConfig
from bot.nudges.sender import DeliveryError, Target
from bot.store import Store
from bot.store.nudges import NudgeStore, nudge_repo, plan_view
from dialogs.content import ContentStore
from dialogs.messages import Outbound
from dialogs.nudges.cadence import Rule, next_run


class FakeClock:
    """A clock tests move by hand; ``sleep`` advances it instead of waiting."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.slept: list[float] = []

    def __call__(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return self.now.timestamp()

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(max(seconds, 0.0))
        await asyncio.sleep(0)


@dataclass
class Sent:
    target: Target
    messages: Sequence[Outbound]
    at: datetime


@dataclass
class FakeSender:
    """An in-process platform: records sends; ``fail`` holds errors raised in order."""

    clock: FakeClock
    channel: str = "slack"
    sent: list[Sent] = field(default_factory=list)
    fail: list[BaseException] = field(default_factory=list)
    paced: int = 0

    async def pace(self, target: Target) -> None:
        self.paced += 1

    async def send(self, target: Target, messages: Sequence[Outbound]) -> str:
        if self.fail:
            raise self.fail.pop(0)
        self.sent.append(Sent(target, messages, self.clock()))
        return f"ts-{len(self.sent)}"

    def by_delivery(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for s in self.sent:
            counts[s.target.delivery_id] = counts.get(s.target.delivery_id, 0) + 1
        return counts


def scheduler(
    store: Store, clock: FakeClock, senders: dict[str, Any], metrics: Metrics | None = None,
    content: ContentStore | None = None, **config: Any,
) -> Scheduler:
    return Scheduler(
        NudgeStore(store), senders, Composer(store, content, plan_view), metrics or Metrics(),
        clock=clock, sleep=clock.sleep, config=SchedulerConfig(**config),
    )


async def conversation(
    store: Store, org: str, channel: str, conv_id: str, now: datetime,
    reference: dict[str, Any] | None = None, is_direct: bool = False,
) -> None:
    """A conversation the bot knows (as after a mention there)."""
    import json

    async with store.backend.write() as conn:
        await store.ensure_org(conn, org, now)
        await conn.execute(
            "INSERT INTO conversations (org_id, channel, id, is_direct, reference, created_at,"
            " updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (org_id, channel, id) DO NOTHING",
            org, channel, conv_id, is_direct, json.dumps(reference) if reference else None,
            now, now, "test",
        )


async def subscribe(
    store: Store, org: str, channel: str, conv_id: str, rule: Rule, now: datetime,
    only_changed: bool = False,
) -> int:
    await conversation(store, org, channel, conv_id, now)
    async with store.backend.write() as conn:
        sub = await nudge_repo(conn).subscribe(
            org, channel, conv_id, rule, only_changed, next_run(rule, now), "u1", now  # type: ignore[arg-type]
        )
    return sub.id


def raising(*errors: DeliveryError) -> list[BaseException]:
    return list(errors)
