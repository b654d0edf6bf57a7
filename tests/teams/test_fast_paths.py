"""The reply fast paths (issue 11) against what the SDK does: same body, route, errors."""

from __future__ import annotations

import aiohttp
import pytest
from botbuilder.schema import (
    Activity,
    ChannelAccount,
    ConversationAccount,
    ConversationReference,
    ErrorResponseException,
)
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import ClaimsIdentity, MicrosoftAppCredentials

from bot.teams import cards
from bot.teams.connector import CachingAuthentication, ConnectorCache, EnvProxy, install_pipeline
from bot.teams.options import RetryPolicy
from bot.teams.sender import TeamsSender, post_activity, wire_activity
from dialogs.messages import (
    Action,
    Card,
    Choices,
    Fact,
    Form,
    FormField,
    Link,
    Option,
    Section,
    Text,
    Token,
)
from dialogs.text import user
from tests.teams.fakes import FakeConnector

TOKEN = Token("feature", "s1", 1)
MESSAGES = [
    Text("**Hello** there"),
    Text(f"About {user('<b>Ana</b>')}: _done_"),
    Choices("Pick one", (Option("y", "Yes"), Option("n", "No", "not now")), TOKEN),
    Form("Tell me", (FormField("name", "Name", required=True),), TOKEN),
    Card("Title", "Body with a [link](https://example.com)", subtitle="sub",
         facts=(Fact("Owner", user("Ana")),), sections=(Section("More", "- one\n- two"),),
         actions=(Action("Go", TOKEN, "go"),), links=(Link("Docs", "https://example.com/d"),)),
]
REFERENCE = ConversationReference(
    bot=ChannelAccount(id="28:bot", name="Crosswalk"),
    conversation=ConversationAccount(id="a:chat", tenant_id="t1", conversation_type="personal"),
    channel_id="msteams", service_url="http://127.0.0.1:1/",
)


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: type(m).__name__)
def test_the_wire_form_is_what_the_sdk_would_send(message: object) -> None:
    fields = cards.render(message)  # type: ignore[arg-type]
    sdk = TeamsSender._fields(fields, REFERENCE, "a:chat;messageid=7").serialize()
    assert wire_activity(fields, REFERENCE, "a:chat;messageid=7") == sdk


async def test_post_activity_takes_the_sdk_route_and_raises_its_error(
    connector: FakeConnector,
) -> None:
    body = wire_activity(cards.render(Text("hi")), REFERENCE, "a:chat")
    async with aiohttp.ClientSession() as session:
        client = install_pipeline(
            ConnectorClient(MicrosoftAppCredentials.empty(), base_url=connector.url),
            session, RetryPolicy(attempts=1), 5.0,
        )
        replied = await post_activity(client, "a:chat", "1764/1", body)
        sent = await post_activity(client, "a:chat", None, body)
        sdk = await client.conversations.reply_to_activity(
            "a:chat", "1764/1", Activity().deserialize(body)
        )
        connector.fail("reply", 403, {"error": {"code": "BotNotInConversationRoster"}})
        with pytest.raises(ErrorResponseException) as failed:
            await post_activity(client, "a:chat", "1", body)
    ours, plain, theirs = connector.calls
    assert replied == ours.response_id and sent == plain.response_id and sdk.id
    assert (ours.route, ours.path, ours.body) == (theirs.route, theirs.path, theirs.body)
    assert ours.conversation_id == "a:chat" and ours.activity_id == "1764/1"
    assert plain.route == "send" and plain.body == body
    assert failed.value.response.status_code == 403
    assert failed.value.error.error.code == "BotNotInConversationRoster"


async def test_env_proxy_reads_the_environment_once_per_origin(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "login.example")
    proxy = EnvProxy()
    found = await proxy.options("https://smba.trafficmanager.net/emea/v3/conversations")
    assert str(found["proxy"]) == "http://proxy.example:3128"
    assert found["proxy_auth"] is None
    assert await proxy.options("https://login.example/keys") == {}
    assert await proxy.options("http://127.0.0.1:8080/") == {}  # no HTTP_PROXY set
    monkeypatch.setenv("HTTPS_PROXY", "http://other.example:1")
    again = await proxy.options("https://smba.trafficmanager.net/amer/")  # same origin: cached
    assert str(again["proxy"]) == "http://proxy.example:3128"


class _CountingAuth:
    def __init__(self) -> None:
        self.created = 0

    async def create_user_token_client(self, claims: ClaimsIdentity) -> object:
        self.created += 1
        return object()


async def test_user_token_clients_are_made_once_per_app_id() -> None:
    inner = _CountingAuth()
    async with aiohttp.ClientSession() as session:
        auth = CachingAuthentication(inner, ConnectorCache(session, RetryPolicy()))
        a = ClaimsIdentity({"aud": "app-a"}, True)
        first = await auth.create_user_token_client(a)
        assert await auth.create_user_token_client(ClaimsIdentity({"aud": "app-a"}, True)) is first
        other = await auth.create_user_token_client(ClaimsIdentity({"aud": "app-b"}, True))
    assert other is not first and inner.created == 2
