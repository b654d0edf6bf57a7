"""Parsing what users type: ``weekly on thursday 14:30 America/New_York``, ``until 2026-12-24``.

Every refusal is a ``RuleError`` whose message says what was wrong and shows an example.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from dialogs.nudges.cadence import DAYS, Rule
from dialogs.text import user

EXAMPLE = "subscribe weekly on thursday 14:30 America/New_York"
PAUSE_EXAMPLE = "pause nudges until 2026-12-24"
DEFAULT_DAY = 0
DEFAULT_TIME = time(9, 0)
MAX_PAUSE = timedelta(days=366)

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_TIME = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm)?$")
_ONLY_CHANGED = re.compile(
    r"\s*,?\s*\(?\bonly\s+(?:when|if)\s+(?:something\s+|anything\s+)?changed?\)?\s*$",
    re.IGNORECASE,
)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


class RuleError(ValueError):
    """Input that cannot become a schedule or a date; the message is for the user."""


@dataclass(frozen=True)
class SubscribeRequest:
    """What ``subscribe …`` asked for; ``None`` fields take the defaults."""

    weekday: int | None = None
    at: time | None = None
    zone: str | None = None
    only_changed: bool = False

    def rule(self, fallback_zone: str) -> Rule:
        return Rule(
            DEFAULT_DAY if self.weekday is None else self.weekday,
            DEFAULT_TIME if self.at is None else self.at,
            self.zone or fallback_zone,
        )


@cache
def _zones() -> dict[str, str]:
    zones = {name.lower(): name for name in available_timezones()}
    zones.setdefault("utc", "UTC")
    return zones


def zone_name(raw: str) -> str | None:
    """The canonical IANA name for ``raw`` (any case), or ``None`` when unknown."""
    name = _zones().get(raw.strip().lower())
    if name is None:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):  # pragma: no cover - listed but unloadable
        return None
    return name


def known_zone(raw: str | None) -> str | None:
    """A sender's zone when it is a usable IANA name (platforms send odd values)."""
    return zone_name(raw) if raw else None


def parse_day(raw: str) -> int | None:
    word = raw.strip().lower().rstrip(".,")
    if word.endswith("s") and word[:-1] in DAYS:
        word = word[:-1]
    if word in DAYS:
        return DAYS.index(word)
    if len(word) >= 3:
        matches = [i for i, d in enumerate(DAYS) if d.startswith(word)]
        if len(matches) == 1:
            return matches[0]
    return None


def parse_time(raw: str) -> time | None:
    match = _TIME.match(raw.strip().lower())
    if match is None:
        return None
    hour, minute = int(match[1]), int(match[2] or 0)
    meridiem = match[3]
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    elif match[2] is None:
        return None  # a bare number is not a time
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def parse_subscribe(args: str) -> SubscribeRequest:
    """``[weekly] [on] <day> [at] <HH:MM> [<Area/City>] [only when something changed]``."""
    text = " ".join(args.split())
    only_changed = False
    trimmed = _ONLY_CHANGED.sub("", text)
    if trimmed != text:
        only_changed, text = True, trimmed
    words = text.split()
    if words and words[0].lower() == "weekly":
        words = words[1:]
    if words and words[0].lower() in ("on", "every"):
        words = words[1:]
    if not words:
        return SubscribeRequest(only_changed=only_changed)
    weekday = parse_day(words[0])
    if weekday is None:
        raise RuleError(
            f"I don't know the day {user(words[0])}. Use a day of the week, e.g. `{EXAMPLE}`."
        )
    words = words[1:]
    if words and words[0].lower() == "at":
        words = words[1:]
    at: time | None = None
    if words:
        # "2:30 pm" is two words
        if len(words) > 1 and words[1].lower() in ("am", "pm"):
            words = [words[0] + words[1], *words[2:]]
        at = parse_time(words[0])
        if at is None:
            raise RuleError(
                f"I can't read the time {user(words[0])}. Use 24-hour `HH:MM` (or `2:30pm`), "
                f"e.g. `{EXAMPLE}`."
            )
        words = words[1:]
    zone: str | None = None
    if words:
        if len(words) > 1:
            raise RuleError(
                f"I didn't understand {user(' '.join(words))}. Write the day, the time and one "
                f"time zone, e.g. `{EXAMPLE}`."
            )
        zone = zone_name(words[0])
        if zone is None:
            raise RuleError(_unknown_zone(words[0]))
    return SubscribeRequest(weekday, at, zone, only_changed)


def _unknown_zone(raw: str) -> str:
    close = difflib.get_close_matches(raw.lower(), list(_zones()), n=1, cutoff=0.8)
    hint = f" Did you mean `{_zones()[close[0]]}`?" if close else ""
    return (
        f"{user(raw)} is not a time zone I know.{hint} Use an IANA name such as "
        f"`Europe/Paris`, `America/New_York` or `Asia/Kolkata`, e.g. `{EXAMPLE}`."
    )


def parse_until(args: str, today: date) -> date | None:
    """``[until] 2026-12-24`` (or ``24 dec``, ``dec 24 2027``); ``None`` when no date is given.

    The date must be after ``today`` (the subscription's local date) and within a year.
    """
    words = args.strip().lower().split()
    if words and words[0] == "until":
        words = words[1:]
    if not words:
        if args.strip():
            raise RuleError(f"Say until when, e.g. `{PAUSE_EXAMPLE}`.")
        return None
    day = _date(words, today)
    if day is None:
        raise RuleError(
            f"I can't read the date {user(' '.join(words))}. Use `YYYY-MM-DD`, "
            f"e.g. `{PAUSE_EXAMPLE}`."
        )
    if day <= today:
        raise RuleError(
            f"{day.isoformat()} is not in the future. Pick a later date, e.g. "
            f"`{PAUSE_EXAMPLE}`, or `pause nudges` to pause until you resume."
        )
    if day - today > MAX_PAUSE:
        raise RuleError(
            "I can pause nudges for up to a year. Pick an earlier date, or `unsubscribe`."
        )
    return day


def _date(words: list[str], today: date) -> date | None:
    if len(words) == 1:
        match = _ISO.match(words[0])
        if match is None:
            return None
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    if len(words) not in (2, 3):
        return None
    first, second = words[0].rstrip(","), words[1].rstrip(",")
    month = _month(second) if first.isdigit() else _month(first)
    number = first if first.isdigit() else second
    if month is None or not number.isdigit():
        return None
    try:
        if len(words) == 3:
            if not words[2].isdigit():
                return None
            return date(int(words[2]), month, int(number))
        candidate = date(today.year, month, int(number))
        if candidate <= today:
            candidate = date(today.year + 1, month, int(number))
        return candidate
    except ValueError:
        return None


def _month(word: str) -> int | None:
    word = word.rstrip(".")
    if len(word) < 3:
        return None
    for i, name in enumerate(_MONTHS):
        if word.startswith(name):
            return i + 1
    return None
