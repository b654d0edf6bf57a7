"""Shared fixtures: the store on both engines, a fixed clock."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", deadline=None, max_examples=60, derandomize=True, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "dev", deadline=None, max_examples=60,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")

PG_DSN = os.environ.get("CROSSWALK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
UNDER_CI = os.environ.get("CI") == "true"
_pg_state: dict[str, str | None] = {}


async def pg_unavailable() -> str | None:
    """Why PostgreSQL cannot be used here, or None when it can."""
    if "reason" not in _pg_state:
        import asyncpg

        try:
            conn = await asyncpg.connect(PG_DSN, timeout=3)
            await conn.close()
            _pg_state["reason"] = None
        except Exception as exc:
            _pg_state["reason"] = f"PostgreSQL not reachable at {PG_DSN}: {exc.__class__.__name__}"
    return _pg_state["reason"]


async def pg_schema_url() -> AsyncIterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    import asyncpg

    reason = await pg_unavailable()
    if reason:
        if UNDER_CI:
            pytest.fail(f"{reason} (CI=true: PostgreSQL tests must run)")
        pytest.skip(reason)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(PG_DSN)
    await conn.execute(f"CREATE SCHEMA {schema}")
    await conn.close()
    try:
        yield f"{PG_DSN}?schema={schema}"
    finally:
        conn = await asyncpg.connect(PG_DSN)
        await conn.execute(f"DROP SCHEMA {schema} CASCADE")
        await conn.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """The same test against SQLite and PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'crosswalk.db'}"
        return
    async for url in pg_schema_url():
        yield url


@pytest.fixture
async def store(db_url: str):  # type: ignore[no-untyped-def]
    from bot.store import Store

    s = await Store.open(db_url)
    try:
        yield s
    finally:
        await s.close()


@pytest.fixture
def now() -> datetime:
    return datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
