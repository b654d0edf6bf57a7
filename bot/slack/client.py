"""The Slack Web API client: one shared aiohttp session, retries on 429 and 5xx."""

from __future__ import annotations

import aiohttp
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

TIMEOUT_S = 10


def retry_handlers() -> list[AsyncRetryHandler]:
    """Connection errors, 429 (``Retry-After`` honoured) and 500/503, each retried twice."""
    return [
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
        AsyncRateLimitErrorRetryHandler(max_retry_count=2),
        AsyncServerErrorRetryHandler(max_retry_count=2),
    ]


def web_client(
    base_url: str, session: aiohttp.ClientSession, token: str | None = None
) -> AsyncWebClient:
    return AsyncWebClient(
        token=token, base_url=base_url, session=session, timeout=TIMEOUT_S,
        retry_handlers=retry_handlers(),
    )


def webhook_client(url: str, session: aiohttp.ClientSession) -> AsyncWebhookClient:
    """For ``response_url`` replies (slash commands, buttons), on the same session."""
    return AsyncWebhookClient(
        url=url, session=session, timeout=TIMEOUT_S, retry_handlers=retry_handlers()
    )


def new_session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT_S * 3))
