"""Threats at the edges proven end to end: serviceUrl/response_url redirection (SSRF), SQL,
template and mention injection through stored text, and what unauthenticated endpoints show."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.store.interview import interview_repo
from bot.store.orgs import export_org
from dialogs.profile import DisciplineProfile, Profile
from tests.reliability.harness import Edges, all_tables, edges
from tests.reliability.tenants import Tenant, tenants, text_of
from tests.teams.conftest import payload as teams_payload

HOSTILE = "Robert'); DROP TABLE orgs;-- {{ 7*7 }} {% raw %} <!channel> <@U0BOSS> [x](http://e.vil)"


class Trap:
    """A listening socket that records whether anything connected to it."""

    def __init__(self) -> None:
        self.connections = 0
        self.server: asyncio.Server | None = None
        self.url = ""

    async def start(self) -> Trap:
        async def connected(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.connections += 1
            writer.close()

        self.server = await asyncio.start_server(connected, "127.0.0.1", 0)
        port = self.server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/"
        return self

    async def close(self) -> None:
        assert self.server is not None
        self.server.close()
        await self.server.wait_closed()


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[Edges]:
    async with edges(f"sqlite:///{tmp_path / 'edges.db'}") as running:
        yield running


@pytest.fixture
async def trap() -> AsyncIterator[Trap]:
    found = await Trap().start()
    yield found
    await found.close()


async def test_a_service_url_the_token_was_not_issued_for_is_refused(
    world: Edges, trap: Trap
) -> None:
    """Only Bot Framework chooses where replies go: the token's serviceurl claim must match."""
    activity = teams_payload("personal_message", trap.url, text="help")
    response = await world.teams(activity, token=world.token(world.connector.url))
    assert response.status == 401
    await world.settle()
    assert trap.connections == 0
    assert await world.store.list_orgs() == []  # nothing stored either


async def test_a_response_url_off_slack_is_never_called(world: Edges, trap: Trap) -> None:
    command = {"team_id": "T0ACME", "channel_id": "D0ANA", "user_id": "U0ANA",
               "command": "/crosswalk", "text": "help", "response_url": trap.url,
               "trigger_id": "t-trap"}
    assert (await world.slack_form(command)).status == 200
    await world.settle()
    assert trap.connections == 0


def hostile_profile(org: Tenant) -> Profile:
    return Profile(org=org.marker, disciplines={
        "sam": DisciplineProfile(maturity="crawl", owner=HOSTILE[:200], pain=HOSTILE[:200],
                                 tools=[HOSTILE[:200]]),
    })


async def test_hostile_text_is_stored_verbatim_and_shown_inert(world: Edges) -> None:
    """SQL metacharacters, template syntax and mentions in answers, owners and questions."""
    teams_org, slack_org = tenants(random.Random(), teams=1, slack=1)
    for org in (teams_org, slack_org):
        await org.seed(world.store, world.slack, None)
        async with interview_repo(world.store, org.org_id, datetime.now(UTC), write=True) as r:
            assert await r.add_profile_version(hostile_profile(org), "x", "import", None, 2)
    tables = await all_tables(world.store)
    for text in ("plan", f"what is {HOSTILE}?", "interview", HOSTILE):
        assert (await world.teams(teams_org.activity(world.connector.url, 0, 0, text))
                ).status == 201
        assert (await world.slack_event(slack_org.slack_message(0, 0, text))).status == 200
        await world.settle()
    assert await all_tables(world.store) == tables  # nothing dropped
    for org in (teams_org, slack_org):
        stored = json.dumps(await export_org(world.store, org.org_id))
        assert "DROP TABLE orgs" in stored  # kept as the text it was
    teams_out = [c.body for c in world.connector.calls]
    plan_card = next(b for b in teams_out if "Alignment plan" in json.dumps(b))
    card = json.dumps(plan_card)
    assert "{{ 7*7 }}" in card and "{% raw %}" in card  # never evaluated by the templates
    assert "<!channel>" not in card and "<@U0BOSS>" not in card  # ‹ › look-alikes instead
    for call in world.slack.of("chat.postMessage"):  # what Slack parses: text and mrkdwn
        parsed = [call.args.get("text") or "", *mrkdwn(call.args.get("blocks") or [])]
        for text in parsed:
            assert "<!channel>" not in text and "<@U0BOSS>" not in text, text[:300]
            assert "<http://e.vil" not in text  # no link made from user text


def mrkdwn(value: object) -> list[str]:
    """Every mrkdwn text object in Block Kit (rich_text ``text`` elements are shown literally)."""
    found: list[str] = []
    if isinstance(value, dict):
        if value.get("type") == "mrkdwn" and isinstance(value.get("text"), str):
            found.append(value["text"])
        for item in value.values():
            found += mrkdwn(item)
    elif isinstance(value, list):
        for item in value:
            found += mrkdwn(item)
    return found


async def test_unauthenticated_endpoints_show_no_org_data(world: Edges) -> None:
    org = tenants(random.Random(), teams=1, slack=0)[0]
    await org.seed(world.store, world.slack, None)
    assert (await world.teams(org.activity(world.connector.url, 0, 0, "plan"))).status == 201
    await world.settle()
    for path in ("/metrics", "/readyz", "/healthz", "/nope"):
        body = text_of(await (await world.client.get(path)).text())
        assert org.marker not in body and org.org_id not in body, path


@pytest.mark.parametrize("field", ["conversation", "id"])
async def test_control_characters_in_ids_are_refused_before_any_reply(
    world: Edges, field: str
) -> None:
    """Found by the soak fuzz: a newline in the conversation id reached a request header and
    the reply failed inside aiohttp (an error in the log, the reply lost); now a 400."""
    activity = teams_payload("personal_message", world.connector.url, text="help")
    if field == "conversation":
        activity["conversation"]["id"] = "a:1chat\r\nX-Injected: 1"
    else:
        activity["id"] = "1764\n2340"
    response = await world.teams(activity)
    assert response.status == 400 and "control characters" in (await response.json())["error"]
    await world.settle()
    assert world.connector.calls == [] and await world.store.list_orgs() == []
