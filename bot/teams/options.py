"""Knobs of the Teams edge that are not public settings: cloud endpoints and retry policy.

Production uses ``PUBLIC_CLOUD``; tests point the endpoints at local fakes. Nothing here imports
botbuilder, so the app can read these without loading the SDK.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any


@dataclass(frozen=True)
class Endpoints:
    """Where tokens come from and go to (the SDK's "parameterized" authentication settings)."""

    openid_metadata_url: str = "https://login.botframework.com/v1/.well-known/openidconfiguration"
    token_issuer: str = "https://api.botframework.com"  # noqa: S105 (an issuer URL)
    # Outbound: the SDK appends the tenant to this prefix (SingleTenant) or uses botframework.com.
    login_url: str = "https://login.microsoftonline.com/"
    oauth_scope: str = "https://api.botframework.com"
    emulator_openid_metadata_url: str = (
        "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration"
    )


PUBLIC_CLOUD = Endpoints()


@dataclass(frozen=True)
class RetryPolicy:
    """Retries for Bot Connector calls: botbuilder itself never retries a reply."""

    attempts: int = 4  # tries in total
    base_delay: float = 0.5  # seconds; the backoff doubles from here, with full jitter
    max_delay: float = 8.0  # cap for both the backoff and a server's Retry-After
    statuses: frozenset[int] = frozenset({412, 429, 502, 504})
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def delay(self, attempt: int, retry_after: str | None, now: datetime | None = None) -> float:
        """Seconds to wait before try ``attempt + 1`` (``attempt`` counts from 0)."""
        asked = parse_retry_after(retry_after, now or datetime.now(UTC))
        if asked is not None:
            return min(asked, self.max_delay)
        return self.rng.uniform(0, min(self.max_delay, self.base_delay * 2**attempt))


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """``Retry-After`` as seconds (delta-seconds or an HTTP date); None when absent or invalid."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


@dataclass(frozen=True)
class EdgeOptions:
    """Constructor options of the edge that tests set through ``app[TEAMS_OPTIONS]``."""

    endpoints: Endpoints = PUBLIC_CLOUD
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    credentials_factory: Any = None  # a botbuilder ServiceClientCredentialsFactory, or None
    request_timeout: float = 30.0  # seconds per Bot Connector call
    metadata_timeout: float = 10.0  # seconds per OpenID metadata fetch
