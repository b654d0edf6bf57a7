"""Interview sessions and profile versions: ``dialogs.interview.ports.InterviewData`` in SQL.

The database keeps the promises: one open session per person and organisation (a unique partial
index), and profile versions numbered 1, 2, 3… per organisation with no gap and no double (the
primary key, and an insert that names the version it expects to follow).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.store.db import Conn, Row
from dialogs.interview.ports import ProfileVersion, Source
from dialogs.interview.session import (
    AWAITING,
    STATUSES,
    Pending,
    Session,
    Status,
    parse_answers,
    parse_steps,
)
from dialogs.profile import DISCIPLINE_KEYS, Profile

if TYPE_CHECKING:
    from bot.store.store import Store

_SESSION_COLUMNS = (
    "id, org_id, user_id, status, step, awaiting, answers, skipped, pending, history,"
    " base_version, seen_version, revision, created_at, updated_at, completed_at"
)


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _loads(raw: Any) -> Any:
    if raw is None or not isinstance(raw, str):
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _session(row: Row) -> Session:
    status: Status = next((s for s in STATUSES if s == row["status"]), "cancelled")
    awaiting = next((a for a in AWAITING if a == row["awaiting"]), None)
    return Session(
        id=int(row["id"]),
        org_id=row["org_id"],
        user_id=row["user_id"],
        status=status,
        step=row["step"],
        awaiting=awaiting,
        answers=parse_answers(_loads(row["answers"])),
        skipped=parse_steps(_loads(row["skipped"])),
        pending=Pending.from_json(_loads(row["pending"])),
        history=parse_steps(_loads(row["history"])),
        base_version=row["base_version"],
        seen_version=row["seen_version"],
        revision=int(row["revision"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        completed_at=row["completed_at"],
    )


def _version(row: Row) -> ProfileVersion:
    data = _loads(row["profile"])
    if not isinstance(data, dict):
        data = {}
    data.update(org=row["org_id"], version=row["version"], updated=row["created_at"])
    found = data.get("disciplines")
    if isinstance(found, dict):  # both engines store JSON keys in their own order
        data["disciplines"] = {k: found[k] for k in DISCIPLINE_KEYS if k in found} | found
    return ProfileVersion(
        version=int(row["version"]),
        profile=Profile.model_validate(data),
        created_at=row["created_at"],
        created_by=row["created_by"],
        source=row["source"],
        session_id=row["session_id"],
    )


class InterviewRepo:
    """One organisation's sessions and profile versions over a connection in a transaction."""

    def __init__(self, conn: Conn, org_id: str, now: datetime, *, lock: bool = True) -> None:
        self.conn = conn
        self.org_id = org_id
        self.now = now  # stamps new profile versions
        self.lock = lock  # in a write transaction: lock the open session for the turn

    def _lock(self) -> str:
        return " FOR UPDATE" if self.lock and self.conn.engine == "postgresql" else ""

    # ------------------------------------------------------------------ sessions

    async def open_session(self, user_id: str) -> Session | None:
        row = await self.conn.fetchrow(
            f"SELECT {_SESSION_COLUMNS} FROM interview_sessions"
            " WHERE org_id = ? AND user_id = ? AND status <> 'complete'" + self._lock(),
            self.org_id, user_id,
        )  # fmt: skip
        return _session(row) if row is not None else None

    async def latest_session(self, user_id: str) -> Session | None:
        row = await self.conn.fetchrow(
            f"SELECT {_SESSION_COLUMNS} FROM interview_sessions"
            " WHERE org_id = ? AND user_id = ? ORDER BY id DESC LIMIT 1",
            self.org_id, user_id,
        )  # fmt: skip
        return _session(row) if row is not None else None

    async def create_session(self, session: Session) -> Session:
        new_id = await self.conn.fetchval(
            "INSERT INTO interview_sessions (org_id, user_id, status, step, awaiting, answers,"
            " skipped, pending, history, base_version, seen_version, revision, created_at,"
            " updated_at, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " RETURNING id",
            self.org_id, session.user_id, *self._values(session),
            session.created_at, session.updated_at, session.completed_at,
        )  # fmt: skip
        session.id = int(new_id)
        session.org_id = self.org_id
        return session

    async def save_session(self, session: Session) -> None:
        await self.conn.execute(
            "UPDATE interview_sessions SET status = ?, step = ?, awaiting = ?, answers = ?,"
            " skipped = ?, pending = ?, history = ?, base_version = ?, seen_version = ?,"
            " revision = ?, updated_at = ?, completed_at = ? WHERE org_id = ? AND id = ?",
            *self._values(session), session.updated_at, session.completed_at,
            self.org_id, session.id,
        )  # fmt: skip

    @staticmethod
    def _values(session: Session) -> list[Any]:
        pending = session.pending
        return [
            session.status,
            session.step,
            session.awaiting,
            _json(session.answers),
            _json(session.skipped),
            _json(pending.to_json()) if pending is not None else None,
            _json(session.history),
            session.base_version,
            session.seen_version,
            session.revision,
        ]

    # ------------------------------------------------------------------ profile versions

    async def latest_profile(self) -> ProfileVersion | None:
        row = await self.conn.fetchrow(
            "SELECT * FROM profile_versions WHERE org_id = ? ORDER BY version DESC LIMIT 1",
            self.org_id,
        )
        return _version(row) if row is not None else None

    async def profile_version(self, version: int) -> ProfileVersion | None:
        row = await self.conn.fetchrow(
            "SELECT * FROM profile_versions WHERE org_id = ? AND version = ?",
            self.org_id, version,
        )  # fmt: skip
        return _version(row) if row is not None else None

    async def profile_versions(self) -> list[ProfileVersion]:
        rows = await self.conn.fetch(
            "SELECT * FROM profile_versions WHERE org_id = ? ORDER BY version", self.org_id
        )
        return [_version(r) for r in rows]

    async def add_profile_version(
        self,
        profile: Profile,
        by: str,
        source: Source,
        session_id: int | None,
        expected: int,
    ) -> int | None:
        """Insert version ``expected`` only if it follows the latest; ``None`` if it does not."""
        data = profile.stripped().model_dump(mode="json", exclude={"version", "updated"})
        inserted = await self.conn.execute(
            "INSERT INTO profile_versions (org_id, version, profile, created_at, created_by,"
            " source, session_id) SELECT ?, ?, ?, ?, ?, ?, ?"
            " WHERE (SELECT COALESCE(MAX(version), 0) FROM profile_versions WHERE org_id = ?)"
            " = ? ON CONFLICT (org_id, version) DO NOTHING",
            self.org_id, expected, _json(data), self.now, by, source, session_id,
            self.org_id, expected - 1,
        )  # fmt: skip
        return expected if inserted else None


@asynccontextmanager
async def interview_repo(
    store: Store, org_id: str, now: datetime, *, write: bool = False
) -> AsyncIterator[InterviewRepo]:
    """A repository outside a turn (the CLI), in a read or write transaction."""
    async with (store.backend.write() if write else store.backend.read()) as conn:
        if write:
            await store.ensure_org(conn, org_id, now)
        yield InterviewRepo(conn, org_id, now, lock=write)
