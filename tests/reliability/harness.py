"""The whole server with both edges over real HTTP, pointed at the existing fakes.

Teams: the fake Bot Connector and OpenID/identity server from ``tests/teams``; Slack: the fake
Web API and the request signing helpers from ``tests/slack``. Nothing here forks them.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import ClientResponse, ClientSession, web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import RUNNER, STORE, create_app
from bot.settings import Settings
from bot.store import Store
from bot.teams.routes import TEAMS_OPTIONS
from tests.slack.conftest import SECRET, signed
from tests.slack.fake_slack import TOKEN, FakeSlack
from tests.teams.conftest import APP_ID, PASSWORD, TENANT
from tests.teams.conftest import options as teams_options
from tests.teams.fakes import FakeConnector, FakeIdentity, FakeLoginFactory

SOAK = os.environ.get("CROSSWALK_SOAK") == "1"


def budget(normal: int, soak: int) -> int:
    """A count for ``make test`` (within the issue's budgets) or the full one for ``make soak``."""
    return soak if SOAK else normal


# --------------------------------------------------------------------------- logs


class LogTrap(logging.Handler):
    """Every ERROR record and every record carrying a traceback, from any logger."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR or record.exc_info:
            self.records.append(record)

    def describe(self) -> str:
        return "\n".join(f"{r.name}: {r.getMessage()}" for r in self.records[:10])


@contextmanager
def trap_logs() -> Iterator[LogTrap]:
    trap = LogTrap()
    root = logging.getLogger()
    root.addHandler(trap)
    try:
        yield trap
    finally:
        root.removeHandler(trap)


# --------------------------------------------------------------------------- rows


async def all_tables(store: Store) -> list[str]:
    async with store.backend.read() as conn:
        if store.engine == "sqlite":
            rows = await conn.fetch("SELECT name FROM sqlite_master WHERE type = 'table'"
                                    " AND name NOT LIKE 'sqlite_%' ORDER BY name")
            return [r["name"] for r in rows]
        rows = await conn.fetch("SELECT table_name AS name FROM information_schema.tables"
                                " WHERE table_schema = current_schema() ORDER BY table_name")
        return [r["name"] for r in rows]


async def row_counts(store: Store, tables: list[str] | None = None) -> dict[str, int]:
    """Rows per table, in one statement."""
    names = tables or await all_tables(store)
    sql = "SELECT " + ", ".join(f'(SELECT COUNT(*) FROM "{t}") AS "{t}"' for t in names)
    async with store.backend.read() as conn:
        row = await conn.fetchrow(sql)
    assert row is not None
    return {k: int(v) for k, v in row.items()}


# --------------------------------------------------------------------------- the server


def base_settings(db_url: str, *, slack_secret: str = SECRET, teams_password: str = PASSWORD,
                  **extra: Any) -> Settings:
    """Teams (authenticated) and Slack (one workspace) on, throttling off unless asked for."""
    values: dict[str, Any] = {
        "database_url": db_url,
        "microsoft_app_id": APP_ID, "microsoft_app_password": teams_password,
        "microsoft_app_tenant_id": TENANT,
        "slack_signing_secret": slack_secret, "slack_bot_token": TOKEN,
        "throttle_user_per_minute": 0, "throttle_org_per_minute": 0,
    }
    return Settings(**values | extra)


@dataclass
class Edges:
    """A running server with both edges and the fakes it talks to."""

    client: TestClient[Any, Any]
    app: web.Application
    connector: FakeConnector
    identity: FakeIdentity
    slack: FakeSlack
    counts: dict[str, int] = field(default_factory=dict)  # rows per table, last seen
    slack_secret: str = SECRET

    @property
    def store(self) -> Store:
        return self.app[STORE]

    def token(self, service_url: str | None = None, **options: Any) -> str:
        options.setdefault("audience", APP_ID)
        return self.identity.token(service_url=service_url or self.connector.url, **options)

    async def teams(self, activity: dict[str, Any], *, sign: bool = True,
                    token: str | None = None) -> ClientResponse:
        """POST an activity; signed with a token whose serviceurl claim is the fake's URL."""
        body = json.dumps(activity).encode()
        auth = f"Bearer {token or self.token()}" if sign else None
        return await self.teams_raw(body, "application/json", auth)

    async def teams_raw(self, body: bytes, content_type: str | None,
                        authorization: str | None) -> ClientResponse:
        headers = {"Authorization": authorization} if authorization else {}
        if content_type is not None:
            headers["Content-Type"] = content_type
        return await self.client.post("/api/messages", data=_payload(body), headers=headers)

    async def slack_raw(self, body: bytes, content_type: str | None, *, sign: bool = True,
                        **headers: str) -> ClientResponse:
        sent = {**(signed(body, secret=self.slack_secret) if sign else {}), **headers}
        if content_type is not None:
            sent["Content-Type"] = content_type
        return await self.client.post("/slack/events", data=_payload(body), headers=sent)

    async def slack_event(self, data: dict[str, Any]) -> ClientResponse:
        return await self.slack_raw(json.dumps(data).encode(), "application/json")

    async def slack_form(self, fields: dict[str, str]) -> ClientResponse:
        from urllib.parse import urlencode

        return await self.slack_raw(urlencode(fields).encode(),
                                    "application/x-www-form-urlencoded")

    async def settle(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait for every turn and reply started so far (the runner's tracked work)."""
        left = await self.app[RUNNER].drain(timeout)
        assert left == 0, f"{left} turns still running after {timeout}s"


def _payload(body: bytes) -> bytes | io.BytesIO:
    """Large bodies as a stream (aiohttp warns about big raw bytes); the length is still sent."""
    return io.BytesIO(body) if len(body) > 512 * 1024 else body


@asynccontextmanager
async def edges(db_url: str, *, slack_secret: str = SECRET, teams_password: str = PASSWORD,
                teams_extra: dict[str, Any] | None = None, **extra: Any) -> AsyncIterator[Edges]:
    """Start the fakes and the server (settings from ``base_settings`` plus ``extra``)."""
    connector = await FakeConnector().start()
    identity = await FakeIdentity().start()
    slack = FakeSlack()
    await slack.start()
    try:
        app = create_app(base_settings(db_url, slack_secret=slack_secret,
                                       teams_password=teams_password,
                                       **{"slack_api_url": slack.api_url, **extra}))
        app[TEAMS_OPTIONS] = teams_options(
            identity, credentials_factory=FakeLoginFactory(APP_ID, teams_password),
            **(teams_extra or {}))
        async with TestClient(TestServer(app)) as client:
            yield Edges(client, app, connector, identity, slack, slack_secret=slack_secret)
    finally:
        await slack.close()
        await identity.close()
        await connector.close()


# --------------------------------------------------------------------------- a real process

CROSSWALK = Path(sys.executable).parent / "crosswalk"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Serve:
    """A real ``crosswalk serve`` process; its stderr is read all along (the pipe never fills)."""

    def __init__(self, proc: asyncio.subprocess.Process, port: int) -> None:
        self.proc = proc
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        assert proc.stderr is not None
        self._stderr = asyncio.ensure_future(proc.stderr.read())

    @classmethod
    async def start(cls, env: dict[str, str], *, ready: bool = True,
                    timeout: float = 30.0) -> Serve:  # noqa: ASYNC109
        port = free_port()
        proc = await asyncio.create_subprocess_exec(
            str(CROSSWALK), "serve", "--port", str(port), env={**os.environ, **env},
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )
        server = cls(proc, port)
        if ready:
            await server.wait_ready(timeout)
        return server

    async def wait_ready(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        deadline = time.monotonic() + timeout
        async with ClientSession() as session:
            while time.monotonic() < deadline:
                if self.proc.returncode is not None:
                    raise AssertionError(f"crosswalk serve exited:\n{await self.stderr()}")
                try:
                    async with session.get(f"{self.base}/readyz") as response:
                        if response.status == 200:
                            return
                except OSError:
                    pass
                await asyncio.sleep(0.05)
        raise AssertionError(f"crosswalk serve not ready in {timeout}s")

    async def kill(self) -> None:
        """SIGKILL: no clean-up runs in the process."""
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGKILL)
        await asyncio.wait_for(self.proc.wait(), 30)

    async def stop(self) -> str:
        """SIGTERM (a graceful shutdown); returns what the process wrote to stderr."""
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(self.proc.wait(), 30)
        return await self.stderr()

    async def stderr(self) -> str:
        raw = await asyncio.wait_for(self._stderr, 30)
        return raw.decode("utf-8", "replace")


async def crosswalk(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    """Run a ``crosswalk`` command; (exit code, stdout, stderr)."""
    proc = await asyncio.create_subprocess_exec(
        str(CROSSWALK), *args, env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()
