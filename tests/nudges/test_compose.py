"""Composing a nudge from a plan snapshot: progress, next actions, tip, buttons, inert user text."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.compose import REPO_CONTENT
from dialogs.content import load_content
from dialogs.messages import Card
from dialogs.nudges.compose import changed_since, compose, pick_tip
from dialogs.nudges.ports import PlanAction, PlanSnapshot
from dialogs.text import USER_CLOSE, USER_OPEN

NOW = datetime.fromisoformat("2026-11-30T08:00:00+00:00")
WEEK_AGO = NOW - timedelta(days=7)


def plan(*actions: PlanAction) -> PlanSnapshot:
    return PlanSnapshot("acme", 3, ("itam", "sam"), actions, generated_at=NOW - timedelta(days=30))


ACTIONS = (
    PlanAction(1, "a1", "Tag shared costs", "High impact, low effort.", "Ana <!here>", "done",
               "Bob *bold*", NOW - timedelta(days=2)),
    PlanAction(2, "a2", "Link the CMDB", "Unblocks #5.", "", "in_progress"),
    PlanAction(3, "a3", "Review licences", "", "Cy", "open",
               snoozed_until=NOW + timedelta(days=3)),
    PlanAction(4, "a4", "Share SKUs", "Cheap.", "Di", "open"),
    PlanAction(5, "a5", "Forecast", "", "", "open"),
    PlanAction(6, "a6", "Skip me", "", "", "skipped"),
    PlanAction(7, "a7", "Old done", "", "", "done", "Ed", NOW - timedelta(days=20)),
)


def test_progress_next_actions_and_buttons() -> None:
    nudge = compose(plan(*ACTIONS), subscription_id=9, now=NOW, since=WEEK_AGO, tip=None)
    [card] = nudge.messages
    assert isinstance(card, Card)
    assert card.subtitle == "Plan version 3: 2 of 6 actions done"
    assert "**Done since the last nudge** (1)" in card.body
    assert f"1. Tag shared costs — by {USER_OPEN}Bob *bold*{USER_CLOSE}" in card.body
    assert "Old done" not in card.body
    assert "**2. Link the CMDB** (in progress) — no owner yet. _Why now:_ Unblocks #5." in card.body
    assert "Review licences" not in card.body  # snoozed
    assert f"owner: {USER_OPEN}Di{USER_CLOSE}" in card.body
    assert nudge.next_actions == ("a2", "a4", "a5")
    assert [a.label for a in card.actions] == [
        "Done 2", "Snooze 2", "Done 4", "Snooze 4", "Done 5", "Snooze 5", "Show the plan"]
    assert {a.token.subject for a in card.actions} == {"nudge:9"}
    assert card.actions[0].token.step == "done:a2" and card.actions[1].token.step == "snooze:a2"
    assert nudge.changed


def test_first_nudge_and_everything_done() -> None:
    done = [PlanAction(1, "a1", "One", status="done"), PlanAction(2, "a2", "Two", status="skipped")]
    nudge = compose(plan(*done), subscription_id=1, now=NOW, since=None, tip=None)
    card = nudge.messages[0]
    assert isinstance(card, Card)
    assert "I'll check in every week" in card.body and "Nice work" in card.body
    assert [a.label for a in card.actions] == ["Show the plan"]


def test_without_a_plan_it_invites_the_interview() -> None:
    nudge = compose(None, subscription_id=1, now=NOW, since=None, tip=None)
    [card] = nudge.messages
    assert isinstance(card, Card) and "`interview`" in card.body and card.actions == ()


def test_changed_since() -> None:
    p = plan(*ACTIONS)
    assert changed_since(p, None)
    assert changed_since(p, WEEK_AGO)  # a1 changed 2 days ago
    assert not changed_since(p, NOW - timedelta(days=1))
    assert not changed_since(None, WEEK_AGO)


def test_tips_follow_the_disciplines_and_rotate_weekly() -> None:
    content = load_content(REPO_CONTENT)
    tips = {pick_tip(content, ("sam",), "acme", NOW + timedelta(weeks=i)) for i in range(8)}
    assert len(tips) > 1
    for tip in tips:
        assert tip is not None
        assert "sam" in content.articles[tip.article_id].disciplines
    general = pick_tip(content, (), "acme", NOW)
    assert general is not None
    assert content.articles[general.article_id].primary_topic.startswith(
        ("intersecting.", "finops.", "focus"))
    assert pick_tip(None, ("sam",), "acme", NOW) is None
    nudge = compose(None, subscription_id=1, now=NOW, since=None, tip=general)
    assert len(nudge.messages) == 2
    assert nudge.messages[1].title.startswith("Tip of the week: ")  # type: ignore[union-attr]
