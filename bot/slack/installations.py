"""slack_sdk's installation and OAuth state store interfaces, on Crosswalk's own tables.

One row per ``(enterprise_id, team_id)`` holds the bot token and the latest installer. "Delete"
means deactivate with a reason and erase the tokens, so an uninstall stays on record and every
sender sees it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from bot.store.slack import SlackInstallation, SlackStore

log = logging.getLogger("crosswalk.slack.installations")

Clock = Callable[[], datetime]
STATE_TTL = timedelta(minutes=10)


def _at(epoch: float | int | None) -> datetime | None:
    return datetime.fromtimestamp(epoch, UTC) if epoch is not None else None


def _epoch(value: datetime | None) -> int | None:
    return int(value.timestamp()) if value is not None else None


def _scopes(value: object) -> str:
    if isinstance(value, str):
        return value
    return ",".join(str(s) for s in value) if isinstance(value, list | tuple) else ""


def _key(
    enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None
) -> tuple[str | None, str | None]:
    """Org-wide installs are stored under the enterprise alone."""
    if is_enterprise_install and enterprise_id:
        return enterprise_id, None
    return enterprise_id, team_id


class CrosswalkInstallationStore(AsyncInstallationStore):
    """``AsyncInstallationStore`` over ``slack_installations``."""

    def __init__(self, slack_store: SlackStore, clock: Clock) -> None:
        self.slack_store = slack_store
        self.clock = clock

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        enterprise_id, team_id = _key(
            installation.enterprise_id, installation.team_id, installation.is_enterprise_install
        )
        row = SlackInstallation(
            enterprise_id=enterprise_id or "",
            team_id=team_id or "",
            org_id=enterprise_id or team_id or "",
            installed_at=_at(installation.installed_at) or self.clock(),
            app_id=installation.app_id or "",
            enterprise_name=installation.enterprise_name or "",
            team_name=installation.team_name or "",
            bot_id=installation.bot_id or "",
            bot_user_id=installation.bot_user_id or "",
            bot_scopes=_scopes(installation.bot_scopes),
            bot_token=installation.bot_token,
            bot_refresh_token=installation.bot_refresh_token,
            bot_token_expires_at=_at(installation.bot_token_expires_at),
            installer_user_id=installation.user_id or "",
            user_token=installation.user_token,
            user_scopes=_scopes(installation.user_scopes),
            user_refresh_token=installation.user_refresh_token,
            user_token_expires_at=_at(installation.user_token_expires_at),
            is_enterprise_install=bool(installation.is_enterprise_install),
            token_type=installation.token_type or "",
        )
        if not row.org_id:
            raise ValueError("a Slack installation needs an enterprise or team id")
        await self.slack_store.save_installation(row, self.clock())
        log.info("slack installation saved for %s", row.org_id)

    async def async_save_bot(self, bot: Bot) -> None:
        """Token rotation saves a refreshed bot; keep the rest of the row."""
        enterprise_id, team_id = _key(bot.enterprise_id, bot.team_id, bot.is_enterprise_install)
        found = await self.slack_store.find_installation(enterprise_id, team_id)
        installation = self._installation(found) if found is not None else None
        if installation is None:
            installation = Installation(user_id="", enterprise_id=enterprise_id, team_id=team_id,
                                        is_enterprise_install=bot.is_enterprise_install)
        installation.bot_token = bot.bot_token
        installation.bot_id = bot.bot_id
        installation.bot_user_id = bot.bot_user_id
        installation.bot_scopes = bot.bot_scopes
        installation.bot_refresh_token = bot.bot_refresh_token
        installation.bot_token_expires_at = bot.bot_token_expires_at
        await self.async_save(installation)

    async def async_find_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        enterprise_id, team_id = _key(enterprise_id, team_id, is_enterprise_install)
        found = await self.slack_store.find_installation(enterprise_id, team_id)
        if found is None or not found.active or not found.bot_token:
            return None
        if user_id is not None and user_id != found.installer_user_id:
            return None  # only the latest installer's user token is kept
        return self._installation(found)

    async def async_find_bot(
        self, *, enterprise_id: str | None, team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        installation = await self.async_find_installation(
            enterprise_id=enterprise_id, team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )
        return installation.to_bot() if installation is not None else None

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self.slack_store.deactivate_installation(
            enterprise_id, team_id, "bot removed", self.clock()
        )

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        if user_id is not None:
            await self.slack_store.forget_user_token(enterprise_id, team_id, user_id, self.clock())
            return
        await self.slack_store.deactivate_installation(
            enterprise_id, team_id, "installation removed", self.clock()
        )

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self.slack_store.deactivate_installation(
            enterprise_id, team_id, "installation removed", self.clock()
        )

    @staticmethod
    def _installation(row: SlackInstallation) -> Installation:
        return Installation(
            app_id=row.app_id or None,
            enterprise_id=row.enterprise_id or None,
            enterprise_name=row.enterprise_name or None,
            team_id=row.team_id or None,
            team_name=row.team_name or None,
            bot_token=row.bot_token,
            bot_id=row.bot_id or None,
            bot_user_id=row.bot_user_id or None,
            bot_scopes=row.bot_scopes,
            bot_refresh_token=row.bot_refresh_token,
            bot_token_expires_at=_epoch(row.bot_token_expires_at),
            user_id=row.installer_user_id,
            user_token=row.user_token,
            user_scopes=row.user_scopes,
            user_refresh_token=row.user_refresh_token,
            user_token_expires_at=_epoch(row.user_token_expires_at),
            is_enterprise_install=row.is_enterprise_install,
            token_type=row.token_type or None,
            installed_at=row.installed_at.timestamp(),
        )


class CrosswalkOAuthStateStore(AsyncOAuthStateStore):
    """``AsyncOAuthStateStore`` over ``slack_oauth_states``: single use, ten minutes."""

    def __init__(self, slack_store: SlackStore, clock: Clock, ttl: timedelta = STATE_TTL) -> None:
        self.slack_store = slack_store
        self.clock = clock
        self.ttl = ttl

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: object, **kwargs: object) -> str:
        return await self.slack_store.issue_state(self.clock(), self.ttl)

    async def async_consume(self, state: str) -> bool:
        if not isinstance(state, str) or not state or len(state) > 200:
            return False
        return await self.slack_store.consume_state(state, self.clock())
