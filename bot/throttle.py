"""Per-org and per-user throttling of inbound turns: token buckets in memory, per process.

A throttled turn is never run (no claim, no lock, no write) but the edge still acknowledges the
request normally: Slack disables apps whose events fail and Teams retries a 429, so an HTTP 429
would make things worse. The person gets one short "slow down" note at most once a minute.

Limits are per process: with several replicas behind a load balancer each enforces its own, so
the effective limit is up to ``replicas ×`` the configured one (documented in docs/security.md).
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dialogs.messages import Text

if TYPE_CHECKING:
    from bot.settings import Settings

Monotonic = Callable[[], float]
NOTICE_EVERY_S = 60.0
KEEP = 50_000  # buckets kept in memory; the least recently used beyond this are dropped


@dataclass(frozen=True)
class Limits:
    """Turns per minute and burst, per person and per organisation; a rate of 0 turns it off."""

    user_per_minute: float = 30.0
    user_burst: int = 30
    org_per_minute: float = 600.0
    org_burst: int = 200

    @property
    def enabled(self) -> bool:
        return self.user_per_minute > 0 or self.org_per_minute > 0


@dataclass
class _Bucket:
    tokens: float
    updated: float


@dataclass(frozen=True)
class Verdict:
    """Whether a turn may run; when not, in how many seconds and whether to say so."""

    allowed: bool
    retry_after: float = 0.0
    notify: bool = False


def notice(retry_after: float) -> Text:
    """The one short reply a throttled person gets (at most once a minute)."""
    seconds = max(1, math.ceil(retry_after))
    return Text(f"You're sending messages faster than I can keep up: slow down, try again in "
                f"{seconds} s.")


class Throttle:
    """Token buckets keyed by organisation and by (organisation, person)."""

    def __init__(self, limits: Limits, monotonic: Monotonic = time.monotonic,
                 keep: int = KEEP) -> None:
        self.limits = limits
        self.monotonic = monotonic
        self.keep = keep
        self._buckets: OrderedDict[tuple[str, ...], _Bucket] = OrderedDict()
        self._noticed: OrderedDict[tuple[str, str], float] = OrderedDict()

    def check(self, org_id: str, user_id: str) -> Verdict:
        """Take one token from the person's and the organisation's bucket, or neither."""
        now = self.monotonic()
        limits = self.limits
        waits: list[float] = []
        taken: list[_Bucket] = []
        for key, per_minute, burst in (
            (("user", org_id, user_id), limits.user_per_minute, limits.user_burst),
            (("org", org_id), limits.org_per_minute, limits.org_burst),
        ):
            if per_minute <= 0:
                continue
            rate = per_minute / 60.0
            bucket = self._bucket(key, burst, now)
            bucket.tokens = min(float(burst), bucket.tokens + (now - bucket.updated) * rate)
            bucket.updated = now
            if bucket.tokens >= 1.0:
                taken.append(bucket)
            else:
                waits.append((1.0 - bucket.tokens) / rate)
        if not waits:
            for bucket in taken:
                bucket.tokens -= 1.0
            return Verdict(True)
        person = (org_id, user_id)
        last = self._noticed.get(person)
        notify = last is None or now - last >= NOTICE_EVERY_S
        if notify:
            self._noticed[person] = now
            self._noticed.move_to_end(person)
            while len(self._noticed) > self.keep:
                self._noticed.popitem(last=False)
        return Verdict(False, max(waits), notify)

    def _bucket(self, key: tuple[str, ...], burst: int, now: float) -> _Bucket:
        found = self._buckets.get(key)
        if found is None:
            found = self._buckets[key] = _Bucket(float(burst), now)
            while len(self._buckets) > self.keep:  # the oldest is the least recently used
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
        return found


def throttle_for(settings: Settings) -> Throttle | None:
    """The server's throttle from its settings; ``None`` when both rates are 0."""
    limits = Limits(
        user_per_minute=settings.throttle_user_per_minute,
        user_burst=settings.throttle_user_burst,
        org_per_minute=settings.throttle_org_per_minute,
        org_burst=settings.throttle_org_burst,
    )
    return Throttle(limits) if limits.enabled else None
