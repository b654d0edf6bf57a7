"""Everything stored for one organisation: export it, count it, delete it (issue 12).

Tables are found in the database's own catalogue (every table with an ``org_id`` column), so a
feature's new table is exported and checked without anyone remembering to list it here. Every
such table references ``orgs`` with ``ON DELETE CASCADE``: deleting the org row deletes the rest
in one transaction. Stored secrets (Slack tokens) are never exported.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from bot.store.db import Conn

if TYPE_CHECKING:
    from bot.store.store import Store

ORG_COLUMN = "org_id"
# column values replaced in an export: tokens (encrypted or not) are not the org's to carry away
SECRET_COLUMNS = frozenset({"bot_token", "bot_refresh_token", "user_token", "user_refresh_token"})
REDACTED = "[redacted]"


async def org_tables(conn: Conn) -> dict[str, list[str]]:
    """Table → columns, for every table with an ``org_id`` column, by name."""
    if conn.engine == "sqlite":
        names = [r["name"] for r in await conn.fetch(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        )]
        tables: dict[str, list[str]] = {}
        for name in names:
            columns = [r["name"] for r in await conn.fetch(f'PRAGMA table_info("{name}")')]
            if ORG_COLUMN in columns:
                tables[name] = columns
        return tables
    rows = await conn.fetch(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
    )
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row["table_name"], []).append(row["column_name"])
    return {t: c for t, c in sorted(found.items()) if ORG_COLUMN in c}


def _value(column: str, value: Any) -> Any:
    if column in SECRET_COLUMNS and value is not None:
        return REDACTED
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


async def export_org(store: Store, org_id: str) -> dict[str, Any] | None:
    """Every row stored for ``org_id``, table by table; ``None`` when the org is unknown."""
    async with store.backend.read() as conn:
        org = await conn.fetchrow("SELECT id, name, created_at FROM orgs WHERE id = ?", org_id)
        if org is None:
            return None
        tables: dict[str, list[dict[str, Any]]] = {}
        for table, columns in (await org_tables(conn)).items():
            rows = await conn.fetch(f'SELECT * FROM "{table}" WHERE {ORG_COLUMN} = ?', org_id)
            exported = [{c: _value(c, row[c]) for c in columns} for row in rows]
            exported.sort(key=lambda r: json.dumps(r, sort_keys=True, default=str))
            tables[table] = exported
    return {"org": {k: _value(k, v) for k, v in org.items()}, "tables": tables}


async def count_org_rows(store: Store, org_id: str) -> dict[str, int]:
    """Rows per table for ``org_id`` (the org row itself under ``orgs``)."""
    async with store.backend.read() as conn:
        counts = {"orgs": int(await conn.fetchval(
            "SELECT COUNT(*) FROM orgs WHERE id = ?", org_id) or 0)}
        for table in await org_tables(conn):
            counts[table] = int(await conn.fetchval(
                f'SELECT COUNT(*) FROM "{table}" WHERE {ORG_COLUMN} = ?', org_id) or 0)
    return counts


async def delete_org(store: Store, org_id: str) -> dict[str, int] | None:
    """Delete the org and, by cascade, everything of it; the rows there were, or ``None``."""
    before = await count_org_rows(store, org_id)
    if not before["orgs"]:
        return None
    if not await store.delete_org(org_id):
        return None
    return before
