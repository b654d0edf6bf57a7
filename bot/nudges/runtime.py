"""Wiring: the scheduler inside ``crosswalk serve`` (``cleanup_ctx``) and for ``run-due``.

Each platform's sender is the edge's own proactive API; a platform that is not configured has
no sender, and its deliveries wait (and become ``missed`` after the catch-up window).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from aiohttp import web

from bot.metrics import Metrics
from bot.nudges.composer import Composer
from bot.nudges.limits import Limiter, Sleep
from bot.nudges.scheduler import Clock, Scheduler, SchedulerConfig
from bot.nudges.sender import NudgeSender
from bot.settings import Settings
from bot.store import Store
from bot.store.nudges import NudgeStore, plan_view
from dialogs.content import ContentStore

log = logging.getLogger("crosswalk.nudges")

NUDGES = web.AppKey("nudges", Scheduler)
STOP_WAIT_S = 10.0


def build_scheduler(
    store: Store, senders: dict[str, NudgeSender], content: ContentStore | None,
    metrics: Metrics, *, clock: Clock, sleep: Sleep = asyncio.sleep,
    config: SchedulerConfig | None = None,
) -> Scheduler:
    return Scheduler(
        NudgeStore(store), senders, Composer(store, content, plan_view), metrics,
        clock=clock, sleep=sleep, config=config,
    )


def slack_nudges(slack_sender: Any, limiter: Limiter) -> NudgeSender:
    """The scheduler's Slack sender, sharing the edge's session, stores and token."""
    from bot.nudges.slack import NudgeSlackSender, SlackNudges

    sender = NudgeSlackSender(
        store=slack_sender.store, slack_store=slack_sender.slack_store,
        session=slack_sender.session, base_url=slack_sender.base_url,
        bot_token=slack_sender.bot_token, clock=slack_sender.clock,
    )
    return SlackNudges(sender, limiter)


def teams_nudges(teams_sender: Any, limiter: Limiter) -> NudgeSender:
    from bot.nudges.teams import TeamsNudges

    return TeamsNudges(teams_sender, limiter)


# --------------------------------------------------------------------------- serve


async def scheduler_ctx(app: web.Application) -> AsyncIterator[None]:
    """Started after the store and the edges, stopped before them."""
    from bot.app import COMPONENTS, METRICS, STORE
    from bot.turns import utcnow

    if STORE not in app:
        yield
        return
    limiter = Limiter(time.monotonic, asyncio.sleep)
    senders: dict[str, NudgeSender] = {}
    with contextlib.suppress(ImportError):
        from bot.teams.routes import teams_sender

        teams = teams_sender(app)
        if teams is not None:
            senders["teams"] = teams_nudges(teams, limiter)
    with contextlib.suppress(ImportError):
        from bot.slack.routes import SLACK

        state = app.get(SLACK)
        if state is not None and state.runtime is not None:
            senders["slack"] = slack_nudges(state.runtime.sender, limiter)
    components = app.get(COMPONENTS)
    scheduler = build_scheduler(
        app[STORE], senders, components.content if components else None, app[METRICS],
        clock=utcnow,
    )
    app[NUDGES] = scheduler
    stop = asyncio.Event()
    task = asyncio.create_task(scheduler.run_forever(stop))
    log.info("nudge scheduler started (senders: %s)", ", ".join(sorted(senders)) or "none")
    try:
        yield
    finally:
        stop.set()
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout=STOP_WAIT_S)
        except TimeoutError:
            task.cancel()  # rows left in ``sending`` become ``unknown``, never resent
            with contextlib.suppress(asyncio.CancelledError):
                await task


# --------------------------------------------------------------------------- run-due


@asynccontextmanager
async def cli_senders(
    settings: Settings, store: Store, metrics: Metrics, limiter: Limiter
) -> AsyncIterator[dict[str, NudgeSender]]:
    """Senders for ``crosswalk nudges run-due``, built from the settings like the edges do."""
    senders: dict[str, NudgeSender] = {}
    async with AsyncExitStack() as stack:
        slack_token = settings.slack_bot_token.get_secret_value()
        if slack_token or settings.slack_client_id:
            from bot.nudges.slack import NudgeSlackSender, SlackNudges
            from bot.slack.client import new_session
            from bot.store.slack import SlackStore, TokenCipher
            from bot.turns import utcnow

            session = new_session()
            stack.push_async_callback(session.close)
            key = getattr(settings, "encryption_key", None)
            cipher = TokenCipher(key.get_secret_value() if key is not None else "")
            senders["slack"] = SlackNudges(NudgeSlackSender(
                store=store, slack_store=SlackStore(store, cipher), session=session,
                base_url=settings.slack_api_url, bot_token=slack_token or None, clock=utcnow,
            ), limiter)
        if settings.teams_configured or settings.dev_mode:
            import aiohttp

            from bot.teams.edge import TeamsEdge
            from bot.turns import TurnRunner
            from dialogs.router import Core

            session = aiohttp.ClientSession()
            stack.push_async_callback(session.close)
            edge = TeamsEdge(settings, TurnRunner(store, Core(), metrics), store, metrics, session)
            senders["teams"] = teams_nudges(edge.sender, limiter)
        yield senders
