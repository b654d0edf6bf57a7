"""What the scheduler needs from a platform: pace, send, and typed failures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.store import Conversation
from dialogs.messages import Channel, Outbound


@dataclass(frozen=True)
class Target:
    """Where one delivery goes."""

    delivery_id: int
    subscription_id: int
    conversation: Conversation

    @property
    def org_id(self) -> str:
        return self.conversation.org_id


class DeliveryError(Exception):
    """A send that did not succeed; ``reason`` is recorded on the delivery."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RateLimited(DeliveryError):
    """The platform refused for now (429); nothing was posted. Retry after ``retry_after`` s."""

    def __init__(self, reason: str, retry_after: float) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Transient(DeliveryError):
    """A failure that certainly posted nothing (5xx, connection refused): retry with backoff."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Gone(DeliveryError):
    """The bot can no longer post there (403, not in channel, uninstalled, revoked)."""


class Rejected(DeliveryError):
    """The platform refused this message for good (bad payload); retrying will not help."""


class Uncertain(DeliveryError):
    """The request may have been posted (timeout after sending): never resent."""


class NudgeSender(Protocol):
    """One platform's proactive posting, as the scheduler calls it."""

    channel: Channel

    async def pace(self, target: Target) -> None:
        """Wait until the platform's rate limits allow a post to ``target``."""
        ...

    async def send(self, target: Target, messages: Sequence[Outbound]) -> str:
        """Post the nudge (headline, then details in its thread); the headline's platform id.

        Raises a ``DeliveryError`` subclass when it fails; anything else is treated as
        ``Uncertain``.
        """
        ...
