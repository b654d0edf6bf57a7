"""Authentication against the fake OpenID/JWKS server, with tokens signed by its key."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.teams.options import Endpoints
from dialogs.messages import Text
from tests.teams.conftest import TENANT, Bot, options, start_bot
from tests.teams.fakes import FakeConnector, FakeIdentity


async def test_a_valid_token_is_accepted_and_the_reply_is_authenticated(bot: Bot) -> None:
    response = await bot.post(bot.payload("personal_message"))
    assert response.status == 201
    await bot.settle()
    [call] = bot.connector.calls
    assert bot.identity is not None
    assert call.authorization == f"Bearer {bot.identity.tokens_issued[0]}"
    factory = bot.edge.auth.inner._inner._credentials_factory
    assert factory.requested[0] == (bot.identity.login_url(TENANT), "https://api.botframework.com")


@pytest.mark.parametrize(
    "change",
    [
        {"issuer": "https://api.botframework.com.evil.example"},
        {"audience": "00000000-0000-0000-0000-000000000001"},
        {"service_url": "https://smba.trafficmanager.net/emea/"},
        {"expires_in": -3600},  # an hour ago: beyond the SDK's five-minute leeway
        {"key": "forger"},  # right kid, wrong key
        {"kid": "unknown-key"},
        {"extra": {"ver": "1.0", "appid": "someone-else"}},  # a skill token
    ],
    ids=["issuer", "audience", "serviceurl", "expired", "forged", "unknown-kid", "skill"],
)
async def test_bad_tokens_are_401(bot: Bot, change: dict[str, object]) -> None:
    activity = bot.payload("personal_message")
    response = await bot.post(activity, token=bot.token(activity, **change))
    assert response.status == 401
    assert await response.json() == {"error": "unauthorized"}
    await bot.settle()
    assert bot.connector.calls == [] and bot.results == []


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer ", "Bearer garbage", "Basic dXNlcjpwYXNz", "Bearer a.b.c",
     "bearer x", "Bearer two tokens"],
)
async def test_missing_or_garbage_authorization_is_401(bot: Bot, header: str) -> None:
    activity = bot.payload("personal_message")
    headers = {"Authorization": header} if header else {}
    response = await bot.post(activity, auth=bool(header), headers=headers)
    assert response.status == 401
    await bot.settle()
    assert bot.results == []


async def test_metadata_is_warmed_at_start_up_and_not_refetched(bot: Bot) -> None:
    assert bot.identity is not None
    identity = bot.identity
    for _ in range(200):
        if identity.key_fetches:
            break
        await asyncio.sleep(0.01)
    assert identity.metadata_fetches == 1 and identity.key_fetches == 1
    for n in range(3):
        response = await bot.post(bot.payload("personal_message", id=f"warm-{n}"))
        assert response.status == 201
    assert identity.metadata_fetches == 1


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def offline_bot(
    tmp_path: Path, connector: FakeConnector, identity: FakeIdentity
) -> AsyncIterator[Bot]:
    """Signing keys unreachable: the metadata URL points at a closed port."""
    dead = f"http://127.0.0.1:{_closed_port()}/v1/.well-known/openidconfiguration"
    base = options(identity)
    endpoints = Endpoints(dead, identity.issuer, identity.login_url(TENANT),
                          base.endpoints.oauth_scope, base.endpoints.emulator_openid_metadata_url)
    edge_options = options(identity, endpoints=endpoints)
    async for running in start_bot(f"sqlite:///{tmp_path / 'o.db'}", connector, identity,
                                   edge_options=edge_options):
        yield running


async def test_metadata_unreachable_is_503(offline_bot: Bot) -> None:
    response = await offline_bot.post(offline_bot.payload("personal_message"))
    assert response.status == 503
    assert await response.json() == {"error": "cannot validate tokens now"}
    await offline_bot.settle()
    assert offline_bot.results == []


async def test_a_token_for_another_bot_is_not_a_reason_to_fetch_keys(offline_bot: Bot) -> None:
    """A token refused on its claims alone answers 401 even when the keys are unreachable."""
    activity = offline_bot.payload("personal_message")
    token = offline_bot.token(activity, issuer="https://sts.windows.net/x/")
    assert (await offline_bot.post(activity, token=token)).status == 401



async def test_outbound_token_failure_is_logged_not_raised(bot: Bot) -> None:
    """The login endpoint down: the turn still runs, nothing is sent, nothing crashes."""
    assert bot.identity is not None
    for _ in range(200):  # the keys are cached at start-up; wait for that
        if bot.identity.key_fetches:
            break
        await asyncio.sleep(0.01)
    activity = bot.payload("personal_message")
    token = bot.token(activity)
    await bot.identity.close()
    response = await bot.post(activity, token=token)
    assert response.status == 201
    await bot.settle()
    assert bot.connector.calls == [] and len(bot.results) == 1
    sender = bot.edge.sender
    delivery = await sender.send(TENANT, activity["conversation"]["id"], [Text("nudge")])
    assert not delivery.ok and delivery.reason
    conv = await bot.store.get_conversation(TENANT, "teams", activity["conversation"]["id"])
    assert conv is not None and conv.active
