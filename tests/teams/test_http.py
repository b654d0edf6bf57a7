"""``/api/messages`` over real HTTP: dev-mode rules, malformed input (4xx, never 5xx)."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import given
from hypothesis import strategies as st

from bot.app import create_app
from bot.settings import Settings
from tests.teams.conftest import TENANT, Bot, payload, start_bot
from tests.teams.fakes import FakeConnector, FakeIdentity


async def post_raw(bot: Bot, body: bytes, content_type: str = "application/json",
                   **headers: str) -> tuple[int, dict[str, Any]]:
    response = await bot.client.post(
        "/api/messages", data=body, headers={"Content-Type": content_type, **headers}
    )
    return response.status, await response.json()


# --------------------------------------------------------------------------- dev mode


async def test_dev_mode_answers_loopback_without_authentication(dev_bot: Bot) -> None:
    response = await dev_bot.post(dev_bot.payload("personal_message"))
    assert response.status == 201
    await dev_bot.settle()
    [call] = dev_bot.connector.calls
    assert call.authorization is None  # authentication is off: no token is sent


@pytest.mark.parametrize(
    "service_url",
    ["https://smba.trafficmanager.net/emea/", "http://127.0.0.1.nip.io/", "http://10.1.2.3/",
     "not a url", None, 42, "http://localhost.evil.example/"],
)
async def test_dev_mode_refuses_other_service_urls(dev_bot: Bot, service_url: Any) -> None:
    activity = payload("personal_message", service_url)
    if service_url is None:
        activity.pop("serviceUrl")
    response = await dev_bot.post(activity)
    assert response.status == 403
    assert await response.json() == {"error": "dev mode accepts loopback serviceUrl only"}
    await dev_bot.settle()
    assert dev_bot.connector.calls == [] and dev_bot.results == []
    assert await dev_bot.store.list_conversations(TENANT) == []  # nothing stored


async def test_dev_mode_ignores_and_logs_an_authorization_header(
    dev_bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="crosswalk.teams"):
        response = await dev_bot.post(dev_bot.payload("personal_message"),
                                      headers={"Authorization": "Bearer whatever"})
    assert response.status == 201
    assert "ignoring the request's Authorization header" in caplog.text
    assert "whatever" not in caplog.text


async def test_not_configured_is_503_with_the_reason(tmp_path: Path) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'n.db'}"))
    async with TestClient(TestServer(app)) as client:
        response = await client.post("/api/messages", json=payload("personal_message"))
        body = await response.json()
    assert response.status == 503 and "MICROSOFT_APP_ID" in body["error"]


# --------------------------------------------------------------------------- malformed


@pytest.fixture(params=["dev", "authenticated"])
async def any_bot(
    request: pytest.FixtureRequest, sqlite_url: str, connector: FakeConnector,
    identity: FakeIdentity,
) -> AsyncIterator[Bot]:
    dev = request.param == "dev"
    async for running in start_bot(sqlite_url, connector, None if dev else identity, dev=dev):
        yield running


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        (b"{not json", 400, "body is not valid JSON"),
        (b"[]", 400, "an activity must be a JSON object"),
        (b'[{"type": "message"}]', 400, "an activity must be a JSON object"),
        (b"null", 400, "an activity must be a JSON object"),
        (b"\xc3\x28{}", 400, "body is not UTF-8"),
        (b'{"a":' * 20_000 + b"1" + b"}" * 20_000, 400, "body is not valid JSON"),
        (b"", 400, "body is not valid JSON"),
    ],
    ids=["bad-json", "array", "array-of-activity", "null", "non-utf8", "deep", "empty"],
)
async def test_malformed_bodies_are_400(
    any_bot: Bot, body: bytes, status: int, reason: str
) -> None:
    assert await post_raw(any_bot, body) == (status, {"error": reason})


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"type": 5}, "activity needs a string type"),
        ({"type": ["message"]}, "activity needs a string type"),
        ({"id": {}}, "activity needs a string id"),
        ({"channelId": None}, "activity needs a string channelId"),
        ({"conversation": None}, "activity needs a conversation.id"),
        ({"conversation": {"id": ""}}, "activity needs a conversation.id"),
        ({"recipient": "bot"}, "activity recipient must be an object"),
        ({"timestamp": "yesterday"}, "activity could not be read"),
        ({"entities": "x"}, "activity could not be read"),
        ({"attachments": [1, 2]}, "activity could not be read"),
    ],
)
async def test_wrong_types_are_400(dev_bot: Bot, changes: dict[str, Any], reason: str) -> None:
    response = await dev_bot.post(dev_bot.payload("personal_message", **changes))
    assert response.status == 400
    assert await response.json() == {"error": reason}
    await dev_bot.settle()
    assert dev_bot.connector.calls == []


async def test_no_service_url_is_400_when_authenticated(bot: Bot) -> None:
    activity = bot.payload("personal_message")
    activity.pop("serviceUrl")
    response = await bot.post(activity, token=bot.token(activity, service_url="x"))
    assert response.status == 400
    assert await response.json() == {"error": "activity needs an http(s) serviceUrl"}


async def test_wrong_content_type_is_415(dev_bot: Bot) -> None:
    body = json.dumps(dev_bot.payload("personal_message")).encode()
    assert await post_raw(dev_bot, body, "text/plain") == (
        415, {"error": "Content-Type must be application/json"}
    )


async def test_oversize_body_is_413(dev_bot: Bot) -> None:
    big = dev_bot.payload("personal_message", text="x" * 300_000)
    status, body = await post_raw(dev_bot, json.dumps(big).encode())
    assert status == 413 and body == {"error": "request body too large"}


async def test_missing_tenant_is_400(bot: Bot) -> None:
    activity = bot.payload("personal_message", channelData={})
    activity["conversation"].pop("tenantId")
    response = await bot.post(activity)
    assert response.status == 400
    assert await response.json() == {"error": "activity has no tenant id"}


async def test_get_is_405(dev_bot: Bot) -> None:
    response = await dev_bot.client.get("/api/messages")
    assert response.status == 405


VOCABULARY = ["type", "id", "channelId", "serviceUrl", "conversation", "from", "recipient",
              "text", "value", "entities", "channelData", "membersAdded", "action", "name",
              "replyToId", "localTimezone", "attachments", "timestamp"]
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                               max_size=3),
    max_leaves=8,
)


@given(
    extra=st.dictionaries(st.sampled_from(VOCABULARY), JSON, max_size=6),
    drop=st.sets(st.sampled_from(VOCABULARY), max_size=4),
)
async def test_fuzzed_activities_never_get_a_5xx(
    dev_bot: Bot, extra: dict[str, Any], drop: set[str]
) -> None:
    activity = dev_bot.payload("personal_message")
    for key in drop:
        activity.pop(key, None)
    activity.update(extra)
    response = await dev_bot.post(activity)
    assert response.status in (201, 400, 403), await response.text()
    await dev_bot.settle()



def test_botbuilder_loads_only_when_teams_is_on(tmp_path: Path) -> None:
    """``create_app`` mounts the route without importing the SDK when Teams is off."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from bot.app import create_app\n"
        "from bot.settings import Settings\n"
        f"create_app(Settings(database_url='sqlite:///{tmp_path / 'x.db'}'))\n"
        "import bot.teams.manifest, bot.teams.translate, bot.teams.cards\n"
        "print(sorted(m for m in sys.modules if m.startswith(('botbuilder', 'botframework'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True, cwd=Path(__file__).parents[2])
    assert done.stdout.strip() == "[]"
