"""What changed between two plan versions: new, dropped and re-prioritised actions, maturity."""

from __future__ import annotations

from dataclasses import dataclass

from dialogs.plan.library import ActionLibrary
from dialogs.plan.model import PlanDoc, PlannedAction, Posting, StoredPlan
from dialogs.plan.present import day, horizon_label


@dataclass(frozen=True)
class DiffItem:
    """One action in a diff; ``detail`` says why it was dropped or how it moved."""

    n: int
    id: str
    title: str
    section: str
    horizon_days: int
    detail: str = ""


@dataclass(frozen=True)
class PlanDiff:
    org: str
    old_version: int | None
    new_version: int
    basis: str  # which version it compares with, and why
    maturity: tuple[str, ...]
    added: tuple[DiffItem, ...]
    dropped: tuple[DiffItem, ...]
    moved: tuple[DiffItem, ...]

    @property
    def changed(self) -> bool:
        return bool(self.maturity or self.added or self.dropped or self.moved)


def basis(old: StoredPlan | None, new: StoredPlan, posting: Posting | None) -> str:
    if old is None:
        return f"Version {new.version} is the first plan; there is nothing to compare it with."
    if old.id == new.id:
        return f"Version {new.version} is the plan last posted; nothing changed since."
    if posting is not None and posting.plan_id == old.id:
        where = f" to {posting.channel_ref}" if posting.channel_ref else ""
        return (
            f"Compared with version {old.version}, the plan last posted ({day(posting.at)}{where})."
        )
    return (
        f"No plan has been posted yet, so this compares with the previous version ({old.version})."
    )


def diff_plans(
    old: StoredPlan | None, new: StoredPlan, library: ActionLibrary, posting: Posting | None
) -> PlanDiff:
    """The changes from ``old`` (the last posted or previous version) to ``new``."""
    text = basis(old, new, posting)
    if old is None or old.id == new.id:
        return PlanDiff(
            new.doc.org, old.version if old else None, new.version, text, (), (), (), ()
        )
    before, after = old.doc, new.doc
    old_ids, new_ids = before.by_id(), after.by_id()
    added = tuple(_item(after, a) for a in after.actions() if a.id not in old_ids)
    dropped = tuple(
        _item(before, a, _why_dropped(a, before, after, library))
        for a in before.actions()
        if a.id not in new_ids
    )
    moved = tuple(
        _item(after, a, change)
        for a in after.actions()
        if a.id in old_ids and (change := _moved(old_ids[a.id], a, before, after))
    )
    return PlanDiff(
        after.org, old.version, new.version, text, _maturity(before, after), added, dropped, moved
    )


def _item(doc: PlanDoc, action: PlannedAction, detail: str = "") -> DiffItem:
    found = doc.discipline(action.discipline)
    section = found.label if found is not None else "Shared"
    return DiffItem(action.n, action.id, action.title, section, action.horizon_days, detail)


def _why_dropped(action: PlannedAction, before: PlanDoc, after: PlanDoc, lib: ActionLibrary) -> str:
    if action.id not in lib.actions:
        return "no longer in Crosswalk's action library"
    old_section = before.discipline(action.discipline)
    new_section = after.discipline(action.discipline)
    if old_section is not None and new_section is None:
        return f"{old_section.label} is no longer in the profile"
    level = new_section.level if new_section is not None else after.finops_maturity
    levels = lib.actions[action.id].maturity
    if level not in levels:
        label = new_section.label if new_section is not None else "FinOps"
        return f"written for {'/'.join(levels)}; {label} is now planned at {level}"
    return "other actions now rank higher for your maturity and priorities"


def _position(doc: PlanDoc, action: PlannedAction) -> int:
    found = doc.discipline(action.discipline)
    actions = found.actions if found is not None else doc.cross_cutting
    return [a.id for a in actions].index(action.id)


def _moved(old: PlannedAction, new: PlannedAction, before: PlanDoc, after: PlanDoc) -> str:
    parts: list[str] = []
    if new.horizon_days != old.horizon_days:
        parts.append(
            f"{horizon_label(new.horizon_days).lower()} (was "
            f"{horizon_label(old.horizon_days).lower()})"
        )
    old_pos, new_pos = _position(before, old), _position(after, new)
    if new_pos != old_pos:
        way = "up" if new_pos < old_pos else "down"
        parts.append(f"moved {way} in its section, now #{new.n} (was #{old.n})")
    return "; ".join(parts)


def _maturity(before: PlanDoc, after: PlanDoc) -> tuple[str, ...]:
    out: list[str] = []
    if before.finops_maturity != after.finops_maturity:
        out.append(f"FinOps: {before.finops_maturity} → {after.finops_maturity}")
    old = {d.id: d for d in before.disciplines}
    new = {d.id: d for d in after.disciplines}
    for d in after.disciplines:
        if d.id not in old:
            out.append(f"{d.label}: added ({d.maturity})")
        elif old[d.id].maturity != d.maturity:
            out.append(f"{d.label}: {old[d.id].maturity} → {d.maturity}")
    out += [f"{d.label}: removed from the profile" for d in before.disciplines if d.id not in new]
    return tuple(out)
