"""The storage the nudge feature needs, as small protocols the runtime implements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from dialogs.messages import Channel
from dialogs.nudges.cadence import Rule
from dialogs.nudges.model import Change, Subscription

ActionStatus = Literal["open", "in_progress", "done", "skipped"]
OPEN_STATUSES: frozenset[str] = frozenset({"open", "in_progress"})
Mark = Literal["done", "snoozed"]


@dataclass(frozen=True)
class PlanAction:
    """One action of the org's current plan, as the nudge shows it."""

    n: int
    id: str
    title: str
    why: str = ""
    owner: str = ""
    status: ActionStatus = "open"
    status_by: str = ""
    status_at: datetime | None = None
    discipline: str = ""
    snoozed_until: datetime | None = None

    def is_open(self, now: datetime) -> bool:
        """Open or in progress, and not snoozed past ``now``."""
        if self.snoozed_until is not None and self.snoozed_until > now:
            return False
        return self.status in OPEN_STATUSES


@dataclass(frozen=True)
class PlanSnapshot:
    """The org's current plan: its version, disciplines and numbered actions."""

    org_id: str
    version: int
    disciplines: tuple[str, ...]
    actions: tuple[PlanAction, ...]
    generated_at: datetime | None = None

    def action(self, ref: str) -> PlanAction | None:
        """An action by id or by its number ``n``."""
        for action in self.actions:
            if action.id == ref or str(action.n) == ref:
                return action
        return None


@dataclass(frozen=True)
class MarkResult:
    """What changing an action's status did."""

    outcome: Literal["changed", "unchanged", "not_found", "no_plan"]
    action: PlanAction | None = None
    note: str = ""  # why nothing changed, e.g. "it is already done"


class PlanView(Protocol):
    """The alignment plan as the nudges read and change it."""

    async def current(self, org_id: str) -> PlanSnapshot | None:
        """The org's current plan, or ``None`` when it has none yet."""
        ...

    async def disciplines(self, org_id: str) -> tuple[str, ...]:
        """The disciplines in the org's profile (for the tip), even without a plan."""
        ...

    async def mark(
        self, org_id: str, action: str, status: Mark, by: str, by_name: str, now: datetime
    ) -> MarkResult:
        """Mark an action done, or snooze it for a week."""
        ...


class NudgeData(Protocol):
    """Subscriptions, inside the turn's transaction."""

    plan: PlanView

    async def subscription(
        self, org_id: str, channel: Channel, conversation_id: str
    ) -> Subscription | None: ...

    async def subscription_by_id(
        self, org_id: str, subscription_id: int
    ) -> Subscription | None: ...

    async def subscribe(
        self,
        org_id: str,
        channel: Channel,
        conversation_id: str,
        rule: Rule,
        only_changed: bool,
        next_run_at: datetime,
        by: str,
        now: datetime,
    ) -> Subscription:
        """Create or replace the conversation's subscription (active at once)."""
        ...

    async def change(
        self, subscription: Subscription, change: Change, by: str, now: datetime
    ) -> Subscription:
        """Apply a status change and record who and when."""
        ...


class HasNudges(Protocol):
    """What a turn's data must offer for the nudge feature."""

    nudges: NudgeData
