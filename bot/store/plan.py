"""Plan versions, action statuses and postings: ``dialogs.plan.ports.PlanData`` in SQL.

Plan versions are numbered 1, 2, 3… per organisation by one ``INSERT … SELECT MAX + 1`` under a
unique key: two turns building the same new version at once store it once (the loser reads the
winner's row). Profiles are read from the interview's ``profile_versions`` table through
``bot.store.interview.InterviewRepo``, and each plan version references the profile version it
was built from.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot.store.db import Conn, Row
from dialogs.plan.model import STATUSES, ActionState, PlanDoc, Posting, Status, StoredPlan
from dialogs.profile import Profile

if TYPE_CHECKING:
    from bot.store.store import Store

log = logging.getLogger("crosswalk.store.plan")

RECORD_PREFIX = "plan:"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_PLAN_COLUMNS = "id, org_id, version, profile_version, document, created_at, created_by"


def _ts(value: Any) -> datetime | None:
    """A stored timestamp as an aware datetime (SQLite may hand back text)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _plan(row: Row) -> StoredPlan | None:
    raw = row["document"]
    try:
        data = json.loads(raw) if isinstance(raw, str) else raw
        doc = PlanDoc.from_dict(data)
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("plan version %s of org %s is unreadable (%s); it is skipped",
                    row["version"], row["org_id"], exc.__class__.__name__)
        return None
    return StoredPlan(
        id=int(row["id"]),
        org_id=row["org_id"],
        version=int(row["version"]),
        profile_version=int(row["profile_version"]),
        created_at=_ts(row["created_at"]) or _EPOCH,
        created_by=row["created_by"],
        doc=doc,
    )


def _state(row: Row) -> ActionState:
    status: Status = row["status"] if row["status"] in STATUSES else "open"
    return ActionState(
        action_id=row["action_id"],
        status=status,
        by=row["status_by"],
        by_name=row["status_by_name"],
        at=_ts(row["status_at"]),
        snoozed_until=_ts(row["snoozed_until"]),
        owner=row["owner"],
        revision=int(row["revision"]),
    )


def _posting(row: Row) -> Posting:
    return Posting(
        id=int(row["id"]),
        plan_id=int(row["plan_id"]),
        version=int(row["version"]),
        channel=row["channel"],
        conversation_id=row["conversation_id"],
        target=row["target"],
        channel_ref=row["channel_ref"],
        by=row["posted_by"],
        at=_ts(row["posted_at"]) or _EPOCH,
        status=row["status"],
        message_id=row["message_id"],
        reason=row["reason"],
    )


def parse_record(record: str) -> int | None:
    """The plan id in a ``Post.record`` such as ``plan:7``; ``None`` for anything else."""
    if not record.startswith(RECORD_PREFIX):
        return None
    raw = record[len(RECORD_PREFIX):]
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


class PlanRepo:
    """``PlanData`` (and ``ProfileSource``) over a connection inside the caller's transaction."""

    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    # ------------------------------------------------------------------ profiles

    async def latest_profile(self, org_id: str) -> Profile | None:
        """The newest profile version the interview (or an import) wrote."""
        from bot.store.interview import InterviewRepo

        try:
            found = await InterviewRepo(self.conn, org_id, _EPOCH).latest_profile()
        except ValueError as exc:  # a stored profile that no longer validates
            log.warning("latest profile of org %s is unreadable (%s)", org_id,
                        exc.__class__.__name__)
            return None
        return found.profile if found is not None else None

    # ------------------------------------------------------------------ versions

    async def latest_plan(self, org_id: str) -> StoredPlan | None:
        rows = await self.conn.fetch(
            f"SELECT {_PLAN_COLUMNS} FROM plan_versions WHERE org_id = ?"
            " ORDER BY version DESC LIMIT 3",
            org_id,
        )
        for row in rows:  # an unreadable newest version falls back to the one before
            plan = _plan(row)
            if plan is not None:
                return plan
        return None

    async def get_plan(self, org_id: str, plan_id: int) -> StoredPlan | None:
        row = await self.conn.fetchrow(
            f"SELECT {_PLAN_COLUMNS} FROM plan_versions WHERE org_id = ? AND id = ?",
            org_id, plan_id,
        )  # fmt: skip
        return _plan(row) if row is not None else None

    async def get_plan_version(self, org_id: str, version: int) -> StoredPlan | None:
        row = await self.conn.fetchrow(
            f"SELECT {_PLAN_COLUMNS} FROM plan_versions WHERE org_id = ? AND version = ?",
            org_id, version,
        )  # fmt: skip
        return _plan(row) if row is not None else None

    async def plan_versions(self, org_id: str) -> list[tuple[int, int, datetime]]:
        """(version, profile version, created at) of every stored version, oldest first."""
        rows = await self.conn.fetch(
            "SELECT version, profile_version, created_at FROM plan_versions WHERE org_id = ?"
            " ORDER BY version",
            org_id,
        )
        return [(int(r["version"]), int(r["profile_version"]), _ts(r["created_at"]) or _EPOCH)
                for r in rows]

    async def save_plan(
        self,
        org_id: str,
        doc: PlanDoc,
        profile_version: int,
        now: datetime,
        by: str,
        expected: int | None = None,
    ) -> StoredPlan:
        """Insert the next version; with ``expected``, only if it is still the next one.

        A turn that lost the race (another stored a version since it read the latest) gets the
        version that is there now instead of a duplicate.
        """
        document = json.dumps(doc.to_dict(), ensure_ascii=False, sort_keys=True)
        guard = ""
        args: list[Any] = [org_id, profile_version, doc.library, doc.partial, document, now, by,
                           org_id]
        if expected is not None:
            guard = (" HAVING COALESCE(MAX(version), 0) = ?")
            args.append(expected - 1)
        row = await self.conn.fetchrow(
            "INSERT INTO plan_versions (org_id, version, profile_version, library, partial,"
            " document, created_at, created_by)"
            " SELECT ?, COALESCE(MAX(version), 0) + 1, ?, ?, ?, ?, ?, ?"
            " FROM plan_versions WHERE org_id = ?" + guard +
            " ON CONFLICT (org_id, version) DO NOTHING RETURNING id, version",
            *args,
        )
        if row is None:  # another turn stored a version a moment ago: use theirs
            latest = await self.latest_plan(org_id)
            if latest is None:
                raise RuntimeError(f"plan version for org {org_id} neither stored nor found")
            return latest
        return StoredPlan(int(row["id"]), org_id, int(row["version"]), profile_version, now, by,
                          doc)

    # ------------------------------------------------------------------ statuses

    async def action_states(self, org_id: str) -> Mapping[str, ActionState]:
        rows = await self.conn.fetch(
            "SELECT * FROM plan_actions WHERE org_id = ? ORDER BY action_id", org_id
        )
        return {r["action_id"]: _state(r) for r in rows}

    async def save_action_state(
        self,
        org_id: str,
        state: ActionState,
        *,
        plan_id: int,
        change: str,
        old: str,
        new: str,
        via: str,
        by: str | None = None,
        by_name: str | None = None,
        at: datetime | None = None,
    ) -> None:
        await self.conn.execute(
            "INSERT INTO plan_actions (org_id, action_id, status, status_by, status_by_name,"
            " status_at, snoozed_until, owner, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (org_id, action_id) DO UPDATE SET status = excluded.status,"
            " status_by = excluded.status_by, status_by_name = excluded.status_by_name,"
            " status_at = excluded.status_at, snoozed_until = excluded.snoozed_until,"
            " owner = excluded.owner, revision = excluded.revision",
            org_id, state.action_id, state.status, state.by, state.by_name, state.at,
            state.snoozed_until, state.owner, state.revision,
        )  # fmt: skip
        when = at or state.at
        if when is None:
            raise ValueError("a plan action change needs a time")
        await self.conn.execute(
            "INSERT INTO plan_action_events (org_id, action_id, plan_id, change, old_value,"
            " new_value, by_user, by_name, via, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            org_id, state.action_id, plan_id, change, old, new,
            by if by is not None else state.by,
            by_name if by_name is not None else state.by_name, via, when,
        )  # fmt: skip

    async def action_events(self, org_id: str, since: datetime | None = None) -> list[Row]:
        """The history of status, snooze and owner changes, oldest first."""
        return await self.conn.fetch(
            "SELECT action_id, plan_id, change, old_value, new_value, by_user, by_name, via, at"
            " FROM plan_action_events WHERE org_id = ? AND at >= ? ORDER BY at, id",
            org_id, since or _EPOCH,
        )  # fmt: skip

    # ------------------------------------------------------------------ postings

    async def record_posting(self, org_id: str, posting: Posting) -> int:
        row = await self.conn.fetchrow(
            "INSERT INTO plan_postings (org_id, plan_id, version, channel, conversation_id,"
            " target, channel_ref, status, message_id, reason, posted_by, posted_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            org_id, posting.plan_id, posting.version, posting.channel, posting.conversation_id,
            posting.target, posting.channel_ref, posting.status, posting.message_id,
            posting.reason, posting.by, posting.at, posting.at,
        )  # fmt: skip
        assert row is not None
        return int(row["id"])

    async def postings(self, org_id: str, limit: int = 20) -> Sequence[Posting]:
        rows = await self.conn.fetch(
            "SELECT * FROM plan_postings WHERE org_id = ? ORDER BY id DESC LIMIT ?",
            org_id, limit,
        )  # fmt: skip
        return [_posting(r) for r in rows]

    async def confirm_posting(
        self,
        org_id: str,
        record: str,
        *,
        ok: bool,
        now: datetime,
        message_id: str = "",
        reason: str = "",
    ) -> bool:
        """Mark the newest requested posting of ``record`` (``plan:<id>``) posted or failed."""
        plan_id = parse_record(record)
        if plan_id is None:
            return False
        changed = await self.conn.execute(
            "UPDATE plan_postings SET status = ?, message_id = ?, reason = ?, updated_at = ?"
            " WHERE id = (SELECT id FROM plan_postings WHERE org_id = ? AND plan_id = ?"
            " AND status = 'requested' ORDER BY id DESC LIMIT 1)",
            "posted" if ok else "failed", message_id[:500], reason[:500], now, org_id, plan_id,
        )  # fmt: skip
        return changed > 0


@asynccontextmanager
async def plan_repo(store: Store, *, write: bool = False) -> AsyncIterator[PlanRepo]:
    """A repository outside a turn (the CLI, the edges), in a read or write transaction."""
    async with (store.backend.write() if write else store.backend.read()) as conn:
        yield PlanRepo(conn)
