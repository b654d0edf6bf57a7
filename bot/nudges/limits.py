"""Client-side pacing: token buckets per key (a workspace, a channel) with a pause for 429s.

The clock and the sleep are injected, so tests and benchmarks never wait for real unless they
choose to.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

Monotonic = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass
class Bucket:
    """``rate`` tokens per second, holding at most ``burst``."""

    rate: float
    burst: float
    tokens: float = -1.0
    updated: float = 0.0
    paused_until: float = 0.0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def wait_for(self, now: float) -> float:
        """Seconds until a token is available (taking it when it is 0)."""
        if self.tokens < 0:
            self.tokens, self.updated = self.burst, now
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if now < self.paused_until:
            return self.paused_until - now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


class Limiter:
    """Keyed buckets; ``acquire`` takes one token from each named bucket, in order."""

    def __init__(self, monotonic: Monotonic, sleep: Sleep, keep: int = 50_000) -> None:
        self.monotonic = monotonic
        self.sleep = sleep
        self.keep = keep
        self._buckets: dict[str, Bucket] = {}

    def bucket(self, key: str, rate: float, burst: float) -> Bucket:
        found = self._buckets.get(key)
        if found is None:
            if len(self._buckets) >= self.keep:
                self.forget_idle()
            found = self._buckets[key] = Bucket(rate, burst)
        return found

    async def acquire(self, *buckets: Bucket) -> None:
        for bucket in buckets:
            async with bucket.lock:  # first come, first served within a bucket
                while True:
                    wait = bucket.wait_for(self.monotonic())
                    if wait <= 0:
                        break
                    await self.sleep(wait)

    def pause(self, bucket: Bucket, seconds: float) -> None:
        """Nothing leaves this bucket for ``seconds`` (a 429's ``Retry-After``)."""
        bucket.paused_until = max(bucket.paused_until, self.monotonic() + seconds)
        bucket.tokens = 0.0

    def forget_idle(self) -> None:
        """Bound memory: drop the older half of the buckets nobody is waiting on."""
        for key in list(self._buckets)[: len(self._buckets) // 2]:
            if not self._buckets[key].lock.locked():
                del self._buckets[key]
