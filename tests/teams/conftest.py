"""The bot over real HTTP, pointed at the fake Bot Connector and the fake identity server."""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer

from bot.app import RUNNER, STORE, create_app
from bot.settings import Settings
from bot.store import Store
from bot.teams.options import EdgeOptions, Endpoints, RetryPolicy
from bot.teams.routes import TEAMS, TEAMS_OPTIONS
from bot.turns import TurnResult
from dialogs.messages import Inbound
from tests.teams.fakes import FakeConnector, FakeIdentity, FakeLoginFactory

PAYLOADS = Path(__file__).parent / "payloads"
APP_ID = "8c1f4e0a-5b7d-4c2e-9f3a-1d6b0e2c4a7f"
BOT_ID = f"28:{APP_ID}"
PASSWORD = "not-a-real-secret"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
PERSONAL = "a:1XyZ0PersonalChatWithCrosswalk-aBcDeFgHiJkLmNoPqRsTuVwXyZ"
CHANNEL = "19:planning7f3a9c@thread.tacv2"
TEAM = "19:general2b8e41@thread.tacv2"
USER = "29:1Ab2Cd3Ef4Gh5Ij6Kl7Mn8Op9Qr0StUvWxYz-personal"
USER_AAD = "6f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f"
FAST_RETRY = RetryPolicy(base_delay=0.01, max_delay=0.05)


def payload(name: str, service_url: str | None = None, **changes: Any) -> dict[str, Any]:
    """A recorded Teams payload with its serviceUrl (and any top-level keys) replaced."""
    data: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))
    if service_url is not None:
        data["serviceUrl"] = service_url
    data.update(copy.deepcopy(changes))
    return data


@dataclass
class Bot:
    """A running bot: its HTTP client, app, fakes and what each turn returned."""

    client: TestClient
    connector: FakeConnector
    identity: FakeIdentity | None
    results: list[tuple[Inbound, TurnResult]] = field(default_factory=list)

    @property
    def app(self) -> Any:
        return self.client.server.app

    @property
    def edge(self) -> Any:
        return self.app[TEAMS]

    @property
    def store(self) -> Store:
        return self.app[STORE]

    def payload(self, name: str, **changes: Any) -> dict[str, Any]:
        return payload(name, self.connector.url, **changes)

    def token(self, activity: dict[str, Any], **options: Any) -> str:
        assert self.identity is not None
        options.setdefault("audience", APP_ID)
        options.setdefault("service_url", activity.get("serviceUrl", ""))
        return self.identity.token(**options)

    async def post(self, activity: Any, *, token: str | None = None, auth: bool = True,
                   headers: dict[str, str] | None = None) -> ClientResponse:
        sent = dict(headers or {})
        if auth and self.identity is not None and "Authorization" not in sent:
            sent["Authorization"] = f"Bearer {token or self.token(activity)}"
        return await self.client.post("/api/messages", json=activity, headers=sent)

    async def settle(self) -> None:
        """Wait for every turn started so far to finish (the runner's tracked work)."""
        left = await self.app[RUNNER].drain(5.0)
        assert left == 0


def settings(db: str, *, dev: bool = False, **extra: Any) -> Settings:
    values: dict[str, Any] = {"database_url": db, "dev_mode": dev}
    if not dev:
        values |= {"microsoft_app_id": APP_ID, "microsoft_app_password": PASSWORD,
                   "microsoft_app_tenant_id": TENANT}
    return Settings(**values | extra)


def options(identity: FakeIdentity | None, **extra: Any) -> EdgeOptions:
    if identity is None:
        return EdgeOptions(retry=FAST_RETRY, **extra)
    endpoints = Endpoints(
        openid_metadata_url=identity.metadata_url,
        token_issuer=identity.issuer,
        login_url=identity.login_url(TENANT),
        oauth_scope="https://api.botframework.com",
        emulator_openid_metadata_url=f"{identity.base}/emulator-not-used",
    )
    values: dict[str, Any] = {
        "endpoints": endpoints, "retry": FAST_RETRY,
        "credentials_factory": FakeLoginFactory(APP_ID, PASSWORD),
    }
    return EdgeOptions(**values | extra)


async def start_bot(
    db: str, connector: FakeConnector, identity: FakeIdentity | None, *, dev: bool = False,
    edge_options: EdgeOptions | None = None, **extra: Any,
) -> AsyncIterator[Bot]:
    app = create_app(settings(db, dev=dev, **extra))
    app[TEAMS_OPTIONS] = edge_options or options(identity)
    async with TestClient(TestServer(app)) as client:
        bot = Bot(client, connector, identity)
        runner = app[RUNNER]
        run = runner.run

        async def spy(event: Inbound, reference: dict[str, Any] | None = None) -> TurnResult:
            result = await run(event, reference=reference)
            bot.results.append((event, result))
            return result

        runner.run = spy  # type: ignore[method-assign]
        yield bot


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    fake = await FakeConnector().start()
    yield fake
    await fake.close()


@pytest.fixture
async def identity() -> AsyncIterator[FakeIdentity]:
    fake = await FakeIdentity().start()
    yield fake
    await fake.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'teams.db'}"


@pytest.fixture
async def bot(sqlite_url: str, connector: FakeConnector,
              identity: FakeIdentity) -> AsyncIterator[Bot]:
    """Authenticated: tokens signed by the fake identity, replies with its tokens."""
    async for running in start_bot(sqlite_url, connector, identity):
        yield running


@pytest.fixture
async def dev_bot(sqlite_url: str, connector: FakeConnector) -> AsyncIterator[Bot]:
    """Dev mode: no authentication, loopback serviceUrls only."""
    async for running in start_bot(sqlite_url, connector, None, dev=True):
        yield running
