"""The Slack Web API client: one shared aiohttp session, retries on 429 and 5xx."""

from __future__ import annotations

import logging
from typing import Any, cast

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


class SdkLogger(logging.LoggerAdapter[logging.Logger]):
    """slack_sdk's own logger, reporting its *effective* level as ``level``.

    slack_sdk formats every request and response body (the whole message) into a debug string
    whenever the logger's own ``level`` is NOTSET or DEBUG, and the record is then dropped unless
    DEBUG is really enabled. Through this adapter the same records reach the same logger when
    DEBUG is enabled, and nothing is formatted when it is not.
    """

    @property
    def level(self) -> int:
        return self.logger.getEffectiveLevel()

    def process(self, msg: Any, kwargs: Any) -> tuple[Any, Any]:
        return msg, kwargs  # no ``extra`` of the adapter's own


def sdk_logger(name: str) -> logging.Logger:
    """For slack_sdk's ``logger`` argument, which only reads ``level`` and logs."""
    return cast(logging.Logger, SdkLogger(logging.getLogger(name)))


WEB_LOGGER = "slack_sdk.web.async_base_client"  # slack_sdk's defaults for these clients
WEBHOOK_LOGGER = "slack_sdk.webhook.async_client"


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
        retry_handlers=retry_handlers(), logger=sdk_logger(WEB_LOGGER),
    )


def webhook_client(url: str, session: aiohttp.ClientSession) -> AsyncWebhookClient:
    """For ``response_url`` replies (slash commands, buttons), on the same session."""
    return AsyncWebhookClient(
        url=url, session=session, timeout=TIMEOUT_S, retry_handlers=retry_handlers(),
        logger=sdk_logger(WEBHOOK_LOGGER),
    )


def new_session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT_S * 3))
