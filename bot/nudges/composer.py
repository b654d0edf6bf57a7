"""Composes a scheduled nudge: the org's plan (cached briefly across a fan-out) and a tip."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.store import Store
from bot.store.db import Conn
from bot.store.nudges import Claimed
from dialogs.content import ContentStore
from dialogs.nudges.compose import Nudge, changed_since, compose, pick_tip
from dialogs.nudges.ports import PlanSnapshot, PlanView

PlanViewFactory = Callable[[Conn], PlanView]
PlanRead = tuple[PlanSnapshot | None, tuple[str, ...]]
CACHE_FOR = timedelta(seconds=30)
CACHE_SIZE = 1000


class Composer:
    """Reads the plan once per org per ``CACHE_FOR`` and composes each delivery's nudge."""

    def __init__(
        self, store: Store, content: ContentStore | None, plan_view: PlanViewFactory
    ) -> None:
        self.store = store
        self.content = content
        self.plan_view = plan_view
        self._cache: dict[str, tuple[datetime, asyncio.Future[PlanRead]]] = {}

    async def compose(self, item: Claimed, now: datetime) -> Nudge | None:
        """The nudge for a delivery, or ``None`` when it asks for changes only and none happened."""
        plan, disciplines = await self.plan(item.org_id, now)
        since = item.last_sent_at
        if item.only_changed and since is not None and not changed_since(plan, since):
            return None
        tip = pick_tip(self.content, disciplines, item.org_id, item.occurrence_at)
        return compose(plan, subscription_id=item.subscription_id, now=now, since=since, tip=tip)

    async def plan(self, org_id: str, now: datetime) -> PlanRead:
        cached = self._cache.get(org_id)
        if cached is not None and cached[0] > now:
            return await asyncio.shield(cached[1])
        future: asyncio.Future[PlanRead] = asyncio.get_running_loop().create_future()
        self._cache[org_id] = (now + CACHE_FOR, future)
        if len(self._cache) > CACHE_SIZE:
            for key in list(self._cache)[: len(self._cache) - CACHE_SIZE]:
                if key != org_id:
                    del self._cache[key]
        try:
            async with self.store.backend.read() as conn:
                view = self.plan_view(conn)
                plan = await view.current(org_id)
                disciplines = plan.disciplines if plan else await view.disciplines(org_id)
        except BaseException as exc:
            self._cache.pop(org_id, None)
            future.set_exception(exc)
            future.exception()  # retrieved: waiting callers re-raise it
            raise
        future.set_result((plan, disciplines))
        return plan, disciplines
