"""Expiry of what Crosswalk keeps only for a while: content gaps and answer feedback (issue 12).

``crosswalk serve`` purges hourly (started and stopped with the app); ``crosswalk content purge``
does the same once, for deployments that only run the CLI.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

from aiohttp import web

from bot.settings import Settings
from bot.store import Store
from bot.store.qa import purge_qa

log = logging.getLogger("crosswalk.retention")

PURGE_EVERY_S = 3600.0


def qa_retention(settings: Settings) -> timedelta:
    return timedelta(days=settings.qa_retention_days)


async def purge_expired(store: Store, settings: Settings, now: datetime) -> tuple[int, int]:
    """Delete gaps and feedback older than the retention window; returns (gaps, feedback)."""
    gaps, feedback = await purge_qa(store, now - qa_retention(settings))
    if gaps or feedback:
        log.info("expired %d content gaps and %d feedback rows", gaps, feedback)
    return gaps, feedback


async def retention_ctx(app: web.Application) -> AsyncIterator[None]:
    """Hourly purge while the server runs (after the store opens, before it closes)."""
    from bot.app import METRICS, SETTINGS, STORE
    from bot.turns import utcnow

    if STORE not in app:
        yield
        return
    stop = asyncio.Event()

    async def loop() -> None:
        while not stop.is_set():
            try:
                await purge_expired(app[STORE], app[SETTINGS], utcnow())
            except Exception:
                app[METRICS].errors.labels("purge").inc()
                log.exception("expiring content gaps and feedback failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), PURGE_EVERY_S)

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        stop.set()
        await task  # a purge in progress finishes: its database call cannot be cancelled
