"""Shared builders for the plan tests: content, fixture profiles, views and an in-memory store."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from dialogs.content import ContentStore, load_content
from dialogs.plan import PlanKit, Templates, build_plan, load_kit
from dialogs.plan.model import ActionState, PlanDoc, PlanView, Posting, StoredPlan
from dialogs.profile import Profile

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"
FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = REPO / "docs" / "examples" / "profile.yaml"
GOLDEN = Path(__file__).parent / "golden"
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
INJECTIONS = ("<!channel>", "<@U123>", "*bold*", "[x](http://e)", "</script>")


@cache
def content() -> ContentStore:
    return load_content(CONTENT)


@cache
def kit() -> PlanKit:
    return load_kit(CONTENT, content())


@cache
def templates() -> Templates:
    return Templates(CONTENT)


def profile(name: str, version: int = 1) -> Profile:
    """A fixture profile: ``sample`` (docs/examples/profile.yaml) or ``fixtures/<name>.yaml``."""
    path = SAMPLE if name == "sample" else FIXTURES / f"{name}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Profile.model_validate(data).model_copy(update={"version": version})


def doc(name: str) -> PlanDoc:
    return build_plan(profile(name), kit().library, kit().vocab)


def view(
    name: str,
    states: Mapping[str, ActionState] | None = None,
    plan_id: int = 7,
    version: int = 2,
) -> PlanView:
    stored = StoredPlan(plan_id, "acme", version, 1, NOW, "test", doc(name))
    return PlanView(stored, dict(states or {}))


def sample_states() -> dict[str, ActionState]:
    """A few statuses so renderers show done, in progress, skipped and snoozed actions."""
    built = doc("sample").by_number()
    when = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
    return {
        built[1].id: ActionState(built[1].id, "done", "u1", "Ana <Lead>", when, revision=1),
        built[2].id: ActionState(built[2].id, "in_progress", "u2", "Bo", when, revision=1),
        built[4].id: ActionState(built[4].id, "skipped", "u1", "Ana <Lead>", when, revision=1),
        built[9].id: ActionState(built[9].id, "open", "u2", "Bo", when,
                                 snoozed_until=datetime(2026, 12, 4, tzinfo=UTC), revision=2),
    }


def check_golden(folder: str, case: str, actual: str) -> None:
    """Compare with ``golden/<folder>/<case>``; ``UPDATE_GOLDEN=1`` rewrites it."""
    path = GOLDEN / folder / case
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"missing golden file {path}; run with UPDATE_GOLDEN=1 and review it"
    assert actual == path.read_text(encoding="utf-8"), (
        f"{path} differs; run with UPDATE_GOLDEN=1 and review the diff"
    )


def dump(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


class MemoryPlans:
    """``PlanData`` in memory, for core tests that need no database."""

    def __init__(self, profiles: Mapping[str, Profile] | None = None) -> None:
        self.profiles: dict[str, Profile] = dict(profiles or {})
        self.plans: list[StoredPlan] = []
        self.states: dict[tuple[str, str], ActionState] = {}
        self.events: list[dict[str, Any]] = []
        self.posts: list[tuple[str, Posting]] = []

    async def latest_profile(self, org_id: str) -> Profile | None:
        return self.profiles.get(org_id)

    async def latest_plan(self, org_id: str) -> StoredPlan | None:
        mine = [p for p in self.plans if p.org_id == org_id]
        return max(mine, key=lambda p: p.version) if mine else None

    async def get_plan(self, org_id: str, plan_id: int) -> StoredPlan | None:
        return next((p for p in self.plans if p.org_id == org_id and p.id == plan_id), None)

    async def get_plan_version(self, org_id: str, version: int) -> StoredPlan | None:
        return next((p for p in self.plans if p.org_id == org_id and p.version == version),
                    None)

    async def save_plan(
        self, org_id: str, doc: PlanDoc, profile_version: int, now: datetime, by: str,
        expected: int | None = None,
    ) -> StoredPlan:
        latest = await self.latest_plan(org_id)
        if expected is not None and latest is not None and latest.version != expected - 1:
            return latest
        stored = StoredPlan(len(self.plans) + 1, org_id, (latest.version if latest else 0) + 1,
                            profile_version, now, by, doc)
        self.plans.append(stored)
        return stored

    async def action_states(self, org_id: str) -> Mapping[str, ActionState]:
        return {a: s for (o, a), s in self.states.items() if o == org_id}

    async def save_action_state(
        self, org_id: str, state: ActionState, *, plan_id: int, change: str, old: str,
        new: str, via: str, by: str | None = None, by_name: str | None = None,
        at: datetime | None = None,
    ) -> None:
        self.states[(org_id, state.action_id)] = state
        self.events.append({"org": org_id, "action": state.action_id, "plan": plan_id,
                            "change": change, "old": old, "new": new, "via": via,
                            "by": by if by is not None else state.by, "at": at or state.at})

    async def record_posting(self, org_id: str, posting: Posting) -> int:
        self.posts.append((org_id, replace(posting, id=len(self.posts) + 1)))
        return len(self.posts)

    async def postings(self, org_id: str, limit: int = 20) -> Sequence[Posting]:
        return [p for o, p in reversed(self.posts) if o == org_id][:limit]
