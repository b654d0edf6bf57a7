"""Store: turns per second on SQLite and PostgreSQL, and turn latency as the database grows.

Each turn does what a real one does: claim the inbound id, lock the conversation, load its state,
run the core, save. The baseline is the bare minimum a turn needs from the same engine in the
same run: one transaction that upserts and updates a single row through the same driver.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from bench.harness import Figure, percentile
from bot.store import Store
from bot.turns import TurnRunner
from dialogs.messages import Origin, Sender, TextMessage
from dialogs.router import Core

PG_DSN = os.environ.get("CROSSWALK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
MIX = ["help", "status", "interview", "plan", "back", "what is FOCUS?"]
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


async def _pg_url() -> tuple[str, str] | None:
    try:
        import asyncpg

        conn = await asyncpg.connect(PG_DSN, timeout=3)
    except Exception:
        return None
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    await conn.execute(f"CREATE SCHEMA {schema}")
    await conn.close()
    return f"{PG_DSN}?schema={schema}", schema


async def _drop(schema: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_DSN)
    await conn.execute(f"DROP SCHEMA {schema} CASCADE")
    await conn.close()


async def _turns_per_second(store: Store, core: Core, turns: int, conversations: int,
                            concurrency: int) -> tuple[float, list[float]]:
    runner = TurnRunner(store, core)
    latencies: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(turns):
        queue.put_nowait(i)

    async def worker() -> None:
        while not queue.empty():
            i = queue.get_nowait()
            origin = Origin("slack", "bench-org", f"C{i % conversations}", is_direct=False)
            event = TextMessage(uuid.uuid4().hex, origin, Sender(f"U{i % 7}"), MIX[i % len(MIX)])
            started = time.perf_counter()
            await runner.run(event)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return turns / (time.perf_counter() - started), latencies


async def _baseline_per_second(store: Store, turns: int, concurrency: int) -> float:
    """One minimal write transaction per turn: upsert a row, read it, update it."""
    async with store.backend.write() as conn:
        await conn.execute("CREATE TABLE IF NOT EXISTS bench_rows (id TEXT PRIMARY KEY, n INTEGER)")
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(turns):
        queue.put_nowait(i)

    async def worker() -> None:
        while not queue.empty():
            i = queue.get_nowait()
            async with store.backend.write() as conn:
                key = f"r{i % 50}"
                await conn.execute("INSERT INTO bench_rows (id, n) VALUES (?, 0)"
                                   " ON CONFLICT (id) DO NOTHING", key)
                await conn.fetchval("SELECT n FROM bench_rows WHERE id = ?", key)
                await conn.execute("UPDATE bench_rows SET n = n + 1 WHERE id = ?", key)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return turns / (time.perf_counter() - started)


async def _seed(store: Store, count: int) -> None:
    """Insert ``count`` conversations with state, in bulk."""
    async with store.backend.write() as conn:
        await store.ensure_org(conn, "bench-org", NOW)
        existing = await conn.fetchval("SELECT COUNT(*) FROM conversations")
        for start in range(int(existing), count, 1000):
            rows = range(start, min(start + 1000, count))
            values = ", ".join("(?, ?, ?, ?, ?, ?, ?)" for _ in rows)
            args: list[object] = []
            for i in rows:
                args += ["bench-org", "teams", f"seed-{i}", False, NOW, NOW, "seed"]
            await conn.execute(
                "INSERT INTO conversations (org_id, channel, id, is_direct, created_at,"
                f" updated_at, updated_by) VALUES {values}", *args)
            values = ", ".join("(?, ?, ?, ?, ?, ?)" for _ in rows)
            args = []
            for i in rows:
                args += ["bench-org", "teams", f"seed-{i}", '{"welcomed":true}', NOW, "seed"]
            await conn.execute(
                "INSERT INTO conversation_state (org_id, channel, conversation_id, state,"
                f" updated_at, updated_by) VALUES {values}", *args)


async def _engine(url: str, engine: str, core: Core, quick: bool) -> list[Figure]:
    figures: list[Figure] = []
    store = await Store.open(url)
    try:
        turns = 300 if quick else 1500
        tps, base = [], []
        for _ in range(3):
            base.append(await _baseline_per_second(store, turns, 8))
            rate, _lat = await _turns_per_second(store, core, turns, 200, 8)
            tps.append(rate)
        figures.append(Figure(
            "store", f"{engine}: turns/s (8 concurrent, 200 conversations)", "turns/s", tps,
            baseline=f"{engine}: bare upsert+read+update transactions/s", baseline_runs=base,
            higher_is_better=True,
            note="ratio = share of the engine's bare transaction rate a full turn achieves",
        ))
        small, large = (1_000, 20_000) if quick else (1_000, 100_000)
        p50: dict[int, list[float]] = {}
        for size in (small, large):
            await _seed(store, size)
            runs = []
            for _ in range(3):
                _rate, lat = await _turns_per_second(store, core, 300, 300, 1)
                runs.append(percentile(lat, 50) * 1000)
            p50[size] = runs
        figures.append(Figure(
            "store", f"{engine}: turn p50 latency at {large:,} conversations", "ms", p50[large],
            baseline=f"{engine}: turn p50 latency at {small:,} conversations",
            baseline_runs=p50[small], target="ratio <= 1.5",
            note="should stay flat as the database grows (primary-key lookups only)",
        ))
    finally:
        await store.close()
    return figures


async def run_async(quick: bool = False) -> list[Figure]:
    core = Core()
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as tmp:
        figures += await _engine(f"sqlite:///{Path(tmp) / 'bench.db'}", "sqlite", core, quick)
    pg = await _pg_url()
    if pg is None:
        figures.append(Figure("store", "postgresql: skipped", "-", [0.0],
                              note=f"PostgreSQL not reachable at {PG_DSN}"))
    else:
        url, schema = pg
        try:
            figures += await _engine(url, "postgresql", core, quick)
        finally:
            await _drop(schema)
    return figures


def run(quick: bool = False) -> list[Figure]:
    return asyncio.run(run_async(quick))
