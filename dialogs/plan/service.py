"""Plan use cases shared by chat, the CLI and the nudges: current plan, view, status changes."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from dialogs.content import ContentStore
from dialogs.plan.builder import Vocabulary, build_plan
from dialogs.plan.diff import PlanDiff, diff_plans
from dialogs.plan.library import ActionLibrary, load_library
from dialogs.plan.model import (
    ActionState,
    Orphan,
    PlanDoc,
    PlannedAction,
    PlanView,
    StoredPlan,
)
from dialogs.plan.ports import PlanData
from dialogs.plan.status import Change, Verb, apply, set_owner


@dataclass(frozen=True)
class PlanKit:
    """What the plan needs from the content: the action library and the vocabulary."""

    library: ActionLibrary
    vocab: Vocabulary


async def current_plan(
    data: PlanData, kit: PlanKit, org_id: str, now: datetime, by: str
) -> StoredPlan | None:
    """The org's plan for its newest profile: the stored version when nothing changed, else a new
    version. ``None`` when the org has no profile yet."""
    profile = await data.latest_profile(org_id)
    if profile is None:
        return None
    doc = build_plan(profile, kit.library, kit.vocab)
    version = profile.version or 0
    latest = await data.latest_plan(org_id)
    if latest is not None and latest.profile_version == version and _same(latest.doc, doc):
        return latest
    expected = latest.version + 1 if latest is not None else 1
    return await data.save_plan(org_id, doc, version, now, by, expected)


def _same(old: PlanDoc, new: PlanDoc) -> bool:
    """Equal plans, ignoring which library fingerprint built them (an unrelated content edit)."""
    return replace(old, library="") == replace(new, library="")


async def view_of(data: PlanData, kit: PlanKit, plan: StoredPlan) -> PlanView:
    """The plan with the org's statuses, orphaned statuses, unknown ids and the last posting."""
    states = dict(await data.action_states(plan.org_id))
    in_plan = plan.doc.by_id()
    orphans = tuple(
        Orphan(state, _title(kit, state.action_id))
        for action_id, state in sorted(states.items())
        if action_id not in in_plan and (state.status != "open" or state.owner is not None)
    )
    unknown = tuple(a for a in in_plan if a not in kit.library.actions)
    postings = await data.postings(plan.org_id, limit=5)
    last = next((p for p in postings if p.status != "failed"), None)
    return PlanView(plan, states, orphans, unknown, last)


def _title(kit: PlanKit, action_id: str) -> str:
    spec = kit.library.actions.get(action_id)
    return spec.title if spec is not None else ""


async def change_status(
    data: PlanData,
    view: PlanView,
    action: PlannedAction,
    verb: Verb,
    *,
    by: str,
    by_name: str,
    now: datetime,
    via: str,
) -> Change | str:
    """Apply a verb to an action and store it with its history row; a string when nothing
    changed (the reason)."""
    outcome = apply(view.state(action.id), verb, by, by_name, now)
    if isinstance(outcome, Change):
        await _save(data, view, outcome, via)
    return outcome


async def change_owner(
    data: PlanData,
    view: PlanView,
    action: PlannedAction,
    owner: str,
    *,
    by: str,
    by_name: str,
    now: datetime,
    via: str,
) -> Change | str:
    """Edit an action's owner (empty: back to the profile's owner)."""
    outcome = set_owner(view.state(action.id), owner, action.owner, by, by_name, now)
    if isinstance(outcome, Change):
        await _save(data, view, outcome, via)
    return outcome


async def _save(data: PlanData, view: PlanView, change: Change, via: str) -> None:
    await data.save_action_state(
        view.plan.org_id,
        change.state,
        plan_id=view.plan.id,
        change=change.change,
        old=change.old,
        new=change.new,
        via=via,
        by=change.by or None,
        by_name=change.by_name or None,
        at=change.at,
    )


def with_state(view: PlanView, state: ActionState) -> PlanView:
    """The view after a change, without reading the store again."""
    return replace(view, states={**view.states, state.action_id: state})


async def plan_diff(
    data: PlanData, kit: PlanKit, org_id: str, now: datetime, by: str
) -> PlanDiff | None:
    """Changes since the last posted plan (or the previous version when none was posted)."""
    new = await current_plan(data, kit, org_id, now, by)
    if new is None:
        return None
    postings = await data.postings(org_id)
    posted = next((p for p in postings if p.status != "failed"), None)
    old: StoredPlan | None = None
    if posted is not None:
        old = await data.get_plan(org_id, posted.plan_id)
    if old is None and new.version > 1:
        old = await data.get_plan_version(org_id, new.version - 1)
        posted = None
    return diff_plans(old, new, kit.library, posted)


def load_kit(root: Path, content: ContentStore) -> PlanKit:
    """The action library under a content root with the vocabulary; ``ContentError`` if invalid."""
    library = load_library(root)
    return PlanKit(library, Vocabulary.from_content(content, library))
