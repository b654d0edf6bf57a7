"""Nudge storage: subscriptions (with their change log) and durable deliveries.

Deliveries follow procrastinate's rules: one row per (subscription, occurrence) under a unique key,
enqueued with ``ON CONFLICT DO NOTHING``; claimed in one ``UPDATE … RETURNING`` (with ``FOR UPDATE
SKIP LOCKED`` on PostgreSQL, under ``BEGIN IMMEDIATE`` on SQLite); every later transition names the
claim token it expects, so a process whose lease was taken over changes nothing.

States: ``pending → claimed (lease) → sending → sent | failed | unknown``, plus ``missed`` (older
than the catch-up window) and ``skipped`` (unsubscribed meanwhile, nothing changed, …). A claim
whose lease expires is claimed again; a row whose lease expires in ``sending`` becomes ``unknown``
and is never sent again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from bot.store.db import Conn
from dialogs.messages import Channel
from dialogs.nudges.cadence import Rule, next_run, occurrences
from dialogs.nudges.model import Change, LastDelivery, Subscription
from dialogs.nudges.ports import PlanView

if TYPE_CHECKING:
    from bot.store.store import Store

MAX_BACKLOG = 60  # occurrences recorded per subscription after a long outage (latest kept)
_SUB_COLUMNS = (
    "s.id, s.org_id, s.channel, s.conversation_id, s.weekday, s.local_time, s.zone,"
    " s.only_changed, s.status, s.next_run_at, s.paused_until, s.inactive_reason, s.lane,"
    " s.last_sent_at, s.revision, s.created_at, s.created_by, s.updated_at, s.updated_by"
)
_LAST_JOIN = (
    " LEFT JOIN nudge_deliveries d ON d.id = (SELECT x.id FROM nudge_deliveries x"
    " WHERE x.subscription_id = s.id ORDER BY x.occurrence_at DESC, x.id DESC LIMIT 1)"
)
_LAST_COLUMNS = (
    ", d.state AS d_state, d.occurrence_at AS d_occurrence_at, d.updated_at AS d_updated_at,"
    " d.reason AS d_reason, d.platform_id AS d_platform_id"
)


def ts(value: Any) -> datetime | None:
    """A stored timestamp as an aware UTC datetime (SQLite loses declared types in RETURNING)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def iso(value: datetime) -> str:
    """The SQLite adapter's text form (UTC ISO-8601), for values passed inside JSON."""
    return value.astimezone(UTC).isoformat()


def _schedule(
    key: tuple[int, str, str, datetime], now: datetime
) -> tuple[list[datetime], str]:
    """Runs from ``next_run_at`` up to ``now`` (the latest ``MAX_BACKLOG``) and the next one."""
    weekday, local_time, zone, first = key
    hour, minute = (int(p) for p in local_time.split(":"))
    rule = Rule(weekday, time(hour, minute), zone)
    runs = [first]
    for instant in occurrences(rule, first):
        if instant > now:
            break
        runs.append(instant)
    return runs[-MAX_BACKLOG:], iso(next_run(rule, now))


def _json(raw: Any) -> dict[str, Any] | None:
    value = json.loads(raw) if isinstance(raw, str) else raw
    return value if isinstance(value, dict) else None


def lane_for(channel: str, org_id: str) -> str:
    """The rate-limit domain a subscription's deliveries are claimed in (a workspace, a tenant)."""
    return f"{channel}:{org_id}"


def subscription_from(row: dict[str, Any]) -> Subscription:
    hour, minute = (int(p) for p in str(row["local_time"]).split(":"))
    last = None
    if row.get("d_state"):
        last = LastDelivery(
            state=row["d_state"],
            occurrence_at=ts(row["d_occurrence_at"]) or datetime.min.replace(tzinfo=UTC),
            updated_at=ts(row["d_updated_at"]) or datetime.min.replace(tzinfo=UTC),
            reason=row["d_reason"],
            platform_id=row["d_platform_id"],
        )
    return Subscription(
        id=int(row["id"]),
        org_id=row["org_id"],
        channel=row["channel"],
        conversation_id=row["conversation_id"],
        rule=Rule(int(row["weekday"]), time(hour, minute), row["zone"]),
        status=row["status"],
        only_changed=bool(row["only_changed"]),
        next_run_at=ts(row["next_run_at"]),
        paused_until=ts(row["paused_until"]),
        inactive_reason=row["inactive_reason"],
        created_at=ts(row["created_at"]) or datetime.min.replace(tzinfo=UTC),
        created_by=row["created_by"],
        updated_at=ts(row["updated_at"]) or datetime.min.replace(tzinfo=UTC),
        updated_by=row["updated_by"],
        revision=int(row["revision"]),
        last=last,
        last_sent_at=ts(row["last_sent_at"]),
    )


async def record_change(
    conn: Conn, sub_id: int, org_id: str, action: str, status: str, detail: str, by: str,
    now: datetime,
) -> None:
    await conn.execute(
        "INSERT INTO nudge_subscription_changes (subscription_id, org_id, action, status, detail,"
        " changed_at, changed_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
        sub_id, org_id, action, status, detail, now, by,
    )


def plan_view(conn: Conn) -> PlanView:
    """The plan as the nudges see it, over ``conn`` (the caller's transaction)."""
    from bot.store.plan import PlanRepo
    from dialogs.nudges.planview import PlanDataView

    return PlanDataView(PlanRepo(conn))


def nudge_repo(conn: Conn) -> SubscriptionRepo:
    """The core's ``NudgeData`` for a turn's transaction."""
    return SubscriptionRepo(conn, plan_view(conn))


class SubscriptionRepo:
    """Subscriptions over one connection: the core's ``NudgeData`` inside a turn or a CLI call."""

    def __init__(self, conn: Conn, plan: PlanView) -> None:
        self.conn = conn
        self.plan = plan

    async def _one(self, where: str, *args: Any) -> Subscription | None:
        row = await self.conn.fetchrow(
            f"SELECT {_SUB_COLUMNS}{_LAST_COLUMNS} FROM nudge_subscriptions s{_LAST_JOIN}"
            f" WHERE {where}", *args,
        )
        return subscription_from(row) if row else None

    async def subscription(
        self, org_id: str, channel: Channel, conversation_id: str
    ) -> Subscription | None:
        return await self._one(
            "s.org_id = ? AND s.channel = ? AND s.conversation_id = ?",
            org_id, channel, conversation_id,
        )

    async def subscription_by_id(self, org_id: str, subscription_id: int) -> Subscription | None:
        return await self._one("s.org_id = ? AND s.id = ?", org_id, subscription_id)

    async def subscribe(
        self, org_id: str, channel: Channel, conversation_id: str, rule: Rule,
        only_changed: bool, next_run_at: datetime, by: str, now: datetime,
    ) -> Subscription:
        await self.conn.execute(
            "INSERT INTO nudge_subscriptions (org_id, channel, conversation_id, weekday,"
            " local_time, zone, only_changed, status, next_run_at, lane, created_at, created_by,"
            " updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (org_id, channel, conversation_id) DO UPDATE SET"
            " weekday = excluded.weekday, local_time = excluded.local_time,"
            " zone = excluded.zone, only_changed = excluded.only_changed, status = 'active',"
            " next_run_at = excluded.next_run_at, paused_until = NULL, inactive_reason = NULL,"
            " revision = nudge_subscriptions.revision + 1,"
            " updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            org_id, channel, conversation_id, rule.weekday, f"{rule.at:%H:%M}", rule.zone,
            only_changed, next_run_at, lane_for(channel, org_id), now, by, now, by,
        )
        sub = await self.subscription(org_id, channel, conversation_id)
        assert sub is not None
        detail = rule.command() + (" only when something changed" if only_changed else "")
        await record_change(self.conn, sub.id, org_id, "subscribe", "active", detail, by, now)
        return sub

    async def change(
        self, subscription: Subscription, change: Change, by: str, now: datetime
    ) -> Subscription:
        await self.conn.execute(
            "UPDATE nudge_subscriptions SET status = ?, next_run_at = ?, paused_until = ?,"
            " inactive_reason = ?, revision = revision + 1, updated_at = ?, updated_by = ?"
            " WHERE id = ? AND org_id = ?",
            change.status, change.next_run_at, change.paused_until, change.reason, now, by,
            subscription.id, subscription.org_id,
        )
        detail = change.reason or (
            f"until {iso(change.paused_until)}" if change.paused_until else ""
        )
        await record_change(self.conn, subscription.id, subscription.org_id,
                            change.action or change.status, change.status, detail, by, now)
        updated = await self.subscription_by_id(subscription.org_id, subscription.id)
        assert updated is not None
        return updated

    async def changes(self, subscription_id: int) -> list[dict[str, Any]]:
        """The change log, oldest first."""
        rows: list[dict[str, Any]] = await self.conn.fetch(
            "SELECT action, status, detail, changed_at, changed_by FROM nudge_subscription_changes"
            " WHERE subscription_id = ? ORDER BY id", subscription_id,
        )
        return rows


# --------------------------------------------------------------------------- deliveries


@dataclass(frozen=True)
class Enqueued:
    """What one enqueue pass recorded."""

    due: int = 0  # pending rows created
    late: int = 0  # of which already late (catch-up after downtime)
    missed: int = 0  # older than the catch-up window: recorded as missed


@dataclass(frozen=True)
class Swept:
    unknown: list[dict[str, Any]]  # rows whose lease expired in ``sending``
    missed: list[dict[str, Any]]  # pending rows that fell out of the catch-up window


@dataclass(frozen=True)
class Claimed:
    """A claimed delivery with what sending it needs."""

    id: int
    token: str
    subscription_id: int
    org_id: str
    channel: Channel
    conversation_id: str
    occurrence_at: datetime
    attempts: int
    lane: str
    status: str  # the subscription's status now
    zone: str
    only_changed: bool
    last_sent_at: datetime | None
    late: bool
    conversation_active: bool
    inactive_reason: str | None
    is_direct: bool
    reference: dict[str, Any] | None


@dataclass(frozen=True)
class Finish:
    """A final state for a delivery in ``sending``."""

    id: int
    token: str
    subscription_id: int
    state: str  # sent | failed | unknown | skipped
    platform_id: str | None = None
    reason: str | None = None


class NudgeStore:
    """The scheduler's SQL; each method is one short transaction."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.backend = store.backend
        self.engine = store.engine

    def _skip_locked(self, of: str = "") -> str:
        if self.engine != "postgresql":
            return ""
        return f" FOR UPDATE{' OF ' + of if of else ''} SKIP LOCKED"

    # ------------------------------------------------------------------ enqueue

    async def enqueue(
        self, now: datetime, window: timedelta, late_after: timedelta, batch: int = 500
    ) -> Enqueued:
        """Record every occurrence due by ``now`` and move each subscription's next run on."""
        due = late = missed = 0
        async with self.backend.read() as conn:
            waiting = await conn.fetchval(
                "SELECT 1 FROM nudge_subscriptions s JOIN conversations c"
                " ON c.org_id = s.org_id AND c.channel = s.channel AND c.id = s.conversation_id"
                " WHERE s.status IN ('active', 'paused') AND s.next_run_at <= ? AND c.active"
                " LIMIT 1", now,
            )
        if not waiting:
            return Enqueued()
        schedules: dict[tuple[int, str, str, datetime], tuple[list[datetime], str]] = {}
        while True:
            async with self.backend.write() as conn:
                rows = await conn.fetch(
                    "SELECT s.id, s.org_id, s.weekday, s.local_time, s.zone, s.next_run_at,"
                    " s.lane, s.status FROM nudge_subscriptions s JOIN conversations c"
                    " ON c.org_id = s.org_id AND c.channel = s.channel"
                    " AND c.id = s.conversation_id"
                    " WHERE s.status IN ('active', 'paused') AND s.next_run_at <= ?"
                    " AND c.active ORDER BY s.next_run_at, s.id LIMIT ?" + self._skip_locked("s"),
                    now, batch,
                )
                if not rows:
                    break
                deliveries: list[tuple[Any, ...]] = []
                moves: list[dict[str, Any]] = []
                for row in rows:
                    first = ts(row["next_run_at"])
                    assert first is not None
                    key = (int(row["weekday"]), str(row["local_time"]), row["zone"], first)
                    if key not in schedules:  # subscriptions share rules: compute each once
                        schedules[key] = _schedule(key, now)
                    runs, upcoming = schedules[key]
                    for instant in runs:
                        age = now - instant
                        state = "pending" if age <= window else "missed"
                        deliveries.append((
                            int(row["id"]), row["org_id"], instant, row["lane"], state,
                            state == "pending" and age > late_after, now,
                            None if state == "pending" else "older than the catch-up window",
                        ))
                    moves.append({"id": int(row["id"]), "next": upcoming})
                    if row["status"] == "paused":
                        await record_change(conn, int(row["id"]), row["org_id"], "resume",
                                            "active", "the pause ended", "system", now)
                for state, is_late in await self._insert(conn, deliveries):
                    if state == "missed":
                        missed += 1
                    else:
                        due += 1
                        late += int(is_late)
                await self._move(conn, moves, now)
            if len(rows) < batch:
                break
        return Enqueued(due, late, missed)

    async def _insert(self, conn: Conn, rows: Sequence[tuple[Any, ...]]) -> list[tuple[str, bool]]:
        created: list[tuple[str, bool]] = []
        for start in range(0, len(rows), 400):
            chunk = rows[start : start + 400]
            values = ", ".join("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" for _ in chunk)
            args: list[Any] = []
            for sub_id, org_id, instant, lane, state, is_late, now, reason in chunk:
                args += [sub_id, org_id, instant, lane, state, is_late, instant, reason, now, now]
            result = await conn.fetch(
                "INSERT INTO nudge_deliveries (subscription_id, org_id, occurrence_at, lane,"
                " state, late, not_before, reason, created_at, updated_at)"
                f" VALUES {values} ON CONFLICT (subscription_id, occurrence_at) DO NOTHING"
                " RETURNING state, late", *args,
            )
            created += [(r["state"], bool(r["late"])) for r in result]
        return created

    async def _move(self, conn: Conn, moves: list[dict[str, Any]], now: datetime) -> None:
        """Set each subscription's next run; a pause whose date has come ends here."""
        if not moves:
            return
        payload = json.dumps(moves)
        sets = (
            " SET next_run_at = v.next,"
            " status = CASE WHEN nudge_subscriptions.status = 'paused' THEN 'active'"
            "  ELSE nudge_subscriptions.status END,"
            " paused_until = NULL"
        )
        if self.engine == "postgresql":
            await conn.execute(
                "UPDATE nudge_subscriptions" + sets +
                " FROM jsonb_to_recordset(?::jsonb) AS v(id bigint, next timestamptz)"
                " WHERE nudge_subscriptions.id = v.id", payload,
            )
        else:
            await conn.execute(
                "UPDATE nudge_subscriptions" + sets +
                " FROM (SELECT json_extract(value, '$.id') AS id,"
                " json_extract(value, '$.next') AS next FROM json_each(?)) AS v"
                " WHERE nudge_subscriptions.id = v.id", payload,
            )

    # ------------------------------------------------------------------ leases

    async def sweep(self, now: datetime, window: timedelta) -> Swept:
        """``sending`` past its lease → ``unknown``; pending past the window → ``missed``."""
        async with self.backend.read() as conn:
            stale = await conn.fetchval(
                "SELECT 1 FROM nudge_deliveries WHERE (state = 'sending' AND lease_until < ?)"
                " OR (occurrence_at < ? AND (state = 'pending' OR (state = 'claimed'"
                " AND lease_until < ?))) LIMIT 1", now, now - window, now,
            )
        if not stale:
            return Swept([], [])
        async with self.backend.write() as conn:
            unknown = await conn.fetch(
                "UPDATE nudge_deliveries SET state = 'unknown', updated_at = ?,"
                " reason = 'the sender stopped while sending (lease expired); not resent'"
                " WHERE state = 'sending' AND lease_until < ?"
                " RETURNING id, subscription_id, org_id, lane, occurrence_at",
                now, now,
            )
            missed = await conn.fetch(
                "UPDATE nudge_deliveries SET state = 'missed', updated_at = ?, lease_until = NULL,"
                " claim_token = NULL, reason = 'not sent within the catch-up window'"
                " WHERE occurrence_at < ? AND (state = 'pending'"
                " OR (state = 'claimed' AND lease_until < ?))"
                " RETURNING id, subscription_id, org_id, lane, occurrence_at",
                now, now - window, now,
            )
        return Swept(unknown, missed)

    async def lanes(self, now: datetime) -> list[str]:
        """Lanes with deliveries that can be claimed now."""
        async with self.backend.read() as conn:
            rows = await conn.fetch(
                "SELECT DISTINCT lane FROM nudge_deliveries WHERE (state = 'pending'"
                " AND not_before <= ?) OR (state = 'claimed' AND lease_until < ?) ORDER BY lane",
                now, now,
            )
        return [r["lane"] for r in rows]

    async def next_retry(self, channels: Sequence[str]) -> datetime | None:
        """When the earliest pending delivery (a retry) of these channels becomes claimable."""
        if not channels:
            return None
        likes = " OR ".join("lane LIKE ?" for _ in channels)
        async with self.backend.read() as conn:
            value = await conn.fetchval(
                f"SELECT MIN(not_before) FROM nudge_deliveries WHERE state = 'pending'"
                f" AND ({likes})", *[f"{c}:%" for c in channels],
            )
        return ts(value)

    async def next_wakeup(self) -> datetime | None:
        """The next moment something needs doing: a run, a retry, or a lease to expire."""
        async with self.backend.read() as conn:
            values = [
                await conn.fetchval(
                    "SELECT MIN(next_run_at) FROM nudge_subscriptions"
                    " WHERE status IN ('active', 'paused')"),
                await conn.fetchval(
                    "SELECT MIN(not_before) FROM nudge_deliveries WHERE state = 'pending'"),
                await conn.fetchval(
                    "SELECT MIN(lease_until) FROM nudge_deliveries"
                    " WHERE state IN ('claimed', 'sending')"),
            ]
        found = [t for t in (ts(v) for v in values) if t is not None]
        return min(found) if found else None

    async def claim(
        self, lane: str, now: datetime, lease: timedelta, token: str, worker: str, limit: int
    ) -> list[Claimed]:
        """Claim up to ``limit`` claimable deliveries of a lane under one token."""
        async with self.backend.write() as conn:
            ids = await conn.fetch(
                "UPDATE nudge_deliveries SET state = 'claimed', lease_until = ?, claim_token = ?,"
                " claimed_by = ?, updated_at = ? WHERE id IN (SELECT id FROM nudge_deliveries"
                " WHERE lane = ? AND ((state = 'pending' AND not_before <= ?)"
                " OR (state = 'claimed' AND lease_until < ?))"
                " ORDER BY occurrence_at, id LIMIT ?" + self._skip_locked() + ") RETURNING id",
                now + lease, token, worker, now, lane, now, now, limit,
            )
            if not ids:
                return []
            rows = await conn.fetch(
                "SELECT d.id, d.subscription_id, d.org_id, d.occurrence_at, d.attempts, d.lane,"
                " d.late, s.channel, s.conversation_id, s.status, s.zone, s.only_changed,"
                " s.last_sent_at, c.active AS c_active, c.inactive_reason AS c_reason,"
                " c.is_direct AS c_direct, c.reference AS c_reference"
                " FROM nudge_deliveries d JOIN nudge_subscriptions s ON s.id = d.subscription_id"
                " JOIN conversations c ON c.org_id = s.org_id AND c.channel = s.channel"
                " AND c.id = s.conversation_id WHERE d.claim_token = ? ORDER BY d.occurrence_at,"
                " d.id", token,
            )
        return [
            Claimed(
                id=int(r["id"]), token=token, subscription_id=int(r["subscription_id"]),
                org_id=r["org_id"], channel=r["channel"], conversation_id=r["conversation_id"],
                occurrence_at=ts(r["occurrence_at"]) or now, attempts=int(r["attempts"]),
                lane=r["lane"], status=r["status"], zone=r["zone"],
                only_changed=bool(r["only_changed"]), last_sent_at=ts(r["last_sent_at"]),
                late=bool(r["late"]), conversation_active=bool(r["c_active"]),
                inactive_reason=r["c_reason"], is_direct=bool(r["c_direct"]),
                reference=_json(r["c_reference"]),
            )
            for r in rows
        ]

    async def start_sending(
        self, items: Sequence[Claimed], now: datetime, lease: timedelta
    ) -> list[bool]:
        """Commit ``sending`` before any API call; for each item, whether this worker holds it."""
        if not items:
            return []
        held: set[int] = set()
        by_token: dict[str, list[int]] = {}
        for item in items:
            by_token.setdefault(item.token, []).append(item.id)
        async with self.backend.write() as conn:
            for token, ids in by_token.items():
                marks = ", ".join("?" for _ in ids)
                rows = await conn.fetch(
                    "UPDATE nudge_deliveries SET state = 'sending', lease_until = ?,"
                    " attempts = attempts + 1, updated_at = ?"
                    f" WHERE claim_token = ? AND state = 'claimed' AND id IN ({marks})"
                    " RETURNING id",
                    now + lease, now, token, *ids,
                )
                held.update(int(r["id"]) for r in rows)
        return [item.id in held for item in items]

    async def release(
        self, item: Claimed, not_before: datetime, reason: str, now: datetime
    ) -> bool:
        """Back to ``pending`` after a failure that certainly did not post (retry later).

        A try that never reached ``sending`` (composing failed) still counts as an attempt.
        """
        async with self.backend.write() as conn:
            changed = await conn.execute(
                "UPDATE nudge_deliveries SET state = 'pending', not_before = ?, reason = ?,"
                " attempts = attempts + CASE WHEN state = 'claimed' THEN 1 ELSE 0 END,"
                " lease_until = NULL, claim_token = NULL, updated_at = ?"
                " WHERE id = ? AND claim_token = ? AND state IN ('claimed', 'sending')",
                not_before, reason, now, item.id, item.token,
            )
        return bool(changed)

    async def finish(self, results: Sequence[Finish], now: datetime) -> list[bool]:
        """Record final states; for each, whether it was recorded (the claim still held).

        ``unknown`` may still become ``sent``: the post went out after the lease expired.
        """
        if not results:
            return []
        recorded: list[bool] = []
        async with self.backend.write() as conn:
            for r in results:
                changed = await conn.execute(
                    "UPDATE nudge_deliveries SET state = ?, platform_id = ?, reason = ?,"
                    " lease_until = NULL, updated_at = ?, sent_at = ?"
                    " WHERE id = ? AND claim_token = ?"
                    " AND (state IN ('claimed', 'sending') OR (state = 'unknown' AND ? = 'sent'))",
                    r.state, r.platform_id, r.reason, now, now if r.state == "sent" else None,
                    r.id, r.token, r.state,
                )
                recorded.append(bool(changed))
            sent = sorted({r.subscription_id for r, ok in zip(results, recorded, strict=True)
                           if ok and r.state == "sent"})
            if sent:
                marks = ", ".join("?" for _ in sent)
                await conn.execute(
                    f"UPDATE nudge_subscriptions SET last_sent_at = ? WHERE id IN ({marks})",
                    now, *sent,
                )
        return recorded

    async def deactivate(self, subscription_id: int, reason: str, now: datetime) -> None:
        """Stop a subscription for good (bot removed, revoked) and record why."""
        async with self.backend.write() as conn:
            row = await conn.fetchrow(
                "UPDATE nudge_subscriptions SET status = 'inactive', inactive_reason = ?,"
                " next_run_at = NULL, revision = revision + 1, updated_at = ?,"
                " updated_by = 'system' WHERE id = ? AND status <> 'inactive' RETURNING org_id",
                reason, now, subscription_id,
            )
            if row is None:
                return
            await record_change(conn, subscription_id, row["org_id"], "deactivate", "inactive",
                                reason, "system", now)
            await conn.execute(
                "UPDATE nudge_deliveries SET state = 'skipped', reason = ?, updated_at = ?,"
                " claim_token = NULL, lease_until = NULL"
                " WHERE subscription_id = ? AND state = 'pending'",
                f"subscription stopped: {reason}", now, subscription_id,
            )

    # ------------------------------------------------------------------ operators

    async def list_subscriptions(self, org_id: str | None = None) -> list[Subscription]:
        where = " WHERE s.org_id = ?" if org_id else ""
        async with self.backend.read() as conn:
            rows = await conn.fetch(
                f"SELECT {_SUB_COLUMNS}{_LAST_COLUMNS} FROM nudge_subscriptions s{_LAST_JOIN}"
                f"{where} ORDER BY s.org_id, s.channel, s.conversation_id",
                *([org_id] if org_id else []),
            )
        return [subscription_from(r) for r in rows]

    async def deliveries(
        self, org_id: str | None = None, state: str | None = None, limit: int = 1000
    ) -> list[dict[str, Any]]:
        clauses: list[str] = []
        args: list[Any] = []
        if org_id:
            clauses.append("d.org_id = ?")
            args.append(org_id)
        if state:
            clauses.append("d.state = ?")
            args.append(state)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        async with self.backend.read() as conn:
            rows: list[dict[str, Any]] = await conn.fetch(
                "SELECT d.id, d.subscription_id, d.org_id, s.channel, s.conversation_id,"
                " d.occurrence_at, d.state, d.attempts, d.platform_id, d.reason, d.late,"
                " d.updated_at, d.sent_at FROM nudge_deliveries d"
                " JOIN nudge_subscriptions s ON s.id = d.subscription_id"
                f"{where} ORDER BY d.occurrence_at, d.id LIMIT ?", *args, limit,
            )
        for r in rows:
            for key in ("occurrence_at", "updated_at", "sent_at"):
                r[key] = ts(r[key])
            r["late"] = bool(r["late"])
        return rows

    async def counts(self) -> dict[str, int]:
        """Deliveries by state (for tests, the CLI and the benchmark)."""
        async with self.backend.read() as conn:
            rows = await conn.fetch(
                "SELECT state, COUNT(*) AS n FROM nudge_deliveries GROUP BY state"
            )
        return {r["state"]: int(r["n"]) for r in rows}
