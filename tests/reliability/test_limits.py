"""Limits at both edges: body size (413), body time (408), slow clients, throttling of turns
(acknowledged normally, one short notice a minute, nothing written), and two messages from one
conversation at once serialized."""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import RUNNER
from bot.throttle import NOTICE_EVERY_S, Limits, Throttle
from tests.reliability.harness import Edges, edges, row_counts
from tests.reliability.tenants import submit_value, tenants
from tests.slack.conftest import payload as slack_payload
from tests.teams.conftest import payload as teams_payload

SLOW = "slow down, try again in"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# --------------------------------------------------------------------------- the throttle


def test_burst_then_rate_per_person_and_one_notice_a_minute() -> None:
    clock = Clock()
    throttle = Throttle(Limits(user_per_minute=6, user_burst=3, org_per_minute=0), clock)
    assert [throttle.check("acme", "ana").allowed for _ in range(3)] == [True] * 3
    first = throttle.check("acme", "ana")
    assert not first.allowed and first.notify and first.retry_after == pytest.approx(10.0)
    again = throttle.check("acme", "ana")
    assert not again.allowed and not again.notify  # the notice is not repeated ...
    assert throttle.check("acme", "bo").allowed  # ... and someone else is not affected
    clock.now += 10
    assert throttle.check("acme", "ana").allowed  # one token a 10 s
    assert not throttle.check("acme", "ana").notify
    clock.now += NOTICE_EVERY_S
    for _ in range(6):
        throttle.check("acme", "ana")
    assert not throttle.check("acme", "ana").allowed
    clock.now += 0.1
    throttled = [throttle.check("acme", "ana") for _ in range(3)]
    assert sum(v.notify for v in throttled) == 0  # the minute's notice was already given


def test_an_org_limit_holds_across_people_and_other_orgs_are_free() -> None:
    clock = Clock()
    throttle = Throttle(Limits(user_per_minute=0, org_per_minute=60, org_burst=5), clock)
    verdicts = [throttle.check("acme", f"u{i}") for i in range(8)]
    assert [v.allowed for v in verdicts] == [True] * 5 + [False] * 3
    assert all(v.notify for v in verdicts[5:])  # each person hears it once
    assert throttle.check("globex", "u1").allowed


def test_a_throttled_turn_takes_no_token_from_the_other_bucket() -> None:
    clock = Clock()
    throttle = Throttle(Limits(user_per_minute=60, user_burst=1, org_per_minute=60,
                               org_burst=2), clock)
    assert throttle.check("acme", "ana").allowed
    assert not throttle.check("acme", "ana").allowed  # ana's bucket is empty ...
    assert throttle.check("acme", "bo").allowed  # ... and did not spend the org's token
    assert not throttle.check("acme", "cy").allowed


def test_memory_is_bounded() -> None:
    throttle = Throttle(Limits(), Clock(), keep=100)
    for i in range(1000):
        throttle.check(f"org{i % 7}", f"user{i}")
    assert len(throttle._buckets) <= 100


def test_limits_off_means_no_throttle() -> None:
    from bot.settings import Settings
    from bot.throttle import throttle_for

    off = Settings(throttle_user_per_minute=0, throttle_org_per_minute=0)  # type: ignore[call-arg]
    assert throttle_for(off) is None
    assert throttle_for(Settings()) is not None  # type: ignore[call-arg]


# --------------------------------------------------------------------------- over HTTP


@pytest.fixture
async def limited(tmp_path: Path) -> AsyncIterator[Edges]:
    async with edges(f"sqlite:///{tmp_path / 'limits.db'}", max_body_bytes=4096,
                     body_timeout=0.5, throttle_user_per_minute=6, throttle_user_burst=3,
                     throttle_org_per_minute=0) as running:
        yield running


def teams_text(world: Edges, n: int, text: str = "help") -> dict[str, Any]:
    return teams_payload("personal_message", world.connector.url, id=f"limit-{n}", text=text)


def slack_dm(n: int, text: str = "help") -> dict[str, Any]:
    data = slack_payload("event_message_im.json")
    data["event_id"] = f"EvLimit{n}"
    data["event"].update(text=text, ts=f"17000001{n:02d}.000100", event_ts=f"17000001{n:02d}.1")
    return data


async def test_throttled_turns_are_acknowledged_noted_once_and_write_nothing(
    limited: Edges,
) -> None:
    world = limited
    clock = Clock()
    throttle = world.app[RUNNER].throttle
    assert throttle is not None
    throttle.monotonic = clock
    for n in range(3):
        assert (await world.teams(teams_text(world, n))).status == 201
        assert (await world.slack_event(slack_dm(n))).status == 200
    await world.settle()
    answered = (len(world.connector.calls), len(world.slack.of("chat.postMessage")))
    before = await row_counts(world.store)
    for n in range(3, 8):  # over the limit: still 201 / 200, never 429
        assert (await world.teams(teams_text(world, n))).status == 201
        assert (await world.slack_event(slack_dm(n))).status == 200
        await world.settle()
    assert await row_counts(world.store) == before  # nothing claimed, locked or saved
    teams_notes = world.connector.calls[answered[0]:]
    slack_notes = world.slack.of("chat.postMessage")[answered[1]:]
    assert len(teams_notes) == 1 and SLOW in teams_notes[0].text  # once, not five times
    assert len(slack_notes) == 1 and SLOW in slack_notes[0].args["text"]
    assert "10 s" in teams_notes[0].text
    metrics = await (await world.client.get("/metrics")).text()
    assert 'crosswalk_turns_throttled_total{channel="teams"} 5.0' in metrics
    clock.now += 10  # a token back: the next message is a normal turn again
    assert (await world.teams(teams_text(world, 20, "status"))).status == 201
    await world.settle()
    assert SLOW not in world.connector.calls[-1].text
    assert await row_counts(world.store) != before


async def test_a_throttled_press_does_not_answer_the_card(limited: Edges) -> None:
    world = limited
    clock = Clock()
    throttle = world.app[RUNNER].throttle
    assert throttle is not None
    throttle.monotonic = clock
    org = tenants(random.Random(), teams=1, slack=0)[0]
    await org.seed(world.store, world.slack, None)
    assert (await world.teams(org.activity(world.connector.url, 0, 0, "interview"))).status == 201
    await world.settle()
    card = next(c for c in reversed(world.connector.calls) if c.body.get("attachments"))
    data = card.body["attachments"][0]["content"]
    value = submit_value(data, org.marker, 0)
    assert value is not None
    for _ in range(2):  # the burst is 3 and "interview" took one: spend the rest
        assert throttle.check(org.org_id, org.aad(0)).allowed
    press = org.activity(world.connector.url, 0, 0, value=value, reply_to=card.response_id)
    assert (await world.teams(press)).status == 201
    await world.settle()
    assert world.connector.routes("update") == []  # the card still offers its buttons
    assert SLOW in world.connector.calls[-1].text


async def test_oversize_bodies_are_413_at_both_edges_and_write_nothing(limited: Edges) -> None:
    world = limited
    before = await row_counts(world.store)
    big = teams_text(world, 1, "x" * 5000)
    response = await world.teams(big)
    assert response.status == 413 and await response.json() == {
        "error": "request body too large"}
    response = await world.slack_raw(json.dumps(slack_dm(1, "x" * 5000)).encode(),
                                     "application/json")
    assert response.status == 413

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(10):
            yield b"y" * 1000

    for path in ("/api/messages", "/slack/events"):
        response = await world.client.post(path, data=chunks(),
                                           headers={"Content-Type": "application/json"})
        assert response.status == 413, path
    assert await row_counts(world.store) == before


async def slow_post(world: Edges, path: str, headers: str = "") -> bytes:
    """Send headers and part of the body, then stall; return the status line."""
    server = world.client.server
    reader, writer = await asyncio.open_connection(server.host, server.port)
    writer.write(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 f"Content-Length: 400\r\n{headers}\r\n{{\"type\": ".encode())
    await writer.drain()
    try:
        return await asyncio.wait_for(reader.readline(), timeout=5)
    finally:
        writer.close()
        await writer.wait_closed()


async def test_slow_bodies_are_408_and_the_server_keeps_answering(limited: Edges) -> None:
    world = limited
    stamp = str(int(time.time()))
    slow = [asyncio.create_task(slow_post(world, "/api/messages")) for _ in range(5)]
    slow += [asyncio.create_task(slow_post(
        world, "/slack/events",
        f"X-Slack-Request-Timestamp: {stamp}\r\nX-Slack-Signature: v0=00\r\n"))
        for _ in range(5)]
    await asyncio.sleep(0)
    started = time.perf_counter()
    assert (await world.client.get("/healthz")).status == 200  # not held up by the stallers
    assert time.perf_counter() - started < 0.4
    for line in await asyncio.gather(*slow):
        assert b" 408 " in line


# --------------------------------------------------------------------------- serialization


@pytest.mark.parametrize("channel", ["teams", "slack"])
async def test_messages_from_one_conversation_at_once_are_serialized(
    db_url: str, channel: str
) -> None:
    """Six status changes to one action sent at once: each sees the one before it."""
    async with edges(db_url) as world:
        teams_org, slack_org = tenants(random.Random(), teams=1, slack=1)
        org = teams_org if channel == "teams" else slack_org
        await org.seed(world.store, world.slack, None)

        async def say(text: str) -> None:
            if channel == "teams":
                response = await world.teams(org.activity(world.connector.url, 0, 0, text))
                assert response.status == 201
            else:
                assert (await world.slack_event(org.slack_message(0, 0, text))).status == 200

        await say("plan")
        await world.settle()
        commands = ["done 1", "start 1", "reopen 1", "done 1", "drop 1", "reopen 1"]
        await asyncio.gather(*(say(c) for c in commands))
        await world.settle()
        async with world.store.backend.read() as conn:  # in the order they were written
            status = await conn.fetch(
                "SELECT old_value, new_value FROM plan_action_events WHERE org_id = ?"
                " AND change = 'status' ORDER BY id", org.org_id)
            final = await conn.fetchval(
                "SELECT status FROM plan_actions WHERE org_id = ?", org.org_id)
        chain = [(e["old_value"], e["new_value"]) for e in status]
        assert len(chain) >= 3, chain  # a command that changes nothing (done twice) adds none
        for (_, before), (after, _) in itertools.pairwise(chain):
            assert after == before, chain  # each turn saw the one before it: no lost update
        assert chain[0][0] == "open" and chain[-1][1] == final
