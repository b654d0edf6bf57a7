"""Slack on the one aiohttp app: ``POST /slack/events`` and, with OAuth, the install routes.

The edge checks every request itself (signature, size, encoding, shape) before Bolt sees it,
then hands it to ``AsyncApp.async_dispatch`` and turns Bolt's answer into an aiohttp response.
With ``SLACK_APP_TOKEN`` the same listeners also run over Socket Mode.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.app import RUNNER, SETTINGS, STORE, json_error, read_body
from bot.settings import Settings
from bot.slack import gate
from bot.slack.client import new_session, web_client
from bot.slack.installations import CrosswalkInstallationStore, CrosswalkOAuthStateStore
from bot.slack.listeners import SlackListeners
from bot.slack.manifest import bot_scopes
from bot.slack.people import People
from bot.slack.sender import SlackSender
from bot.store import Store
from bot.store.slack import SlackStore, TokenCipher
from bot.turns import TurnRunner

log = logging.getLogger("crosswalk.slack")

NOT_CONFIGURED = "Slack is not configured: SLACK_SIGNING_SECRET is not set"
NO_CREDENTIALS = (
    "Slack is not configured: set SLACK_BOT_TOKEN or SLACK_CLIENT_ID/SLACK_CLIENT_SECRET"
)
MALFORMED = "malformed Slack payload"
# the types Bolt's middleware and matchers assume, without checking, for these keys
_SHAPES: dict[str, tuple[type, ...]] = {
    "type": (str,),
    "event": (dict,),
    "actions": (list,),
    "view": (dict,),
    "authorizations": (list,),
    "container": (dict,),
    "message": (dict,),
    "team": (str, dict),
    "enterprise": (str, dict),
    "user": (str, dict),
    "channel": (str, dict),
    "command": (str,),
    "callback_id": (str,),
    "trigger_id": (str,),
    "response_url": (str,),
    "response_urls": (list,),
}
_NESTED_OBJECTS = ("actions", "authorizations", "response_urls")
# string fields inside those objects that Bolt's matchers read with ``re`` (issue 12: a list there
# made Bolt answer 500)
_NESTED_STRINGS: dict[str, tuple[str, ...]] = {
    "actions": ("action_id", "block_id"),
    "event": ("subtype", "callback_id"),
    "view": ("callback_id", "type"),
}
_NULLABLE = frozenset({"team", "enterprise", "user", "channel"})  # Slack sends these as null
_ID_KEYS = frozenset({"user", "channel", "team", "enterprise", "inviter"})
MAX_ID = 255  # Slack's ids are about 11 characters; block and action ids at most 255

@dataclass
class SlackRuntime:
    """What the Slack edge builds once at start-up."""

    bolt: AsyncApp
    sender: SlackSender
    listeners: SlackListeners
    session: aiohttp.ClientSession


@dataclass
class SlackState:
    runtime: SlackRuntime | None = None
    problem: str = "Slack is starting"


SLACK = web.AppKey("slack", SlackState)


def add_slack_routes(app: web.Application) -> None:
    """Mount the Slack edge; called once from ``create_app``."""
    settings = app[SETTINGS]
    app[SLACK] = SlackState()
    app.router.add_post("/slack/events", events)
    if settings.slack_client_id:
        app.router.add_get("/slack/install", install)
        app.router.add_get("/slack/oauth_redirect", oauth_redirect)
    app.cleanup_ctx.append(_runtime_ctx)


# --------------------------------------------------------------------------- routes


async def events(request: web.Request) -> web.StreamResponse:
    """Events, the slash command and interactivity all arrive here."""
    settings = request.app[SETTINGS]
    secret = settings.slack_signing_secret.get_secret_value()
    if not secret:
        return json_error(503, NOT_CONFIGURED)
    state = request.app[SLACK]
    if state.runtime is None:
        return json_error(503, state.problem)
    body = await read_body(request)
    checked = gate.check(secret, request.headers, body, request.content_type)
    if checked is None:
        return web.Response(status=200)  # ssl_check
    if isinstance(checked, gate.Rejection):
        return json_error(checked.status, checked.reason)
    if not well_shaped(checked.payload):
        return json_error(400, MALFORMED)
    try:
        bolt_request = to_bolt_request(checked, request)
    except (TypeError, AttributeError, KeyError, IndexError, ValueError):
        return json_error(400, MALFORMED)
    response = await state.runtime.bolt.async_dispatch(bolt_request)
    return await to_aiohttp_response(response)


async def install(request: web.Request) -> web.StreamResponse:
    flow = _oauth_flow(request)
    if flow is None:
        return json_error(503, request.app[SLACK].problem)
    bolt_request = AsyncBoltRequest(body="", query=request.query_string, headers=_headers(request))
    return await to_aiohttp_response(await flow.handle_installation(bolt_request))


async def oauth_redirect(request: web.Request) -> web.StreamResponse:
    flow = _oauth_flow(request)
    if flow is None:
        return json_error(503, request.app[SLACK].problem)
    bolt_request = AsyncBoltRequest(body="", query=request.query_string, headers=_headers(request))
    return await to_aiohttp_response(await flow.handle_callback(bolt_request))


def _oauth_flow(request: web.Request) -> Any:
    runtime = request.app[SLACK].runtime
    return runtime.bolt.oauth_flow if runtime is not None else None


def _headers(request: web.Request) -> dict[str, str | Sequence[str]]:
    return {k: v for k, v in request.headers.items()}


def well_shaped(payload: Mapping[str, Any]) -> bool:
    """The parts Bolt reads have the types it assumes."""
    for key, types in _SHAPES.items():
        if key not in payload:
            continue
        value = payload[key]
        if not isinstance(value, types) and not (value is None and key in _NULLABLE):
            return False
    for key in _NESTED_OBJECTS:
        if not all(isinstance(item, dict) for item in payload.get(key) or ()):
            return False
    if "action_id" in payload and not isinstance(payload["action_id"], str):
        return False
    actions = payload.get("actions")
    pressed = payload.get("type") in ("block_actions", "interactive_message")
    if pressed and actions is not None and not (  # Bolt reads actions[0]["action_id"] unchecked
        actions and all(isinstance(a.get("action_id"), str) for a in actions)
    ):
        return False
    for key, fields in _NESTED_STRINGS.items():
        found = payload.get(key)
        for item in found if isinstance(found, list) else [found] if found else []:
            if any(item.get(f) is not None and not isinstance(item.get(f), str) for f in fields):
                return False
    event = payload.get("event")
    return (event is None or isinstance(event.get("type"), str)) and ids_bounded(payload)


def ids_bounded(payload: Mapping[str, Any]) -> bool:
    """No id longer than Slack ever sends (they would reach Web API URLs, e.g. users.info)."""
    stack: list[Any] = [payload]
    while stack:  # iterative: a payload nested 900 deep must not exhaust the stack
        node = stack.pop()
        items = node.items() if isinstance(node, Mapping) else enumerate(node)
        for key, value in items:
            if isinstance(value, Mapping | list):
                stack.append(value)
            elif isinstance(value, str) and len(value) > MAX_ID and isinstance(key, str) and (
                key == "id" or key.endswith("_id") or key in _ID_KEYS
            ):
                return False
    return True


def to_bolt_request(checked: gate.Accepted, request: web.Request) -> AsyncBoltRequest:
    """``to_bolt_request`` from the verified text, with the body the edge parsed.

    Bolt decides that a form body carries a ``payload`` field by looking for the substring
    "payload" anywhere, so ``/crosswalk ask what is a payload`` would reach it as ``{}``; the
    edge's own parse is used instead.
    """
    bolt_request = AsyncBoltRequest(
        body=checked.text, query=request.query_string, headers=_headers(request)
    )
    if bolt_request.body != checked.payload:
        bolt_request.body = checked.payload
        bolt_request.context = build_async_context(AsyncBoltContext(), checked.payload)
    return bolt_request


# --------------------------------------------------------------------------- start-up


async def _runtime_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    state = app[SLACK]
    app_token = settings.slack_app_token.get_secret_value()
    if not (settings.slack_configured or app_token):
        state.problem = NOT_CONFIGURED
        yield
        return
    if not (settings.slack_bot_token.get_secret_value() or settings.slack_client_id):
        state.problem = NO_CREDENTIALS
        log.error(NO_CREDENTIALS)
        yield
        return
    session = new_session()
    socket: Any = None
    try:
        state.runtime = build_runtime(settings, app[STORE], app[RUNNER], session)
        state.problem = ""
        if app_token:
            socket = await start_socket_mode(state.runtime.bolt, app_token)
        yield
    finally:
        state.runtime = None
        state.problem = "Slack is shutting down"
        if socket is not None:
            with contextlib.suppress(Exception):
                await socket.close_async()
        await session.close()


def build_runtime(
    settings: Settings, store: Store, runner: TurnRunner, session: aiohttp.ClientSession
) -> SlackRuntime:
    """The Bolt app, its listeners and the sender, sharing one HTTP session."""
    clock = runner.clock
    slack_store = SlackStore(store, TokenCipher(settings.encryption_key.get_secret_value()))
    token = settings.slack_bot_token.get_secret_value() or None
    client = web_client(settings.slack_api_url, session, token)
    sender = SlackSender(
        store=store, slack_store=slack_store, session=session, base_url=settings.slack_api_url,
        bot_token=token, clock=clock, on_post=runner.post_delivered,
    )
    listeners = SlackListeners(
        runner=runner, sender=sender, slack_store=slack_store, people=People(clock), clock=clock
    )
    secret = settings.slack_signing_secret.get_secret_value()
    options: dict[str, Any] = {}
    if settings.slack_client_id:
        redirect = f"{settings.base_url.rstrip('/')}/slack/oauth_redirect" if settings.base_url \
            else None
        options["oauth_settings"] = AsyncOAuthSettings(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret.get_secret_value(),
            scopes=bot_scopes(), user_scopes=[], redirect_uri=redirect,
            installation_store=CrosswalkInstallationStore(slack_store, clock),
            state_store=CrosswalkOAuthStateStore(slack_store, clock),
        )
    bolt = AsyncApp(
        name="crosswalk", logger=logging.getLogger("crosswalk.slack.bolt"), client=client,
        signing_secret=secret, request_verification_enabled=bool(secret), **options,
    )
    listeners.register(bolt)
    return SlackRuntime(bolt, sender, listeners, session)


async def start_socket_mode(bolt: AsyncApp, app_token: str) -> Any:
    """Socket Mode for trying Crosswalk without a public URL; the same listeners."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    handler = AsyncSocketModeHandler(bolt, app_token)
    try:
        await handler.connect_async()  # type: ignore[no-untyped-call]
    except Exception as exc:  # HTTP keeps working; the log says why Socket Mode does not
        log.error("slack socket mode did not connect: %s", type(exc).__name__)
        with contextlib.suppress(Exception):
            await handler.close_async()  # type: ignore[no-untyped-call]
        return None
    log.info("slack socket mode connected")
    return handler
