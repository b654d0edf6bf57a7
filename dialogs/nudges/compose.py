"""The nudge itself: progress since last week, the next actions, one tip, and buttons.

The first message is the headline (a top-level Slack message, a new Teams thread); the others are
details posted in its thread.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from dialogs.content import Article, ContentStore
from dialogs.messages import Action, Card, Outbound, Token
from dialogs.nudges.ports import PlanAction, PlanSnapshot
from dialogs.text import user

TITLE = "Weekly alignment nudge"
NEXT_COUNT = 3
SHOW_PLAN = "plan"
GENERAL_TOPICS = ("intersecting.", "finops.", "focus")


@dataclass(frozen=True)
class Tip:
    """One article from the content store, shown as this week's tip."""

    article_id: str
    title: str
    summary: str
    question: str


@dataclass(frozen=True)
class Nudge:
    """The messages to post, headline first, and whether anything changed since ``since``."""

    messages: tuple[Outbound, ...]
    changed: bool
    next_actions: tuple[str, ...] = ()


def subject(subscription_id: int) -> str:
    return f"nudge:{subscription_id}"


def action_token(subscription_id: int, verb: str, action_id: str = "") -> Token:
    step = f"{verb}:{action_id}" if action_id else verb
    return Token(subject(subscription_id), step)


def pick_tip(
    content: ContentStore | None, disciplines: Sequence[str], org_id: str, when: datetime
) -> Tip | None:
    """A tip for the org's disciplines that changes every week (general ones without any)."""
    if content is None:
        return None
    chosen: dict[str, Article] = {}
    for discipline in disciplines:
        for article in content.articles_for_discipline(discipline):
            chosen.setdefault(article.id, article)
    if not chosen:
        chosen = {
            a.id: a for a in content.articles.values() if a.primary_topic.startswith(GENERAL_TOPICS)
        }
    if not chosen:
        return None
    ordered = [chosen[k] for k in sorted(chosen)]
    year, week, _ = when.isocalendar()
    index = (year * 53 + week + zlib.crc32(org_id.encode("utf-8"))) % len(ordered)
    article = ordered[index]
    return Tip(article.id, article.title, article.summary, article.questions[0])


def changed_since(plan: PlanSnapshot | None, since: datetime | None) -> bool:
    """True when the plan or any action status changed at or after ``since``."""
    if since is None:
        return True
    if plan is None:
        return False
    if plan.generated_at is not None and plan.generated_at >= since:
        return True
    return any(a.status_at is not None and a.status_at >= since for a in plan.actions)


def compose(
    plan: PlanSnapshot | None,
    *,
    subscription_id: int,
    now: datetime,
    since: datetime | None,
    tip: Tip | None,
) -> Nudge:
    """The nudge for ``now``; ``since`` is when the last one went out (``None``: first one)."""
    details: list[Outbound] = []
    if tip is not None:
        details.append(_tip_card(tip))
    if plan is None or not plan.actions:
        return Nudge((_invitation(plan is not None), *details), changed_since(plan, since))
    done = _done_since(plan, since, now)
    open_now = sorted((a for a in plan.actions if a.is_open(now)), key=lambda a: a.n)
    upcoming = open_now[:NEXT_COUNT]
    counted = [a for a in plan.actions if a.status != "skipped"]
    total_done = sum(1 for a in counted if a.status == "done")
    body: list[str] = [_progress(done, since)]
    if upcoming:
        body.append("**Next up**")
        body.append("\n".join(_next_line(a) for a in upcoming))
    else:
        body.append("Every action in the plan is done, skipped or snoozed. Nice work!")
    rest = len(open_now) - len(upcoming)
    if rest > 0:
        body.append(f"{rest} more open action{'s' if rest != 1 else ''}: type `plan` to see them.")
    actions: list[Action] = []
    for a in upcoming:
        actions.append(
            Action(f"Done {a.n}", action_token(subscription_id, "done", a.id), style="primary")
        )
        actions.append(Action(f"Snooze {a.n}", action_token(subscription_id, "snooze", a.id)))
    actions.append(Action("Show the plan", action_token(subscription_id, SHOW_PLAN)))
    headline = Card(
        title=TITLE,
        subtitle=f"Plan version {plan.version}: {total_done} of {len(counted)} actions done",
        body="\n\n".join(body),
        actions=tuple(actions),
    )
    return Nudge((headline, *details), changed_since(plan, since), tuple(a.id for a in upcoming))


def _done_since(plan: PlanSnapshot, since: datetime | None, now: datetime) -> list[PlanAction]:
    if since is None:
        return []
    return sorted(
        (
            a
            for a in plan.actions
            if a.status == "done" and a.status_at is not None and since <= a.status_at <= now
        ),
        key=lambda a: a.n,
    )


def _progress(done: list[PlanAction], since: datetime | None) -> str:
    if since is None:
        return "Here is where the alignment plan stands. I'll check in every week."
    if not done:
        return "No actions were marked done since the last nudge."
    lines = [f"**Done since the last nudge** ({len(done)})"]
    for a in done:
        by = f" — by {user(a.status_by)}" if a.status_by else ""
        lines.append(f"- {a.n}. {a.title}{by}")
    return "\n".join(lines)


def _next_line(a: PlanAction) -> str:
    owner = f" — owner: {user(a.owner)}" if a.owner else " — no owner yet"
    state = " (in progress)" if a.status == "in_progress" else ""
    why = f" _Why now:_ {a.why}" if a.why else ""
    return f"- **{a.n}. {a.title}**{state}{owner}.{why}"


def _invitation(has_plan: bool) -> Card:
    if has_plan:
        body = (
            "The alignment plan has no actions yet. Type `plan` to see it, or `interview` to "
            "update your answers."
        )
    else:
        body = (
            "This organisation has no alignment plan yet. Type `interview` here to describe the "
            "frameworks you run; I'll build the plan from your answers and check in on it every "
            "week."
        )
    return Card(title=TITLE, body=body)


def _tip_card(tip: Tip) -> Card:
    return Card(
        title=f"Tip of the week: {tip.title}",
        body=f"{tip.summary}\n\nAsk me: _{tip.question}_",
    )
