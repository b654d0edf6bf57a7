"""Inbound authentication: the SDK validates the token; we keep it from blocking or crashing.

The SDK fetches the OpenID metadata with ``requests`` (no timeout) inside the event loop and
lets every failure escape as some exception. Here:

- a token whose unverified issuer is not the channel's is refused before the SDK sees it (so a
  forged "emulator" or "skill" token never makes the SDK fetch other metadata);
- the SDK's cached metadata for the channel is kept fresh by ``OpenIdKeys`` with aiohttp, before
  the SDK would refresh it itself (it does so after 24 h, or after 1 h for an unknown key id);
- failures are mapped: metadata unreachable → ``MetadataUnavailable`` (503), anything else →
  ``TokenRejected`` (401).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Any

import aiohttp
import jwt
import requests
from botbuilder.schema import Activity
from botframework.connector.auth import AuthenticateRequestResult, BotFrameworkAuthentication
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor

from bot.teams.activity import is_http_url
from bot.teams.connector import EnvProxy

log = logging.getLogger("crosswalk.teams.auth")

REFRESH_AFTER = timedelta(hours=23)  # the SDK refreshes after 24 h: we always do it first
UNKNOWN_KEY_REFRESH_AFTER = timedelta(hours=1)  # the SDK's own limit for an unknown key id


class MetadataUnavailable(Exception):
    """The OpenID metadata or its keys cannot be fetched now."""


class TokenRejected(Exception):
    """The request's token is missing or invalid (the message says why, for the log)."""


class OpenIdKeys:
    """Keeps the SDK's cached signing keys for one metadata URL fresh, without blocking."""

    def __init__(
        self, url: str, session: aiohttp.ClientSession, timeout: float = 10.0,
        proxy: EnvProxy | None = None,
    ) -> None:
        self.url = url
        self.session = session
        self.proxy = proxy or EnvProxy()  # the session does not read the environment
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.metadata: Any = JwtTokenExtractor.get_open_id_metadata(url)
        self._lock = asyncio.Lock()

    def _age(self) -> timedelta:
        updated: datetime = self.metadata.last_updated  # the SDK keeps naive local times
        return datetime.now() - updated

    def _known(self, kid: str) -> bool:
        return any(isinstance(k, dict) and k.get("kid") == kid for k in self.metadata.keys or ())

    async def ensure(self, kid: str) -> None:
        """Refresh when the SDK would; ``MetadataUnavailable`` when that fails."""
        if not self._stale(kid):
            return
        async with self._lock:
            if self._stale(kid):
                await self.refresh()

    def _stale(self, kid: str) -> bool:
        age = self._age()
        return age > REFRESH_AFTER or (not self._known(kid) and age > UNKNOWN_KEY_REFRESH_AFTER)

    async def refresh(self) -> None:
        """Fetch the metadata document, then its keys, into the SDK's cache."""
        try:
            document = await self._get_json(self.url)
            keys_url = document.get("jwks_uri") if isinstance(document, dict) else None
            if not is_http_url(keys_url):
                raise ValueError("metadata has no jwks_uri")
            assert isinstance(keys_url, str)
            keys = await self._get_json(keys_url)
            found = keys.get("keys") if isinstance(keys, dict) else None
            if not isinstance(found, list) or not found:
                raise ValueError("key set has no keys")
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            log.warning("cannot fetch OpenID metadata from %s: %s", self.url,
                        exc.__class__.__name__)
            raise MetadataUnavailable(str(exc)) from None
        self.metadata.keys = [k for k in found if isinstance(k, dict)]
        self.metadata.last_updated = datetime.now()
        log.info("OpenID signing keys refreshed (%d keys)", len(self.metadata.keys))

    async def _get_json(self, url: str) -> Any:
        async with self.session.get(url, timeout=self.timeout, allow_redirects=False,
                                    **await self.proxy.options(url)) as resp:
            if resp.status != 200:
                raise ValueError(f"HTTP {resp.status}")
            return await resp.json(content_type=None)


class InboundAuth:
    """Authenticates a request through the adapter's authentication object, failures mapped."""

    def __init__(self, auth: BotFrameworkAuthentication, keys: OpenIdKeys, issuer: str) -> None:
        self.auth = auth
        self.keys = keys
        self.issuer = issuer

    async def authenticate(self, activity: Activity, header: str) -> AuthenticateRequestResult:
        scheme, _, token = header.partition(" ")
        if scheme != "Bearer" or not token or " " in token:
            raise TokenRejected("no bearer token")
        try:
            head = jwt.get_unverified_header(token)
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            raise TokenRejected("malformed token") from None
        if claims.get("iss") != self.issuer:
            raise TokenRejected("unexpected issuer")
        kid = head.get("kid")
        if not isinstance(kid, str) or not kid:
            raise TokenRejected("token has no key id")
        await self.keys.ensure(kid)
        try:
            return await self.auth.authenticate_request(activity, header)
        except requests.RequestException:
            raise MetadataUnavailable("the SDK could not fetch the metadata") from None
        except Exception as exc:
            raise TokenRejected(f"{exc.__class__.__name__}: {str(exc)[:120]}") from None

    async def anonymous(self, activity: Activity) -> AuthenticateRequestResult:
        """Dev mode: authentication disabled (empty app id), no header looked at."""
        return await self.auth.authenticate_request(activity, None)
