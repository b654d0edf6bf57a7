"""SQLite write transactions (issue 11): queued in-process, never waiting on the event loop."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from bot.store import Store


async def test_concurrent_writers_all_commit_in_order(tmp_path: Path) -> None:
    store = await Store.open(f"sqlite:///{tmp_path / 'w.db'}")
    try:
        async with store.backend.write() as conn:
            await conn.execute("CREATE TABLE t (n INTEGER)")
        order: list[int] = []

        async def write(i: int) -> None:
            async with store.backend.write() as conn:
                order.append(i)
                await conn.execute("INSERT INTO t VALUES (?)", i)
                await asyncio.sleep(0)  # let the others queue up while the lock is held

        await asyncio.gather(*(write(i) for i in range(40)))
        async with store.backend.read() as conn:
            assert await conn.fetchval("SELECT COUNT(*) FROM t") == 40
        assert order == list(range(40))  # first come, first served
    finally:
        await store.close()


async def test_a_failed_writer_rolls_back_and_frees_the_lock(tmp_path: Path) -> None:
    store = await Store.open(f"sqlite:///{tmp_path / 'w.db'}")
    try:
        async with store.backend.write() as conn:
            await conn.execute("CREATE TABLE t (n INTEGER PRIMARY KEY)")
        try:
            async with store.backend.write() as conn:
                await conn.execute("INSERT INTO t VALUES (1)")
                await conn.execute("INSERT INTO t VALUES (1)")  # constraint error
        except sqlite3.IntegrityError:
            pass
        async with store.backend.write() as conn:
            await conn.execute("INSERT INTO t VALUES (2)")
        async with store.backend.read() as conn:
            assert await conn.fetch("SELECT n FROM t") == [{"n": 2}]
    finally:
        await store.close()


async def test_another_process_holding_the_lock_does_not_block_the_loop(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    store = await Store.open(f"sqlite:///{path}")
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        async with store.backend.write() as conn:
            await conn.execute("CREATE TABLE t (n INTEGER)")
        other.execute("BEGIN IMMEDIATE")  # e.g. a CLI command in the middle of a write
        other.execute("INSERT INTO t VALUES (1)")

        async def write() -> None:
            async with store.backend.write() as conn:
                await conn.execute("INSERT INTO t VALUES (2)")

        writer = asyncio.create_task(write())
        ticks = 0
        while ticks < 20:  # the loop keeps running while the writer waits for the lock
            await asyncio.sleep(0.005)
            ticks += 1
        assert not writer.done()
        other.execute("COMMIT")
        await asyncio.wait_for(writer, 5)
        async with store.backend.read() as conn:
            assert [r["n"] for r in await conn.fetch("SELECT n FROM t ORDER BY n")] == [1, 2]
    finally:
        other.close()
        await store.close()
