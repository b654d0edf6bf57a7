"""Weekly cadence: a day, a local time and an IANA zone → the next run, in UTC.

09:00 stays 09:00 local across daylight saving. A local time that does not exist (the clocks
jump over it) runs at the first valid minute after it; an ambiguous one (the clocks go back over
it) runs at its first occurrence. Time is always passed in; nothing here reads the clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAYS: tuple[str, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
_MAX_GAP_MINUTES = 48 * 60  # no zone has ever skipped more than a day


@dataclass(frozen=True)
class Rule:
    """Weekly on ``weekday`` (0 = Monday) at ``at`` local time in ``zone``."""

    weekday: int
    at: time
    zone: str

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0..6, not {self.weekday}")
        if self.at.tzinfo is not None or self.at.second or self.at.microsecond:
            raise ValueError("the time must be a naive whole minute")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    @property
    def day_name(self) -> str:
        return DAYS[self.weekday]

    def describe(self) -> str:
        """``Thursdays at 14:30 (America/New_York)``."""
        return f"{DAYS[self.weekday].capitalize()}s at {self.at:%H:%M} ({self.zone})"

    def command(self) -> str:
        """The ``subscribe`` arguments that recreate this rule."""
        return f"weekly on {DAYS[self.weekday]} {self.at:%H:%M} {self.zone}"


def exists(local: datetime, tz: ZoneInfo) -> bool:
    """True when the naive local time is shown on that zone's clocks."""
    there = local.replace(tzinfo=tz).astimezone(UTC).astimezone(tz)
    return there.replace(tzinfo=None) == local


def resolve(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant for ``at`` on ``day`` in ``tz``, with the gap and overlap rules."""
    local = datetime.combine(day, at)
    for _ in range(_MAX_GAP_MINUTES):
        if exists(local, tz):
            return local.replace(tzinfo=tz, fold=0).astimezone(UTC)
        local = (local + timedelta(minutes=1)).replace(second=0, microsecond=0)
    raise ValueError(f"no valid local time near {day} {at} in {tz.key}")  # pragma: no cover


def occurrences(rule: Rule, after: datetime) -> Iterator[datetime]:
    """Every run strictly after ``after`` (aware), in order, as UTC instants."""
    if after.tzinfo is None:
        raise ValueError("after must be time-zone aware")
    tz = rule.tz
    # start a day early: the local date of a run can differ from the UTC date
    day = after.astimezone(tz).date() - timedelta(days=1)
    day += timedelta(days=(rule.weekday - day.weekday()) % 7)
    while True:
        instant = resolve(day, rule.at, tz)
        if instant > after:
            yield instant
        day += timedelta(days=7)


def next_run(rule: Rule, after: datetime) -> datetime:
    """The first run strictly after ``after``, in UTC."""
    return next(occurrences(rule, after))


def runs_between(rule: Rule, start: datetime, end: datetime, limit: int = 60) -> list[datetime]:
    """Runs in ``[start, end]`` (at most ``limit``, the latest ones kept)."""
    found: list[datetime] = []
    for instant in occurrences(rule, start - timedelta(microseconds=1)):
        if instant > end:
            break
        found.append(instant)
    return found[-limit:]


def local_text(instant: datetime, zone: str) -> str:
    """``Thu 3 Dec 2026, 14:30 EST`` in the subscription's zone."""
    there = instant.astimezone(ZoneInfo(zone))
    return f"{there:%a} {there.day} {there:%b %Y}, {there:%H:%M} {there.tzname()}"
