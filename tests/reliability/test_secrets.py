"""Known secret values never appear in logs (at DEBUG, formatted as in production), in any
response (bodies and headers) or on ``/metrics``, whichever path runs, errors included.

In process: both edges against the fakes, every route and the failure paths the fakes can
cause. As a real process: ``crosswalk serve`` with the secrets in its environment, its stderr
read whole, and a database URL whose password must not be echoed when the database is down.
"""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest
from aiohttp import ClientResponse, ClientSession, CookieJar
from cryptography.fernet import Fernet

from bot.logs import JsonFormatter, RedactSecrets
from tests.reliability.harness import Edges, Serve, crosswalk, edges, free_port
from tests.slack.conftest import payload as slack_payload
from tests.slack.conftest import signed
from tests.slack.fake_slack import FakeSlack, Injected
from tests.teams.conftest import APP_ID, TENANT
from tests.teams.conftest import payload as teams_payload

pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")

PASSWORD = "teams-pw-7Hq2Vx9LmZ4c"  # known values the test looks for
SIGNING = "slack-signing-3Kp8Wd2Rt6Yn"
BOT_TOKEN = "xoxb-0000-secret-bot-5Fj3Nq8Zs1Lw"
CLIENT_SECRET = "slack-client-secret-9Gm4Tb7Xe2Pk"
APP_TOKEN = "xapp-1-secret-app-token-6Vd1Hs8Qw3Jy"
ENCRYPTION = Fernet.generate_key().decode()
INSTALLED = "xoxb-installed"  # the workspace token the fake OAuth exchange hands out
SECRETS = (PASSWORD, SIGNING, BOT_TOKEN, CLIENT_SECRET, APP_TOKEN, ENCRYPTION)


class Raw(logging.Handler):
    """Every record as the code wrote it, before redaction (it runs first)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        self.lines.append(f"{record.name}: {text}")


@contextmanager
def production_logs(secrets: list[str]) -> Iterator[tuple[io.StringIO, Raw]]:
    """Root logging at DEBUG through the production formatter and redaction filter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactSecrets(secrets))
    raw = Raw()
    root = logging.getLogger()
    level = root.level
    root.handlers.insert(0, raw)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield stream, raw
    finally:
        root.setLevel(level)
        root.removeHandler(handler)
        root.removeHandler(raw)


class Seen:
    """Every response body and header the test received."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    async def add(self, response: ClientResponse) -> ClientResponse:
        body = await response.read()
        self.texts.append(f"{response.status} {dict(response.headers)} "
                          f"{body.decode('utf-8', 'replace')}")
        return response


def leaks(texts: list[str], secrets: tuple[str, ...]) -> list[str]:
    return [f"{s[:6]}… in {t[:200]!r}" for t in texts for s in secrets if s in t]


@pytest.fixture
async def oauth(tmp_path: Path) -> AsyncIterator[Edges]:
    async with edges(f"sqlite:///{tmp_path / 'oauth.db'}", slack_secret=SIGNING,
                     teams_password=PASSWORD, slack_bot_token="", slack_client_id="111.222",
                     slack_client_secret=CLIENT_SECRET, encryption_key=ENCRYPTION,
                     base_url="https://crosswalk.example.com") as world:
        world.client.session._cookie_jar = CookieJar(unsafe=True)
        yield world


async def exercise_teams(world: Edges, seen: Seen) -> None:
    url = world.connector.url
    message = teams_payload("personal_message", url, text="plan")
    await seen.add(await world.teams(message))
    await seen.add(await world.teams(teams_payload("personal_message", url, id="m2",
                                                   text="interview")))
    await world.settle()
    card = next((c for c in world.connector.calls if (c.body or {}).get("attachments")), None)
    if card is not None:
        data = card.body["attachments"][0]["content"].get("actions", [{}])[0].get("data", {})
        press = teams_payload("card_submit", url, value={**data, "choice": "sam"},
                              replyToId=card.response_id)
        await seen.add(await world.teams(press))
    for auth in (None, "Bearer abc.def.ghi", f"Bearer {world.token(url, key='forger')}",
                 f"Bearer {world.token(url, expires_in=-600)}"):
        await seen.add(await world.teams_raw(json.dumps(message).encode(), "application/json",
                                             auth))
    await seen.add(await world.teams_raw(b'{"type": ', "application/json", None))
    await seen.add(await world.teams_raw(b"{}", "text/plain", None))
    await seen.add(await world.teams_raw(b"x" * 300_000, "application/json", None))
    invoke = teams_payload("invoke_action", url)
    await seen.add(await world.teams(invoke))
    # the Bot Connector refuses, throttles and fails: retries, deactivation, warnings
    world.connector.fail("reply", 429, headers={"Retry-After": "0"})
    world.connector.fail("reply", 500)
    await seen.add(await world.teams(teams_payload("personal_message", url, id="m3",
                                                   text="help")))
    world.connector.fail("reply", 403, body={"error": {"code": "BotNotInConversationRoster"}})
    await seen.add(await world.teams(teams_payload("personal_message", url, id="m4",
                                                   text="help")))
    await world.settle()


async def exercise_slack(world: Edges, seen: Seen, fake: FakeSlack) -> None:
    event = slack_payload("event_message_im.json")
    await seen.add(await world.slack_event(event))
    command = {"team_id": "T0ACME", "channel_id": "D0ANA", "user_id": "U0ANA",
               "command": "/crosswalk", "text": "status", "response_url": fake.hook_url("s1"),
               "trigger_id": "t-1"}
    await seen.add(await world.slack_form(command))
    await seen.add(await world.slack_event(slack_payload("url_verification.json")))
    body = json.dumps(event).encode()
    for headers in ({}, signed(body, secret="wrong"), signed(body, timestamp=int(time.time()) - 900,
                                                             secret=SIGNING)):
        await seen.add(await world.slack_raw(body, "application/json", sign=False, **headers))
    await seen.add(await world.slack_raw(b"\xff{", "application/json"))
    await seen.add(await world.slack_raw(b"payload=%7B", "application/x-www-form-urlencoded"))
    fake.inject["chat.postMessage"] = [Injected(429, {"Retry-After": "0"}), Injected(500)]
    second = slack_payload("event_message_im.json")
    second["event_id"] = "Ev0SECOND"
    await seen.add(await world.slack_event(second))
    fake.errors[("chat.postMessage", "D0ANA")] = "invalid_auth"
    third = slack_payload("event_message_im.json")
    third["event_id"] = "Ev0THIRD"
    await seen.add(await world.slack_event(third))
    await world.settle()
    fake.errors.clear()
    await seen.add(await world.slack_event(slack_payload("event_app_uninstalled.json")))
    await world.settle()


async def exercise_common(world: Edges, seen: Seen) -> None:
    for path in ("/healthz", "/readyz", "/metrics", "/nope"):
        await seen.add(await world.client.get(path))
    await seen.add(await world.client.post("/healthz"))


async def test_no_secret_in_logs_responses_or_metrics_one_workspace(tmp_path: Path) -> None:
    seen = Seen()
    secrets = [PASSWORD, SIGNING, BOT_TOKEN, ENCRYPTION]
    with production_logs(secrets) as (stream, raw):
        async with edges(f"sqlite:///{tmp_path / 'one.db'}", slack_secret=SIGNING,
                         teams_password=PASSWORD, slack_bot_token=BOT_TOKEN,
                         encryption_key=ENCRYPTION) as world:
            world.slack.tokens.add(BOT_TOKEN)
            await exercise_teams(world, seen)
            await exercise_slack(world, seen, world.slack)
            await exercise_common(world, seen)
            assert any(c.token == BOT_TOKEN for c in world.slack.calls)  # the token was used
            assert world.identity.tokens_issued  # and so was the Teams password
    logs = stream.getvalue()
    assert len(logs) > 10_000 and '"level": "debug"' in logs  # DEBUG really was on
    assert not leaks([logs], SECRETS), leaks([logs], SECRETS)
    assert not leaks(raw.lines, SECRETS), "logged before redaction: " + str(
        leaks(raw.lines, SECRETS)[:3])
    assert not leaks(seen.texts, SECRETS), leaks(seen.texts, SECRETS)


async def test_no_secret_in_logs_or_responses_with_oauth(oauth: Edges) -> None:
    """Distribution: the client secret, the encryption key and installed workspace tokens."""
    world = oauth
    seen = Seen()
    secrets = [PASSWORD, SIGNING, CLIENT_SECRET, ENCRYPTION]
    with production_logs(secrets) as (stream, _raw):
        install = await seen.add(await world.client.get("/slack/install"))
        state = install.cookies["slack-app-oauth-state"].value
        await seen.add(await world.client.get(
            f"/slack/oauth_redirect?code=good-code&state={state}",
            headers={"Cookie": f"slack-app-oauth-state={state}"}))
        await seen.add(await world.client.get("/slack/oauth_redirect?code=bad&state=forged"))
        event = slack_payload("event_message_im.json")
        event["team_id"] = event["authorizations"][0]["team_id"] = "T0BETA"
        await seen.add(await world.slack_event(event))
        await world.settle()
        await exercise_common(world, seen)
    assert world.slack.of("oauth.v2.access") and world.slack.of("chat.postMessage")
    async with world.store.backend.read() as conn:
        stored = await conn.fetchval("SELECT bot_token FROM slack_installations")
    assert str(stored).startswith("fernet:") and INSTALLED not in str(stored)
    everything = (*SECRETS, INSTALLED)
    logs = stream.getvalue()
    assert not leaks([logs], everything), leaks([logs], everything)
    assert not leaks(seen.texts, everything), leaks(seen.texts, everything)


# --------------------------------------------------------------------------- a real process


async def test_crosswalk_serve_never_prints_a_secret(tmp_path: Path) -> None:
    fake = FakeSlack()
    await fake.start()
    fake.tokens.add(BOT_TOKEN)
    env = {"CROSSWALK_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
           "CROSSWALK_LOG_LEVEL": "DEBUG", "SLACK_SIGNING_SECRET": SIGNING,
           "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_API_URL": fake.api_url,
           "MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_PASSWORD": PASSWORD,
           "MICROSOFT_APP_TENANT_ID": TENANT, "CROSSWALK_ENCRYPTION_KEY": ENCRYPTION,
           "SLACK_APP_TOKEN": APP_TOKEN}  # Socket Mode too, against the fake's socket
    texts: list[str] = []
    server = await Serve.start(env)
    try:
        async with ClientSession() as session:
            event = json.dumps(slack_payload("event_message_im.json")).encode()
            requests: list[tuple[str, bytes, dict[str, str]]] = [
                ("/slack/events", event, {**signed(event, secret=SIGNING),
                                          "Content-Type": "application/json"}),
                ("/slack/events", event, {**signed(event, secret="wrong"),
                                          "Content-Type": "application/json"}),
                ("/slack/events", b"\xff", {**signed(b"\xff", secret=SIGNING)}),
                ("/slack/events", urlencode({"ssl_check": "1"}).encode(), {}),
                ("/api/messages", json.dumps(teams_payload("personal_message")).encode(),
                 {"Authorization": "Bearer abc.def.ghi", "Content-Type": "application/json"}),
                ("/api/messages", b"[]", {"Content-Type": "application/json"}),
            ]
            for path, body, headers in requests:
                async with session.post(server.base + path, data=body,
                                        headers=headers) as response:
                    texts.append(f"{response.status} {dict(response.headers)} "
                                 f"{await response.text()}")
            await fake.wait_for(lambda: bool(fake.of("chat.postMessage")), timeout=15)
            for path in ("/metrics", "/readyz", "/healthz"):
                async with session.get(server.base + path) as response:
                    texts.append(await response.text())
    finally:
        logs = await server.stop()
        await fake.close()
    assert '"level": "debug"' in logs and "chat.postMessage" in logs
    assert fake.of("apps.connections.open") and fake.sockets  # the app token was used
    assert not leaks([logs], SECRETS), leaks([logs], SECRETS)
    assert not leaks(texts, SECRETS), leaks(texts, SECRETS)


async def test_a_database_password_is_not_echoed_when_the_database_is_down() -> None:
    env = {"CROSSWALK_DATABASE_URL": "postgresql://crosswalk:db-pw-4Rt8Yq2Lz@127.0.0.1:9/x"}
    for args in (["serve", "--port", str(free_port())], ["db", "migrate"],
                 ["org", "export", "--org", "acme"]):
        code, out, err = await crosswalk(*args, env=env)
        assert code != 0, args
        assert "db-pw-4Rt8Yq2Lz" not in out + err, (args, err[-500:])

