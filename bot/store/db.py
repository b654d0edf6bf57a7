"""Two database backends behind one small connection interface.

SQL is written once with ``?`` placeholders; the PostgreSQL connection rewrites them to ``$n``.
Write transactions take the database's own lock: ``BEGIN IMMEDIATE`` on SQLite, row locks
(``FOR UPDATE``) inside ``BEGIN`` on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Protocol
from urllib.parse import parse_qs, urlsplit

Engine = Literal["sqlite", "postgresql"]
Row = dict[str, Any]
BUSY_TIMEOUT_MS = 5000  # SQLite: how long a writer waits for another process's lock


class DatabaseUrlError(ValueError):
    """The database URL cannot be used."""


@dataclass(frozen=True)
class DatabaseUrl:
    engine: Engine
    path: Path | None = None  # SQLite file
    dsn: str = ""  # PostgreSQL DSN
    schema: str | None = None  # PostgreSQL search_path (tests isolate themselves with it)

    @classmethod
    def parse(cls, url: str) -> DatabaseUrl:
        """``sqlite:///relative.db``, ``sqlite:////absolute.db`` or ``postgresql://…``."""
        if url.startswith("sqlite:///"):
            rest = url[len("sqlite:///") :]
            if not rest or rest.endswith("/"):
                raise DatabaseUrlError("sqlite URL needs a file path, e.g. sqlite:///.data/x.db")
            return cls("sqlite", path=Path(rest))
        if url.startswith(("postgresql://", "postgres://")):
            parts = urlsplit(url)
            query = parse_qs(parts.query)
            schema = query.pop("schema", [None])[0]
            rest = "&".join(f"{k}={v}" for k, vs in query.items() for v in vs)
            dsn = parts._replace(query=rest).geturl()
            return cls("postgresql", dsn=dsn, schema=schema)
        scheme = url.split(":", 1)[0] if ":" in url else "(none)"
        raise DatabaseUrlError(
            f"unsupported database URL scheme {scheme!r}: use sqlite:///path or postgresql://…"
        )


class Conn(Protocol):
    """A connection inside a transaction; SQL uses ``?`` placeholders."""

    engine: Engine

    async def execute(self, sql: str, *args: Any) -> int: ...

    async def fetch(self, sql: str, *args: Any) -> list[Row]: ...

    async def fetchrow(self, sql: str, *args: Any) -> Row | None: ...

    async def fetchval(self, sql: str, *args: Any) -> Any: ...


class Backend(Protocol):
    engine: Engine

    def write(self) -> Any:
        """Async context manager: a write transaction (``async with backend.write() as conn``)."""
        ...

    def read(self) -> Any: ...

    async def ping(self) -> None: ...

    async def close(self) -> None: ...

    def for_update(self) -> str: ...

    def advisory_lock(self) -> Any: ...


# --------------------------------------------------------------------------- SQLite


def _adapt_datetime(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("naive datetime given to the store; pass a time-zone-aware one")
    return value.astimezone(UTC).isoformat()


def _convert_timestamptz(raw: bytes) -> datetime:
    return datetime.fromisoformat(raw.decode())


def _register_sqlite_types() -> None:
    sqlite3.register_adapter(datetime, _adapt_datetime)
    sqlite3.register_converter("timestamptz", _convert_timestamptz)


class SqliteConn:
    """A sqlite3 connection used from one worker thread at a time."""

    engine: Engine = "sqlite"

    def __init__(self, raw: sqlite3.Connection) -> None:
        self.raw = raw
        self.inline = False  # in a write transaction holding the lock: statements run right here

    async def _run(self, fn: Any, *args: Any) -> Any:
        """Run a statement in a worker thread; a cancelled caller still waits for it to end.

        Otherwise the connection would go back to the pool (or be closed) while its thread is
        still inside SQLite. Inside a write transaction (``inline``) the statement runs here.
        """
        if self.inline:
            return fn(*args)
        work = asyncio.ensure_future(asyncio.to_thread(fn, *args))
        try:
            return await asyncio.shield(work)
        except asyncio.CancelledError:
            await asyncio.wait([work])
            raise

    def _execute(self, sql: str, args: Sequence[Any]) -> int:
        return self.raw.execute(sql, tuple(args)).rowcount

    async def begin_immediate(self) -> None:
        """Take the write lock here when it is free, else wait for it in a worker thread.

        In-process writers are already queued (``SqliteBackend._writing``), so the lock is busy
        only when another process (a CLI command) holds it: only then is the busy timeout
        waited out, and never on the event loop.
        """
        self.raw.execute("PRAGMA busy_timeout=0")
        try:
            self.raw.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY:
                raise
        finally:
            self.raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        await self.execute("BEGIN IMMEDIATE")

    def _fetch(self, sql: str, args: Sequence[Any]) -> list[Row]:
        cur = self.raw.execute(sql, tuple(args))
        names = [d[0] for d in cur.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    async def execute(self, sql: str, *args: Any) -> int:
        return int(await self._run(self._execute, sql, args))

    def _rollback(self) -> None:
        if self.raw.in_transaction:
            self.raw.execute("ROLLBACK")

    async def rollback_if_open(self) -> None:
        await self._run(self._rollback)

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        rows: list[Row] = await self._run(self._fetch, sql, args)
        return rows

    async def fetchrow(self, sql: str, *args: Any) -> Row | None:
        rows = await self.fetch(sql, *args)
        return rows[0] if rows else None

    async def fetchval(self, sql: str, *args: Any) -> Any:
        row = await self.fetchrow(sql, *args)
        return next(iter(row.values())) if row else None

    async def script(self, sql: str) -> None:
        for statement in split_statements(sql):
            await self.execute(statement)


class SqliteBackend:
    """A small pool of SQLite connections sharing one WAL file."""

    engine: Engine = "sqlite"

    def __init__(self, path: Path, size: int = 4) -> None:
        self.path = path
        self._size = size
        self._pool: asyncio.Queue[SqliteConn] = asyncio.Queue()
        self._all: list[SqliteConn] = []
        self._opened = False
        self._writer = asyncio.Lock()

    async def open(self) -> None:
        _register_sqlite_types()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(self._size):
            raw = await asyncio.to_thread(self._connect)
            conn = SqliteConn(raw)
            self._all.append(conn)
            self._pool.put_nowait(conn)
        self._opened = True

    def _connect(self) -> sqlite3.Connection:
        raw = sqlite3.connect(
            self.path,
            detect_types=sqlite3.PARSE_DECLTYPES,
            isolation_level=None,
            check_same_thread=False,
            timeout=BUSY_TIMEOUT_MS / 1000,
        )
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        raw.execute("PRAGMA synchronous=NORMAL")
        raw.execute("PRAGMA foreign_keys=ON")
        return raw

    @asynccontextmanager
    async def _conn(self, begin: str | None) -> AsyncIterator[SqliteConn]:
        """A pooled connection, in a transaction when ``begin`` is given.

        Whatever goes wrong (an error, a cancelled caller, even during ``BEGIN`` or ``COMMIT``),
        the connection goes back to the pool with no transaction open.
        """
        conn = await self._pool.get()
        try:
            if begin is None:
                yield conn
                return
            try:
                await conn.execute(begin)
                yield conn
                await conn.execute("COMMIT")
            except BaseException:
                await conn.rollback_if_open()
                raise
        finally:
            self._pool.put_nowait(conn)

    def write(self) -> Any:
        return self._writing()

    @asynccontextmanager
    async def _writing(self) -> AsyncIterator[SqliteConn]:
        """A write transaction, after this process's earlier writers (FIFO).

        SQLite has one writer at a time and makes the others poll in its busy handler with
        growing sleeps (1 ms, 2 ms, 5 ms … 100 ms), so under load the lock sat free while every
        waiter slept; here writers queue and the lock is handed on at once. Waiting here has no
        time limit, like waiting for a pooled connection: a write transaction must not open
        another one (it never could: the second waited out the busy timeout on the first).

        Once the lock is held, statements and the ``COMMIT`` run on the event loop: each takes
        microseconds and none can wait for a lock, whereas a trip through a worker thread took
        a loop iteration, and under load those trips were what the lock was held for (a turn
        is two or three write transactions of five to ten statements). The price: a WAL
        checkpoint at ``COMMIT`` (an fsync, about every 1000 pages) or a long statement (a purge
        of many rows) holds the loop while it runs.
        """
        async with self._writer:
            conn = await self._pool.get()
            try:
                try:
                    await conn.begin_immediate()
                    conn.inline = True
                    yield conn
                    await conn.execute("COMMIT")
                except BaseException:
                    await conn.rollback_if_open()
                    raise
            finally:
                conn.inline = False
                self._pool.put_nowait(conn)

    def read(self) -> Any:
        return self._conn("BEGIN")

    def raw(self) -> Any:
        return self._conn(None)

    @asynccontextmanager
    async def advisory_lock(self) -> AsyncIterator[SqliteConn]:
        """SQLite: the migration runs inside one ``BEGIN IMMEDIATE``."""
        async with self._writing() as conn:
            yield conn

    def for_update(self) -> str:
        return ""

    async def ping(self) -> None:
        async with self.raw() as conn:
            await conn.fetchval("SELECT 1")

    async def close(self, wait_s: float = 10.0) -> None:
        """Close every connection, first waiting for those in use to come back."""
        for _ in range(len(self._all)):
            try:
                await asyncio.wait_for(self._pool.get(), timeout=wait_s)
            except TimeoutError:
                break
        for conn in self._all:
            await asyncio.to_thread(conn.raw.close)
        self._all.clear()


# --------------------------------------------------------------------------- PostgreSQL

_PLACEHOLDER = re.compile(r"\?")


@lru_cache(maxsize=512)
def to_dollar(sql: str) -> str:
    """Rewrite ``?`` placeholders as ``$1, $2, …`` (our SQL has no ``?`` in literals)."""
    counter = iter(range(1, 10_000))
    return _PLACEHOLDER.sub(lambda _: f"${next(counter)}", sql)


class PostgresConn:
    engine: Engine = "postgresql"

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    async def execute(self, sql: str, *args: Any) -> int:
        status: str = await self.raw.execute(to_dollar(sql), *args)
        tail = status.rsplit(" ", 1)[-1]
        return int(tail) if tail.isdigit() else 0

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        return [dict(r) for r in await self.raw.fetch(to_dollar(sql), *args)]

    async def fetchrow(self, sql: str, *args: Any) -> Row | None:
        row = await self.raw.fetchrow(to_dollar(sql), *args)
        return dict(row) if row is not None else None

    async def fetchval(self, sql: str, *args: Any) -> Any:
        return await self.raw.fetchval(to_dollar(sql), *args)

    async def script(self, sql: str) -> None:
        await self.raw.execute(sql)


MIGRATION_LOCK_ID = 0x43_57_41_4C_4B  # "CWALK"


class PostgresBackend:
    engine: Engine = "postgresql"

    def __init__(self, dsn: str, schema: str | None = None, size: int = 10) -> None:
        self.dsn = dsn
        self.schema = schema
        self._size = size
        self._pool: Any = None

    async def open(self) -> None:
        import asyncpg

        settings = {"search_path": self.schema} if self.schema else None
        self._pool = await asyncpg.create_pool(
            self.dsn, min_size=1, max_size=self._size, server_settings=settings, timeout=10
        )

    @asynccontextmanager
    async def _tx(self, readonly: bool) -> AsyncIterator[PostgresConn]:
        async with self._pool.acquire() as raw, raw.transaction(readonly=readonly):
            yield PostgresConn(raw)

    def write(self) -> Any:
        return self._tx(False)

    def read(self) -> Any:
        return self._tx(True)

    @asynccontextmanager
    async def advisory_lock(self) -> AsyncIterator[PostgresConn]:
        """Replicas migrating at once wait for each other on one advisory lock."""
        async with self._pool.acquire() as raw, raw.transaction():
            await raw.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK_ID)
            yield PostgresConn(raw)

    def for_update(self) -> str:
        return " FOR UPDATE"

    async def ping(self) -> None:
        async with self._pool.acquire() as raw:
            await raw.fetchval("SELECT 1")

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()


def split_statements(sql: str) -> list[str]:
    """Split a migration file on semicolons that end a line; drop comments and blanks."""
    statements: list[str] = []
    current: list[str] = []
    for line in sql.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("--"):
            continue
        current.append(line)
        if stripped.endswith(";"):
            statements.append("\n".join(current).rstrip().rstrip(";"))
            current = []
    if current:
        statements.append("\n".join(current))
    return statements


async def open_backend(url: str | DatabaseUrl) -> SqliteBackend | PostgresBackend:
    parsed = DatabaseUrl.parse(url) if isinstance(url, str) else url
    backend: SqliteBackend | PostgresBackend
    if parsed.engine == "sqlite":
        assert parsed.path is not None
        backend = SqliteBackend(parsed.path)
    else:
        backend = PostgresBackend(parsed.dsn, parsed.schema)
    await backend.open()
    return backend
