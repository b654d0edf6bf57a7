"""Status changes: the verbs users type or press, and how ``<n|id>`` finds an action."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from dialogs.plan.model import STATUS_LABELS, ActionState, PlanDoc, PlannedAction, Status
from dialogs.text import clean, truncate, user

Verb = Literal["start", "done", "drop", "reopen", "snooze"]
VERBS: tuple[Verb, ...] = ("start", "done", "drop", "reopen", "snooze")
TARGET: dict[str, Status] = {
    "start": "in_progress",
    "done": "done",
    "drop": "skipped",
    "reopen": "open",
}
VERB_LABELS: dict[str, str] = {
    "start": "Start",
    "done": "Done",
    "drop": "Skip",
    "reopen": "Reopen",
    "snooze": "Snooze a week",
}
SNOOZE = timedelta(days=7)
OWNER_MAX = 200
REF_MAX = 80
_REF = re.compile(r"^#?\s*(\d{1,6})$")


@dataclass(frozen=True)
class Change:
    """A state to store and the history row that explains it (who, when, what, from, to)."""

    state: ActionState
    change: str  # status | snooze | owner
    old: str
    new: str
    by: str = ""
    by_name: str = ""
    at: datetime | None = None


def apply(current: ActionState, verb: Verb, by: str, by_name: str, now: datetime) -> Change | str:
    """The change a verb makes, or why it makes none (a short sentence)."""
    if verb == "snooze":
        if current.status in ("done", "skipped"):
            return f"it is already {STATUS_LABELS[current.status]}, so there is nothing to snooze"
        until = now + SNOOZE
        old = current.snoozed_until.isoformat() if current.snoozed_until else ""
        state = replace(
            current,
            snoozed_until=until,
            by=by,
            by_name=by_name,
            at=now,
            revision=current.revision + 1,
        )
        return Change(state, "snooze", old, until.isoformat(), by, by_name, now)
    target = TARGET[verb]
    snoozed = current.snoozed_until is not None and current.snoozed_until > now
    if current.status == target and not (verb == "reopen" and snoozed):
        return f"it is already {STATUS_LABELS[target]}"
    state = replace(
        current,
        status=target,
        snoozed_until=None,
        by=by,
        by_name=by_name,
        at=now,
        revision=current.revision + 1,
    )
    return Change(state, "status", current.status, target, by, by_name, now)


def set_owner(
    current: ActionState, owner: str, profile_owner: str, by: str, by_name: str, now: datetime
) -> Change | str:
    """Edit the owner; an empty owner goes back to the profile's."""
    text = " ".join(clean(owner).split())
    if len(text) > OWNER_MAX:
        return f"an owner can be at most {OWNER_MAX} characters"
    edited = None if not text or text == profile_owner else text
    if edited == current.owner:
        return "the owner is unchanged"
    old = current.owner if current.owner is not None else profile_owner
    # who and when of an owner edit live in the history row; by/at stay the status change's
    state = replace(current, owner=edited, revision=current.revision + 1)
    return Change(state, "owner", old, text or profile_owner, by, by_name, now)


def resolve(ref: str, doc: PlanDoc, numbers: Mapping[str, str]) -> PlannedAction | str:
    """The action ``ref`` names (a number shown here, ``#n`` or an id), or a reply saying why not.

    Numbers come first from the last plan or nudge shown in this conversation (``numbers``), so
    ``done 3`` means what the user saw; otherwise from the current plan.
    """
    raw = " ".join(ref.split())
    shown = user(truncate(raw, REF_MAX))
    by_id = doc.by_id()
    match = _REF.match(raw)
    if match:
        number = str(int(match[1]))
        action_id = numbers.get(number)
        if action_id is not None:
            found = by_id.get(action_id)
            if found is not None:
                return found
            return (
                f"#{number} in the last list shown here is no longer in the current plan. "
                "Type `plan` to see the current numbers."
            )
        action = doc.by_number().get(int(number))
        if action is not None:
            return action
        total = len(by_id)
        return (
            f"There is no action #{number}: the plan has #1 to #{total}. Type `plan` to see them."
            if total
            else "The plan has no actions yet."
        )
    key = raw.casefold()
    exact = [a for a in by_id.values() if a.id.casefold() == key]
    if exact:
        return exact[0]
    partial = [a for a in by_id.values() if a.id.casefold().split(".", 1)[-1] == key]
    if len(partial) == 1:
        return partial[0]
    return (
        f"I can't find an action called “{shown}” in the plan. Use the number shown next "
        "to it (for example `done 3`) or type `plan` to see the list."
    )
