"""Subscriptions and deliveries as the core sees them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from dialogs.messages import Channel
from dialogs.nudges.cadence import Rule

Status = Literal["active", "paused", "unsubscribed", "inactive"]
STATUSES: tuple[Status, ...] = ("active", "paused", "unsubscribed", "inactive")

DeliveryState = Literal[
    "pending", "claimed", "sending", "sent", "failed", "unknown", "missed", "skipped"
]
DELIVERY_STATES: tuple[DeliveryState, ...] = (
    "pending",
    "claimed",
    "sending",
    "sent",
    "failed",
    "unknown",
    "missed",
    "skipped",
)
FINAL_STATES: frozenset[str] = frozenset({"sent", "failed", "unknown", "missed", "skipped"})


@dataclass(frozen=True)
class LastDelivery:
    """The latest delivery of a subscription."""

    state: DeliveryState
    occurrence_at: datetime
    updated_at: datetime
    reason: str | None = None
    platform_id: str | None = None


@dataclass(frozen=True)
class Subscription:
    """Weekly nudges for one conversation; ``next_run_at`` is UTC (``None`` when not scheduled)."""

    id: int
    org_id: str
    channel: Channel
    conversation_id: str
    rule: Rule
    status: Status
    only_changed: bool
    next_run_at: datetime | None
    paused_until: datetime | None
    inactive_reason: str | None
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    revision: int = 0
    last: LastDelivery | None = None
    last_sent_at: datetime | None = None


@dataclass(frozen=True)
class Change:
    """One change to a subscription, recorded with who and when."""

    status: Status
    next_run_at: datetime | None
    paused_until: datetime | None = None
    reason: str | None = None
    action: str = ""  # subscribe, unsubscribe, pause, resume, deactivate, ...
