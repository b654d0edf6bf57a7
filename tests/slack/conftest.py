"""The Slack edge under test: the real app over HTTP, a fake Web API, correctly signed requests."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.compose import Components
from bot.settings import Settings
from dialogs.router import Core
from tests.slack.fake_slack import TOKEN, FakeSlack
from tests.slack.feature import Quiz

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
PAYLOADS = Path(__file__).parent / "payloads"


def payload(name: str) -> dict[str, Any]:
    return copy.deepcopy(json.loads((PAYLOADS / name).read_text()))


def signature(body: bytes, timestamp: str, secret: str = SECRET) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed(body: bytes, *, timestamp: int | None = None, secret: str = SECRET) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature(body, ts, secret)}


@dataclass
class Slack:
    """The app under test and the fake it talks to."""

    client: TestClient
    fake: FakeSlack
    app: web.Application

    async def post(self, body: bytes, content_type: str, **headers: str) -> ClientResponse:
        all_headers = {"Content-Type": content_type, **signed(body), **headers}
        return await self.client.post("/slack/events", data=body, headers=all_headers)

    async def event(self, data: dict[str, Any], **headers: str) -> ClientResponse:
        return await self.post(json.dumps(data).encode(), "application/json", **headers)

    async def form(self, fields: dict[str, str]) -> ClientResponse:
        return await self.post(urlencode(fields).encode(), "application/x-www-form-urlencoded")

    async def interaction(self, data: dict[str, Any]) -> ClientResponse:
        return await self.form({"payload": json.dumps(data)})

    def command(self, text: str, channel_id: str = "D0ANA", trigger: str = "t1") -> dict[str, str]:
        fields = dict(
            pair.split("=", 1) for pair in (PAYLOADS / "slash_command.txt").read_text().strip()
            .split("&")
        )
        from urllib.parse import unquote_plus

        fields = {k: unquote_plus(v) for k, v in fields.items()}
        fields.update(text=text, channel_id=channel_id, response_url=self.fake.hook_url(trigger),
                      trigger_id=f"trigger-{trigger}")
        if not channel_id.startswith("D"):
            fields["channel_name"] = "finops"
        return fields


def quiz_components(settings: Settings) -> Components:
    return Components(Core([Quiz()]), None)


@asynccontextmanager
async def running(db_url: str, fake: FakeSlack, **extra: Any) -> AsyncIterator[Slack]:
    options: dict[str, Any] = {
        "database_url": db_url, "slack_signing_secret": SECRET, "slack_bot_token": TOKEN,
        "slack_api_url": fake.api_url, **extra,
    }
    settings = Settings(**options)
    app = create_app(settings)
    async with TestClient(TestServer(app)) as client:
        yield Slack(client, fake, app)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = FakeSlack()
    await server.start()
    try:
        yield server
    finally:
        await server.close()


@pytest.fixture
async def slack(db_url: str, fake: FakeSlack) -> AsyncIterator[Slack]:
    """The real app with the content's core (no features wired yet, or whatever compose wires)."""
    async with running(db_url, fake) as s:
        yield s


@pytest.fixture
async def quiz(
    db_url: str, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Slack]:
    """The real app with the test feature, for interactive paths."""
    monkeypatch.setattr("bot.app.load_components", quiz_components)
    async with running(db_url, fake) as s:
        yield s
