"""The store: one implementation over the two backends, org-scoped everywhere."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from bot.store.db import Conn, DatabaseUrl, PostgresBackend, SqliteBackend, open_backend
from bot.store.migrate import migrate, pending
from dialogs.messages import Channel, Origin, Sender
from dialogs.state import ConversationState


class Claim(Enum):
    """What claiming an inbound id found."""

    CLAIMED = "claimed"
    DUPLICATE = "duplicate"  # an earlier turn finished with it
    ABANDONED = "abandoned"  # an earlier turn claimed it and never finished (at most once)


@dataclass(frozen=True)
class Conversation:
    org_id: str
    channel: Channel
    id: str
    is_direct: bool
    reference: dict[str, Any] | None
    active: bool
    inactive_reason: str | None
    updated_at: datetime
    updated_by: str


def _conversation(row: dict[str, Any]) -> Conversation:
    ref = row["reference"]
    return Conversation(
        org_id=row["org_id"],
        channel=row["channel"],
        id=row["id"],
        is_direct=bool(row["is_direct"]),
        reference=json.loads(ref) if isinstance(ref, str) else ref,
        active=bool(row["active"]),
        inactive_reason=row["inactive_reason"],
        updated_at=row["updated_at"],
        updated_by=row["updated_by"],
    )


class TurnTx:
    """One turn's transaction: the conversation row is locked until it ends.

    It implements the core's storage protocols (``dialogs.turn.TurnData`` and the feature ports)
    over the same connection, so everything a turn changes commits together.
    """

    def __init__(self, conn: Conn, origin: Origin, now: datetime) -> None:
        self.conn = conn
        self.origin = origin
        self.org_id = origin.org_id
        self.now = now
        self.state = ConversationState()
        self._revision = 0
        # ---- nudges (issue 10): the core's NudgeData over this transaction
        from bot.store.nudges import nudge_repo
        from dialogs.nudges.ports import NudgeData

        self.nudges: NudgeData = nudge_repo(conn)
        # ---- Q&A (issue 5): content gaps and answer feedback (the core's QaLog)
        from bot.store.qa import QaRepo

        self.qa = QaRepo(conn, origin)
        # ---- interview (issue 6): sessions and profile versions (the core's InterviewData)
        from bot.store.interview import InterviewRepo

        self.interview = InterviewRepo(conn, origin.org_id, now)
        # ---- plan (issue 7): plan versions, action statuses, postings (the core's PlanData)
        from bot.store.plan import PlanRepo

        self.plans = PlanRepo(conn)

    async def _load(self, for_update: str) -> None:
        row = await self.conn.fetchrow(
            "SELECT state, revision FROM conversation_state"
            " WHERE org_id = ? AND channel = ? AND conversation_id = ?" + for_update,
            self.org_id, self.origin.channel, self.origin.conversation_id,
        )
        if row is not None:
            self.state = ConversationState.from_json(row["state"])
            self._revision = int(row["revision"])

    async def save_state(self, state: ConversationState, by: str) -> None:
        await self.conn.execute(
            "UPDATE conversation_state SET state = ?, revision = revision + 1,"
            " updated_at = ?, updated_by = ?"
            " WHERE org_id = ? AND channel = ? AND conversation_id = ?",
            state.to_json(), self.now, by,
            self.org_id, self.origin.channel, self.origin.conversation_id,
        )

    async def complete_inbound(self, inbound_id: str) -> None:
        """Mark the inbound id handled, in the same transaction as the turn's changes."""
        await self.conn.execute(
            "UPDATE inbound_claims SET completed_at = ?"
            " WHERE channel = ? AND org_id = ? AND inbound_id = ?",
            self.now, self.origin.channel, self.org_id, inbound_id,
        )

    async def save_reference(self, reference: dict[str, Any], by: str) -> None:
        await self.conn.execute(
            "UPDATE conversations SET reference = ?, updated_at = ?, updated_by = ?"
            " WHERE org_id = ? AND channel = ? AND id = ?",
            json.dumps(reference, sort_keys=True), self.now, by,
            self.org_id, self.origin.channel, self.origin.conversation_id,
        )


class Store:
    """Persistence for every feature; every read takes the org id."""

    def __init__(self, backend: SqliteBackend | PostgresBackend) -> None:
        self.backend = backend
        self.engine = backend.engine

    @classmethod
    async def open(cls, url: str | DatabaseUrl, *, migrate_now: bool = True) -> Store:
        store = cls(await open_backend(url))
        if migrate_now:
            await store.migrate()
        return store

    async def migrate(self) -> int:
        return len(await migrate(self.backend))

    async def pending_migrations(self) -> int:
        return len(await pending(self.backend))

    async def ping(self) -> None:
        await self.backend.ping()

    async def close(self) -> None:
        await self.backend.close()

    # ------------------------------------------------------------------ orgs

    async def ensure_org(self, conn: Conn, org_id: str, now: datetime) -> None:
        await conn.execute(
            "INSERT INTO orgs (id, created_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING",
            org_id, now,
        )

    async def list_orgs(self) -> list[str]:
        async with self.backend.read() as conn:
            return [r["id"] for r in await conn.fetch("SELECT id FROM orgs ORDER BY id")]

    async def delete_org(self, org_id: str) -> bool:
        async with self.backend.write() as conn:
            deleted: int = await conn.execute("DELETE FROM orgs WHERE id = ?", org_id)
        return deleted > 0

    # ------------------------------------------------------------------ inbound claims

    async def claim_inbound(
        self, channel: Channel, org_id: str, inbound_id: str, now: datetime
    ) -> Claim:
        """Claim an inbound id before any side effect; committed at once."""
        async with self.backend.write() as conn:
            await self.ensure_org(conn, org_id, now)
            inserted = await conn.execute(
                "INSERT INTO inbound_claims (channel, org_id, inbound_id, claimed_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                channel, org_id, inbound_id, now,
            )
            if inserted:
                return Claim.CLAIMED
            done = await conn.fetchval(
                "SELECT completed_at FROM inbound_claims"
                " WHERE channel = ? AND org_id = ? AND inbound_id = ?",
                channel, org_id, inbound_id,
            )
        return Claim.DUPLICATE if done is not None else Claim.ABANDONED

    async def complete_inbound(
        self, channel: Channel, org_id: str, inbound_id: str, now: datetime
    ) -> None:
        async with self.backend.write() as conn:
            await conn.execute(
                "UPDATE inbound_claims SET completed_at = ?"
                " WHERE channel = ? AND org_id = ? AND inbound_id = ?",
                now, channel, org_id, inbound_id,
            )

    async def purge_claims(self, before: datetime) -> tuple[int, int]:
        """Delete claims older than ``before``; returns (purged, of which never completed)."""
        async with self.backend.write() as conn:
            abandoned = await conn.fetchval(
                "SELECT COUNT(*) FROM inbound_claims WHERE claimed_at < ? AND completed_at IS NULL",
                before,
            )
            purged = await conn.execute("DELETE FROM inbound_claims WHERE claimed_at < ?", before)
        return purged, int(abandoned or 0)

    # ------------------------------------------------------------------ turns

    @asynccontextmanager
    async def turn(self, origin: Origin, sender: Sender, now: datetime) -> AsyncIterator[TurnTx]:
        """Open the turn's transaction with the conversation locked and its state loaded."""
        async with self.backend.write() as conn:
            await self.ensure_org(conn, origin.org_id, now)
            await conn.execute(
                "INSERT INTO users (org_id, id, display_name, platform_user_id, time_zone,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (org_id, id) DO UPDATE SET"
                " display_name = CASE WHEN excluded.display_name = '' THEN users.display_name"
                "  ELSE excluded.display_name END,"
                " platform_user_id = CASE WHEN excluded.platform_user_id = ''"
                "  THEN users.platform_user_id ELSE excluded.platform_user_id END,"
                " time_zone = COALESCE(excluded.time_zone, users.time_zone),"
                " updated_at = excluded.updated_at",
                origin.org_id, sender.user_id, sender.display_name, sender.platform_user_id,
                sender.time_zone, now, now,
            )
            await conn.execute(
                "INSERT INTO conversations (org_id, channel, id, is_direct, created_at,"
                " updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (org_id, channel, id) DO UPDATE SET active = ?,"
                " inactive_reason = NULL",
                origin.org_id, origin.channel, origin.conversation_id, origin.is_direct,
                now, now, sender.user_id, True,
            )
            await conn.execute(
                "INSERT INTO conversation_state (org_id, channel, conversation_id, updated_at,"
                " updated_by) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (org_id, channel, conversation_id) DO NOTHING",
                origin.org_id, origin.channel, origin.conversation_id, now, sender.user_id,
            )
            tx = TurnTx(conn, origin, now)
            await tx._load(self.backend.for_update())
            yield tx

    # ------------------------------------------------------------------ conversations

    async def get_conversation(
        self, org_id: str, channel: Channel, conversation_id: str
    ) -> Conversation | None:
        async with self.backend.read() as conn:
            row = await conn.fetchrow(
                "SELECT * FROM conversations WHERE org_id = ? AND channel = ? AND id = ?",
                org_id, channel, conversation_id,
            )
        return _conversation(row) if row else None

    async def list_conversations(self, org_id: str) -> list[Conversation]:
        async with self.backend.read() as conn:
            rows = await conn.fetch(
                "SELECT * FROM conversations WHERE org_id = ? ORDER BY channel, id", org_id
            )
        return [_conversation(r) for r in rows]

    async def deactivate_conversation(
        self, org_id: str, channel: Channel, conversation_id: str, reason: str, now: datetime
    ) -> None:
        async with self.backend.write() as conn:
            await conn.execute(
                "UPDATE conversations SET active = ?, inactive_reason = ?, updated_at = ?,"
                " updated_by = ? WHERE org_id = ? AND channel = ? AND id = ?",
                False, reason, now, "system", org_id, channel, conversation_id,
            )

    async def load_state(
        self, org_id: str, channel: Channel, conversation_id: str
    ) -> ConversationState:
        async with self.backend.read() as conn:
            raw = await conn.fetchval(
                "SELECT state FROM conversation_state"
                " WHERE org_id = ? AND channel = ? AND conversation_id = ?",
                org_id, channel, conversation_id,
            )
        return ConversationState.from_json(raw)
