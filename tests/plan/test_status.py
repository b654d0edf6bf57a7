"""Status changes and how ``<n|id>`` finds an action."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dialogs.plan.model import ActionState
from dialogs.plan.status import SNOOZE, Change, apply, resolve, set_owner
from dialogs.text import user
from tests.plan.helpers import NOW, doc

LATER = NOW + timedelta(hours=1)


def test_verbs_move_between_statuses_with_who_and_when() -> None:
    state = ActionState("sam.licensed-resources")
    started = apply(state, "start", "u1", "Ana", NOW)
    assert isinstance(started, Change)
    assert (started.state.status, started.state.by, started.state.by_name, started.state.at) == (
        "in_progress", "u1", "Ana", NOW)
    assert (started.change, started.old, started.new) == ("status", "open", "in_progress")
    done = apply(started.state, "done", "u2", "Bo", LATER)
    assert isinstance(done, Change) and done.state.status == "done" and done.state.by == "u2"
    assert done.state.revision == 2
    assert apply(done.state, "done", "u1", "Ana", LATER) == "it is already done"
    dropped = apply(done.state, "drop", "u1", "Ana", LATER)
    assert isinstance(dropped, Change) and dropped.state.status == "skipped"
    reopened = apply(dropped.state, "reopen", "u1", "Ana", LATER)
    assert isinstance(reopened, Change) and reopened.state.status == "open"
    assert apply(reopened.state, "reopen", "u1", "Ana", LATER) == "it is already open"


def test_snooze_is_a_week_and_reopen_or_start_clears_it() -> None:
    snoozed = apply(ActionState("a.b"), "snooze", "u1", "Ana", NOW)
    assert isinstance(snoozed, Change)
    assert snoozed.state.snoozed_until == NOW + SNOOZE and snoozed.state.status == "open"
    assert snoozed.change == "snooze"
    reopened = apply(snoozed.state, "reopen", "u1", "Ana", LATER)
    assert isinstance(reopened, Change) and reopened.state.snoozed_until is None
    started = apply(snoozed.state, "start", "u1", "Ana", LATER)
    assert isinstance(started, Change) and started.state.snoozed_until is None
    done = ActionState("a.b", "done")
    assert apply(done, "snooze", "u1", "Ana", NOW) == (
        "it is already done, so there is nothing to snooze")


def test_owner_edits_keep_the_status_stamp_and_can_go_back() -> None:
    when = datetime(2026, 1, 1, tzinfo=UTC)
    state = ActionState("a.b", "done", "u1", "Ana", when)
    edited = set_owner(state, "  Dana\tK.  ", "Profile Owner", "u2", "Bo", NOW)
    assert isinstance(edited, Change)
    assert edited.state.owner == "Dana K." and edited.state.by == "u1" and edited.state.at == when
    assert (edited.by, edited.at, edited.old, edited.new) == ("u2", NOW, "Profile Owner", "Dana K.")
    back = set_owner(edited.state, "", "Profile Owner", "u2", "Bo", LATER)
    assert isinstance(back, Change) and back.state.owner is None
    assert set_owner(back.state, "Profile Owner", "Profile Owner", "u2", "Bo", LATER) == (
        "the owner is unchanged")
    assert "at most 200" in str(set_owner(state, "x" * 201, "", "u", "U", NOW))


def test_resolve_by_number_shown_here_plan_number_and_id() -> None:
    plan = doc("sample")
    by_n = plan.by_number()
    assert resolve("3", plan, {}) == by_n[3]
    assert resolve("#3", plan, {}) == by_n[3]
    shown = {"3": by_n[5].id}  # the last list shown here numbered differently
    assert resolve("3", plan, shown) == by_n[5]
    assert resolve(by_n[4].id.upper(), plan, {}) == by_n[4]
    assert resolve(by_n[4].id.split(".", 1)[1], plan, {}) == by_n[4]


@pytest.mark.parametrize("ref", ["99", "0", "nope", "<!channel>", "sam.", "#"])
def test_unknown_references_get_a_reply_not_an_error(ref: str) -> None:
    found = resolve(ref, doc("sample"), {})
    assert isinstance(found, str)
    if ref == "99":
        assert "There is no action #99" in found
    if ref == "<!channel>":
        assert user("<!channel>") in found


def test_a_number_shown_here_that_left_the_plan_says_so() -> None:
    found = resolve("2", doc("sample"), {"2": "sam.retired-action"})
    assert isinstance(found, str) and "no longer in the current plan" in found
