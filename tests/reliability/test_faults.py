"""Upstream faults: the fake Bot Connector and fake Slack Web API, behind a fault-injecting proxy,
answer 429 with Retry-After, 5xx, reset connections and time out. What each path does is pinned:

- Failures that certainly posted nothing (429, 5xx the platform lists as transient, a reset
  before Slack read the request) are retried with backoff and jitter (honouring Retry-After) and
  the message arrives exactly once.
- Ambiguous failures (a timeout or reset after the platform may have posted) are never resent
  by the nudge scheduler (the delivery becomes ``unknown``); see docs/security.md for replies.
- The inbound request is acknowledged at once whatever the upstream does.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.metrics import Metrics
from bot.nudges.composer import Composer
from bot.nudges.limits import Limiter
from bot.nudges.scheduler import Scheduler, SchedulerConfig
from bot.nudges.slack import NudgeSlackSender, SlackNudges
from bot.store import Store
from bot.store.nudges import NudgeStore, nudge_repo, plan_view
from bot.store.slack import SlackStore
from bot.teams.options import RetryPolicy
from dialogs.nudges.cadence import Rule
from tests.nudges.conftest import FakeClock, conversation
from tests.reliability import tally
from tests.reliability.faults import FaultProxy
from tests.reliability.harness import Edges, budget, edges
from tests.slack.conftest import payload as slack_payload
from tests.slack.fake_slack import TEAM, TOKEN, FakeSlack
from tests.teams.conftest import payload as teams_payload

ROUNDS = budget(1, 10)  # 20 faults a round
REPLIES = r"/v3/conversations/.+/activities/"  # + the activity replied to
POST = r"/api/chat\.postMessage"


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[tuple[Edges, FaultProxy, FaultProxy]]:
    """Both edges, each talking to its fake through a fault proxy."""
    slack_proxy = await FaultProxy("").start()
    teams_proxy = await FaultProxy("").start()
    retry = RetryPolicy(base_delay=0.05, max_delay=2.0)  # Retry-After up to 2 s is honoured
    try:
        async with edges(f"sqlite:///{tmp_path / 'faults.db'}",
                         slack_api_url=f"{slack_proxy.url}/api/",
                         teams_extra={"retry": retry, "request_timeout": 1.0}) as running:
            slack_proxy.upstream = running.slack.url
            teams_proxy.upstream = running.connector.url.rstrip("/")
            yield running, teams_proxy, slack_proxy
    finally:
        await slack_proxy.close()
        await teams_proxy.close()


async def acknowledged(response: aiohttp.ClientResponse, started: float, status: int) -> None:
    assert response.status == status, await response.text()
    assert time.perf_counter() - started < 1.0, "the inbound request waited for the upstream"


async def teams_say(world: Edges, proxy: FaultProxy, tag: str) -> None:
    url = f"{proxy.url}/"
    activity = teams_payload("personal_message", url, id=tag, text="help")
    activity["conversation"]["id"] = f"a:1{tag}"
    started = time.perf_counter()
    await acknowledged(await world.teams(activity, token=world.token(url)), started, 201)


async def slack_say(world: Edges, tag: str) -> None:
    data = slack_payload("event_message_im.json")
    data["event_id"] = f"Ev{tag}"
    data["event"].update(channel=f"D{tag}", user=f"U{tag}", text="help")
    started = time.perf_counter()
    await acknowledged(await world.slack_event(data), started, 200)


async def test_replies_are_retried_when_nothing_was_posted_and_never_twice(
    world: tuple[Edges, FaultProxy, FaultProxy],
) -> None:
    edges_, teams, slack = world
    for r in range(ROUNDS):
        # Teams: 429 (Retry-After: 1), 502, 504 -> retried -> delivered once
        retried, refused, reset, ambiguous = (f"T{r}RETRY", f"T{r}500", f"T{r}RESET",
                                              f"T{r}AFTER")
        teams.inject(REPLIES + retried, "429", "502", "504")
        teams.inject(REPLIES + refused, "500")  # not on Microsoft's transient list: not resent
        teams.inject(REPLIES + reset, "reset")  # Teams: a dropped connection is not resent
        teams.inject(REPLIES + ambiguous, "reset-after")  # posted, then dropped: not resent
        for tag in (retried, refused, reset, ambiguous):
            await teams_say(edges_, teams, tag)
        # Slack: 429 (Retry-After: 1) then 500; 503 then a reset before Slack read it
        first, second = f"S{r}RETRY", f"S{r}RESET"
        slack.inject(POST, "429", "500", body=f"D{first}")
        slack.inject(POST, "503", "reset", body=f"D{second}")
        for tag in (first, second):
            await slack_say(edges_, tag)
        await edges_.settle(timeout=30)
        tally.add("faults injected", 9)

        sent = Counter(c.conversation_id for c in edges_.connector.calls)
        assert sent[f"a:1{retried}"] == 1  # retried until it went through, once
        assert sent[f"a:1{refused}"] == 0 and sent[f"a:1{reset}"] == 0  # logged, not resent
        assert sent[f"a:1{ambiguous}"] == 1  # posted once, not again
        attempts = teams.requests(REPLIES + retried)
        assert [s.fault for s in attempts] == ["429", "502", "504", None]
        assert attempts[1].at - attempts[0].at >= 0.9  # Retry-After: 1 was honoured
        assert len(teams.requests(REPLIES + refused)) == 1
        posted = Counter(c.args.get("channel") for c in edges_.slack.of("chat.postMessage"))
        assert posted[f"D{first}"] == 1 and posted[f"D{second}"] == 1
        tries = [s for s in slack.requests(POST) if f"D{first}".encode() in s.body]
        assert [s.fault for s in tries] == ["429", "500", None]
        assert tries[1].at - tries[0].at >= 0.9


# --------------------------------------------------------------------------- nudges


class Releases:
    """Spy on ``NudgeStore.release``: the retry delay chosen for each attempt."""

    def __init__(self, store: NudgeStore, clock: FakeClock) -> None:
        self.delays: dict[int, list[float]] = {}
        inner = store.release

        async def release(item: Any, not_before: datetime, reason: str, now: datetime) -> bool:
            self.delays.setdefault(item.id, []).append((not_before - clock()).total_seconds())
            return await inner(item, not_before, reason, now)

        store.release = release  # type: ignore[method-assign]


async def test_nudges_retry_what_was_not_posted_and_never_resend_the_ambiguous(
    tmp_path: Path,
) -> None:
    fake = FakeSlack()
    await fake.start()
    proxy = await FaultProxy(fake.url, hold=1.5).start()
    store = await Store.open(f"sqlite:///{tmp_path / 'nudges.db'}")
    clock = FakeClock(datetime.now(UTC))
    session = aiohttp.ClientSession()
    try:
        for r in range(ROUNDS):
            plan = {  # channel -> faults on its headline, and the outcome they must lead to
                f"C{r}RATE": (["429"], "sent", 1),
                f"C{r}BACKOFF": (["500", "500"], "sent", 1),
                f"C{r}UNAVAILABLE": (["503"], "sent", 1),
                f"C{r}SLOWPOST": (["timeout-after"], "unknown", 1),
                f"C{r}DROPPED": (["reset-after"], "unknown", 1),
                f"C{r}RESET": (["reset"], "unknown", 0),
                f"C{r}SILENT": (["timeout"], "unknown", 0),
                f"C{r}DOWN": (["500", "500", "500"], "failed", 0),
            }
            for channel, (faults, _, _) in plan.items():
                await conversation(store, TEAM, "slack", channel, clock(), reference={
                    "enterprise_id": None, "team_id": TEAM, "channel_id": channel,
                    "user_id": "U0ANA", "is_direct": False})
                async with store.backend.write() as conn:
                    await nudge_repo(conn).subscribe(
                        TEAM, "slack", channel, Rule(clock().weekday(), clock_time(0), "UTC"),
                        False, clock() - timedelta(minutes=1), "U0ANA", clock())
                proxy.inject(POST, *faults, retry_after="7", body=f'"{channel}"')
            nudge_store = NudgeStore(store)
            releases = Releases(nudge_store, clock)
            sender = NudgeSlackSender(store=store, slack_store=SlackStore(store),
                                      session=session, base_url=f"{proxy.url}/api/",
                                      bot_token=TOKEN, clock=clock)
            scheduler = Scheduler(
                nudge_store, {"slack": SlackNudges(sender, Limiter(clock.monotonic, clock.sleep))},
                Composer(store, None, plan_view), Metrics(), clock=clock, sleep=clock.sleep,
                config=SchedulerConfig(send_timeout=1.0, max_attempts=3, backoff_base=5.0),
            )
            report = await scheduler.run_due()
            tally.add("faults injected", sum(len(f) for f, _, _ in plan.values()))

            rows = {row["conversation_id"]: row for row in await nudge_store.deliveries()}
            heads = Counter(c.args["channel"] for c in fake.of("chat.postMessage")
                            if not c.args.get("thread_ts"))
            for channel, (_, state, posts) in plan.items():
                assert rows[channel]["state"] == state, (channel, rows[channel])
                assert heads[channel] == posts, (channel, heads[channel])  # never twice
            rate = releases.delays[rows[f"C{r}RATE"]["id"]]
            assert rate == [pytest.approx(7.0)]  # Retry-After: 7, on the injected clock
            backoff = releases.delays[rows[f"C{r}BACKOFF"]["id"]]
            assert len(backoff) == 2 and 2.5 <= backoff[0] <= 7.5 and 5.0 <= backoff[1] <= 15.0
            assert report.sent >= 3 and report.unknown >= 4 and report.failed >= 1
    finally:
        await session.close()
        await store.close()
        await proxy.close()
        await fake.close()
