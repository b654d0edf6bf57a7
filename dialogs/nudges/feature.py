"""The ``nudge`` feature: subscribe, unsubscribe, pause, resume, nudge now, status and presses."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from dialogs.commands import Command
from dialogs.content import ContentStore
from dialogs.messages import Card, Fact, FormSubmit, Outbound, Post, Press, Text
from dialogs.nudges import changes
from dialogs.nudges.cadence import Rule, local_text, next_run
from dialogs.nudges.compose import SHOW_PLAN, Nudge, compose, pick_tip
from dialogs.nudges.model import LastDelivery, Subscription
from dialogs.nudges.ports import OPEN_STATUSES, NudgeData, PlanSnapshot
from dialogs.nudges.rules import EXAMPLE, RuleError, known_zone, parse_subscribe, parse_until
from dialogs.text import user
from dialogs.turn import Replies, TurnContext

COMMANDS = frozenset({"subscribe", "unsubscribe", "pause nudges", "resume nudges", "nudge now"})
CONSOLE_NOTE = (
    "This is the console, so nothing is scheduled here: delivery needs Teams or Slack. "
    "Type `subscribe` in a Teams or Slack channel (or a direct chat) to get this every week. "
    "Here is the nudge that would be posted:"
)
NOT_AVAILABLE = "Nudges are not available here."
NOT_SUBSCRIBED = "There are no weekly nudges in this conversation. Type `subscribe` to start them."
STALE = "That button belongs to a nudge that is out of date, so I changed nothing."


def _port(ctx: TurnContext) -> NudgeData | None:
    return cast(NudgeData | None, getattr(ctx.data, "nudges", None))


class NudgeFeature:
    """Weekly alignment nudges for a channel, a group chat or a direct chat."""

    name = "nudge"
    commands = COMMANDS

    def __init__(self, content: ContentStore | None = None) -> None:
        self.content = content

    # ------------------------------------------------------------------ commands

    async def command(self, ctx: TurnContext, cmd: Command) -> Replies:
        port = _port(ctx)
        if port is None:
            return [Text(NOT_AVAILABLE)]
        if cmd.name == "subscribe":
            return await self._subscribe(ctx, port, cmd.args)
        if cmd.name == "nudge now":
            return await self._now(ctx, port)
        if ctx.event.origin.channel == "console":
            return [
                Text(
                    f"`{cmd.name}` applies to Teams and Slack conversations; the console "
                    "has no scheduled nudges."
                )
            ]
        sub = await self._here(ctx, port)
        if sub is None or sub.status in ("unsubscribed",):
            return [Text(NOT_SUBSCRIBED)]
        if cmd.name == "unsubscribe":
            await port.change(sub, changes.unsubscribe(), ctx.user_id, ctx.now)
            return [Text("Done: no more weekly nudges here. Type `subscribe` to start them again.")]
        if sub.status == "inactive":
            return [
                Text(
                    f"Nudges here were stopped: {user(sub.inactive_reason or 'unknown')}. "
                    "Type `subscribe` to start them again."
                )
            ]
        if cmd.name == "pause nudges":
            return await self._pause(ctx, port, sub, cmd.args)
        return await self._resume(ctx, port, sub)

    async def _here(self, ctx: TurnContext, port: NudgeData) -> Subscription | None:
        origin = ctx.event.origin
        return await port.subscription(origin.org_id, origin.channel, origin.conversation_id)

    async def _subscribe(self, ctx: TurnContext, port: NudgeData, args: str) -> Replies:
        try:
            request = parse_subscribe(args)
        except RuleError as exc:
            return [Text(str(exc))]
        sender_zone = known_zone(ctx.event.sender.time_zone)
        zone = request.zone or sender_zone or "UTC"
        rule = request.rule(zone)
        first = next_run(rule, ctx.now)
        lines = [f"Weekly nudges on {rule.describe()}. Next: {local_text(first, rule.zone)}."]
        if request.only_changed:
            lines.append("I'll skip a week when nothing in the plan changed.")
        if request.zone is None and sender_zone is None:
            lines.append(
                "I don't know your time zone, so I used UTC. To change it, name a zone, e.g. "
                f"`{EXAMPLE}`."
            )
        if ctx.event.origin.channel == "console":
            nudge = await self._compose(ctx, port, None, since=None)
            lines[0] = f"In Teams or Slack this would schedule {lines[0][0].lower()}{lines[0][1:]}"
            return [Text("\n\n".join([*lines, CONSOLE_NOTE])), *nudge.messages]
        origin = ctx.event.origin
        await port.subscribe(
            origin.org_id,
            origin.channel,
            origin.conversation_id,
            rule,
            request.only_changed,
            first,
            ctx.user_id,
            ctx.now,
        )
        where = "this direct chat" if origin.is_direct else "this channel"
        lines[0] = (
            f"Subscribed {where} to weekly nudges on {rule.describe()}. "
            f"Next: {local_text(first, rule.zone)}."
        )
        lines.append("`pause nudges`, `resume nudges`, `unsubscribe` and `nudge now` work here.")
        return [Text("\n\n".join(lines))]

    async def _pause(
        self, ctx: TurnContext, port: NudgeData, sub: Subscription, args: str
    ) -> Replies:
        try:
            until = parse_until(args, changes.local_today(sub, ctx.now))
        except RuleError as exc:
            return [Text(str(exc))]
        updated = await port.change(sub, changes.pause(sub, until), ctx.user_id, ctx.now)
        if until is None or updated.next_run_at is None:
            return [Text("Nudges paused here until you type `resume nudges`.")]
        return [
            Text(
                f"Nudges paused until {until:%a} {until.day} {until:%b %Y}. "
                f"The next one: {local_text(updated.next_run_at, sub.rule.zone)}."
            )
        ]

    async def _resume(self, ctx: TurnContext, port: NudgeData, sub: Subscription) -> Replies:
        if sub.status == "active":
            return [Text(f"Nudges here are not paused. Next: {_when(sub.next_run_at, sub.rule)}.")]
        updated = await port.change(sub, changes.resume(sub, ctx.now), ctx.user_id, ctx.now)
        return [Text(f"Nudges resumed. Next: {_when(updated.next_run_at, sub.rule)}.")]

    async def _now(self, ctx: TurnContext, port: NudgeData) -> Replies:
        origin = ctx.event.origin
        sub = None if origin.channel == "console" else await self._here(ctx, port)
        since = (
            sub.last_sent_at
            if sub is not None and sub.last_sent_at
            else (ctx.now - timedelta(days=7))
        )
        nudge = await self._compose(ctx, port, sub, since=since)
        if origin.channel == "console":
            return [Text(CONSOLE_NOTE), *nudge.messages]
        if origin.is_direct:
            return list(nudge.messages)
        return [
            Post(
                "thread",
                nudge.messages,
                note=Text("Posted this week's nudge in a thread."),
                record=f"nudge:{sub.id if sub else 0}",
            )
        ]

    async def _compose(
        self,
        ctx: TurnContext,
        port: NudgeData,
        sub: Subscription | None,
        since: datetime | None,
    ) -> Nudge:
        plan = await port.plan.current(ctx.org_id)
        disciplines = plan.disciplines if plan else await port.plan.disciplines(ctx.org_id)
        tip = pick_tip(self.content, disciplines, ctx.org_id, ctx.now)
        return compose(
            plan, subscription_id=sub.id if sub else 0, now=ctx.now, since=since, tip=tip
        )

    # ------------------------------------------------------------------ presses

    async def press(self, ctx: TurnContext, event: Press | FormSubmit) -> Replies:
        port = _port(ctx)
        if port is None:
            return [Text(NOT_AVAILABLE)]
        verb, _, action_id = event.token.step.partition(":")
        if verb == SHOW_PLAN:
            return [_plan_card(await port.plan.current(ctx.org_id), ctx.now)]
        if verb not in ("done", "snooze") or not action_id:
            return [Text(STALE)]
        status: Any = "done" if verb == "done" else "snoozed"
        name = ctx.event.sender.display_name
        result = await port.plan.mark(ctx.org_id, action_id, status, ctx.user_id, name, ctx.now)
        who = user(name or ctx.user_id)
        if result.outcome == "no_plan":
            return [
                Text(
                    "There is no alignment plan any more, so I changed nothing. "
                    "Type `interview` to build one."
                )
            ]
        if result.outcome == "not_found" or result.action is None:
            return [
                Text(
                    "That action is no longer in the plan, so I changed nothing. "
                    "Type `plan` to see the current one."
                )
            ]
        action = result.action
        label = f"**{action.n}. {action.title}**"
        if result.outcome == "unchanged":
            by = f" (by {user(action.status_by)})" if action.status_by else ""
            why = result.note or f"it is already {_STATUS_LABEL[action.status]}"
            return [Text(f"{label}: {why}{by}, so nothing changed.")]
        if verb == "done":
            return [Text(f"Marked {label} done. Thanks, {who}!")]
        back = action.snoozed_until or ctx.now + timedelta(days=7)
        return [
            Text(
                f"Snoozed {label} for a week, {who}; it comes back on "
                f"{back:%a} {back.day} {back:%b}."
            )
        ]

    # ------------------------------------------------------------------ status

    async def status(self, ctx: TurnContext) -> str | None:
        port = _port(ctx)
        if port is None:
            return None
        if ctx.event.origin.channel == "console":
            return "delivered in Teams and Slack only (`nudge now` shows one here)"
        sub = await self._here(ctx, port)
        if sub is None or sub.status == "unsubscribed":
            return "not subscribed here (type `subscribe`)"
        return status_line(sub, ctx.now)


def status_line(sub: Subscription, now: datetime) -> str:
    """Schedule, next run and last delivery, in the subscription's zone."""
    parts: list[str] = [f"weekly on {sub.rule.describe()}"]
    if sub.status == "inactive":
        parts.append(f"stopped: {user(sub.inactive_reason or 'unknown reason')}")
    elif sub.status == "paused" and sub.paused_until is None:
        parts.append("paused (type `resume nudges`)")
    elif sub.status == "paused" and sub.paused_until is not None and sub.paused_until > now:
        parts.append(f"paused until {local_text(sub.paused_until, sub.rule.zone)}")
    if sub.status in ("active", "paused") and sub.next_run_at is not None:
        parts.append(f"next {local_text(sub.next_run_at, sub.rule.zone)}")
    if sub.only_changed:
        parts.append("only when something changed")
    parts.append(f"last delivery: {last_text(sub.last, sub.rule)}")
    return "; ".join(parts)


def last_text(last: LastDelivery | None, rule: Rule) -> str:
    if last is None:
        return "none yet"
    text = f"{last.state} ({local_text(last.occurrence_at, rule.zone)})"
    if last.reason:
        text += f": {user(last.reason)}"
    return text


def _when(instant: datetime | None, rule: Rule) -> str:
    return local_text(instant, rule.zone) if instant is not None else "not scheduled"


_STATUS_LABEL = {
    "open": "open",
    "in_progress": "in progress",
    "done": "done",
    "skipped": "skipped",
}


def _plan_card(plan: PlanSnapshot | None, now: datetime) -> Outbound:
    if plan is None or not plan.actions:
        return Text("There is no alignment plan yet. Type `interview` to build one.")
    facts = []
    for a in sorted(plan.actions, key=lambda a: a.n):
        owner = f" — {user(a.owner)}" if a.owner else ""
        status = _STATUS_LABEL[a.status]
        if a.snoozed_until is not None and a.snoozed_until > now and a.status in OPEN_STATUSES:
            status += f" (snoozed until {a.snoozed_until:%a} {a.snoozed_until.day} "
            status += f"{a.snoozed_until:%b})"
        facts.append(Fact(f"{a.n}. {a.title}", f"{status}{owner}"))
    done = sum(1 for a in plan.actions if a.status == "done")
    return Card(
        title="Alignment plan",
        subtitle=f"Version {plan.version}: {done} of {len(plan.actions)} actions done",
        facts=tuple(facts),
        body="Type `plan` for the full plan with the why, KPIs and horizons; `done <n>` or "
        "`start <n>` to change an action.",
    )
