"""The outbound pieces on their own: retry delays, the msrest patch, the fakes' contract."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import aiohttp
from botbuilder.schema import Activity, ConversationParameters
from botbuilder.schema.teams import ConversationList
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import MicrosoftAppCredentials
from msrest.universal_http.requests import ClientRetryPolicy

from bot.teams.connector import install_pipeline, patch_msrest
from bot.teams.options import RetryPolicy, parse_retry_after
from tests.teams.fakes import FakeConnector

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def test_retry_after_seconds_and_dates() -> None:
    assert parse_retry_after("3", NOW) == 3.0
    assert parse_retry_after("Fri, 27 Nov 2026 09:00:05 GMT", NOW) == 5.0
    assert parse_retry_after("Fri, 27 Nov 2026 08:00:00 GMT", NOW) == 0.0  # in the past
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after("-1", NOW) is None
    assert parse_retry_after(None, NOW) is None


def test_retry_after_is_honoured_up_to_the_cap() -> None:
    policy = RetryPolicy(max_delay=8.0)
    assert policy.delay(0, "2", NOW) == 2.0
    assert policy.delay(0, "120", NOW) == 8.0


def test_backoff_doubles_with_full_jitter_and_a_cap() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=3.0, rng=random.Random(7))
    for attempt, ceiling in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 3.0), (8, 3.0)]:
        delays = [policy.delay(attempt, None, NOW) for _ in range(200)]
        assert all(0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling * 0.8  # spread over the range, not fixed
    assert RetryPolicy().statuses == {412, 429, 502, 504}


def test_the_msrest_patch_keeps_the_retry_behaviour() -> None:
    before = set(ClientRetryPolicy().policy.status_forcelist)
    patch_msrest()
    patch_msrest()  # idempotent
    assert isinstance(ClientRetryPolicy.safe_codes, frozenset)
    assert set(ClientRetryPolicy().policy.status_forcelist) == before
    assert 408 in before and 500 in before and 429 not in before


async def test_the_fake_connector_speaks_the_sdk_models(connector: FakeConnector) -> None:
    """The SDK's own client against the fake: every route parses into the SDK's models."""
    async with aiohttp.ClientSession() as session:
        client = install_pipeline(
            ConnectorClient(MicrosoftAppCredentials.empty(), base_url=connector.url),
            session, RetryPolicy(), 5.0,
        )
        ops = client.conversations
        created = await ops.create_conversation(ConversationParameters(
            is_group=True, channel_data={"channel": {"id": "19:c@thread.tacv2"}},
            activity=Activity(type="message", text="root"), tenant_id="t",
        ))
        assert created.id == f"19:c@thread.tacv2;messageid={created.activity_id}"
        assert created.service_url == connector.url
        sent = await ops.send_to_conversation(created.id, Activity(type="message", text="a"))
        replied = await ops.reply_to_activity("a:chat", "1", Activity(type="message", text="b"))
        updated = await ops.update_activity("a:chat", replied.id,
                                            Activity(type="message", text="c"))
        members = await ops.get_conversation_members("a:chat")
        assert sent.id and replied.id and updated.id == replied.id
        assert members[0].id == "29:user"
        async with session.get(f"{connector.url}v3/teams/19:g@thread.tacv2/conversations") as r:
            channels = ConversationList().deserialize(await r.json())
    assert [c.name for c in channels.conversations] == [None, "FinOps"]
    assert [c.route for c in connector.calls] == [
        "create", "send", "reply", "update", "members", "channels"
    ]
    assert connector.calls[0].body["tenantID"] == "t"  # the SDK's spelling
    assert connector.calls[2].path == "/v3/conversations/a:chat/activities/1"


def test_public_cloud_endpoints_are_the_sdk_constants() -> None:
    """Production uses the parameterized path with the values the SDK's public cloud uses."""
    from botbuilder.schema import CallerIdConstants
    from botframework.connector.auth import AuthenticationConstants as sdk

    from bot.teams.edge import _SdkConfig
    from bot.teams.options import PUBLIC_CLOUD

    assert PUBLIC_CLOUD.openid_metadata_url == sdk.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL
    assert PUBLIC_CLOUD.token_issuer == sdk.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER
    assert PUBLIC_CLOUD.login_url == sdk.TO_CHANNEL_FROM_BOT_LOGIN_URL_PREFIX
    assert PUBLIC_CLOUD.oauth_scope == sdk.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE
    assert PUBLIC_CLOUD.emulator_openid_metadata_url == (
        sdk.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL
    )
    assert CallerIdConstants.public_azure_channel.value == _SdkConfig.CALLER_ID
    assert _SdkConfig.OAUTH_URL == sdk.OAUTH_URL


async def test_production_defaults_to_single_tenant_credentials() -> None:
    """With only the variables set, outbound tokens come from the tenant's login endpoint."""
    from bot.metrics import Metrics
    from bot.settings import Settings
    from bot.teams.edge import TeamsEdge
    from bot.turns import TurnRunner

    settings = Settings(microsoft_app_id="8c1f4e0a-5b7d-4c2e-9f3a-1d6b0e2c4a7f",
                        microsoft_app_password="secret-value",
                        microsoft_app_tenant_id="72f988bf-86f1-41af-91ab-2d7cd011db47")
    assert settings.teams_app_type == "SingleTenant"
    async with aiohttp.ClientSession() as session:
        runner = TurnRunner(None, None)  # type: ignore[arg-type]
        edge = TeamsEdge(settings, runner, None, Metrics(), session)  # type: ignore[arg-type]
        factory = edge.auth.inner._inner._credentials_factory
        credentials = await factory.create_credentials(
            settings.microsoft_app_id, "https://api.botframework.com",
            "https://login.microsoftonline.com/", True,
        )
    assert credentials.oauth_endpoint == (
        "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47"
    )
    assert type(edge.auth.inner._inner).__name__ == "_ParameterizedBotFrameworkAuthentication"
    assert edge.inbound.issuer == "https://api.botframework.com"
