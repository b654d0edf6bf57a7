"""Slack installations, OAuth states and open forms, on the shared store.

Bot tokens are keyed by ``(enterprise_id, team_id)`` (``""`` when absent, so both engines can
use them in a primary key) and encrypted at rest with Fernet when a key is configured. A stored
ciphertext starts with ``fernet:``; plaintext rows written before a key was set are still read,
and encrypted on their next save.
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from bot.store.store import Store

log = logging.getLogger("crosswalk.store.slack")

CIPHER_PREFIX = "fernet:"
FORM_RETENTION = timedelta(days=30)


class TokenCipherError(ValueError):
    """A stored token cannot be read with the configured key."""


class TokenCipher:
    """Fernet with key rotation: ``CROSSWALK_ENCRYPTION_KEY=new,old`` encrypts with ``new``."""

    def __init__(self, keys: str = "") -> None:
        parts = [k.strip() for k in keys.split(",") if k.strip()]
        self._fernet = MultiFernet([Fernet(k) for k in parts]) if parts else None

    @property
    def enabled(self) -> bool:
        return self._fernet is not None

    def seal(self, value: str | None) -> str | None:
        if not value or self._fernet is None:
            return value
        return CIPHER_PREFIX + self._fernet.encrypt(value.encode()).decode()

    def open(self, stored: str | None) -> str | None:
        if not stored or not stored.startswith(CIPHER_PREFIX):
            return stored
        if self._fernet is None:
            raise TokenCipherError(
                "a stored Slack token is encrypted; set CROSSWALK_ENCRYPTION_KEY"
            )
        try:
            return self._fernet.decrypt(stored[len(CIPHER_PREFIX) :].encode()).decode()
        except InvalidToken:
            raise TokenCipherError(
                "a stored Slack token does not decrypt with CROSSWALK_ENCRYPTION_KEY"
            ) from None


@dataclass(frozen=True)
class SlackInstallation:
    """One workspace (or org-wide) installation; tokens are plaintext in memory only."""

    enterprise_id: str
    team_id: str
    org_id: str
    installed_at: datetime
    app_id: str = ""
    enterprise_name: str = ""
    team_name: str = ""
    bot_id: str = ""
    bot_user_id: str = ""
    bot_scopes: str = ""
    bot_token: str | None = None
    bot_refresh_token: str | None = None
    bot_token_expires_at: datetime | None = None
    installer_user_id: str = ""
    user_token: str | None = None
    user_scopes: str = ""
    user_refresh_token: str | None = None
    user_token_expires_at: datetime | None = None
    is_enterprise_install: bool = False
    token_type: str = ""
    active: bool = True
    inactive_reason: str | None = None


_SECRETS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")
_COLUMNS = (
    "enterprise_id", "team_id", "org_id", "app_id", "enterprise_name", "team_name", "bot_id",
    "bot_user_id", "bot_scopes", "bot_token", "bot_refresh_token", "bot_token_expires_at",
    "installer_user_id", "user_token", "user_scopes", "user_refresh_token",
    "user_token_expires_at", "is_enterprise_install", "token_type", "installed_at", "active",
    "inactive_reason",
)


@dataclass(frozen=True)
class SlackForm:
    """A form posted as an "Open form" button: its modal and where its message is."""

    org_id: str
    token: str
    channel_id: str
    thread_ts: str | None
    message_ts: str | None
    view: dict[str, Any]
    answered: dict[str, Any] | None


def _json(raw: Any) -> Any:
    return json.loads(raw) if isinstance(raw, str) else raw


class SlackStore:
    """Slack's rows in the shared database."""

    def __init__(self, store: Store, cipher: TokenCipher | None = None) -> None:
        self.store = store
        self.backend = store.backend
        self.cipher = cipher or TokenCipher()

    # ------------------------------------------------------------------ installations

    async def save_installation(self, inst: SlackInstallation, now: datetime) -> None:
        """Insert or replace the installation for its ``(enterprise_id, team_id)``; active."""
        row = {c: getattr(inst, c) for c in _COLUMNS}
        row.update({k: self.cipher.seal(row[k]) for k in _SECRETS})
        row["active"], row["inactive_reason"] = True, None
        names = ", ".join(_COLUMNS)
        marks = ", ".join("?" for _ in _COLUMNS)
        updates = ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS[2:])
        async with self.backend.write() as conn:
            await self.store.ensure_org(conn, inst.org_id, now)
            await conn.execute(
                f"INSERT INTO slack_installations ({names}, updated_at) VALUES ({marks}, ?)"
                f" ON CONFLICT (enterprise_id, team_id) DO UPDATE SET {updates},"
                " updated_at = excluded.updated_at",
                *(row[c] for c in _COLUMNS), now,
            )

    async def find_installation(
        self, enterprise_id: str | None, team_id: str | None
    ) -> SlackInstallation | None:
        """The installation row, active or not; tokens decrypted (``None`` when unreadable)."""
        async with self.backend.read() as conn:
            row = await conn.fetchrow(
                f"SELECT {', '.join(_COLUMNS)} FROM slack_installations"
                " WHERE enterprise_id = ? AND team_id = ?",
                enterprise_id or "", team_id or "",
            )
        if row is None:
            return None
        values = dict(row)
        for key in _SECRETS:
            try:
                values[key] = self.cipher.open(values[key])
            except TokenCipherError as exc:
                log.error("slack installation %s/%s: %s", enterprise_id, team_id, exc)
                values[key] = None
        values["is_enterprise_install"] = bool(values["is_enterprise_install"])
        values["active"] = bool(values["active"])
        for key in ("app_id", "enterprise_name", "team_name", "bot_id", "bot_user_id",
                    "bot_scopes", "installer_user_id", "user_scopes", "token_type"):
            values[key] = values[key] or ""
        return SlackInstallation(**values)

    async def list_installations(self) -> list[SlackInstallation]:
        async with self.backend.read() as conn:
            keys = await conn.fetch(
                "SELECT enterprise_id, team_id FROM slack_installations"
                " ORDER BY enterprise_id, team_id"
            )
        found = [await self.find_installation(k["enterprise_id"], k["team_id"]) for k in keys]
        return [i for i in found if i is not None]

    async def deactivate_installation(
        self, enterprise_id: str | None, team_id: str | None, reason: str, now: datetime,
        *, org_id: str = "",
    ) -> None:
        """Stop all sending to a workspace and record why; its tokens are erased.

        A row is created when none exists (single-workspace mode keeps its token in the
        environment), so the deactivation is remembered across restarts.
        """
        org = org_id or enterprise_id or team_id or ""
        async with self.backend.write() as conn:
            await self.store.ensure_org(conn, org, now)
            await conn.execute(
                "INSERT INTO slack_installations (enterprise_id, team_id, org_id, installed_at,"
                " active, inactive_reason, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (enterprise_id, team_id) DO UPDATE SET active = excluded.active,"
                " inactive_reason = excluded.inactive_reason, bot_token = NULL,"
                " bot_refresh_token = NULL, user_token = NULL, user_refresh_token = NULL,"
                " updated_at = excluded.updated_at",
                enterprise_id or "", team_id or "", org, now, False, reason, now,
            )

    async def reactivate_installation(
        self, enterprise_id: str | None, team_id: str | None, now: datetime
    ) -> bool:
        """Mark an inactive row active again (the environment's token works again)."""
        async with self.backend.write() as conn:
            changed: int = await conn.execute(
                "UPDATE slack_installations SET active = ?, inactive_reason = NULL,"
                " updated_at = ? WHERE enterprise_id = ? AND team_id = ? AND active = ?",
                True, now, enterprise_id or "", team_id or "", False,
            )
        return changed > 0

    async def forget_user_token(
        self, enterprise_id: str | None, team_id: str | None, user_id: str, now: datetime
    ) -> None:
        async with self.backend.write() as conn:
            await conn.execute(
                "UPDATE slack_installations SET user_token = NULL, user_refresh_token = NULL,"
                " updated_at = ? WHERE enterprise_id = ? AND team_id = ? AND installer_user_id = ?",
                now, enterprise_id or "", team_id or "", user_id,
            )

    # ------------------------------------------------------------------ OAuth state

    async def issue_state(self, now: datetime, ttl: timedelta) -> str:
        """A new single-use OAuth state; expired ones are dropped on the way."""
        state = secrets.token_urlsafe(24)
        async with self.backend.write() as conn:
            await conn.execute("DELETE FROM slack_oauth_states WHERE expires_at <= ?", now)
            await conn.execute(
                "INSERT INTO slack_oauth_states (state, expires_at) VALUES (?, ?)",
                state, now + ttl,
            )
        return state

    async def consume_state(self, state: str, now: datetime) -> bool:
        """True once for a state that was issued and has not expired."""
        async with self.backend.write() as conn:
            deleted: int = await conn.execute(
                "DELETE FROM slack_oauth_states WHERE state = ? AND expires_at > ?", state, now
            )
        return deleted == 1

    # ------------------------------------------------------------------ forms

    async def save_form(self, form: SlackForm, now: datetime) -> None:
        async with self.backend.write() as conn:
            await conn.execute("DELETE FROM slack_forms WHERE created_at < ?", now - FORM_RETENTION)
            await self.store.ensure_org(conn, form.org_id, now)
            await conn.execute(
                "INSERT INTO slack_forms (org_id, token, channel_id, thread_ts, message_ts, view,"
                " answered, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (org_id, token) DO UPDATE SET channel_id = excluded.channel_id,"
                " thread_ts = excluded.thread_ts, message_ts = excluded.message_ts,"
                " view = excluded.view, answered = excluded.answered,"
                " created_at = excluded.created_at",
                form.org_id, form.token, form.channel_id, form.thread_ts, form.message_ts,
                json.dumps(form.view), json.dumps(form.answered) if form.answered else None, now,
            )

    async def find_form(self, org_id: str, token: str) -> SlackForm | None:
        async with self.backend.read() as conn:
            row = await conn.fetchrow(
                "SELECT org_id, token, channel_id, thread_ts, message_ts, view, answered"
                " FROM slack_forms WHERE org_id = ? AND token = ?",
                org_id, token,
            )
        if row is None:
            return None
        return SlackForm(**{**row, "view": _json(row["view"]), "answered": _json(row["answered"])})

    async def forget_form(self, org_id: str, token: str) -> None:
        async with self.backend.write() as conn:
            await conn.execute(
                "DELETE FROM slack_forms WHERE org_id = ? AND token = ?", org_id, token
            )

