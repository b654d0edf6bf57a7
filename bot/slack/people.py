"""Who a Slack user is: display name and IANA time zone from ``users.info``, cached briefly."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.inbound import Workspace, mapping, text_of
from dialogs.messages import Sender

log = logging.getLogger("crosswalk.slack.people")

Clock = Callable[[], datetime]


def valid_zone(name: str) -> str | None:
    if not name or len(name) > 64:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


class People:
    """A small per-process cache in front of ``users.info``; a failed look-up changes nothing."""

    def __init__(self, clock: Clock, ttl: timedelta = timedelta(hours=6), size: int = 5000) -> None:
        self.clock = clock
        self.ttl = ttl
        self.size = size
        self._cache: OrderedDict[tuple[str, str], tuple[datetime, str, str | None]] = OrderedDict()

    async def enrich(self, client: AsyncWebClient, ws: Workspace, sender: Sender) -> Sender:
        if not sender.user_id:
            return sender
        key = (ws.org_id, sender.user_id)
        now = self.clock()
        hit = self._cache.get(key)
        if hit is None or now - hit[0] > self.ttl:
            looked_up = await self._look_up(client, sender.user_id)
            if looked_up is None:
                return sender
            hit = (now, *looked_up)
            self._cache[key] = hit
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)
        self._cache.move_to_end(key)
        _, name, zone = hit
        return replace(sender, display_name=name or sender.display_name,
                       time_zone=zone or sender.time_zone)

    async def _look_up(self, client: AsyncWebClient, user_id: str) -> tuple[str, str | None] | None:
        try:
            response = await client.users_info(user=user_id)
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
            log.info("slack users.info failed for a user: %s", type(exc).__name__)
            return None
        user = mapping(response.get("user"))
        profile = mapping(user.get("profile"))
        name = (text_of(profile.get("display_name")) or text_of(profile.get("real_name"))
                or text_of(user.get("real_name")) or text_of(user.get("name")))
        return name[:200], valid_zone(text_of(user.get("tz")))
