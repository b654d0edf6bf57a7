"""Client-side pacing and group commit, with an injected clock."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime

import pytest

from bot.nudges.batch import GroupCommit
from bot.nudges.limits import Limiter
from tests.nudges.conftest import FakeClock

T0 = datetime.fromisoformat("2026-11-30T08:00:00+00:00")


async def test_burst_then_rate() -> None:
    clock = FakeClock(T0)
    limiter = Limiter(clock.monotonic, clock.sleep)
    bucket = limiter.bucket("w", rate=2.0, burst=3.0)
    times = []
    for _ in range(7):
        await limiter.acquire(bucket)
        times.append(clock.monotonic() - T0.timestamp())
    assert times == pytest.approx([0, 0, 0, 0.5, 1.0, 1.5, 2.0])


async def test_pause_holds_every_caller_for_retry_after() -> None:
    clock = FakeClock(T0)
    limiter = Limiter(clock.monotonic, clock.sleep)
    workspace = limiter.bucket("w", rate=50.0, burst=5.0)
    channel = limiter.bucket("w:c", rate=1.0, burst=3.0)
    await limiter.acquire(workspace, channel)
    limiter.pause(workspace, 4.0)
    await limiter.acquire(workspace, channel)
    assert clock.monotonic() - T0.timestamp() == pytest.approx(4.0)


async def test_buckets_are_bounded() -> None:
    clock = FakeClock(T0)
    limiter = Limiter(clock.monotonic, clock.sleep, keep=10)
    for i in range(25):
        limiter.bucket(f"c{i}", 1.0, 3.0)
    assert len(limiter._buckets) <= 10


async def test_group_commit_batches_concurrent_writes() -> None:
    flushed: list[list[int]] = []
    gate = asyncio.Event()

    async def flush(items: Sequence[int]) -> list[int]:
        flushed.append(list(items))
        if len(flushed) == 1:
            await gate.wait()
        return [i * 10 for i in items]

    commit: GroupCommit[int, int] = GroupCommit(flush)
    first = asyncio.create_task(commit.submit(1))
    await asyncio.sleep(0)
    rest = [asyncio.create_task(commit.submit(i)) for i in range(2, 6)]
    await asyncio.sleep(0)
    gate.set()
    assert await first == 10
    assert [await t for t in rest] == [20, 30, 40, 50]
    assert flushed == [[1], [2, 3, 4, 5]]


async def test_group_commit_failure_reaches_every_caller() -> None:
    async def flush(items: Sequence[int]) -> list[int]:
        raise RuntimeError("database is down")

    commit: GroupCommit[int, int] = GroupCommit(flush)
    results = await asyncio.gather(commit.submit(1), commit.submit(2), return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)
