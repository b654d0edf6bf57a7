"""The schema a database ends up with is exactly what the migrations describe (both engines).

The snapshot in tests/data/schema/<engine>.txt is regenerated with UPDATE_SCHEMA=1; a change to
it shows in review next to the migration that caused it.
"""

from __future__ import annotations

import os
from pathlib import Path

from bot.store import Store
from bot.store.migrate import migrations

SNAPSHOTS = Path(__file__).parent / "data" / "schema"


async def describe(store: Store) -> str:
    lines: list[str] = []
    async with store.backend.read() as conn:
        if store.engine == "sqlite":
            tables = [r["name"] for r in await conn.fetch(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " ORDER BY name")]
            for table in tables:
                lines.append(f"table {table}")
                for col in await conn.fetch(f"PRAGMA table_info({table})"):
                    lines.append(f"  {col['name']} {col['type'].lower()}"
                                 f"{' not null' if col['notnull'] else ''}"
                                 f"{' pk' if col['pk'] else ''}")
                for fk in await conn.fetch(f"PRAGMA foreign_key_list({table})"):
                    lines.append(f"  fk {fk['from']} -> {fk['table']}.{fk['to']}"
                                 f" on delete {fk['on_delete'].lower()}")
            for idx in await conn.fetch(
                "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'"
                " AND sql IS NOT NULL ORDER BY name"
            ):
                lines.append(f"index {idx['name']} on {idx['tbl_name']}")
        else:
            cols = await conn.fetch(
                "SELECT table_name, column_name, data_type, is_nullable FROM"
                " information_schema.columns WHERE table_schema = current_schema()"
                " ORDER BY table_name, ordinal_position")
            current = None
            for col in cols:
                if col["table_name"] != current:
                    current = col["table_name"]
                    lines.append(f"table {current}")
                lines.append(f"  {col['column_name']} {col['data_type']}"
                             f"{' not null' if col['is_nullable'] == 'NO' else ''}")
            for con in await conn.fetch(
                "SELECT conrelid::regclass::text AS tbl, contype, pg_get_constraintdef(oid) AS def"
                " FROM pg_constraint WHERE connamespace = current_schema()::regnamespace"
                " ORDER BY 1, 3"):
                lines.append(f"constraint {con['tbl']} {con['contype']} {con['def']}")
            for idx in await conn.fetch(
                "SELECT indexname, tablename FROM pg_indexes WHERE schemaname = current_schema()"
                " ORDER BY indexname"):
                lines.append(f"index {idx['indexname']} on {idx['tablename']}")
    return "\n".join(lines) + "\n"


async def test_schema_equals_migrations(store: Store) -> None:
    snapshot = SNAPSHOTS / f"{store.engine}.txt"
    actual = await describe(store)
    if os.environ.get("UPDATE_SCHEMA") == "1":
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        snapshot.write_text(actual)
    assert actual == snapshot.read_text(), f"schema differs from {snapshot}; see the migration"
    async with store.backend.read() as conn:
        versions = [r["version"] for r in await conn.fetch(
            "SELECT version FROM schema_migrations ORDER BY version")]
    assert versions == [m.version for m in migrations(store.engine)]


async def test_both_engines_ship_the_same_migrations() -> None:
    assert [(m.version, m.name) for m in migrations("sqlite")] == [
        (m.version, m.name) for m in migrations("postgresql")
    ]


async def test_concurrent_migrations_apply_once(db_url: str) -> None:
    import asyncio

    stores = [await Store.open(db_url, migrate_now=False) for _ in range(3)]
    try:
        applied = await asyncio.gather(*(s.migrate() for s in stores))
        assert sorted(applied) == [0, 0, len(migrations(stores[0].engine))]
    finally:
        for s in stores:
            await s.close()
