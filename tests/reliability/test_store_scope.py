"""Every store method is scoped to one org: it takes ``org_id: str``, is bound to an org, or takes
a record that carries its org. The few system-wide ones are listed here with the reason, and
each is documented in docs/security.md; a new unscoped method fails this test until it is.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bot.store

DOCS = Path(__file__).resolve().parents[2] / "docs" / "security.md"
INFRASTRUCTURE = {"bot.store.db", "bot.store.migrate"}  # connections and migrations: no data
LIFECYCLE = {"Store.open", "Store.migrate", "Store.pending_migrations", "Store.ping", "Store.close"}

# method -> why it is not scoped to one org (each appears in docs/security.md)
SYSTEM_WIDE: dict[str, str] = {
    "Store.list_orgs": "operator listing for the CLI; no turn reaches it",
    "Store.purge_claims": "retention: deletes expired inbound claims of every org",
    "TeamsStore.purge_cards": "retention: deletes expired kept cards of every org",
    "purge_qa": "retention: deletes expired gaps and feedback of every org",
    "gap_report": "operator report (`crosswalk content gaps`); org_id optional for all orgs",
    "feedback_report": "operator report (`crosswalk content stats`); org_id optional",
    "org_tables": "reads the schema catalogue, no rows",
    "plan_repo": "opens a transaction; every PlanRepo method takes org_id",
    "NudgeStore.enqueue": "scheduler: every due subscription; each row keeps its org",
    "NudgeStore.sweep": "scheduler: expires leases of every org",
    "NudgeStore.lanes": "scheduler: lanes are one org each (channel:org)",
    "NudgeStore.next_retry": "scheduler: a time, no rows",
    "NudgeStore.next_wakeup": "scheduler: a time, no rows",
    "NudgeStore.claim": "scheduler: claims within one lane, i.e. one org",
    "NudgeStore.deactivate": "scheduler: by the id of a subscription it claimed",
    "NudgeStore.finish": "scheduler: by delivery id and the claim token it holds",
    "NudgeStore.counts": "metrics: counts by state, no rows",
    "NudgeStore.list_subscriptions": "operator CLI `nudges list`; org_id optional for all orgs",
    "NudgeStore.deliveries": "operator CLI `nudges list --unknown`; org_id optional",
    "SubscriptionRepo.changes": "audit log by subscription id; ids come from org-scoped reads",
    "SlackStore.find_installation": "keyed by (enterprise_id, team_id), which is the org",
    "SlackStore.reactivate_installation": "keyed by (enterprise_id, team_id), the org",
    "SlackStore.forget_user_token": "keyed by (enterprise_id, team_id), the org",
    "SlackStore.list_installations": "operator listing; no turn reaches it",
    "SlackStore.issue_state": "OAuth state, before any org exists",
    "SlackStore.consume_state": "OAuth state, before any org exists",
}


def members() -> Iterator[tuple[str, Any, dict[str, Any], Any]]:
    """(qualified name, function, module globals, owning class or None) of each public async
    method and async context manager in ``bot/store``."""
    for info in pkgutil.iter_modules(bot.store.__path__):
        module = importlib.import_module(f"bot.store.{info.name}")
        if module.__name__ in INFRASTRUCTURE:
            continue
        space = vars(module)
        for name, obj in space.items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if inspect.isclass(obj):
                for attr, raw in vars(obj).items():
                    func = raw.__func__ if isinstance(raw, classmethod | staticmethod) else raw
                    if not attr.startswith("_") and _is_async(func):
                        yield f"{name}.{attr}", func, space, obj
            elif _is_async(obj):
                yield name, obj, space, None


def _is_async(func: Any) -> bool:
    return inspect.iscoroutinefunction(func) or (
        callable(func) and inspect.isasyncgenfunction(getattr(func, "__wrapped__", None))
    )


def _carries_org(annotation: Any, space: dict[str, Any]) -> bool:
    """An annotation naming a record type with an ``org_id`` field (``Origin``, ``Claimed``…)."""
    for word in re.findall(r"[A-Za-z_]\w*", str(annotation)):
        found = space.get(word)
        if inspect.isclass(found) and "org_id" in getattr(found, "__annotations__", {}):
            return True
        if word == "Origin":
            return True
    return False


def scoping(func: Any, space: dict[str, Any], owner: Any) -> str | None:
    """How a member is scoped to one org, or None."""
    target = getattr(func, "__wrapped__", func)
    params = inspect.signature(target).parameters
    org = params.get("org_id")
    if org is not None:
        return "org_id" if org.annotation == "str" else None  # ``str | None`` is not scoped
    if owner is not None and "__init__" in vars(owner):
        bound = inspect.signature(owner.__init__).parameters
        if bound.get("org_id") is not None and bound["org_id"].annotation == "str":
            return "bound"
        if any(p.annotation == "Origin" for p in bound.values()):
            return "bound"
    if any(_carries_org(p.annotation, space) for n, p in params.items() if n != "self"):
        return "record"
    return None


def test_every_store_method_is_scoped_to_one_org_or_documented() -> None:
    found = {name: scoping(func, space, owner) for name, func, space, owner in members()}
    assert len(found) > 60, "the walk found too few store methods"
    unscoped = {name for name, how in found.items() if how is None} - LIFECYCLE
    undocumented = sorted(unscoped - set(SYSTEM_WIDE))
    assert not undocumented, f"store methods not scoped to an org: {undocumented}"
    stale = sorted(set(SYSTEM_WIDE) - unscoped)
    assert not stale, f"listed as system-wide but scoped (or gone): {stale}"
    docs = DOCS.read_text(encoding="utf-8")
    missing = sorted(name for name in SYSTEM_WIDE if f"`{name}`" not in docs)
    assert not missing, f"system-wide store methods not documented in docs/security.md: {missing}"


def test_the_reads_a_turn_uses_take_the_org() -> None:
    """The read methods the core's ports reach (plans, profiles, subscriptions, state)."""
    found = {name: scoping(func, space, owner) for name, func, space, owner in members()}
    for name in ("PlanRepo.latest_plan", "PlanRepo.action_states", "PlanRepo.postings",
                 "PlanRepo.get_plan", "SubscriptionRepo.subscription",
                 "SubscriptionRepo.subscription_by_id", "Store.load_state",
                 "Store.get_conversation", "Store.list_conversations", "TeamsStore.load_card",
                 "SlackStore.find_form", "export_org"):
        assert found[name] == "org_id", name
    for name in ("InterviewRepo.latest_profile", "InterviewRepo.open_session", "QaRepo.log_gap",
                 "TurnTx.save_state"):
        assert found[name] == "bound", name
