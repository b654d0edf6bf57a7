"""``POST /api/messages``: check, authenticate, translate, acknowledge; the turn runs after.

Order of checks (the SDK answers 500 to malformed input, so it never sees a raw request): body
size (413) → Content-Type (415) → UTF-8 JSON object (400) → dev mode's loopback rule (403) →
required fields (400) → ``Activity().deserialize`` (400) → token (401, or 503 when the keys
cannot be fetched) → ``adapter.process_activity``. The turn and its replies run in the
background (``TurnRunner.track``) so Teams gets its answer at once and does not retry.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web
from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botbuilder.schema import Activity, ActivityTypes

from bot.app import json_error, read_body
from bot.metrics import Metrics
from bot.settings import Settings
from bot.store import Store
from bot.store.teams import CARD_RETENTION, TeamsStore
from bot.teams import texts
from bot.teams.activity import BadActivity, check_activity, is_loopback_url, parse_body
from bot.teams.auth import InboundAuth, MetadataUnavailable, OpenIdKeys, TokenRejected
from bot.teams.connector import CachingAuthentication, ConnectorCache, patch_msrest
from bot.teams.options import EdgeOptions
from bot.teams.sender import TeamsSender, stored_reference
from bot.teams.translate import (
    Reject,
    Skip,
    Translation,
    Turn,
    Uninstall,
    Unsupported,
    translate,
)
from bot.turns import TurnRunner

log = logging.getLogger("crosswalk.teams")

PURGE_EVERY_S = 6 * 3600.0


@dataclass
class _SdkConfig:
    """The attribute names ``ConfigurationBotFrameworkAuthentication`` reads."""

    APP_ID: str
    APP_PASSWORD: str
    APP_TYPE: str
    APP_TENANTID: str
    TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL: str
    TO_BOT_FROM_CHANNEL_TOKEN_ISSUER: str
    TO_CHANNEL_FROM_BOT_LOGIN_URL: str
    TO_CHANNEL_FROM_BOT_OAUTH_SCOPE: str
    TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL: str
    CALLER_ID: str = "urn:botframework:azure"
    OAUTH_URL: str = "https://api.botframework.com"


class TeamsEdge:
    """The Teams channel: the adapter, inbound checks and the sender."""

    def __init__(
        self, settings: Settings, runner: TurnRunner, store: Store, metrics: Metrics,
        session: aiohttp.ClientSession, options: EdgeOptions | None = None,
    ) -> None:
        options = options or EdgeOptions()
        patch_msrest()
        self.dev_mode = settings.dev_mode
        self.runner = runner
        self.store = store
        self.metrics = metrics
        self.teams_store = TeamsStore(store)
        endpoints = options.endpoints
        if self.dev_mode:
            if settings.microsoft_app_id:
                log.warning("dev mode: MICROSOFT_APP_ID is ignored, authentication is off")
            self.app_id, password, app_type, tenant = "", "", "MultiTenant", ""
        else:
            self.app_id = settings.microsoft_app_id
            password = settings.microsoft_app_password.get_secret_value()
            app_type = settings.teams_app_type
            tenant = settings.microsoft_app_tenant_id
        config = _SdkConfig(
            APP_ID=self.app_id, APP_PASSWORD=password, APP_TYPE=app_type, APP_TENANTID=tenant,
            TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL=endpoints.openid_metadata_url,
            TO_BOT_FROM_CHANNEL_TOKEN_ISSUER=endpoints.token_issuer,
            TO_CHANNEL_FROM_BOT_LOGIN_URL=endpoints.login_url,
            TO_CHANNEL_FROM_BOT_OAUTH_SCOPE=endpoints.oauth_scope,
            TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL=endpoints.emulator_openid_metadata_url,
        )
        sdk_auth = ConfigurationBotFrameworkAuthentication(
            config, credentials_factory=options.credentials_factory
        )
        self.connectors = ConnectorCache(
            session, options.retry, options.request_timeout,
            default_audience=endpoints.oauth_scope,
        )
        self.auth = CachingAuthentication(sdk_auth, self.connectors)
        self.adapter = CloudAdapter(self.auth)
        self.adapter.on_turn_error = self._on_turn_error
        self.keys = OpenIdKeys(endpoints.openid_metadata_url, session, options.metadata_timeout,
                               self.connectors.proxy)
        self.inbound = InboundAuth(self.auth, self.keys, endpoints.token_issuer)
        self.sender = TeamsSender(
            adapter=self.adapter, app_id=self.app_id, store=store,
            teams_store=self.teams_store, metrics=metrics, clock=runner.clock,
            dev_mode=self.dev_mode, on_post=runner.post_delivered,
        )
        self._tasks: list[asyncio.Task[Any]] = []
        self._stopping = asyncio.Event()

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Warm the signing keys (in the background: start-up does not wait on Microsoft)."""
        if not self.dev_mode:
            self._tasks.append(asyncio.create_task(self._warm()))
        self._tasks.append(asyncio.create_task(self._purge_cards()))

    async def close(self) -> None:
        """Stop the background work; a purge in progress finishes first (a database call
        running in a worker thread cannot be cancelled, and the store closes next)."""
        self._stopping.set()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _warm(self) -> None:
        refresh = asyncio.ensure_future(self.keys.refresh())
        stop = asyncio.ensure_future(self._stopping.wait())
        await asyncio.wait([refresh, stop], return_when=asyncio.FIRST_COMPLETED)
        for task in (refresh, stop):
            task.cancel()  # the fetch is plain asyncio I/O: safe to cancel
        with contextlib.suppress(asyncio.CancelledError, MetadataUnavailable):
            await refresh
        with contextlib.suppress(asyncio.CancelledError):
            await stop

    async def _purge_cards(self) -> None:
        while not self._stopping.is_set():
            try:
                purged = await self.teams_store.purge_cards(self.runner.clock() - CARD_RETENTION)
                if purged:
                    log.info("purged %d kept Teams cards", purged)
            except Exception:
                self.metrics.errors.labels("purge").inc()
                log.exception("purging kept Teams cards failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), PURGE_EVERY_S)

    # ------------------------------------------------------------------ inbound

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await read_body(request)
        if request.content_type != "application/json":
            return json_error(415, texts.WRONG_CONTENT_TYPE)
        try:
            payload = parse_body(body)
        except BadActivity as exc:
            return json_error(400, str(exc))
        if self.dev_mode and not is_loopback_url(payload.get("serviceUrl")):
            log.warning("dev mode: refused an activity whose serviceUrl is not loopback")
            return json_error(403, texts.DEV_LOOPBACK_ONLY)
        try:
            check_activity(payload)
        except BadActivity as exc:
            return json_error(400, str(exc))
        try:
            activity = Activity().deserialize(payload)
        except Exception as exc:
            log.info("activity not deserialized: %s", exc.__class__.__name__)
            return json_error(400, texts.UNREADABLE)
        header = request.headers.get("Authorization", "")
        try:
            if self.dev_mode:
                if header:
                    log.info("dev mode: ignoring the request's Authorization header")
                result = await self.inbound.anonymous(activity)
            else:
                result = await self.inbound.authenticate(activity, header)
        except MetadataUnavailable:
            return json_error(503, texts.CANNOT_VALIDATE)
        except TokenRejected as exc:
            log.info("token rejected: %s", exc)
            return json_error(401, texts.UNAUTHORIZED)

        found: list[Translation] = []

        async def logic(ctx: TurnContext) -> None:
            translation = translate(payload, self.dev_mode)
            found.append(translation)
            if isinstance(translation, Unsupported):
                await _invoke_response(ctx, 400, texts.unsupported_invoke(translation.name))

        invoke = await self.adapter.process_activity(result, activity, logic)
        if not found:
            return json_error(400, texts.NOT_HANDLED)
        translation = found[0]
        if invoke is not None:
            return web.json_response(invoke.body, status=invoke.status)
        if isinstance(translation, Reject):
            return json_error(400, translation.reason)
        if isinstance(translation, Skip):
            log.info("skipped: %s", translation.reason)
        elif isinstance(translation, Uninstall):
            await self._uninstall(translation)
        elif isinstance(translation, Turn):
            self.runner.track(self._turn(translation))
        return web.Response(status=201)

    async def _turn(self, turn: Turn) -> None:
        """The turn, then its replies (runs after the HTTP answer)."""
        result = await self.runner.run(turn.event, reference=stored_reference(turn.address))
        if result.duplicate:
            return
        try:
            await self.sender.deliver(turn, result)
        except Exception:
            self.metrics.errors.labels("teams_send").inc()
            log.exception("delivering replies to Teams failed")

    async def _uninstall(self, uninstall: Uninstall) -> None:
        address = uninstall.address
        now = self.runner.clock()
        if uninstall.scope == "team" and address.team_id:
            ids = await self.teams_store.team_conversations(uninstall.org_id, address.team_id)
        else:
            ids = [address.base_conversation_id]
        changed = await self.teams_store.deactivate(
            uninstall.org_id, ids, f"Teams: {uninstall.reason}", now
        )
        log.info("%s: %d conversations deactivated", uninstall.reason, changed)

    async def _on_turn_error(self, context: TurnContext, error: Exception) -> None:
        self.metrics.errors.labels("teams_turn").inc()
        log.error("Teams pipeline error: %s", error.__class__.__name__, exc_info=error)
        if context.activity.type == ActivityTypes.invoke:
            await _invoke_response(context, 400, texts.NOT_HANDLED)


async def _invoke_response(context: TurnContext, status: int, reason: str) -> None:
    await context.send_activity(
        Activity(
            type=ActivityTypes.invoke_response,
            value=InvokeResponse(status=status, body={"error": reason}),
        )
    )

