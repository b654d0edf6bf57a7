"""Nudges to Slack: the Slack edge's sender, with failures typed for the scheduler.

The edge's Web API client retries 429 and connection errors itself. For nudges that is wrong
twice over: its sleeps cannot be injected, and a retried connection reset can post a message
twice. This sender uses the same session, token lookup, rendering and deactivation rules, but a
client without retry handlers, and turns each failure into a ``DeliveryError`` the scheduler
acts on (retry after ``Retry-After``, deactivate, or record ``unknown``).

Pacing happens before a delivery is marked ``sending``: about 1 message/s per channel with a
burst of 3, and a per-workspace cap, honouring any 429 for the whole workspace.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.nudges.limits import Limiter
from bot.nudges.sender import Gone, RateLimited, Rejected, Target, Transient, Uncertain
from bot.slack.client import TIMEOUT_S
from bot.slack.inbound import Workspace
from bot.slack.sender import CONVERSATION_ERRORS, INSTALLATION_ERRORS, SlackSender
from dialogs.messages import Channel, Outbound

log = logging.getLogger("crosswalk.nudges.slack")
T = TypeVar("T")
GONE_ERRORS = INSTALLATION_ERRORS | CONVERSATION_ERRORS | {
    "channel_is_archived", "team_access_not_granted", "org_login_required", "ekm_access_denied",
    "access_denied", "account_inactive", "not_authed", "invalid_auth",
}
# Slack says "it's possible some aspect of the operation succeeded" for these
MAYBE_POSTED = frozenset({"fatal_error", "internal_error"})
RETRYABLE = frozenset({"ratelimited", "service_unavailable", "request_timeout"})
DEFAULT_RETRY_AFTER = 30.0
CLIENT_TTL = timedelta(seconds=60)


@dataclass(frozen=True)
class SlackPace:
    """Client-side limits (Slack's own, approximately)."""

    channel_rate: float = 1.0
    channel_burst: float = 3.0
    workspace_rate: float = 50.0
    workspace_burst: float = 25.0  # half the rate: the rest is room for jitter


def retry_after(headers: Any) -> float:
    raw = None
    if headers is not None:
        for key, value in dict(headers).items():
            if str(key).lower() == "retry-after":
                raw = value[0] if isinstance(value, list | tuple) else value
    try:
        return max(0.0, float(raw)) if raw is not None else DEFAULT_RETRY_AFTER
    except (TypeError, ValueError):
        return DEFAULT_RETRY_AFTER


class NudgeSlackSender(SlackSender):
    """``SlackSender`` without client-side retries; failures raise typed ``DeliveryError``s."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._clients: dict[tuple[str | None, str | None],
                            tuple[datetime, AsyncWebClient]] = {}

    async def client_for(self, ws: Workspace) -> tuple[AsyncWebClient | None, str]:
        """The workspace's client, looked up once a minute rather than once a post."""
        now = self.clock()
        key = (ws.enterprise_id, ws.team_id)
        cached = self._clients.get(key)
        if cached is not None and cached[0] > now:
            return cached[1], ""
        client, reason = await super().client_for(ws)
        if client is None:
            self._clients.pop(key, None)
            return None, reason
        bare = AsyncWebClient(token=client.token, base_url=self.base_url, session=self.session,
                              timeout=TIMEOUT_S, retry_handlers=[])
        self._clients[key] = (now + CLIENT_TTL, bare)
        if len(self._clients) > 1000:
            self._clients.pop(next(iter(self._clients)))
        return bare, ""

    async def call(
        self, ws: Workspace, channel_id: str, request: Callable[[], Awaitable[T]]
    ) -> T:
        try:
            return await request()
        except SlackApiError as exc:
            status = exc.response.status_code
            error = str(exc.response.get("error", "") or "") if exc.response.data else ""
            if status == 429 or error == "ratelimited":
                raise RateLimited(error or "HTTP 429", retry_after(exc.response.headers)) from None
            if error in GONE_ERRORS:
                await self._record(ws, channel_id, error)
                raise Gone(f"Slack answered {error}") from None
            if error in MAYBE_POSTED:
                raise Uncertain(f"Slack answered {error}") from None
            if status >= 500 or error in RETRYABLE:
                raise Transient(error or f"HTTP {status}",
                                retry_after(exc.response.headers) if status == 503 else None
                                ) from None
            raise Rejected(f"Slack answered {error or f'HTTP {status}'}") from None
        except aiohttp.ClientConnectorError as exc:
            raise Transient(f"cannot connect to Slack ({type(exc).__name__})") from None
        except (aiohttp.ClientError, TimeoutError, SlackClientError) as exc:
            raise Uncertain(f"no answer from Slack ({type(exc).__name__})") from None


class SlackNudges:
    """The scheduler's Slack sender: pace, then post the headline and its thread."""

    channel: Channel = "slack"

    def __init__(self, sender: NudgeSlackSender, limiter: Limiter,
                 pace: SlackPace | None = None) -> None:
        self.sender = sender
        self.limiter = limiter
        self.limits = pace or SlackPace()

    def _buckets(self, target: Target) -> tuple[Any, Any]:
        ref = target.conversation.reference or {}
        team = str(ref.get("team_id") or ref.get("enterprise_id") or target.org_id)
        channel = str(ref.get("channel_id") or target.conversation.id)
        p = self.limits
        return (
            self.limiter.bucket(f"slack:{team}", p.workspace_rate, p.workspace_burst),
            self.limiter.bucket(f"slack:{team}:{channel}", p.channel_rate, p.channel_burst),
        )

    async def pace(self, target: Target) -> None:
        await self.limiter.acquire(*self._buckets(target))

    async def send(self, target: Target, messages: Sequence[Outbound]) -> str:
        """The headline top-level; details in its thread. Returns ``<channel>:<ts>``."""
        workspace, channel = self._buckets(target)
        try:
            first = await self.sender.post(target.conversation, messages[:1])
        except RateLimited as exc:
            self.limiter.pause(workspace, exc.retry_after)
            raise
        if not first.ok or not first.ts:
            raise Gone(first.reason or "Slack did not return the message id")
        platform_id = f"{first.channel_id}:{first.ts}"
        for detail in messages[1:]:
            # the headline is out: a failed detail is logged, never a reason to post again
            try:
                await self.limiter.acquire(workspace, channel)
                await self.sender.post(target.conversation, [detail], thread_ts=first.ts)
            except (RateLimited, Transient, Gone, Rejected, Uncertain) as exc:
                log.warning("nudge %s posted; its details were not (%s)", platform_id, exc.reason)
                break
        return platform_id
