"""The ``plan`` feature: show and post the plan, change action statuses by command or button.

Buttons carry tokens ``plan:<plan id>|<step>|<version>``. Steps: ``pick`` (choose an action),
``set.<action id>`` (choose what to do with it), ``owner.<action id>`` (the owner form) and
``<verb>.<action id>`` (start, done, drop, reopen, snooze at once). A press for a plan that is no
longer the org's latest version is stale: it changes nothing.
"""

from __future__ import annotations

from dialogs.commands import Command
from dialogs.messages import FormSubmit, Post, PostTarget, Press, Text
from dialogs.plan.messages import (
    DETAIL,
    KIND,
    PICK,
    Measure,
    action_menu,
    estimate,
    no_change_note,
    owner_form,
    pick_action,
    pick_section,
    plan_messages,
    section_card,
    status_note,
)
from dialogs.plan.model import PlannedAction, PlanView, Posting
from dialogs.plan.ports import PlanData
from dialogs.plan.present import day, progress
from dialogs.plan.service import (
    PlanKit,
    change_owner,
    change_status,
    current_plan,
    view_of,
    with_state,
)
from dialogs.plan.status import VERBS, Change, Verb, resolve
from dialogs.text import strip_markdown
from dialogs.turn import Replies, TurnContext

COMMANDS = frozenset({"plan", "post plan", "done", "start", "drop", "reopen", "snooze"})
CHANNEL_REF_MAX = 200

NO_PROFILE = (
    "I don't have a profile for your organisation yet, so there is no plan to show. "
    "Type `interview` to describe the frameworks you run (it takes about five minutes); "
    "then `plan` builds an alignment plan from your answers."
)
UNAVAILABLE = (
    "The alignment plan is unavailable because Crosswalk's action library did not load. "
    "An administrator can run `crosswalk content check` to see why."
)
STALE = (
    "That button belongs to an older version of the plan, so I changed nothing. "
    "Type `plan` to see the current one."
)
DIRECT_POST = (
    "There is no channel to post to from a direct chat. Name one, e.g. `post plan #finops` "
    "(I must be a member there), or type `post plan` in the channel itself."
)
BAD_CHANNEL = "That doesn't look like a channel name. Try `post plan #finops`."


class PlanFeature:
    """Implements ``dialogs.turn.Feature`` for the plan."""

    name = KIND
    commands = COMMANDS

    def __init__(self, kit: PlanKit | None, measure: Measure = estimate) -> None:
        self.kit = kit
        self.measure = measure  # the rendered size of a Teams card (injected by the runtime)

    # ------------------------------------------------------------------ commands

    async def command(self, ctx: TurnContext, cmd: Command) -> Replies:
        if self.kit is None:
            return [Text(UNAVAILABLE)]
        data = ctx.data.plans
        plan = await current_plan(data, self.kit, ctx.org_id, ctx.now, ctx.user_id)
        if plan is None:
            return [Text(NO_PROFILE)]
        view = await view_of(data, self.kit, plan)
        if cmd.name == "plan":
            self._remember(ctx, view)
            return list(plan_messages(view, ctx.event.origin.channel, ctx.now, self.measure))
        if cmd.name == "post plan":
            return [await self._post(ctx, data, view, cmd.args)]
        verb: Verb = cmd.name  # type: ignore[assignment]
        found = resolve(cmd.args, view.doc, ctx.state.numbers)
        if isinstance(found, str):
            return [Text(found)]
        return await self._apply(ctx, data, view, found, verb, "command")

    async def _post(
        self, ctx: TurnContext, data: PlanData, view: PlanView, args: str
    ) -> Post | Text:
        origin = ctx.event.origin
        ref = " ".join(args.split())
        target: PostTarget
        if ref:
            if len(ref) > CHANNEL_REF_MAX or not any(ch.isalnum() for ch in ref):
                return Text(BAD_CHANNEL)
            target = "channel"
        elif origin.is_direct and origin.channel != "console":
            return Text(DIRECT_POST)
        else:
            target = "thread"
            self._remember(ctx, view)
        messages = plan_messages(view, origin.channel, ctx.now, self.measure)
        plan = view.plan
        await data.record_posting(
            ctx.org_id,
            Posting(
                plan_id=plan.id,
                version=plan.version,
                channel=origin.channel,
                conversation_id=origin.conversation_id,
                target=target,
                channel_ref=ref,
                by=ctx.user_id,
                at=ctx.now,
            ),
        )
        where = "in a new thread here" if target == "thread" else "to that channel"
        note = Text(
            f"Posted version {plan.version} of the plan {where}. Anyone there can update "
            "actions with the buttons or with `done <n>`."
        )
        return Post(
            target=target,
            messages=messages,
            channel_ref=ref,
            fallback=messages,
            note=note,
            record=f"{KIND}:{plan.id}",
        )

    # ------------------------------------------------------------------ presses

    async def press(self, ctx: TurnContext, event: Press | FormSubmit) -> Replies:
        if self.kit is None:
            return [Text(UNAVAILABLE)]
        data = ctx.data.plans
        view = await self._pressed_view(ctx, data, event)
        if view is None:
            return [Text(STALE)]
        step = event.token.step
        if step == DETAIL:
            card = section_card(view, _first(event), ctx.now)
            return [card if card is not None else pick_section(view)]
        if step == PICK:
            picked = _first(event)
            action = view.doc.by_id().get(picked) if picked else None
            if action is None:
                return [pick_action(view, ctx.now)]
            return [action_menu(view, action, ctx.now)]
        kind, _, action_id = step.partition(".")
        action = view.doc.by_id().get(action_id)
        if action is None:
            return [Text(STALE)]
        if kind == "set":
            choice = _first(event)
            if choice == "owner":
                return [owner_form(view, action)]
            if choice in VERBS:
                return await self._apply(ctx, data, view, action, choice, "button")
            return [action_menu(view, action, ctx.now)]
        if kind == "owner" and isinstance(event, FormSubmit):
            owner = event.values.get("owner", "")
            outcome = await change_owner(
                data,
                view,
                action,
                owner,
                by=ctx.user_id,
                by_name=_name(ctx),
                now=ctx.now,
                via="button",
            )
            return [self._reply(view, action, outcome, ctx)]
        if kind in VERBS:
            return await self._apply(ctx, data, view, action, kind, "button")
        return [Text(STALE)]

    async def _pressed_view(
        self, ctx: TurnContext, data: PlanData, event: Press | FormSubmit
    ) -> PlanView | None:
        assert self.kit is not None
        _, _, raw_id = event.token.subject.partition(":")
        if not raw_id.isdigit():
            return None
        latest = await data.latest_plan(ctx.org_id)
        if latest is None or latest.id != int(raw_id) or latest.version != event.token.revision:
            return None
        return await view_of(data, self.kit, latest)

    # ------------------------------------------------------------------ changes

    async def _apply(
        self,
        ctx: TurnContext,
        data: PlanData,
        view: PlanView,
        action: PlannedAction,
        verb: Verb,
        via: str,
    ) -> Replies:
        outcome = await change_status(
            data, view, action, verb, by=ctx.user_id, by_name=_name(ctx), now=ctx.now, via=via
        )
        return [self._reply(view, action, outcome, ctx)]

    def _reply(
        self, view: PlanView, action: PlannedAction, outcome: Change | str, ctx: TurnContext
    ) -> Text:
        if isinstance(outcome, str):
            return no_change_note(action, outcome)
        return status_note(with_state(view, outcome.state), action, outcome.change, ctx.now)

    def _remember(self, ctx: TurnContext, view: PlanView) -> None:
        """The numbers shown here, so ``done 3`` means what the user saw."""
        ctx.state.numbers = {str(a.n): a.id for a in view.doc.actions()}

    # ------------------------------------------------------------------ status

    async def status(self, ctx: TurnContext) -> str | None:
        if self.kit is None:
            return "unavailable (the action library did not load)"
        data = ctx.data.plans
        latest = await data.latest_plan(ctx.org_id)
        if latest is None:
            if await data.latest_profile(ctx.org_id) is None:
                return "none yet: complete the `interview`, then type `plan`"
            return "not built yet: type `plan`"
        view = await view_of(data, self.kit, latest)
        line = (
            f"version {latest.version} (profile version {latest.profile_version}): "
            f"{strip_markdown(progress(view))}"
        )
        if view.last_posting is not None:
            line += f"; last posted {day(view.last_posting.at)}"
        return line


def _first(event: Press | FormSubmit) -> str:
    if isinstance(event, Press):
        return event.values[0] if event.values else ""
    return next(iter(event.values.values()), "")


def _name(ctx: TurnContext) -> str:
    sender = ctx.event.sender
    return sender.display_name or sender.user_id
