"""Outbound: core replies → Slack Web API calls, and proactive posts to stored conversations.

Errors that mean the workspace is gone (``invalid_auth``, ``account_inactive``,
``token_revoked``) deactivate the installation; errors that mean a channel is gone or closed to
the bot (``channel_not_found``, ``not_in_channel``, ``is_archived``) deactivate that
conversation. Both record why, and the delivery stops there.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import blocks
from bot.slack.client import web_client, webhook_client
from bot.slack.inbound import CHANNEL, Place, Workspace, is_direct_channel
from bot.store import Conversation, Store
from bot.store.slack import SlackForm, SlackStore
from bot.turns import PostHook
from dialogs.messages import Form, Origin, Outbound, Post, Reply, Text
from dialogs.text import user

log = logging.getLogger("crosswalk.slack.sender")

INSTALLATION_ERRORS = frozenset({"invalid_auth", "account_inactive", "token_revoked"})
CONVERSATION_ERRORS = frozenset({"channel_not_found", "not_in_channel", "is_archived"})
BLOCK_ERRORS = frozenset({"invalid_blocks", "invalid_blocks_format", "msg_blocks_too_long"})
CONTINUED = "(continued)"
SUBMITTED = "Submitted"
_CHANNEL_REF = re.compile(r"^<#([CG][A-Z0-9]+)(?:\|([^>]*))?>$|^#?([CG][A-Z0-9]{6,})$")
T = TypeVar("T")
Clock = Callable[[], datetime]


class Undeliverable(Exception):
    """A Slack call failed for good; ``error`` is Slack's error code or the network error."""

    def __init__(self, error: str, channel_id: str = "") -> None:
        super().__init__(error)
        self.error = error
        self.channel_id = channel_id


@dataclass(frozen=True)
class Delivery:
    """The result of a proactive post."""

    ok: bool
    channel_id: str = ""
    ts: str | None = None  # the first message (the thread's root when posted as a thread)
    reason: str = ""


@dataclass(frozen=True)
class Membership:
    member: bool | None  # None: could not tell (e.g. a group DM without the scope to look)
    name: str = ""
    reason: str = ""


def invite_first(name: str) -> Text:
    where = f"#{user(name)}" if name else "that channel"
    return Text(
        f"Invite @Crosswalk to {where} first (type `/invite @Crosswalk` there), then try again."
    )


def parse_channel_ref(ref: str) -> str | None:
    """``<#C123|name>``, ``<#C123>``, ``C123`` or ``#C123`` → ``C123``; a bare name → None."""
    match = _CHANNEL_REF.match(ref.strip())
    if not match:
        return None
    return match[1] or match[3]


class SlackSender:
    """Sends core replies to Slack; also the API for proactive posts (nudges)."""

    def __init__(
        self, *, store: Store, slack_store: SlackStore, session: aiohttp.ClientSession,
        base_url: str, bot_token: str | None, clock: Clock, on_post: PostHook | None = None,
    ) -> None:
        self.on_post = on_post
        self.store = store
        self.slack_store = slack_store
        self.session = session
        self.base_url = base_url
        self.bot_token = bot_token or None
        self.clock = clock

    # ------------------------------------------------------------------ proactive

    async def client_for(self, ws: Workspace) -> tuple[AsyncWebClient | None, str]:
        """A client with the workspace's bot token, or None and why (uninstalled, unknown)."""
        inst = await self.slack_store.find_installation(ws.enterprise_id, ws.team_id)
        if inst is None and ws.enterprise_id:
            inst = await self.slack_store.find_installation(ws.enterprise_id, None)
        if inst is not None and not inst.active:
            return None, f"the Slack installation is inactive ({inst.inactive_reason})"
        token = self.bot_token or (inst.bot_token if inst is not None else None)
        if not token:
            return None, "no Slack installation for this workspace"
        return web_client(self.base_url, self.session, token), ""

    async def post(
        self, conversation: Conversation, messages: Sequence[Outbound], *,
        thread_ts: str | None = None, as_thread: bool = False,
    ) -> Delivery:
        """Post to a stored conversation: into ``thread_ts``, or as a new thread (first message
        top-level, the rest as its replies) when ``as_thread``."""
        if conversation.channel != CHANNEL:
            return Delivery(False, reason=f"not a Slack conversation ({conversation.channel})")
        if not conversation.active:
            return Delivery(False, reason=f"conversation inactive ({conversation.inactive_reason})")
        ref = conversation.reference or {}
        ws = Workspace(ref.get("enterprise_id") or None, ref.get("team_id") or None)
        channel_id = str(ref.get("channel_id") or conversation.id)
        client, reason = await self.client_for(ws)
        if client is None:
            return Delivery(False, channel_id, reason=reason)
        place = Place(ws, channel_id, thread_ts, str(ref.get("user_id") or ""),
                      conversation.is_direct)
        try:
            ts = await self._messages(client, place, messages, as_thread=as_thread)
        except Undeliverable as exc:
            return Delivery(False, channel_id, reason=exc.error)
        return Delivery(True, channel_id, ts)

    # ------------------------------------------------------------------ replies

    async def deliver(self, client: AsyncWebClient, place: Place, replies: Sequence[Reply]) -> None:
        """Send one turn's replies where the inbound came from; stops at the first failure."""
        try:
            for reply in replies:
                if isinstance(reply, Post):
                    await self._post(client, place, reply)
                else:
                    await self.send(client, place, reply)
        except Undeliverable as exc:
            log.warning("slack reply to %s not delivered: %s", place.channel_id, exc.error)

    async def send(self, client: AsyncWebClient, place: Place, message: Outbound) -> str | None:
        """One message (split when long); returns the ts of its first part."""
        rendered = blocks.render(message)
        first_ts: str | None = None
        for i, group in enumerate(blocks.split(rendered["blocks"])):
            text = rendered["text"] if i == 0 else CONTINUED
            if place.response_url:
                await self.respond(place, {"text": text, "blocks": group})
                continue
            try:
                response = await self._post_message(client, place, text, group)
            except Undeliverable as exc:
                if exc.error not in BLOCK_ERRORS:
                    raise
                log.warning("slack refused the blocks (%s); sending the text alone", exc.error)
                response = await self._post_message(client, place, rendered["text"], None)
                return first_ts or _ts(response)
            first_ts = first_ts or _ts(response)
        if isinstance(message, Form):
            await self._remember_form(place, message, first_ts)
        return first_ts

    async def _post_message(
        self, client: AsyncWebClient, place: Place, text: str, group: list[Any] | None
    ) -> Any:
        return await self.call(
            place.workspace, place.channel_id,
            lambda: client.chat_postMessage(
                channel=place.channel_id, thread_ts=place.thread_ts, text=text, blocks=group
            ),
        )

    async def respond(self, place: Place, message: dict[str, Any], **options: Any) -> None:
        """Reply through the interaction's ``response_url`` (ephemeral unless told otherwise)."""
        url = place.response_url or ""
        if not self.trusted_response_url(url):
            raise Undeliverable("untrusted response_url", place.channel_id)
        payload = {"response_type": "ephemeral", **message, **options}
        try:
            response = await webhook_client(url, self.session).send_dict(payload)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise Undeliverable(type(exc).__name__, place.channel_id) from None
        if response.status_code != 200:
            raise Undeliverable(f"response_url answered {response.status_code}", place.channel_id)

    def trusted_response_url(self, url: str) -> bool:
        """Only Slack's hooks host (or the configured API's origin, e.g. a test fake)."""
        parts = urlsplit(url)
        if parts.scheme == "https" and parts.hostname == "hooks.slack.com":
            return True
        api = urlsplit(self.base_url)
        return (parts.scheme, parts.netloc) == (api.scheme, api.netloc)

    async def update(
        self, client: AsyncWebClient, place: Place, ts: str, message: dict[str, Any]
    ) -> None:
        """Replace a message the bot posted (e.g. a question once it is answered)."""
        await self.call(
            place.workspace, place.channel_id,
            lambda: client.chat_update(
                channel=place.channel_id, ts=ts, text=message["text"], blocks=message["blocks"]
            ),
        )

    async def membership(
        self, client: AsyncWebClient, ws: Workspace, channel_id: str
    ) -> Membership:
        """Whether the bot is in a channel (``conversations.info`` → ``is_member``)."""
        try:
            response = await client.conversations_info(channel=channel_id)
        except SlackApiError as exc:
            error = str(exc.response.get("error", ""))
            if error in INSTALLATION_ERRORS:
                await self._record(ws, channel_id, error)
                raise Undeliverable(error, channel_id) from None
            if error in ("channel_not_found", "not_in_channel"):
                return Membership(False, reason=error)
            return Membership(None, reason=error)
        except (aiohttp.ClientError, TimeoutError) as exc:
            return Membership(None, reason=type(exc).__name__)
        channel = response.get("channel") or {}
        name = str(channel.get("name") or "")
        if channel.get("is_archived"):
            return Membership(False, name, "is_archived")
        return Membership(bool(channel.get("is_member")), name)

    async def call(
        self, ws: Workspace, channel_id: str, request: Callable[[], Awaitable[T]]
    ) -> T:
        """Run one Web API call; failures are recorded and raised as ``Undeliverable``."""
        try:
            return await request()
        except SlackApiError as exc:
            error = str(exc.response.get("error", "")) or f"HTTP {exc.response.status_code}"
            await self._record(ws, channel_id, error)
            raise Undeliverable(error, channel_id) from None
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise Undeliverable(type(exc).__name__, channel_id) from None

    # ------------------------------------------------------------------ internals

    async def _record(self, ws: Workspace, channel_id: str, error: str) -> None:
        now = self.clock()
        if error in INSTALLATION_ERRORS:
            log.warning("slack installation %s deactivated: %s", ws.org_id, error)
            await self.slack_store.deactivate_installation(
                ws.enterprise_id, ws.team_id, f"Slack answered {error}", now, org_id=ws.org_id
            )
        elif error in CONVERSATION_ERRORS and channel_id:
            log.warning("slack conversation %s deactivated: %s", channel_id, error)
            await self.store.deactivate_conversation(
                ws.org_id, CHANNEL, channel_id, f"Slack answered {error}", now
            )

    async def _messages(
        self, client: AsyncWebClient, place: Place, messages: Sequence[Outbound], *,
        as_thread: bool,
    ) -> str | None:
        first: str | None = None
        for message in messages:
            ts = await self.send(client, place, message)
            if first is None:
                first = ts
                if as_thread and ts:
                    place = place.in_thread(ts)
        return first

    async def _post(self, client: AsyncWebClient, here: Place, post: Post) -> None:
        target = await self._target(client, here, post)
        if isinstance(target, Text):
            await self._posted(here, post, ok=False, reason="not deliverable there")
            for message in (target, *post.fallback):
                await self.send(client, here, message)
            return
        try:
            ts = await self._messages(
                client, target, post.messages, as_thread=post.target != "direct"
            )
        except Undeliverable as exc:
            await self._posted(here, post, ok=False, reason=exc.error)
            if exc.error in INSTALLATION_ERRORS:
                raise
            reason = Text(f"I could not post there (Slack said `{exc.error}`).")
            for message in (reason, *post.fallback):
                await self.send(client, here, message)
            return
        if post.record:
            log.info("slack post %s delivered to %s", post.record, target.channel_id)
        await self._posted(here, post, ok=True, target=target.channel_id, message_id=ts or "")
        if post.note is not None:
            await self.send(client, here, post.note)

    async def _posted(self, here: Place, post: Post, *, ok: bool, target: str = "",
                      message_id: str = "", reason: str = "") -> None:
        """Tell the runtime what became of a post (plan postings, interviews moved to a DM)."""
        if self.on_post is None:
            return
        origin = Origin(CHANNEL, here.workspace.org_id, here.channel_id, here.thread_ts,
                        here.is_direct)
        await self.on_post(post, origin, here.user_id, ok=ok, target_conversation=target,
                           message_id=message_id, reason=reason)

    async def _target(self, client: AsyncWebClient, here: Place, post: Post) -> Place | Text:
        """Where a post goes, or why it cannot go there."""
        ws = here.workspace
        if post.target == "direct":
            if here.is_direct and not here.response_url:
                return Place(ws, here.channel_id, None, here.user_id, True)
            try:
                response = await self.call(
                    ws, "", lambda: client.conversations_open(users=here.user_id)
                )
            except Undeliverable as exc:
                return Text(f"I could not open a direct chat with you (Slack said `{exc.error}`).")
            dm_id = str((response.get("channel") or {}).get("id") or "")
            return Place(ws, dm_id, None, here.user_id, True)
        channel_id = here.channel_id
        if post.target == "channel" and post.channel_ref.strip():
            channel_id = parse_channel_ref(post.channel_ref) or ""
        if not channel_id:
            return Text(
                "I could not tell which channel you mean: type `#` and pick the channel "
                "from the list so Slack links it."
            )
        if not is_direct_channel(channel_id):
            seen = await self.membership(client, ws, channel_id)
            if seen.member is False:
                return invite_first(seen.name)
        return Place(ws, channel_id, None, here.user_id, is_direct_channel(channel_id))

    async def _remember_form(self, place: Place, form: Form, message_ts: str | None) -> None:
        await self.slack_store.save_form(
            SlackForm(
                org_id=place.workspace.org_id, token=form.token.encode(),
                channel_id=place.channel_id, thread_ts=place.thread_ts, message_ts=message_ts,
                view=blocks.modal(form), answered=blocks.answered(form, SUBMITTED),
            ),
            self.clock(),
        )


def _ts(response: Any) -> str | None:
    value = response.get("ts") if response is not None else None
    return value if isinstance(value, str) else None
