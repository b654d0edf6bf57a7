"""Distribution: the OAuth install and redirect store an installation that then answers events."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from aiohttp import CookieJar
from cryptography.fernet import Fernet

from bot.slack.manifest import bot_scopes
from bot.slack.routes import SLACK
from tests.slack.conftest import Slack, payload, running
from tests.slack.fake_slack import FakeSlack

# slack_sdk 3.48 sends the client credentials of oauth.v2.access with aiohttp.BasicAuth, which
# aiohttp 3.14 deprecates; a warning (ignored outside tests), not a failure of the flow
pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")

KEY = Fernet.generate_key().decode()
COOKIE = "slack-app-oauth-state"


@pytest.fixture
async def oauth(db_url: str, fake: FakeSlack) -> AsyncIterator[Slack]:
    async with running(
        db_url, fake, slack_bot_token="", slack_client_id="111.222",
        slack_client_secret="client-secret", encryption_key=KEY,
        base_url="https://crosswalk.example.com",
    ) as slack:
        # Bolt marks its state cookie `secure`: treat 127.0.0.1 as a secure origin by keeping
        # the jar permissive and handing the cookie back ourselves
        slack.client.session._cookie_jar = CookieJar(unsafe=True)
        yield slack


async def start_install(slack: Slack) -> str:
    r = await slack.client.get("/slack/install")
    assert r.status == 200
    html = await r.text()
    state = r.cookies[COOKIE].value
    assert r.cookies[COOKIE]["secure"] and r.cookies[COOKIE]["httponly"]
    assert f"state={state}" in html and "client_id=111.222" in html
    scopes = re.search(r"scope=([^&\"]+)", html)
    assert scopes is not None and scopes[1].split(",") == bot_scopes()
    assert "redirect_uri=https://crosswalk.example.com/slack/oauth_redirect" in html
    return state


async def test_the_oauth_redirect_stores_an_installation_that_answers(oauth: Slack) -> None:
    state = await start_install(oauth)
    r = await oauth.client.get(
        f"/slack/oauth_redirect?code=good-code&state={state}",
        headers={"Cookie": f"{COOKIE}={state}"},
    )
    assert r.status == 200, await r.text()
    access = oauth.fake.of("oauth.v2.access")
    assert len(access) == 1 and access[0].args["code"] == "good-code"
    runtime = oauth.app[SLACK].runtime
    assert runtime is not None
    installed = await runtime.sender.slack_store.find_installation(None, "T0BETA")
    assert installed is not None and installed.active
    assert installed.bot_token == "xoxb-installed" and installed.installer_user_id == "U0INSTALLER"
    async with runtime.sender.store.backend.read() as conn:
        raw = await conn.fetchval("SELECT bot_token FROM slack_installations")
    assert str(raw).startswith("fernet:")

    # an event from the new workspace is authorized from the store and answered with its token
    event = payload("event_message_im.json")
    event["team_id"] = event["authorizations"][0]["team_id"] = "T0BETA"
    r = await oauth.event(event)
    assert r.status == 200
    await oauth.fake.wait_for(lambda: bool(oauth.fake.of("chat.postMessage")))
    assert oauth.fake.of("chat.postMessage")[0].token == "xoxb-installed"

    # the state was single use
    r = await oauth.client.get(
        f"/slack/oauth_redirect?code=good-code&state={state}",
        headers={"Cookie": f"{COOKIE}={state}"},
    )
    assert r.status == 401


async def test_a_redirect_without_the_browser_cookie_is_refused(oauth: Slack) -> None:
    state = await start_install(oauth)
    r = await oauth.client.get(f"/slack/oauth_redirect?code=good-code&state={state}")
    assert r.status == 400
    assert oauth.fake.of("oauth.v2.access") == []


async def test_a_bad_code_stores_nothing(oauth: Slack) -> None:
    state = await start_install(oauth)
    r = await oauth.client.get(
        f"/slack/oauth_redirect?code=bad-code&state={state}",
        headers={"Cookie": f"{COOKIE}={state}"},
    )
    assert r.status == 401
    runtime = oauth.app[SLACK].runtime
    assert runtime is not None
    assert await runtime.sender.slack_store.list_installations() == []


async def test_an_event_from_a_workspace_that_never_installed_is_not_answered(
    oauth: Slack,
) -> None:
    event = payload("event_message_im.json")
    event["team_id"] = event["authorizations"][0]["team_id"] = "T0NOBODY"
    r = await oauth.event(event)
    assert r.status == 200  # Bolt's polite refusal, not a retry storm
    runtime = oauth.app[SLACK].runtime
    assert runtime is not None
    assert await runtime.listeners.runner.drain(5.0) == 0
    assert oauth.fake.of("chat.postMessage") == []
