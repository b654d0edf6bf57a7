"""Subscription changes as values: shared by the chat commands and the operator CLI."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from dialogs.nudges.cadence import next_run, resolve
from dialogs.nudges.model import Change, Subscription


def unsubscribe() -> Change:
    return Change("unsubscribed", None, action="unsubscribe")


def pause(sub: Subscription, until: date | None) -> Change:
    """Pause until you resume (``until`` is ``None``), or until the start of that local date."""
    if until is None:
        return Change("paused", None, action="pause")
    paused_until = resolve(until, time(0, 0), sub.rule.tz)
    upcoming = next_run(sub.rule, paused_until - timedelta(microseconds=1))
    return Change("paused", upcoming, paused_until, action="pause")


def resume(sub: Subscription, now: datetime) -> Change:
    return Change("active", next_run(sub.rule, now), action="resume")


def local_today(sub: Subscription, now: datetime) -> date:
    """Today's date where the subscription's nudges arrive."""
    return now.astimezone(sub.rule.tz).date()
