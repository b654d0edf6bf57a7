"""The plan and its diff as JSON (the contract scripts depend on; see docs/plan.md)."""

from __future__ import annotations

from typing import Any

from dialogs.plan.diff import DiffItem, PlanDiff
from dialogs.plan.model import PlannedAction, PlanView
from dialogs.plan.present import owner_plain
from dialogs.text import strip_markdown


def _plain(markdown: str) -> str:
    return strip_markdown(markdown, show_urls=False)


def plan_json(view: PlanView) -> dict[str, Any]:
    """``{"org", "version", "generated_at", "profile_version", "partial", "disciplines",
    "cross_cutting"}`` exactly, with ACTION objects as documented."""
    doc, plan = view.doc, view.plan
    return {
        "org": plan.org_id,
        "version": plan.version,
        "generated_at": plan.created_at.isoformat(),
        "profile_version": plan.profile_version,
        "partial": doc.partial,
        "disciplines": [
            {
                "id": d.id,
                "maturity": d.maturity,
                "overlap": _plain(d.overlap),
                "shared_data": [_plain(s) for s in d.shared_data],
                "stakeholders": [f"{s.name} — {s.role}" for s in d.stakeholders],
                "kpis": [
                    {"id": k.id, "name": k.name, "formula": k.formula, "target": k.target}
                    for k in d.kpis
                ],
                "actions": [action_json(view, a) for a in d.actions],
            }
            for d in doc.disciplines
        ],
        "cross_cutting": [action_json(view, a) for a in doc.cross_cutting],
    }


def action_json(view: PlanView, action: PlannedAction) -> dict[str, Any]:
    state = view.state(action.id)
    changed = state.at is not None
    return {
        "n": action.n,
        "id": action.id,
        "title": _plain(action.title),
        "why": _plain(action.why),
        "horizon_days": action.horizon_days,
        "kpi": action.kpi_name,
        "owner": owner_plain(view, action),
        "status": state.status,
        "status_by": (state.by_name or state.by or None) if changed else None,
        "status_at": state.at.isoformat() if state.at is not None else None,
    }


def diff_json(diff: PlanDiff) -> dict[str, Any]:
    return {
        "org": diff.org,
        "from_version": diff.old_version,
        "to_version": diff.new_version,
        "basis": diff.basis,
        "changed": diff.changed,
        "maturity_changes": list(diff.maturity),
        "added": [_item(i) for i in diff.added],
        "dropped": [_item(i) for i in diff.dropped],
        "reprioritised": [_item(i) for i in diff.moved],
    }


def _item(item: DiffItem) -> dict[str, Any]:
    out: dict[str, Any] = {
        "n": item.n,
        "id": item.id,
        "title": item.title,
        "section": item.section,
        "horizon_days": item.horizon_days,
    }
    if item.detail:
        out["detail"] = item.detail
    return out
