"""Hostile bodies at both edges over real HTTP: never a 5xx, never an unhandled exception in the
log, nothing written for a rejected request, forged or replayed requests never accepted, and the
server still answers a real message afterwards.

Teams bodies go out signed (a valid Bot Framework token for the fake identity) or with one of
several forged tokens; Slack bodies signed with the secret, unsigned, signed with another secret,
replayed (too old) or altered after signing. Counts go to the reliability tally.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from bot.slack import gate
from tests.reliability import tally
from tests.reliability.bodies import Body, slack_bodies, teams_bodies
from tests.reliability.harness import Edges, budget, edges, row_counts, trap_logs
from tests.slack.conftest import SECRET, signature
from tests.teams.conftest import APP_ID
from tests.teams.conftest import payload as teams_payload

BODIES = budget(1000, 10_000)  # per edge
FUZZ = settings(max_examples=BODIES, phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck))
TEAMS_AUTH = ("valid", "valid", "valid", "none", "expired", "audience", "issuer", "key",
              "garbage", "scheme", "serviceurl", "unsigned")
SLACK_AUTH = ("valid", "valid", "valid", "none", "secret", "replay", "future", "altered",
              "malformed")


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[Edges]:
    async with edges(f"sqlite:///{tmp_path / 'fuzz.db'}") as running:
        yield running


def teams_header(world: Edges, auth: str) -> str | None:
    url = world.connector.url
    tokens = {
        "valid": lambda: world.token(url),
        "expired": lambda: world.token(url, expires_in=-600),
        "audience": lambda: world.token(url, audience="someone-else"),
        "issuer": lambda: world.token(url, issuer="https://evil.example/"),
        "key": lambda: world.token(url, key="forger"),
        "serviceurl": lambda: world.token("http://169.254.169.254/"),
        "unsigned": lambda: jwt.encode({"iss": world.identity.issuer, "aud": APP_ID,
                                        "serviceurl": url}, "", algorithm="none"),
    }
    if auth == "none":
        return None
    if auth == "garbage":
        return "Bearer abc.def.ghi"
    if auth == "scheme":
        return f"Basic {world.token(url)}"
    return f"Bearer {tokens[auth]()}"


def slack_headers(body: bytes, auth: str) -> dict[str, str]:
    now = int(time.time())
    stamp = {"replay": now - 600, "future": now + 600}.get(auth, now)
    secret = "not-the-secret" if auth == "secret" else SECRET
    headers = {"X-Slack-Request-Timestamp": str(stamp),
               "X-Slack-Signature": signature(body, str(stamp), secret)}
    if auth == "none":
        return {}
    if auth == "malformed":
        return {"X-Slack-Request-Timestamp": "tomorrow", "X-Slack-Signature": "v1=zz"}
    return headers


async def check(world: Edges, before: dict[str, int], status: int, body: Body, auth: str,
                forged: bool) -> dict[str, int]:
    assert status < 500, f"{status} for {body!r} ({auth})"
    await world.settle()
    after = await row_counts(world.store, list(before))
    if status >= 400:
        changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
        assert not changed, f"rejected ({status}) but wrote {changed}: {body!r} ({auth})"
    if forged:
        assert status >= 400, f"forged request accepted ({status}): {body!r} ({auth})"
    return after


async def still_answers_teams(world: Edges) -> None:
    assert (await world.client.get("/healthz")).status == 200
    sent = len(world.connector.calls)
    activity = teams_payload("personal_message", world.connector.url, id=f"after-fuzz-{sent}",
                             text="help")
    response = await world.teams(activity)
    assert response.status == 201
    await world.settle()
    assert len(world.connector.calls) > sent


@FUZZ
@given(body=st.data(), auth=st.sampled_from(TEAMS_AUTH))
async def test_teams_edge_survives_hostile_bodies(world: Edges, body: Any, auth: str) -> None:
    drawn: Body = body.draw(teams_bodies(world.connector.url))
    tally.add("bodies fuzzed (teams)")
    before = world.counts or await row_counts(world.store)
    with trap_logs() as trap:
        response = await world.teams_raw(drawn.data, drawn.content_type, teams_header(world, auth))
        status = response.status
        await response.read()
        world.counts = await check(world, before, status, drawn, auth, forged=auth != "valid")
    assert not trap.records, f"{trap.describe()}\nfor {drawn!r} ({auth})"
    if tally.count("bodies fuzzed (teams)") % 250 == 0:
        await still_answers_teams(world)
        world.counts = await row_counts(world.store)


@FUZZ
@given(body=slack_bodies(), auth=st.sampled_from(SLACK_AUTH))
async def test_slack_edge_survives_hostile_bodies(world: Edges, body: Body, auth: str) -> None:
    tally.add("bodies fuzzed (slack)")
    before = world.counts or await row_counts(world.store)
    headers = slack_headers(body.data, auth)
    data = body.data + b" " if auth == "altered" else body.data
    forged = auth != "valid" and not gate.is_ssl_check(data)
    with trap_logs() as trap:
        response = await world.slack_raw(data, body.content_type, sign=False, **headers)
        status = response.status
        await response.read()
        world.counts = await check(world, before, status, body, auth, forged=forged)
    assert not trap.records, f"{trap.describe()}\nfor {body!r} ({auth})"


async def test_both_edges_answer_after_the_fuzzing(world: Edges) -> None:
    """The same server, after a burst of garbage on both edges, still does its job."""
    for _ in range(50):
        await world.teams_raw(b'{"type": ', "application/json", None)
        await world.slack_raw(b"\xff\xfe", "application/json")
    await still_answers_teams(world)
    from tests.slack.conftest import payload as slack_payload

    response = await world.slack_event(slack_payload("event_message_im.json"))
    assert response.status == 200
    await world.slack.wait_for(lambda: bool(world.slack.of("chat.postMessage")))

