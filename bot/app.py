"""The aiohttp application: one composition root, no import-time side effects."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.compose import Components, load_components
from bot.logs import request_id
from bot.metrics import Metrics
from bot.settings import Settings
from bot.store import Store
from bot.throttle import throttle_for
from bot.turns import TurnRunner, utcnow

log = logging.getLogger("crosswalk.app")

SETTINGS = web.AppKey("settings", Settings)
METRICS = web.AppKey("metrics", Metrics)
STORE = web.AppKey("store", Store)
RUNNER = web.AppKey("runner", TurnRunner)
READINESS = web.AppKey("readiness", dict)
COMPONENTS = web.AppKey("components", Components)

CLAIM_RETENTION = timedelta(hours=24)
PURGE_EVERY_S = 3600.0
SHUTDOWN_WAIT_S = 10.0
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def json_error(status: int, reason: str) -> web.Response:
    """Every rejection looks the same: ``{"error": "<reason>"}``."""
    return web.json_response({"error": reason}, status=status)


async def read_body(request: web.Request) -> bytes:
    """Read the body within the size and time limits (413 / 408 as ``HTTPException``)."""
    settings = request.app[SETTINGS]
    length = request.content_length
    if length is not None and length > settings.max_body_bytes:
        raise web.HTTPRequestEntityTooLarge(
            max_size=settings.max_body_bytes, actual_size=length,
            text='{"error": "request body too large"}', content_type="application/json",
        )
    try:
        return await asyncio.wait_for(request.read(), timeout=settings.body_timeout)
    except TimeoutError:
        raise web.HTTPRequestTimeout(
            text='{"error": "request body not received in time"}', content_type="application/json"
        ) from None
    except web.HTTPRequestEntityTooLarge:
        raise web.HTTPRequestEntityTooLarge(
            max_size=settings.max_body_bytes, actual_size=settings.max_body_bytes + 1,
            text='{"error": "request body too large"}', content_type="application/json",
        ) from None


@web.middleware
async def observe(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Request id, metrics, and JSON errors for everything that goes wrong."""
    incoming = request.headers.get("X-Request-Id", "")
    rid = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex[:16]
    token = request_id.set(rid)
    metrics = request.app[METRICS]
    resource = request.match_info.route.resource
    route = resource.canonical if resource is not None else "unmatched"
    started = time.perf_counter()
    status = 500
    try:
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            if exc.status < 400:
                status = exc.status
                raise
            if exc.content_type == "application/json" and exc.text:
                response = web.Response(
                    status=exc.status, text=exc.text, content_type="application/json"
                )
            else:
                response = json_error(exc.status, exc.reason.lower())
        except Exception:
            metrics.errors.labels("http").inc()
            log.exception("unhandled error on %s %s", request.method, route)
            response = json_error(500, "internal error")
        status = response.status
        response.headers["X-Request-Id"] = rid
        return response
    finally:
        metrics.requests.labels(request.method, route, str(status)).inc()
        metrics.latency.labels(route).observe(time.perf_counter() - started)
        request_id.reset(token)


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """Ready when the database answers, migrations are applied and content is loaded."""
    readiness = request.app[READINESS]
    problems = [reason for reason in readiness.values() if reason]
    if STORE in request.app:
        try:
            await asyncio.wait_for(request.app[STORE].ping(), timeout=2.0)
        except Exception as exc:
            problems.append(f"database unreachable ({type(exc).__name__})")
    else:
        problems.append("database not opened")
    if problems:
        return web.json_response({"status": "not ready", "reasons": problems}, status=503)
    return web.json_response({"status": "ready"})


async def metrics_view(request: web.Request) -> web.Response:
    body = generate_latest(request.app[METRICS].registry)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


async def _store_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    components = await asyncio.to_thread(load_components, settings)
    app[COMPONENTS] = components
    app[READINESS]["content"] = components.content_problem
    store = await Store.open(settings.database_url)
    app[STORE] = store
    app[RUNNER] = TurnRunner(store, components.core, app[METRICS], throttle=throttle_for(settings))
    app[READINESS]["database"] = None
    purge = asyncio.create_task(_purge_claims(app))
    yield
    purge.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await purge
    await store.close()


async def _purge_claims(app: web.Application) -> None:
    """Drop inbound claims older than the retention window, hourly."""
    while True:
        try:
            purged, abandoned = await app[STORE].purge_claims(utcnow() - CLAIM_RETENTION)
            if purged:
                log.info("purged %d inbound claims (%d never completed)", purged, abandoned)
        except Exception:
            app[METRICS].errors.labels("purge").inc()
            log.exception("purging inbound claims failed")
        await asyncio.sleep(PURGE_EVERY_S)


async def _drain(app: web.Application) -> None:
    if RUNNER in app:
        left = await app[RUNNER].drain(SHUTDOWN_WAIT_S)
        if left:
            log.warning("shutting down with %d turns still running", left)


def create_app(settings: Settings, metrics: Metrics | None = None) -> web.Application:
    """Build the whole server from settings; nothing happens until the app starts."""
    app = web.Application(middlewares=[observe], client_max_size=settings.max_body_bytes)
    app[SETTINGS] = settings
    app[METRICS] = metrics or Metrics()
    app[READINESS] = {"database": "database not opened", "content": "content not loaded"}
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_view)
    app.cleanup_ctx.append(_store_ctx)
    app.on_shutdown.append(_drain)
    from bot.slack.routes import add_slack_routes  # here, so `crosswalk ask` never loads Bolt

    add_slack_routes(app)
    from bot.teams.routes import add_teams_routes  # botbuilder loads only if Teams is on

    add_teams_routes(app)
    from bot.nudges.runtime import scheduler_ctx  # issue 10: after the store and both edges

    app.cleanup_ctx.append(scheduler_ctx)
    from bot.retention import retention_ctx  # issue 12: gaps and feedback expire

    app.cleanup_ctx.append(retention_ctx)
    return app
