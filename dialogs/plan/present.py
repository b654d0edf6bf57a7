"""Small wording helpers shared by the chat cards, the templates and the JSON export."""

from __future__ import annotations

from datetime import datetime

from dialogs.content.taxonomy import fold
from dialogs.plan.library import CROSS
from dialogs.plan.model import HORIZONS, STATUS_LABELS, PlannedAction, PlanView
from dialogs.profile import PRIORITIES
from dialogs.text import user

CROSS_TITLE = "Shared foundations (FinOps with every allied team)"
CROSS_OWNER = "FinOps practitioner"
UNNAMED = "owner not named yet"
TOP_MAX = 5


def day(value: datetime) -> str:
    """``27 Nov 2026`` (UTC date)."""
    return f"{value.day} {value:%b %Y}"


def horizon_label(days: int) -> str:
    start = HORIZONS[HORIZONS.index(days) - 1] + 1 if days in HORIZONS[1:] else 1
    return f"Days {start}–{days}"


def owner_text(view: PlanView, action: PlannedAction) -> str:
    """The owner as Markdown: user text marked, or a trusted default."""
    owner = view.owner(action)
    if owner:
        return user(owner)
    return CROSS_OWNER if action.discipline == CROSS else UNNAMED


def owner_plain(view: PlanView, action: PlannedAction) -> str:
    """The owner for the JSON export: as written, the FinOps default for shared actions."""
    owner = view.owner(action)
    return owner or (CROSS_OWNER if action.discipline == CROSS else "")


def status_text(view: PlanView, action: PlannedAction, now: datetime) -> str:
    """``done (Ana, 27 Nov 2026)``, ``snoozed until 4 Dec 2026``, ``open``; user text marked."""
    state = view.state(action.id)
    label = STATUS_LABELS[state.status]
    if view.snoozed(action.id, now) and state.snoozed_until is not None:
        return f"{label}, snoozed until {day(state.snoozed_until)}"
    if state.status != "open" and state.at is not None:
        who = state.by_name or state.by
        return f"{label} ({user(who)}, {day(state.at)})" if who else f"{label} ({day(state.at)})"
    return label


def progress(view: PlanView) -> str:
    counts = view.counts()
    total = sum(counts.values())
    parts = [f"**{counts['done']} of {total}** done"]
    if counts["in_progress"]:
        parts.append(f"{counts['in_progress']} in progress")
    if counts["skipped"]:
        parts.append(f"{counts['skipped']} skipped")
    return ", ".join(parts)


def priority_labels(view: PlanView) -> list[str]:
    """The org's priorities: our label for known ids, the org's words (marked) otherwise."""
    names = {fold(k): v for k, v in PRIORITIES.items()} | {fold(v): v for v in PRIORITIES.values()}
    return [names.get(fold(p)) or user(p) for p in view.doc.priorities]


def disciplines_phrase(view: PlanView) -> str:
    labels = [d.label for d in view.doc.disciplines]
    if not labels:
        return "your allied teams"
    if len(labels) == 1:
        return f"your {labels[0]} team"
    return f"your {', '.join(labels[:-1])} and {labels[-1]} teams"


def by_horizon(view: PlanView) -> list[tuple[int, list[PlannedAction]]]:
    return [(h, [a for a in view.doc.actions() if a.horizon_days == h]) for h in HORIZONS]


def top_actions(view: PlanView, now: datetime) -> list[PlannedAction]:
    return view.next_open(TOP_MAX, now)


def section_label(view: PlanView, action: PlannedAction) -> str:
    if action.discipline == CROSS:
        return "Shared"
    found = view.doc.discipline(action.discipline)
    return found.label if found is not None else action.discipline


def notes(view: PlanView) -> list[str]:
    """Content changes and statuses this version cannot show in place (our Markdown)."""
    out: list[str] = []
    by_id = view.doc.by_id()
    for action_id in view.unknown:
        action = by_id[action_id]
        out.append(
            f"#{action.n} “{action.title}” (`{action_id}`) is no longer in Crosswalk's action "
            "library; it stays in this version for its history and the next version drops it."
        )
    for orphan in view.orphans:
        state = orphan.state
        title = f"“{orphan.title}”" if orphan.title else "an action no longer in the library"
        who = state.by_name or state.by
        when = f" on {day(state.at)}" if state.at is not None else ""
        by = f" by {user(who)}" if who else ""
        what = (
            f"was marked {STATUS_LABELS[state.status]}{by}{when}"
            if state.status != "open"
            else f"had its owner changed{by}{when}"
        )
        out.append(
            f"{title} (`{state.action_id}`) {what} but is not part of this version of the plan."
        )
    return out
