"""Ordered SQL migrations: ``migrations/<engine>/NNNN_name.sql``, applied once each."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from bot.store.db import Engine, split_statements

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")

_CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    applied_at  timestamptz NOT NULL
)
"""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations(engine: Engine) -> list[Migration]:
    """The migrations shipped for an engine, in order; gaps or duplicates are an error."""
    folder = resources.files("bot.store") / "migrations" / engine
    found: list[Migration] = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    expected = list(range(1, len(found) + 1))
    if [m.version for m in found] != expected:
        raise RuntimeError(f"{engine} migrations must be numbered 1..n without gaps")
    return found


async def migrate(backend: Any) -> list[Migration]:
    """Apply the migrations not yet applied; returns those applied now."""
    applied_now: list[Migration] = []
    async with backend.advisory_lock() as conn:
        await conn.execute(_CREATE_TABLE)
        done = {row["version"] for row in await conn.fetch("SELECT version FROM schema_migrations")}
        for migration in migrations(backend.engine):
            if migration.version in done:
                continue
            for statement in split_statements(migration.sql):
                await conn.execute(statement)
            await conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                migration.version,
                migration.name,
                datetime.now(UTC),
            )
            applied_now.append(migration)
    return applied_now


async def pending(backend: Any) -> list[Migration]:
    """Migrations not applied yet (for ``/readyz`` and ``db status``)."""
    async with backend.read() as conn:
        try:
            rows = await conn.fetch("SELECT version FROM schema_migrations")
        except Exception:  # the table itself is missing: nothing applied
            return migrations(backend.engine)
    done = {row["version"] for row in rows}
    return [m for m in migrations(backend.engine) if m.version not in done]
