"""What must hold in the database after any crash, on either engine."""

from __future__ import annotations

import json
from collections import Counter

from bot.store import Store

DELIVERY_STATES = {"pending", "claimed", "sending", "sent", "failed", "unknown", "missed",
                   "skipped"}


async def check_integrity(store: Store) -> list[str]:
    """Problems found (an empty list when all is well)."""
    problems: list[str] = []
    async with store.backend.read() as conn:
        if store.engine == "sqlite":
            found = [r["integrity_check"] for r in await conn.fetch("PRAGMA integrity_check")]
            if found != ["ok"]:
                problems.append(f"PRAGMA integrity_check: {found[:5]}")
            orphans = await conn.fetch("PRAGMA foreign_key_check")
            if orphans:
                problems.append(f"PRAGMA foreign_key_check: {orphans[:5]}")
        else:
            invalid = await conn.fetch(
                "SELECT conname FROM pg_constraint c JOIN pg_namespace n"
                " ON n.oid = c.connamespace WHERE n.nspname = current_schema()"
                " AND NOT c.convalidated")
            if invalid:
                problems.append(f"constraints not validated: {invalid}")
            broken = await conn.fetch(
                "SELECT indexrelid::regclass::text AS name FROM pg_index i JOIN pg_class c"
                " ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = current_schema() AND NOT (i.indisvalid AND i.indisready)")
            if broken:
                problems.append(f"indexes not valid: {broken}")
        # the same rules on both engines, whatever the engine enforces itself
        for row in await conn.fetch(
            "SELECT org_id, user_id, COUNT(*) AS n FROM interview_sessions"
            " WHERE status <> 'complete' GROUP BY org_id, user_id HAVING COUNT(*) > 1"):
            problems.append(f"two open interview sessions: {dict(row)}")
        versions: dict[str, list[int]] = {}
        for row in await conn.fetch(
                "SELECT org_id, version FROM profile_versions ORDER BY org_id, version"):
            versions.setdefault(row["org_id"], []).append(int(row["version"]))
        for org, found_versions in versions.items():
            if found_versions != list(range(1, len(found_versions) + 1)):
                problems.append(f"profile versions of {org} not 1..n: {found_versions}")
        for row in await conn.fetch("SELECT org_id, conversation_id, state"
                                    " FROM conversation_state"):
            try:
                if not isinstance(json.loads(row["state"]), dict):
                    raise ValueError("not an object")
            except ValueError:
                problems.append(f"conversation state unreadable: {row['conversation_id']}")
        for row in await conn.fetch("SELECT answers FROM interview_sessions"):
            try:
                json.loads(row["answers"])
            except ValueError:
                problems.append("interview answers unreadable")
        deliveries = await conn.fetch(
            "SELECT id, subscription_id, occurrence_at, state, claim_token, lease_until,"
            " sent_at, platform_id FROM nudge_deliveries")
        keys = Counter((d["subscription_id"], str(d["occurrence_at"])) for d in deliveries)
        problems += [f"delivery enqueued twice: {k}" for k, n in keys.items() if n > 1]
        for d in deliveries:
            state = d["state"]
            if state not in DELIVERY_STATES:
                problems.append(f"delivery {d['id']} in state {state!r}")
            if state == "sent" and (d["sent_at"] is None or not d["platform_id"]):
                problems.append(f"delivery {d['id']} sent without a time or platform id")
            if state in ("claimed", "sending") and (
                    d["claim_token"] is None or d["lease_until"] is None):
                problems.append(f"delivery {d['id']} {state} without a claim or lease")
    return problems
