"""The HTTP edge: 401 before anything is parsed, 400 for malformed input, never a 5xx."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import create_app
from bot.settings import Settings
from tests.slack.conftest import SECRET, Slack, payload, signed
from tests.slack.fake_slack import FakeSlack

JSON = "application/json"


async def test_bad_and_stale_signatures_are_401(slack: Slack) -> None:
    body = json.dumps(payload("event_message_im.json")).encode()
    cases = [
        {},  # none
        signed(body, secret="not-the-secret"),
        signed(body, timestamp=int(time.time()) - 301),  # stale
        {**signed(body), "X-Slack-Signature": "v0=" + "0" * 64},
    ]
    for headers in cases:
        r = await slack.client.post("/slack/events", data=body,
                                    headers={"Content-Type": JSON, **headers})
        assert r.status == 401
        assert await r.json() == {"error": "invalid or expired Slack signature"}
    # a forged body with an otherwise valid signature of another body
    other = signed(b"{}")
    r = await slack.client.post("/slack/events", data=body, headers={"Content-Type": JSON, **other})
    assert r.status == 401
    await slack.fake.wait_for(lambda: True)
    assert slack.fake.calls == []


async def test_ssl_check_is_200(slack: Slack) -> None:
    r = await slack.client.post(
        "/slack/events", data=b"ssl_check=1&token=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status == 200


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"\xff\xfe", JSON),
        (b"{not json", JSON),
        (b"[]", JSON),
        (b"[" * 3000 + b"]" * 3000, JSON),
        (b"payload=%7Bbroken", "application/x-www-form-urlencoded"),
        (json.dumps({"type": "event_callback", "event": "a string"}).encode(), JSON),
        (json.dumps({"type": "event_callback", "event": {"type": 5}}).encode(), JSON),
        (json.dumps({"type": "block_actions", "actions": "nope"}).encode(), JSON),
        (json.dumps({"type": "block_actions", "actions": [1, 2]}).encode(), JSON),
        (json.dumps({"type": "view_submission", "view": []}).encode(), JSON),
        (json.dumps({"type": 7}).encode(), JSON),
        (json.dumps({"team": 5, "type": "event_callback", "event": {"type": "x"}}).encode(), JSON),
        (json.dumps({"authorizations": ["x"], "type": "event_callback",
                     "event": {"type": "app_mention"}}).encode(), JSON),
    ],
)
async def test_malformed_bodies_are_400(slack: Slack, body: bytes, content_type: str) -> None:
    r = await slack.post(body, content_type)
    assert r.status == 400, await r.text()
    assert "error" in await r.json()


async def test_oversize_body_is_413_before_the_signature(tmp_path: Path, fake: FakeSlack) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'a.db'}", slack_signing_secret=SECRET,
                        slack_bot_token="xoxb-x", slack_api_url=fake.api_url, max_body_bytes=2048)
    async with TestClient(TestServer(create_app(settings))) as client:
        body = json.dumps({"type": "event_callback", "pad": "x" * 5000}).encode()
        r = await client.post("/slack/events", data=body, headers={"Content-Type": JSON})
        assert r.status == 413


async def test_without_a_signing_secret_the_routes_answer_503(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'a.db'}")
    async with TestClient(TestServer(create_app(settings))) as client:
        r = await client.post("/slack/events", data=b"{}")
        assert r.status == 503
        assert await r.json() == {
            "error": "Slack is not configured: SLACK_SIGNING_SECRET is not set"
        }
        r = await client.get("/slack/install")
        assert r.status == 404  # OAuth routes exist only when OAuth is configured


async def test_a_secret_without_credentials_answers_503_with_the_reason(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'a.db'}", slack_signing_secret=SECRET)
    async with TestClient(TestServer(create_app(settings))) as client:
        r = await client.post("/slack/events", data=b"{}")
        assert r.status == 503 and "SLACK_BOT_TOKEN" in (await r.json())["error"]
        assert (await client.get("/healthz")).status == 200


async def test_an_unknown_event_type_is_acknowledged_and_skipped(slack: Slack) -> None:
    event = payload("event_message_im.json")
    event["event"] = {"type": "reaction_added", "user": "U0ANA"}
    r = await slack.event(event)
    assert r.status < 500


_KEYS = st.sampled_from(["type", "event", "actions", "view", "team", "user", "channel",
                         "authorizations", "enterprise", "container", "message", "command",
                         "text", "trigger_id", "response_url", "event_id", "callback_id",
                         "state", "private_metadata", "subtype", "channel_type", "tab",
                         "tokens", "is_enterprise_install", "api_app_id"])
_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3)
    | st.sampled_from(["event_callback", "block_actions", "view_submission", "message",
                       "app_mention", "im", "crosswalk.form", "crosswalk.press.0", "T0ACME",
                       "U0ANA", "D0ANA", "x"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                   HealthCheck.too_slow], deadline=None)
@given(data=st.dictionaries(_KEYS, _VALUES, max_size=6))
async def test_signed_junk_never_gets_a_5xx(slack: Slack, data: dict[str, Any]) -> None:
    r = await slack.event(data)
    assert r.status < 500, (data, await r.text())
    r = await slack.interaction(data)
    assert r.status < 500, (data, await r.text())
