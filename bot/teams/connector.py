"""Outbound Bot Connector calls: one cached client per service URL over one aiohttp session.

botbuilder builds a new ``ConnectorClient`` for every turn, each sending through ``requests`` in
a thread with a new session, fetching its token again, and never retrying a reply. Here the
authentication object hands out a caching connector factory instead, and every cached client
gets an msrest pipeline that:

- sends with the edge's shared ``aiohttp.ClientSession`` (connections are reused);
- adds the bearer token, fetched in a worker thread (msal is blocking) and reused for a while;
- retries 429/412/502/504 with jittered backoff, honouring ``Retry-After`` up to a cap.

Start-up patch (``patch_msrest``): msrest's ``ClientRetryPolicy`` computes its retry list as
``[i for i in range(999) if i not in safe_codes]`` against a 500-item *list* every time a
client configuration is built. Making ``safe_codes`` a frozenset once (same members, so the same
behaviour) removed most of the cost of building a client in the benchmark (3.3× faster).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from typing import Any

import aiohttp
from aiohttp.helpers import get_env_proxy_for_url
from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
    UserTokenClient,
)
from msrest.pipeline import Request, Response
from msrest.pipeline.async_abc import AsyncHTTPPolicy, AsyncHTTPSender, AsyncPipeline
from msrest.pipeline.universal import RawDeserializer
from msrest.universal_http import ClientRequest
from msrest.universal_http.async_abc import AsyncClientResponse
from msrest.universal_http.requests import ClientRetryPolicy
from multidict import CIMultiDict
from yarl import URL

from bot.teams.options import RetryPolicy

log = logging.getLogger("crosswalk.teams.connector")

TOKEN_REUSE_S = 300.0  # msal tokens live an hour or more; ask msal again after five minutes
CACHE_SIZE = 256
USER_TOKEN_CLIENTS = 16  # by app id: one bot has one


def patch_msrest() -> None:
    """Make ``ClientRetryPolicy.safe_codes`` a frozenset (idempotent; see the module doc)."""
    codes = ClientRetryPolicy.safe_codes
    if not isinstance(codes, frozenset):
        ClientRetryPolicy.safe_codes = frozenset(codes)  # type: ignore[assignment]


# --------------------------------------------------------------------------- pipeline


class _Response(AsyncClientResponse):
    """An aiohttp response already read into memory, as msrest expects."""

    def __init__(self, request: ClientRequest, raw: aiohttp.ClientResponse, body: bytes) -> None:
        super().__init__(request, self)
        self.status_code = raw.status
        self.headers = CIMultiDict(raw.headers)
        self.reason = raw.reason
        self._body = body

    def body(self) -> bytes:
        return self._body


class EnvProxy:
    """The proxy for a URL from ``HTTPS_PROXY``/``HTTP_PROXY``/``NO_PROXY``, read once per origin.

    A session with ``trust_env=True`` reads the environment (and ``~/.netrc``) again for every
    request, in two worker-thread trips; in the benchmark that cost a third of the reply rate.
    The edge's session has ``trust_env=False`` and its requests ask here instead. (``~/.netrc``
    logins for the target host are not used: the Bot Connector takes bearer tokens.)
    """

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._known: OrderedDict[str, dict[str, Any]] = OrderedDict()

    async def options(self, url: str) -> dict[str, Any]:
        """``proxy``/``proxy_auth`` keyword arguments for ``session.request`` (or none)."""
        target = URL(url)
        key = f"{target.scheme}://{target.host}:{target.port}"
        found = self._known.get(key)
        if found is None:
            found = await asyncio.to_thread(_env_proxy, target)
            self._known[key] = found
            while len(self._known) > self.size:
                self._known.popitem(last=False)
        return found


def _env_proxy(url: URL) -> dict[str, Any]:
    try:
        proxy, auth = get_env_proxy_for_url(url)
    except LookupError:
        return {}
    return {"proxy": proxy, "proxy_auth": auth}


class AiohttpSender(AsyncHTTPSender[Any, Any]):
    """Sends msrest requests with a shared aiohttp session (owned by the edge)."""

    def __init__(
        self, session: aiohttp.ClientSession, timeout: float, proxy: EnvProxy | None = None
    ) -> None:
        self._session = session
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._proxy = proxy or EnvProxy()

    async def __aenter__(self) -> AiohttpSender:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def send(self, request: Request[Any], **config: Any) -> Response[Any, Any]:
        http: ClientRequest = request.http_request
        headers = {k: v for k, v in http.headers.items() if k.lower() != "content-length"}
        async with self._session.request(
            http.method, http.url, headers=headers, data=http.data,
            timeout=self._timeout, allow_redirects=False, **await self._proxy.options(http.url),
        ) as raw:
            body = await raw.read()
        return Response(request, _Response(http, raw, body))


class _Policy(AsyncHTTPPolicy[Any, Any]):
    @property
    def _next(self) -> Any:
        assert self.next is not None, "a policy runs inside a pipeline"
        return self.next


class BearerPolicy(_Policy):
    """Adds the bot's access token without blocking the event loop."""

    def __init__(self, credentials: Any) -> None:
        super().__init__()
        self._credentials = credentials
        self._token: str | None = None
        self._fetched = 0.0
        self._lock = asyncio.Lock()

    def _signs(self) -> bool:
        app_id = getattr(self._credentials, "microsoft_app_id", None)
        return bool(app_id) and app_id != AuthenticationConstants.ANONYMOUS_SKILL_APP_ID

    async def token(self) -> str:
        async with self._lock:
            if self._token is None or time.monotonic() - self._fetched > TOKEN_REUSE_S:
                self._token = str(await asyncio.to_thread(self._credentials.get_access_token))
                self._fetched = time.monotonic()
            return self._token

    async def send(self, request: Request[Any], **kwargs: Any) -> Response[Any, Any]:
        if self._signs():
            request.http_request.headers["Authorization"] = f"Bearer {await self.token()}"
        else:
            request.http_request.headers.pop("Authorization", None)
        response: Response[Any, Any] = await self._next.send(request, **kwargs)
        return response


class RetryingPolicy(_Policy):
    """Retries throttled and gateway failures; a refused connection is retried too."""

    def __init__(self, policy: RetryPolicy) -> None:
        super().__init__()
        self.policy = policy

    async def send(self, request: Request[Any], **kwargs: Any) -> Response[Any, Any]:
        last = self.policy.attempts - 1
        for attempt in range(self.policy.attempts):
            try:
                response: Response[Any, Any] = await self._next.send(request, **kwargs)
            except aiohttp.ClientConnectorError:
                if attempt == last:
                    raise
                await asyncio.sleep(self.policy.delay(attempt, None))
                continue
            status = response.http_response.status_code
            if status not in self.policy.statuses or attempt == last:
                return response
            delay = self.policy.delay(attempt, response.http_response.headers.get("Retry-After"))
            http = request.http_request
            log.info("Bot Connector answered %s to %s %s; retrying in %.2fs",
                     status, http.method, _path(http.url), delay)
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover


def _path(url: str) -> str:
    return url.split("/v3/", 1)[-1][:120]


def install_pipeline(
    client: ConnectorClient, session: aiohttp.ClientSession, retry: RetryPolicy, timeout: float,
    proxy: EnvProxy | None = None,
) -> ConnectorClient:
    """Replace the client's ``requests`` pipeline with the shared-session one."""
    config = client.config
    config.pipeline = AsyncPipeline(
        [
            config.user_agent_policy,
            BearerPolicy(config.credentials),
            RawDeserializer(),
            config.http_logger_policy,
            RetryingPolicy(retry),
        ],
        AiohttpSender(session, timeout, proxy),
    )
    return client


# --------------------------------------------------------------------------- cache


class ConnectorCache:
    """Connector clients by (app id, service URL, audience), least recently used dropped."""

    def __init__(
        self, session: aiohttp.ClientSession, retry: RetryPolicy, timeout: float = 30.0,
        size: int = CACHE_SIZE, default_audience: str = "",
    ) -> None:
        self.session = session
        self.default_audience = default_audience  # what the SDK uses when given no audience
        self.retry = retry
        self.timeout = timeout
        self.size = size
        self._clients: OrderedDict[tuple[str, str, str], ConnectorClient] = OrderedDict()
        self.created = 0
        self.proxy = EnvProxy()

    def factory(self, inner: ConnectorFactory, app_id: str) -> ConnectorFactory:
        return _CachedFactory(self, inner, app_id)

    async def get(
        self, inner: ConnectorFactory, app_id: str, service_url: str, audience: str | None
    ) -> ConnectorClient:
        key = (app_id, service_url, audience or self.default_audience)
        client = self._clients.get(key)
        if client is None:
            client = install_pipeline(
                await inner.create(service_url, audience), self.session, self.retry, self.timeout,
                self.proxy,
            )
            self.created += 1
            self._clients[key] = client
            while len(self._clients) > self.size:
                self._clients.popitem(last=False)
        self._clients.move_to_end(key)
        return client


class _CachedFactory(ConnectorFactory):  # type: ignore[misc]
    def __init__(self, cache: ConnectorCache, inner: ConnectorFactory, app_id: str) -> None:
        self._cache = cache
        self._inner = inner
        self._app_id = app_id

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        return await self._cache.get(self._inner, self._app_id, service_url, audience)


def _app_id(claims: ClaimsIdentity | None) -> str:
    if claims is None:
        return ""
    value = claims.get_claim_value(AuthenticationConstants.AUDIENCE_CLAIM)
    if value is None:
        value = claims.get_claim_value(AuthenticationConstants.APP_ID_CLAIM)
    return str(value or "")


class CachingAuthentication(BotFrameworkAuthentication):  # type: ignore[misc]
    """The SDK's authentication, handing out cached connector clients."""

    def __init__(self, inner: BotFrameworkAuthentication, cache: ConnectorCache) -> None:
        self.inner = inner
        self.cache = cache
        self._user_token_clients: dict[str, UserTokenClient] = {}

    async def authenticate_request(
        self, activity: Activity, auth_header: str | None
    ) -> AuthenticateRequestResult:
        result = await self.inner.authenticate_request(activity, auth_header)
        if result.connector_factory is not None:
            result.connector_factory = self.cache.factory(
                result.connector_factory, _app_id(result.claims_identity)
            )
        return result

    async def authenticate_streaming_request(
        self, auth_header: str, channel_id_header: str
    ) -> AuthenticateRequestResult:
        raise PermissionError("streaming is not supported")

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return self.cache.factory(
            self.inner.create_connector_factory(claims_identity), _app_id(claims_identity)
        )

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        """One per app id: the SDK builds a new one (an msrest client with a ``requests``
        session) for every inbound activity and every proactive send; nothing here uses it."""
        key = _app_id(claims_identity)
        client = self._user_token_clients.get(key)
        if client is None:
            client = await self.inner.create_user_token_client(claims_identity)
            while len(self._user_token_clients) >= USER_TOKEN_CLIENTS:
                self._user_token_clients.pop(next(iter(self._user_token_clients)))
            self._user_token_clients[key] = client
        return client

    def create_bot_framework_client(self) -> Any:
        return self.inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        return str(self.inner.get_originating_audience())

    async def authenticate_channel_request(self, auth_header: str) -> ClaimsIdentity:
        return await self.inner.authenticate_channel_request(auth_header)
