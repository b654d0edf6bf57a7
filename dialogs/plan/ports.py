"""The storage the plan needs, as small protocols; ``bot/store/plan.py`` implements them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from dialogs.plan.model import ActionState, PlanDoc, Posting, StoredPlan
from dialogs.profile import Profile


class ProfileSource(Protocol):
    """Where org profiles come from (the interview's profile versions)."""

    async def latest_profile(self, org_id: str) -> Profile | None:
        """The org's newest profile with ``version`` set, or ``None`` when it has none."""
        ...


class PlanData(ProfileSource, Protocol):
    """Plan versions, action statuses and postings of one org, inside the caller's transaction."""

    async def latest_plan(self, org_id: str) -> StoredPlan | None: ...

    async def get_plan(self, org_id: str, plan_id: int) -> StoredPlan | None: ...

    async def get_plan_version(self, org_id: str, version: int) -> StoredPlan | None: ...

    async def save_plan(
        self,
        org_id: str,
        doc: PlanDoc,
        profile_version: int,
        now: datetime,
        by: str,
        expected: int | None = None,
    ) -> StoredPlan:
        """Store ``doc`` as the org's next version; with ``expected``, only when that is still
        the next version number (otherwise return the version another turn just stored)."""
        ...

    async def action_states(self, org_id: str) -> Mapping[str, ActionState]: ...

    async def save_action_state(
        self,
        org_id: str,
        state: ActionState,
        *,
        plan_id: int,
        change: str,
        old: str,
        new: str,
        via: str,
        by: str | None = None,
        by_name: str | None = None,
        at: datetime | None = None,
    ) -> None:
        """Write the action's new state and one history row (who, when, what changed, how).

        The actor defaults to the state's ``by``/``by_name``/``at`` (status and snooze changes
        set them); owner edits pass it explicitly.
        """
        ...

    async def record_posting(self, org_id: str, posting: Posting) -> int: ...

    async def postings(self, org_id: str, limit: int = 20) -> Sequence[Posting]:
        """The org's postings, newest first."""
        ...
