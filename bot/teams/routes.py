"""Mounts the Teams channel on the app: ``POST /api/messages`` and the edge's lifecycle.

botbuilder is imported only when the server starts with Teams configured (an app id, or dev
mode); otherwise the route answers 503 with the reason.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import aiohttp
from aiohttp import web

from bot.app import METRICS, RUNNER, SETTINGS, STORE, json_error
from bot.teams import texts
from bot.teams.options import EdgeOptions

if TYPE_CHECKING:
    from bot.teams.edge import TeamsEdge
    from bot.teams.sender import TeamsSender

log = logging.getLogger("crosswalk.teams")

TEAMS: web.AppKey[TeamsEdge] = web.AppKey("teams")
TEAMS_OPTIONS = web.AppKey("teams_options", EdgeOptions)  # tests point the edge at fakes
PATH = "/api/messages"


def add_teams_routes(app: web.Application) -> None:
    """The Teams endpoint and the edge's start-up/shutdown (after the store's)."""
    app.router.add_post(PATH, messages)
    app.cleanup_ctx.append(_teams_ctx)


def teams_sender(app: web.Application) -> TeamsSender | None:
    """The proactive-post API, when the Teams channel is running."""
    edge = app.get(TEAMS)
    return edge.sender if edge is not None else None


async def messages(request: web.Request) -> web.StreamResponse:
    edge = request.app.get(TEAMS)
    if edge is None:
        settings = request.app[SETTINGS]
        configured = settings.teams_configured or settings.dev_mode
        return json_error(503, texts.NOT_STARTED if configured else texts.NOT_CONFIGURED)
    return await edge.handle(request)


async def _teams_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    if not (settings.teams_configured or settings.dev_mode) or RUNNER not in app:
        yield
        return
    from bot.teams.edge import TeamsEdge

    session = aiohttp.ClientSession(  # proxies from the environment: connector.EnvProxy
        connector=aiohttp.TCPConnector(limit_per_host=32, keepalive_timeout=60),
    )
    try:
        edge = TeamsEdge(
            settings, app[RUNNER], app[STORE], app[METRICS], session,
            app.get(TEAMS_OPTIONS) or EdgeOptions(),
        )
        await edge.start()
        app[TEAMS] = edge
        mode = "dev mode (authentication off, loopback only)" if settings.dev_mode else "on"
        log.info("Teams channel %s at %s", mode, PATH)
        yield
        await edge.close()
    finally:
        await session.close()
