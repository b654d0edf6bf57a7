"""Cancelled callers never leave a SQLite connection inside a transaction."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.store import Store


async def test_cancelled_transactions_leave_the_pool_clean(tmp_path: Path) -> None:
    store = await Store.open(f"sqlite:///{tmp_path / 'c.db'}")
    try:
        async def hold() -> None:
            async with store.backend.write() as conn:
                await conn.execute("CREATE TABLE IF NOT EXISTS t (n INTEGER)")
                await conn.execute("INSERT INTO t VALUES (1)")
                await asyncio.Event().wait()

        for delay in (0, 0.0005, 0.001, 0.005):
            tasks = [asyncio.create_task(hold()) for _ in range(6)]
            await asyncio.sleep(delay)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        # every pooled connection can start a new transaction, and nothing half-done committed
        async def count() -> int:
            async with store.backend.write() as conn:
                exists = await conn.fetchval(
                    "SELECT COUNT(*) FROM sqlite_master WHERE name = 't'")
                return int(await conn.fetchval("SELECT COUNT(*) FROM t")) if exists else 0

        assert await asyncio.gather(*(count() for _ in range(8))) == [0] * 8
    finally:
        await store.close()
