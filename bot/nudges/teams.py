"""Nudges to Teams: the Teams edge's proactive sender, with failures typed for the scheduler.

A channel nudge starts a new thread (``create_conversation``); a chat gets it as a message. The
headline and its details go as one card (details as collapsed sections): one call either posts
the nudge or does not, so a failure after a partial post can never lead to posting it again.
The edge already retries 429/412/502/504 with backoff; what still fails is typed here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.nudges.limits import Bucket, Limiter
from bot.nudges.sender import (
    DeliveryError,
    Gone,
    RateLimited,
    Rejected,
    Target,
    Transient,
    Uncertain,
)
from bot.teams.sender import TeamsSender
from dialogs.messages import Card, Channel, Outbound, Section, Text

_HTTP = re.compile(r"^HTTP (\d{3})\b")
GONE_PREFIXES = (
    "no stored reference", "conversation inactive", "stored reference",
    "not a channel conversation",
)
NOT_SENT = ("ClientConnectorError", "the adapter did not run the callback")
RETRY_AFTER_429 = 30.0


@dataclass(frozen=True)
class TeamsPace:
    """Client-side limits: Teams allows about 7 messages/s per conversation, and less per bot."""

    conversation_rate: float = 1.0
    conversation_burst: float = 3.0
    tenant_rate: float = 20.0
    tenant_burst: float = 5.0


def merged(messages: Sequence[Outbound]) -> Outbound:
    """The headline card with every other message as a collapsed section."""
    if len(messages) == 1:
        return messages[0]
    head = messages[0]
    if not isinstance(head, Card):
        head = Card(title=head.fallback_text()[:80])
    sections = list(head.sections)
    for extra in messages[1:]:
        if isinstance(extra, Card):
            sections.append(Section(extra.title, extra.body, extra.facts, collapsed=True))
        elif isinstance(extra, Text):
            sections.append(Section("More", extra.markdown, collapsed=True))
    return Card(head.title, head.body, head.subtitle, head.facts, tuple(sections), head.actions,
                head.links)


def classify(reason: str) -> DeliveryError:
    """The scheduler's view of a failed ``Delivery.reason``."""
    match = _HTTP.match(reason)
    if match:
        status = int(match[1])
        if status in (403, 404):
            return Gone(f"Teams answered {reason}")
        if status == 429:
            return RateLimited(reason, RETRY_AFTER_429)
        if status in (401, 412) or status >= 500:
            return Transient(reason)
        return Rejected(f"Teams answered {reason}")
    if reason.startswith(GONE_PREFIXES):
        return Gone(reason)
    if reason.startswith(NOT_SENT):
        return Transient(reason)
    return Uncertain(reason or "Teams did not confirm the post")


class TeamsNudges:
    """The scheduler's Teams sender."""

    channel: Channel = "teams"

    def __init__(self, sender: TeamsSender, limiter: Limiter, pace: TeamsPace | None = None):
        self.sender = sender
        self.limiter = limiter
        self.limits = pace or TeamsPace()

    def _buckets(self, target: Target) -> tuple[Bucket, Bucket]:
        p = self.limits
        return (
            self.limiter.bucket(f"teams:{target.org_id}", p.tenant_rate, p.tenant_burst),
            self.limiter.bucket(f"teams:{target.org_id}:{target.conversation.id}",
                                p.conversation_rate, p.conversation_burst),
        )

    async def pace(self, target: Target) -> None:
        await self.limiter.acquire(*self._buckets(target))

    async def send(self, target: Target, messages: Sequence[Outbound]) -> str:
        delivery = await self.sender.send(
            target.org_id, target.conversation.id, [merged(messages)]
        )
        if delivery.ok:
            first = delivery.activity_ids[0] if delivery.activity_ids else ""
            return f"{delivery.conversation_id}|{first}" if first else delivery.conversation_id
        error = classify(delivery.reason)
        if isinstance(error, RateLimited):
            self.limiter.pause(self._buckets(target)[0], error.retry_after)
        raise error
