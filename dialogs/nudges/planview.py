"""The nudges' ``PlanView`` over the plan feature's storage port (``dialogs.plan.ports.PlanData``).

Reads the org's latest plan version with each action's current state; marking uses the plan's
own status rules (``dialogs.plan.status.apply``) and writes a history row with ``via="nudge"``.
"""

from __future__ import annotations

from datetime import datetime

from dialogs.nudges.ports import Mark, MarkResult, PlanAction, PlanSnapshot
from dialogs.plan.model import ActionState, PlannedAction, StoredPlan
from dialogs.plan.ports import PlanData
from dialogs.plan.status import Verb, apply


def _action(a: PlannedAction, state: ActionState | None) -> PlanAction:
    state = state or ActionState(a.id)
    return PlanAction(
        n=a.n,
        id=a.id,
        title=a.title,
        why=a.why,
        owner=state.owner if state.owner is not None else a.owner,
        status=state.status,
        status_by=state.by_name or state.by,
        status_at=state.at,
        discipline=a.discipline,
        snoozed_until=state.snoozed_until,
    )


class PlanDataView:
    """``PlanView`` implemented with the plan's ``PlanData`` (same transaction as the caller)."""

    def __init__(self, data: PlanData) -> None:
        self.data = data

    async def _snapshot(self, org_id: str, stored: StoredPlan) -> PlanSnapshot:
        states = await self.data.action_states(org_id)
        return PlanSnapshot(
            org_id=org_id,
            version=stored.version,
            disciplines=tuple(d.id for d in stored.doc.disciplines),
            actions=tuple(_action(a, states.get(a.id)) for a in stored.doc.actions()),
            generated_at=stored.created_at,
        )

    async def current(self, org_id: str) -> PlanSnapshot | None:
        stored = await self.data.latest_plan(org_id)
        return await self._snapshot(org_id, stored) if stored is not None else None

    async def disciplines(self, org_id: str) -> tuple[str, ...]:
        profile = await self.data.latest_profile(org_id)
        return tuple(profile.disciplines) if profile is not None else ()

    async def mark(
        self, org_id: str, action: str, status: Mark, by: str, by_name: str, now: datetime
    ) -> MarkResult:
        stored = await self.data.latest_plan(org_id)
        if stored is None:
            return MarkResult("no_plan")
        planned = stored.doc.by_id().get(action)
        if planned is None:
            return MarkResult("not_found")
        states = await self.data.action_states(org_id)
        current = states.get(action) or ActionState(action)
        verb: Verb = "done" if status == "done" else "snooze"
        change = apply(current, verb, by, by_name, now)
        if isinstance(change, str):
            return MarkResult("unchanged", _action(planned, current), note=change)
        await self.data.save_action_state(
            org_id,
            change.state,
            plan_id=stored.id,
            change=change.change,
            old=change.old,
            new=change.new,
            via="nudge",
        )
        return MarkResult("changed", _action(planned, change.state))
