"""Teams storage on the shared store: pressable cards sent, and deactivation on uninstall."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.store.store import Store

CARD_RETENTION = timedelta(days=30)


class TeamsStore:
    """SQL for the Teams edge; every statement is scoped to one org."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # ------------------------------------------------------------------ cards

    async def save_card(
        self, org_id: str, conversation_id: str, activity_id: str, message: str, now: datetime
    ) -> None:
        async with self.store.backend.write() as conn:
            await self.store.ensure_org(conn, org_id, now)
            await conn.execute(
                "INSERT INTO teams_cards (org_id, conversation_id, activity_id, message,"
                " created_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (org_id, conversation_id, activity_id)"
                " DO UPDATE SET message = excluded.message, created_at = excluded.created_at",
                org_id, conversation_id, activity_id, message, now,
            )

    async def load_card(self, org_id: str, conversation_id: str, activity_id: str) -> str | None:
        async with self.store.backend.read() as conn:
            raw = await conn.fetchval(
                "SELECT message FROM teams_cards"
                " WHERE org_id = ? AND conversation_id = ? AND activity_id = ?",
                org_id, conversation_id, activity_id,
            )
        return str(raw) if raw is not None else None

    async def forget_card(self, org_id: str, conversation_id: str, activity_id: str) -> None:
        async with self.store.backend.write() as conn:
            await conn.execute(
                "DELETE FROM teams_cards"
                " WHERE org_id = ? AND conversation_id = ? AND activity_id = ?",
                org_id, conversation_id, activity_id,
            )

    async def purge_cards(self, before: datetime) -> int:
        async with self.store.backend.write() as conn:
            purged: int = await conn.execute(
                "DELETE FROM teams_cards WHERE created_at < ?", before
            )
        return purged

    # ------------------------------------------------------------------ uninstall

    async def team_conversations(self, org_id: str, team_id: str) -> list[str]:
        """Active Teams conversations stored as belonging to a team (its channels)."""
        conversations = await self.store.list_conversations(org_id)
        return [
            c.id
            for c in conversations
            if c.channel == "teams"
            and c.active
            and (c.id == team_id or (c.reference or {}).get("teamId") == team_id)
        ]

    async def deactivate(
        self, org_id: str, conversation_ids: Sequence[str], reason: str, now: datetime
    ) -> int:
        """Deactivate several Teams conversations of one org at once; returns how many."""
        if not conversation_ids:
            return 0
        marks = ", ".join("?" for _ in conversation_ids)
        async with self.store.backend.write() as conn:
            changed: int = await conn.execute(
                "UPDATE conversations SET active = ?, inactive_reason = ?, updated_at = ?,"
                f" updated_by = ? WHERE org_id = ? AND channel = 'teams' AND id IN ({marks})"
                " AND active = ?",
                False, reason, now, "system", org_id, *conversation_ids, True,
            )
        return changed
