"""Comparing two versions of an org profile, field by field."""

from __future__ import annotations

from dataclasses import dataclass

from dialogs.profile import DISCIPLINE_KEYS, DisciplineProfile, Profile
from dialogs.text import user

Value = str | list[str] | None


@dataclass(frozen=True)
class Change:
    """One field that differs; ``None`` on a side where the discipline is absent."""

    path: str  # "finops_maturity", "disciplines.itsm", "disciplines.itsm.tools"
    before: Value
    after: Value

    def to_json(self) -> dict[str, Value]:
        return {"path": self.path, "before": self.before, "after": self.after}


def changes(old: Profile | None, new: Profile) -> list[Change]:
    """Every difference from ``old`` to ``new`` (``old`` None: everything is new)."""
    base = old or Profile(org=new.org)
    out: list[Change] = []
    for name in ("finops_maturity", "priorities"):
        before, after = getattr(base, name), getattr(new, name)
        if before != after:
            out.append(Change(name, before, after))
    for key in DISCIPLINE_KEYS:
        a, b = base.disciplines.get(key), new.disciplines.get(key)
        if a is None and b is None:
            continue
        if a is None or b is None:
            out.append(Change(f"disciplines.{key}", _summary(a), _summary(b)))
            continue
        for name in DisciplineProfile.model_fields:
            before, after = getattr(a, name), getattr(b, name)
            if before != after:
                out.append(Change(f"disciplines.{key}.{name}", before, after))
    return out


def _summary(item: DisciplineProfile | None) -> Value:
    return None if item is None else f"maturity {item.maturity}"


def _show(value: Value) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(user(v) for v in value) if value else "none"
    return user(value) if value else "—"


def describe(change: Change) -> str:
    """One Markdown line for a change, user text kept inert."""
    if change.before is None:
        return f"`{change.path}` added ({_show(change.after)})"
    if change.after is None:
        return f"`{change.path}` removed"
    if isinstance(change.before, list) and isinstance(change.after, list):
        added = [v for v in change.after if v not in change.before]
        removed = [v for v in change.before if v not in change.after]
        parts = []
        if added:
            parts.append(f"added {_show(added)}")
        if removed:
            parts.append(f"removed {_show(removed)}")
        return f"`{change.path}`: {'; '.join(parts) or 'reordered'}"
    return f"`{change.path}`: {_show(change.before)} → {_show(change.after)}"
