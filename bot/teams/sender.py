"""Outbound: core replies → Bot Connector calls, and proactive posts through stored references.

Every send goes through ``continue_conversation`` or ``create_conversation`` on the adapter, so
replies to a turn and proactive posts share one path (and the cached, retrying connector). A 403
(bot removed, blocked, not in the roster) deactivates the stored conversation and records why.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import quote

import aiohttp
import requests
from botbuilder.core import BotAdapter, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import (
    Activity,
    ChannelAccount,
    ConversationAccount,
    ConversationParameters,
    ConversationReference,
    ErrorResponseException,
)
from botframework.connector.aio import ConnectorClient
from msrest.exceptions import ClientException, HttpOperationError

from bot.metrics import Metrics
from bot.store import Store
from bot.store.teams import TeamsStore
from bot.teams import cards, codec, texts
from bot.teams.activity import is_loopback_url
from bot.teams.translate import Address, Turn
from bot.turns import PostHook, TurnResult
from dialogs.messages import FormSubmit, Origin, Outbound, Post, Press, Text
from dialogs.router import STALE

log = logging.getLogger("crosswalk.teams.sender")

T = TypeVar("T")
# What a Bot Connector call can fail with: HTTP errors (msrest), the network (aiohttp), and the
# token fetch (msal raises PermissionError, requests errors when it cannot reach the login URL).
SEND_ERRORS = (ClientException, aiohttp.ClientError, requests.RequestException, OSError)
Clock = Callable[[], datetime]
TEAM_KEY = "teamId"  # extra key in a stored channel reference: the team the channel belongs to


class Undeliverable(Exception):
    """A Bot Connector call failed for good (after retries)."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class Delivery:
    """The result of a proactive post."""

    ok: bool
    conversation_id: str = ""  # where the messages went (a new thread's id for a thread)
    activity_ids: tuple[str, ...] = ()
    reason: str = ""  # "HTTP <status> <code>", "conversation inactive: …", "no stored reference…"
    status: int | None = None  # the Bot Connector's HTTP status when it answered with an error


@dataclass(frozen=True)
class Place:
    """Where messages go: the stored conversation (``row_id``) and the Teams conversation."""

    org_id: str
    row_id: str
    conversation_id: str
    reference: ConversationReference


# --------------------------------------------------------------------------- references


def live_reference(address: Address) -> ConversationReference:
    """The reference of the activity being answered (a channel thread included)."""
    return ConversationReference(
        activity_id=None,
        user=ChannelAccount(id=address.user_id, name=address.user_name or None,
                            aad_object_id=address.user_aad_id or None),
        bot=ChannelAccount(id=address.bot_id, name=address.bot_name or None),
        conversation=ConversationAccount(
            id=address.conversation_id,
            conversation_type=address.conversation_type or None,
            is_group=address.conversation_type != "personal",
            tenant_id=address.tenant_id,
        ),
        channel_id=address.channel_id,
        service_url=address.service_url,
    )


def stored_reference(address: Address) -> dict[str, Any]:
    """The reference kept in the database: a channel's is the channel itself, not the thread."""
    reference = live_reference(address)
    reference.conversation.id = address.base_conversation_id
    data: dict[str, Any] = reference.serialize()
    if address.team_id:
        data[TEAM_KEY] = address.team_id
    return data


def load_reference(data: dict[str, Any]) -> ConversationReference:
    return ConversationReference().deserialize(data)


# --------------------------------------------------------------------------- sender


class TeamsSender:
    """Sends core replies to Teams; also the API for proactive posts (nudges)."""

    def __init__(
        self, *, adapter: CloudAdapter, app_id: str, store: Store, teams_store: TeamsStore,
        metrics: Metrics, clock: Clock, dev_mode: bool, on_post: PostHook | None = None,
    ) -> None:
        self.on_post = on_post
        self.adapter = adapter
        self.app_id = app_id
        self.store = store
        self.teams_store = teams_store
        self.metrics = metrics
        self.clock = clock
        self.dev_mode = dev_mode

    # ------------------------------------------------------------------ proactive API

    async def send(
        self, org_id: str, conversation_id: str, messages: Sequence[Outbound]
    ) -> Delivery:
        """Post to a stored conversation: a chat, or a new post in a channel."""
        found = await self._stored(org_id, conversation_id)
        if isinstance(found, Delivery):
            return found
        reference, team_channel = found
        if team_channel:
            return await self.start_thread(org_id, conversation_id, messages)
        place = Place(org_id, conversation_id, reference.conversation.id, reference)
        try:
            ids = await self._continue(
                reference, lambda connector: self._send_all(connector, place, messages, None)
            )
        except Undeliverable as exc:
            await self._undeliverable(place, exc)
            return Delivery(False, reason=exc.reason, status=exc.status)
        return Delivery(True, place.conversation_id, tuple(ids))

    async def start_thread(
        self, org_id: str, channel_conversation_id: str, messages: Sequence[Outbound]
    ) -> Delivery:
        """Start a new thread in a stored channel conversation."""
        found = await self._stored(org_id, channel_conversation_id)
        if isinstance(found, Delivery):
            return found
        reference, team_channel = found
        if not team_channel:
            return Delivery(False, reason="not a channel conversation")
        place = Place(org_id, channel_conversation_id, channel_conversation_id, reference)
        try:
            return await self._thread(place, team_channel, messages)
        except Undeliverable as exc:
            await self._undeliverable(place, exc)
            return Delivery(False, reason=exc.reason, status=exc.status)

    # ------------------------------------------------------------------ replies to a turn

    async def deliver(self, turn: Turn, result: TurnResult) -> None:
        """Update the pressed card, then send the turn's replies in order."""
        address = turn.address
        origin = turn.event.origin
        reference = live_reference(address)
        place = Place(origin.org_id, origin.conversation_id, address.conversation_id, reference)
        event = turn.event

        async def work(connector: ConnectorClient) -> None:
            if turn.card_id and isinstance(event, Press | FormSubmit) and accepted(result):
                await self._update_card(connector, place, turn.card_id, event)
            for reply in result.replies:
                if isinstance(reply, Post):
                    await self._post(connector, place, address, reply)
                else:
                    await self._send(connector, place, reply, address.activity_id)

        try:
            await self._continue(reference, work)
        except Undeliverable as exc:
            await self._undeliverable(place, exc)

    async def _posted(self, here: Place, address: Address, post: Post,
                      delivery: Delivery | None, reason: Text | None) -> None:
        """Tell the runtime what became of a post (plan postings, interviews moved to a chat)."""
        if self.on_post is None or not post.record:
            return
        origin = Origin("teams", here.org_id, here.row_id,
                        is_direct=address.conversation_type == "personal")
        ok = delivery is not None and delivery.ok
        await self.on_post(
            post, origin, address.user_aad_id or address.user_id, ok=ok,
            target_conversation=delivery.conversation_id if delivery and ok else "",
            reason="" if ok else (reason.markdown if reason else "not delivered"),
        )

    # ------------------------------------------------------------------ posts

    async def _post(
        self, connector: ConnectorClient, here: Place, address: Address, post: Post
    ) -> None:
        reply_to = address.activity_id
        delivery: Delivery | None = None
        reason: Text | None = None
        if post.target == "thread":
            if not (address.in_channel and address.team_channel_id):
                await self._send_all(connector, here, post.messages, reply_to)
                await self._posted(here, address, post, Delivery(True, here.row_id), None)
                return
            delivery, reason = await self._attempt(
                self._thread(here, address.team_channel_id, post.messages), texts.THREAD_REFUSED
            )
        elif post.target == "direct":
            if address.conversation_type == "personal":
                await self._send_all(connector, here, post.messages, reply_to)
                await self._posted(here, address, post, Delivery(True, here.row_id), None)
                return
            if address.conversation_type == "groupChat" or not address.user_id:
                reason = texts.DIRECT_FROM_GROUP_CHAT
            else:
                delivery, reason = await self._attempt(
                    self._direct(here, address, post.messages), texts.DIRECT_REFUSED
                )
        else:
            target = await self._named_channel(connector, address, post.channel_ref)
            if isinstance(target, Text):
                reason = target
            else:
                delivery, reason = await self._attempt(
                    self._thread(here, target, post.messages), texts.THREAD_REFUSED
                )
        await self._posted(here, address, post, delivery, reason)
        if delivery is not None and delivery.ok:
            log.info("posted %s (%s) to %s", post.record or "messages", post.target,
                     delivery.conversation_id)
            if post.note is not None:
                await self._send(connector, here, post.note, reply_to)
            return
        assert reason is not None
        await self._send_all(connector, here, [reason, *(post.fallback or post.messages)],
                             reply_to)

    async def _attempt(
        self, delivery: Awaitable[Delivery], refused: Text
    ) -> tuple[Delivery | None, Text | None]:
        """A post elsewhere; a refusal there is answered here, not a reason to stop."""
        try:
            return await delivery, None
        except Undeliverable as exc:
            log.info("post refused by Teams: %s", exc.reason)
            return None, refused

    async def _thread(
        self, here: Place, channel_id: str, messages: Sequence[Outbound]
    ) -> Delivery:
        """``create_conversation`` in a channel: the first message starts the thread."""
        if not messages:
            return Delivery(True)
        reference = here.reference
        first = self._activity(messages[0], reference, None)
        params = ConversationParameters(
            is_group=True,
            bot=reference.bot,
            channel_data={"channel": {"id": channel_id}},
            activity=first,
            tenant_id=reference.conversation.tenant_id,
        )

        async def rest(ctx: TurnContext, connector: ConnectorClient) -> Delivery:
            thread_id = ctx.activity.conversation.id
            root = ctx.activity.id
            thread = Place(here.org_id, here.row_id, thread_id, reference)
            if root and codec.has_token(messages[0]):
                await self._remember(thread, root, messages[0])
            ids = await self._send_all(connector, thread, messages[1:], None)
            return Delivery(True, thread_id, (root, *ids))

        return await self._create(reference, params, rest)

    async def _direct(
        self, here: Place, address: Address, messages: Sequence[Outbound]
    ) -> Delivery:
        """``create_conversation`` 1:1 with the sender (needs the tenant and their id)."""
        reference = here.reference
        params = ConversationParameters(
            is_group=False,
            bot=reference.bot,
            members=[ChannelAccount(id=address.user_id)],
            tenant_id=address.tenant_id,
            channel_data={"tenant": {"id": address.tenant_id}},
        )

        async def send(ctx: TurnContext, connector: ConnectorClient) -> Delivery:
            chat_id = ctx.activity.conversation.id
            chat = Place(here.org_id, chat_id, chat_id, reference)
            ids = await self._send_all(connector, chat, messages, None)
            return Delivery(True, chat_id, tuple(ids))

        return await self._create(reference, params, send)

    async def _named_channel(
        self, connector: ConnectorClient, address: Address, ref: str
    ) -> str | Text:
        """The id of a channel of this team named ``ref``, or the note to answer instead."""
        wanted = ref.strip().lstrip("#").strip().casefold()
        if not address.team_id:
            return texts.CHANNEL_OUTSIDE_TEAM
        if not wanted:
            return address.team_channel_id or address.team_id
        try:
            channels = await self._team_channels(connector, address.team_id)
        except Undeliverable as exc:
            log.info("cannot list the team's channels: %s", exc.reason)
            return texts.invite_first(ref)
        for channel_id, name in channels:
            if name.casefold() == wanted:
                return channel_id
        return texts.invite_first(ref)

    async def _team_channels(
        self, connector: ConnectorClient, team_id: str
    ) -> list[tuple[str, str]]:
        """``GET /v3/teams/{id}/conversations``: (id, name); the General channel has no name."""
        client = connector._client  # msrest's service client: no SDK helper is async here
        request = client.get(f"/v3/teams/{quote(team_id, safe='')}/conversations",
                             headers={"Accept": "application/json"})
        try:
            response = await client.async_send(request, stream=False)
        except SEND_ERRORS as exc:
            raise _undeliverable(exc) from None
        if response.status_code != 200:
            raise Undeliverable(f"HTTP {response.status_code}", response.status_code)
        try:
            data = json.loads(response.text())
            rows = data.get("conversations") if isinstance(data, dict) else None
        except ValueError:
            rows = None
        if not isinstance(rows, list):
            raise Undeliverable("unreadable channel list")
        found = []
        for row in rows:
            if isinstance(row, dict) and isinstance(row.get("id"), str):
                name = row.get("name")
                found.append((row["id"], name if isinstance(name, str) and name else "General"))
        return found

    # ------------------------------------------------------------------ sending

    async def _send_all(
        self, connector: ConnectorClient, place: Place, messages: Sequence[Outbound],
        reply_to: str | None,
    ) -> list[str]:
        ids = []
        for message in messages:
            sent = await self._send(connector, place, message, reply_to)
            if sent:
                ids.append(sent)
        return ids

    async def _send(
        self, connector: ConnectorClient, place: Place, message: Outbound, reply_to: str | None
    ) -> str | None:
        body = wire_activity(cards.render(message), place.reference, place.conversation_id)
        try:
            activity_id = await post_activity(connector, place.conversation_id, reply_to, body)
        except SEND_ERRORS as exc:
            raise _undeliverable(exc) from None
        if activity_id and codec.has_token(message):
            await self._remember(place, activity_id, message)
        return activity_id

    async def _remember(self, place: Place, activity_id: str, message: Outbound) -> None:
        await self.teams_store.save_card(
            place.org_id, place.conversation_id, activity_id, codec.dumps(message), self.clock()
        )

    async def _update_card(
        self, connector: ConnectorClient, place: Place, card_id: str, event: Press | FormSubmit
    ) -> None:
        raw = await self.teams_store.load_card(place.org_id, place.conversation_id, card_id)
        if raw is None:
            log.info("pressed card %s is not one we kept; not updated", card_id[:80])
            return
        try:
            message = codec.loads(raw)
        except ValueError as exc:
            log.warning("%s", exc)
            return
        fields = cards.answered(message, codec.answer_label(message, event))
        activity = self._fields(fields, place.reference, place.conversation_id)
        activity.id = card_id
        try:
            await connector.conversations.update_activity(
                place.conversation_id, card_id, activity
            )
        except SEND_ERRORS as exc:
            failure = _undeliverable(exc)
            if failure.status == 403:
                raise failure from None
            log.info("card %s not updated: %s", card_id[:80], failure.reason)
            return
        await self.teams_store.forget_card(place.org_id, place.conversation_id, card_id)

    def _activity(
        self, message: Outbound, reference: ConversationReference, conversation_id: str | None
    ) -> Activity:
        return self._fields(cards.render(message), reference, conversation_id)

    @staticmethod
    def _fields(
        fields: dict[str, Any], reference: ConversationReference, conversation_id: str | None
    ) -> Activity:
        activity = Activity().deserialize(fields)
        activity.from_property = reference.bot
        activity.channel_id = reference.channel_id
        activity.service_url = reference.service_url
        if conversation_id is not None:
            activity.conversation = ConversationAccount(
                id=conversation_id, tenant_id=reference.conversation.tenant_id
            )
        return activity

    # ------------------------------------------------------------------ adapter calls

    async def _continue(
        self, reference: ConversationReference, work: Callable[[ConnectorClient], Awaitable[T]]
    ) -> T:
        """Run ``work`` with the connector of a conversation (``continue_conversation``)."""
        outcome: list[Any] = []

        async def callback(ctx: TurnContext) -> None:
            try:
                connector = ctx.turn_state[BotAdapter.BOT_CONNECTOR_CLIENT_KEY]
                outcome.append((True, await work(connector)))
            except Exception as exc:  # returned to the caller, not to on_turn_error
                outcome.append((False, exc))

        try:
            await self.adapter.continue_conversation(reference, callback, bot_app_id=self.app_id)
        except SEND_ERRORS as exc:
            raise _undeliverable(exc) from None
        done: T = _unbox(outcome)
        return done

    async def _create(
        self, reference: ConversationReference, params: ConversationParameters,
        work: Callable[[TurnContext, ConnectorClient], Awaitable[T]],
    ) -> T:
        """``create_conversation``; a refusal raises ``Undeliverable``."""
        outcome: list[Any] = []

        async def callback(ctx: TurnContext) -> None:
            try:
                connector = ctx.turn_state[BotAdapter.BOT_CONNECTOR_CLIENT_KEY]
                outcome.append((True, await work(ctx, connector)))
            except Exception as exc:
                outcome.append((False, exc))

        try:
            await self.adapter.create_conversation(
                self.app_id, callback, params, channel_id=reference.channel_id,
                service_url=reference.service_url,
            )
        except SEND_ERRORS as exc:
            raise _undeliverable(exc) from None
        done: T = _unbox(outcome)
        return done

    # ------------------------------------------------------------------ failures

    async def _undeliverable(self, place: Place, exc: Undeliverable) -> None:
        self.metrics.errors.labels("teams_send").inc()
        if exc.status == 403:
            reason = f"Teams refused delivery ({exc.reason})"
            await self.store.deactivate_conversation(
                place.org_id, "teams", place.row_id, reason, self.clock()
            )
            log.warning("conversation deactivated after a 403: %s", exc.reason)
        else:
            log.warning("delivery to Teams failed: %s", exc.reason)

    async def _stored(
        self, org_id: str, conversation_id: str
    ) -> tuple[ConversationReference, str | None] | Delivery:
        conv = await self.store.get_conversation(org_id, "teams", conversation_id)
        if conv is None or not conv.reference:
            return Delivery(False, reason="no stored reference for this conversation")
        if not conv.active:
            return Delivery(False, reason=f"conversation inactive: {conv.inactive_reason or ''}")
        try:
            reference = load_reference(conv.reference)
        except Exception:
            return Delivery(False, reason="stored reference is unreadable")
        if not reference.service_url or (self.dev_mode and not is_loopback_url(
            reference.service_url
        )):
            return Delivery(False, reason="stored reference has no usable serviceUrl")
        is_channel = reference.conversation.conversation_type == "channel"
        return reference, (conversation_id if is_channel else None)


def wire_activity(
    fields: dict[str, Any], reference: ConversationReference, conversation_id: str
) -> dict[str, Any]:
    """What ``TeamsSender._fields(...).serialize()`` gives, built without msrest models.

    ``cards.render`` already returns activity JSON; turning it into an ``Activity`` and letting
    the SDK serialize it again (msrest deserializes and re-serializes every card element) was
    the largest single cost of a reply in the benchmark profile.
    """
    body = dict(fields)
    body["from"] = reference.bot.serialize()
    body["channelId"] = reference.channel_id
    body["serviceUrl"] = reference.service_url
    body["conversation"] = ConversationAccount(
        id=conversation_id, tenant_id=reference.conversation.tenant_id
    ).serialize()
    return body


async def post_activity(
    connector: ConnectorClient, conversation_id: str, reply_to: str | None, body: dict[str, Any]
) -> str | None:
    """``reply_to_activity`` (or ``send_to_conversation``) with an activity already in wire form:
    the SDK's route, headers, status check and error; returns the new activity's id."""
    client = connector._client  # msrest's service client, with the edge's pipeline
    path = f"/v3/conversations/{quote(conversation_id, safe='')}/activities"
    if reply_to:
        path += f"/{quote(reply_to, safe='')}"
    headers = {"Accept": "application/json", "Content-Type": "application/json; charset=utf-8",
               "x-ms-conversation-id": conversation_id}
    response = await client.async_send(client.post(path, {}, headers, body), stream=False)
    if response.status_code not in (200, 201, 202):
        raise ErrorResponseException(connector.conversations._deserialize, response)
    try:
        data = json.loads(response.text() or "{}")
    except ValueError:
        return None
    activity_id = data.get("id") if isinstance(data, dict) else None
    return activity_id if isinstance(activity_id, str) and activity_id else None


def accepted(result: TurnResult) -> bool:
    """Whether a press was taken (not a duplicate, failure, throttled or stale button)."""
    return not (result.failed or result.duplicate or result.throttled
                or result.replies == [Text(STALE)])


def _undeliverable(exc: Exception) -> Undeliverable:
    if isinstance(exc, HttpOperationError):
        status = getattr(exc.response, "status_code", None)
        error = getattr(exc.error, "error", None)
        code = getattr(error, "code", None) or ""
        return Undeliverable(f"HTTP {status} {code}".strip(), status)
    return Undeliverable(exc.__class__.__name__)


def _unbox(outcome: list[Any]) -> Any:
    """The callback's result, or its failure as ``Undeliverable`` (unexpected ones logged)."""
    if not outcome:
        raise Undeliverable("the adapter did not run the callback")
    ok, value = outcome[0]
    if ok:
        return value
    if isinstance(value, Undeliverable):
        raise value
    if not isinstance(value, SEND_ERRORS):
        log.error("unexpected error while sending to Teams", exc_info=value)
    raise _undeliverable(value)
