"""Bolt listeners: acknowledge at once, then run the turn and send the replies as tracked work.

Every listener calls ``ack()`` first (Slack wants it within 3 s) and hands the slow part to
``TurnRunner.track`` so a graceful shutdown waits for it. Events go through one table
(``events.EVENTS``); a retried or redelivered event is processed once because its ``event_id``
is claimed through the runner (buttons and commands use their ``trigger_id``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import blocks, inbound
from bot.slack.events import EVENTS, bolt_event_types, classify
from bot.slack.inbound import CHANNEL, Place, Workspace, mapping, text_of
from bot.slack.people import People
from bot.slack.sender import SlackSender, Undeliverable, invite_first
from bot.store.slack import SlackStore
from bot.turns import TurnRunner
from dialogs.commands import help_markdown, parse
from dialogs.messages import Inbound, Reply, Text, Token
from dialogs.router import STALE, WELCOME

log = logging.getLogger("crosswalk.slack")

Ack = Callable[..., Awaitable[Any]]
Body = Mapping[str, Any]
Clock = Callable[[], datetime]

HOME = (
    f"{WELCOME}\n\n"
    "In a channel, mention @Crosswalk or type `/crosswalk <command>`. Here, in Messages, just "
    "type.\n\n" + help_markdown()
)
FORM_GONE = "That form is no longer available. Ask again and I'll send a fresh one."
FORM_SLOW = "Slack did not let me open the form in time. Please press the button again."
# commands that need Crosswalk in the channel before they can do anything there
NEEDS_MEMBERSHIP = ("subscribe", "post plan")
CHAT_EVENT_TYPES = ("message", "app_mention")  # the Bolt event types nearly every request has


def workspace(context: AsyncBoltContext) -> Workspace:
    """The installation a request belongs to; a malformed id (not a string) counts as absent."""
    return Workspace(_slack_id(context.enterprise_id), _slack_id(context.team_id))


def _slack_id(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def no_workspace(context: AsyncBoltContext, what: str) -> bool:
    """True (and logged) when a request names no workspace: it belongs to no org, so skip it."""
    if workspace(context).org_id:
        return False
    log.info("slack %s without a workspace id skipped", what)
    return True


def is_stale(replies: list[Reply]) -> bool:
    return any(isinstance(r, Text) and r.markdown == STALE for r in replies)


def answered_message(body: Body, label: str) -> dict[str, Any]:
    """The pressed message without its buttons, plus "✓ label" (built by the renderer)."""
    message = mapping(body.get("message"))
    raw = message.get("blocks")
    kept = [
        b for b in raw if isinstance(b, Mapping) and b.get("type") not in ("actions", "input")
    ] if isinstance(raw, list) else []
    check = blocks.answered(Text(""), label)
    text = text_of(message.get("text"))
    return {
        "text": f"{text}\n✓ {blocks.escape(label)}" if text else check["text"],
        "blocks": [*kept, *check["blocks"]],
    }


class SlackListeners:
    """The edge's behaviour for every event, command and interaction it subscribes to."""

    def __init__(
        self, *, runner: TurnRunner, sender: SlackSender, slack_store: SlackStore,
        people: People, clock: Clock,
    ) -> None:
        self.runner = runner
        self.sender = sender
        self.slack_store = slack_store
        self.store = sender.store
        self.people = people
        self.clock = clock
        self._checked: set[tuple[str | None, str | None]] = set()
        self.events: dict[str, Callable[[Body, Body, AsyncBoltContext], Awaitable[None]]] = {
            "app_mention": self._message,
            "message.im": self._message,
            "app_home_opened": self._home,
            "member_joined_channel": self._joined,
            "channel_left": self._left,
            "group_left": self._left,
            "app_uninstalled": self._uninstalled,
            "tokens_revoked": self._revoked,
        }
        assert set(self.events) == set(EVENTS), "events.EVENTS and the listeners disagree"

    def register(self, bolt: AsyncApp) -> None:
        # Bolt tries its listeners in registration order and each event type matches only its
        # own, so the chat events go first: a DM then costs one matcher call, not seven
        types = bolt_event_types()
        first = [t for t in CHAT_EVENT_TYPES if t in types]
        for event_type in [*first, *(t for t in types if t not in first)]:
            bolt.event(event_type)(self.on_event)
        bolt.command(re.compile(r"^/"))(self.on_command)
        bolt.action(re.compile(r".*"))(self.on_action)
        bolt.view(blocks.FORM_CALLBACK)(self.on_view)

    # ------------------------------------------------------------------ Bolt entry points

    async def on_event(self, ack: Ack, body: Body, event: Body, context: AsyncBoltContext) -> None:
        await ack()
        if no_workspace(context, "event"):
            return
        key, reason = classify(event, context.bot_user_id)
        if key is None:
            log.debug("slack event skipped: %s", reason)
            return
        self._track(self.events[key](body, event, context))

    async def on_command(self, ack: Ack, body: Body, context: AsyncBoltContext) -> None:
        await ack()
        if not no_workspace(context, "command"):
            self._track(self._command(body, context))

    async def on_action(self, ack: Ack, body: Body, context: AsyncBoltContext) -> None:
        await ack()  # checkbox and select clicks too: they only change the selection
        if not no_workspace(context, "action"):
            self._track(self._action(body, context))

    async def on_view(self, ack: Ack, body: Body, context: AsyncBoltContext) -> None:
        await ack()  # closes the modal
        if not no_workspace(context, "view submission"):
            self._track(self._submit(body, context))

    # ------------------------------------------------------------------ events

    async def _message(self, body: Body, event: Body, context: AsyncBoltContext) -> None:
        message, place = inbound.message(body, event, workspace(context), context.bot_user_id)
        await self._turn(context.client, message, place)

    async def _joined(self, body: Body, event: Body, context: AsyncBoltContext) -> None:
        joined, place = inbound.joined(body, event, workspace(context))
        await self._turn(context.client, joined, place)

    async def _home(self, body: Body, event: Body, context: AsyncBoltContext) -> None:
        user_id = text_of(event.get("user"))
        if event.get("tab", "home") != "home" or not user_id:
            return
        view = {"type": "home", "blocks": blocks.render(Text(HOME))["blocks"]}
        client = context.client
        await self.sender.call(
            workspace(context), "", lambda: client.views_publish(user_id=user_id, view=view)
        )

    async def _left(self, body: Body, event: Body, context: AsyncBoltContext) -> None:
        channel_id = text_of(event.get("channel"))
        reason = f"Crosswalk was removed from the channel ({event.get('type')})"
        await self.store.deactivate_conversation(
            workspace(context).org_id, CHANNEL, channel_id, reason, self.clock()
        )
        log.info("slack conversation %s deactivated: %s", channel_id, reason)

    async def _uninstalled(self, body: Body, event: Body, context: AsyncBoltContext) -> None:
        await self._deactivate(workspace(context), "the app was uninstalled")

    async def _revoked(self, body: Body, event: Body, context: AsyncBoltContext) -> None:
        bots = mapping(event.get("tokens")).get("bot")
        if isinstance(bots, list) and bots:
            await self._deactivate(workspace(context), "the bot token was revoked")

    async def _deactivate(self, ws: Workspace, reason: str) -> None:
        await self.slack_store.deactivate_installation(
            ws.enterprise_id, ws.team_id, reason, self.clock(), org_id=ws.org_id
        )
        log.warning("slack installation %s deactivated: %s", ws.org_id, reason)

    # ------------------------------------------------------------------ slash command

    async def _command(self, body: Body, context: AsyncBoltContext) -> None:
        message, place = inbound.command(body, workspace(context))
        cmd = parse(message.text)
        if cmd is not None and cmd.name in NEEDS_MEMBERSHIP and not place.is_direct and not (
            cmd.name == "post plan" and cmd.args
        ):
            seen = await self.sender.membership(context.client, place.workspace, place.channel_id)
            if seen.member is False:
                await self.sender.respond(place, blocks.render(invite_first(seen.name)))
                return
        await self._turn(context.client, message, place)

    # ------------------------------------------------------------------ interactivity

    async def _action(self, body: Body, context: AsyncBoltContext) -> None:
        ws = workspace(context)
        parsed = blocks.parse_action(body)
        if parsed is None:
            opened = blocks.parse_form_open(body)
            if opened is not None:
                await self._open_form(context.client, ws, body, *opened)
            return  # a checkbox or select click, or a button that is not ours
        token, values = parsed
        press, place = inbound.press(body, ws, token, values)
        replies = await self._run(context.client, press, place)
        if replies is None:
            return
        if is_stale(replies):  # the note goes to the presser only
            here = replace(place, response_url=text_of(body.get("response_url")) or None)
            await self.sender.deliver(context.client, here, replies)
            return
        action_id = text_of(mapping((body.get("actions") or [{}])[0]).get("action_id"))
        if action_id.startswith(blocks.PRESS) or action_id == blocks.NEXT:
            await self._mark_answered(context.client, body, place, inbound.answer_label(body))
        await self.sender.deliver(context.client, place, replies)

    async def _mark_answered(
        self, client: AsyncWebClient, body: Body, place: Place, label: str
    ) -> None:
        box = inbound.container(body)
        try:
            if box.ephemeral:
                here = replace(place, response_url=text_of(body.get("response_url")) or None)
                check = blocks.answered(Text(""), label)
                await self.sender.respond(here, check, replace_original=True)
            elif box.message_ts:
                message = answered_message(body, label)
                await self.sender.update(client, place, box.message_ts, message)
        except Undeliverable as exc:
            log.warning("slack: could not mark the question answered: %s", exc.error)

    async def _open_form(
        self, client: AsyncWebClient, ws: Workspace, body: Body, token: Token, trigger_id: str
    ) -> None:
        here = inbound.press(body, ws, token, ())[1]
        here = replace(here, response_url=text_of(body.get("response_url")) or None)
        form = await self.slack_store.find_form(ws.org_id, token.encode())
        note = FORM_GONE
        if form is not None:
            try:
                await self.sender.call(
                    ws, "", lambda: client.views_open(trigger_id=trigger_id, view=form.view)
                )
                return
            except Undeliverable as exc:
                log.warning("slack views.open failed: %s", exc.error)
                note = FORM_SLOW
        try:
            await self.sender.respond(here, blocks.render(Text(note)))
        except Undeliverable as exc:
            log.warning("slack: could not tell the user about the form: %s", exc.error)

    async def _submit(self, body: Body, context: AsyncBoltContext) -> None:
        parsed = blocks.parse_view_submission(body)
        if parsed is None:
            return
        token, values = parsed
        ws = workspace(context)
        form = await self.slack_store.find_form(ws.org_id, token.encode())
        if form is None:
            log.warning("slack form %s submitted but no longer known", token.encode())
            return
        submit, place = inbound.submit(body, ws, token, values, form.channel_id, form.thread_ts)
        replies = await self._run(context.client, submit, place)
        if replies is None:
            return
        if not is_stale(replies):
            if form.message_ts and form.answered:
                try:
                    await self.sender.update(context.client, place, form.message_ts, form.answered)
                except Undeliverable as exc:
                    log.warning("slack: could not mark the form submitted: %s", exc.error)
            await self.slack_store.forget_form(ws.org_id, token.encode())
        await self.sender.deliver(context.client, place, replies)

    # ------------------------------------------------------------------ turns

    async def _turn(self, client: AsyncWebClient, event: Inbound, place: Place) -> None:
        replies = await self._run(client, event, place)
        if replies is not None:
            await self.sender.deliver(client, place, replies)

    async def _run(
        self, client: AsyncWebClient, event: Inbound, place: Place
    ) -> list[Reply] | None:
        """One turn through the runner's claim; ``None`` for a duplicate."""
        await self._still_installed(place.workspace)
        sender = await self.people.enrich(client, place.workspace, event.sender)
        event = replace(event, sender=sender)
        result = await self.runner.run(event, reference=place.reference())
        if result.throttled:  # issue 12: only the notice, if due; the press is not answered
            if result.replies:
                await self.sender.deliver(client, place, result.replies)
            return None
        return None if result.duplicate else result.replies

    async def _still_installed(self, ws: Workspace) -> None:
        """With ``SLACK_BOT_TOKEN``, an event Bolt authorized proves the token works again."""
        key = (ws.enterprise_id, ws.team_id)
        if self.sender.bot_token and key not in self._checked:
            self._checked.add(key)
            if await self.slack_store.reactivate_installation(*key, self.clock()):
                log.info("slack installation %s active again", ws.org_id)

    def _track(self, work: Awaitable[None]) -> None:
        self.runner.track(self._guarded(work))

    async def _guarded(self, work: Awaitable[None]) -> None:
        try:
            await work
        except Exception:
            self.runner.metrics.errors.labels("slack").inc()
            log.exception("slack work failed after the ack")
