"""Slack nudges against the Slack edge's fake Web API: threading, 429, gone, 5xx."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, time, timedelta

import aiohttp
import pytest

from bot.compose import REPO_CONTENT
from bot.nudges.limits import Limiter
from bot.nudges.slack import NudgeSlackSender, SlackNudges, retry_after
from bot.store import Store
from bot.store.nudges import NudgeStore, nudge_repo
from bot.store.slack import SlackStore, TokenCipher
from dialogs.content import load_content
from dialogs.nudges.cadence import Rule, next_run
from tests.nudges.conftest import FakeClock, conversation, scheduler
from tests.slack.fake_slack import TEAM, TOKEN, FakeSlack, Injected

RULE = Rule(0, time(9, 0), "Europe/Lisbon")
NOW = datetime.fromisoformat("2026-11-27T09:00:00+00:00")
RUN = next_run(RULE, NOW)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = FakeSlack()
    await server.start()
    try:
        yield server
    finally:
        await server.close()


@asynccontextmanager
async def slack_nudges(
    store: Store, fake: FakeSlack, clock: FakeClock
) -> AsyncIterator[SlackNudges]:
    async with aiohttp.ClientSession() as session:
        sender = NudgeSlackSender(
            store=store, slack_store=SlackStore(store, TokenCipher("")), session=session,
            base_url=fake.api_url, bot_token=TOKEN, clock=clock,
        )
        yield SlackNudges(sender, Limiter(clock.monotonic, clock.sleep))


async def subscribe_channels(store: Store, *channels: str, team: str = TEAM) -> None:
    for channel in channels:
        await conversation(store, team, "slack", channel, NOW, reference={
            "enterprise_id": None, "team_id": team, "channel_id": channel,
            "user_id": "U0ANA", "is_direct": False,
        })
        async with store.backend.write() as conn:
            await nudge_repo(conn).subscribe(team, "slack", channel, RULE, False, RUN, "U0ANA", NOW)


async def test_headline_top_level_details_in_its_thread(store: Store, fake: FakeSlack) -> None:
    await subscribe_channels(store, "C0FINOPS")
    clock = FakeClock(RUN)
    content = load_content(REPO_CONTENT)
    async with slack_nudges(store, fake, clock) as nudges:
        report = await scheduler(store, clock, {"slack": nudges}, content=content).run_due()
    assert report.sent == 1
    head, detail = fake.of("chat.postMessage")
    assert head.args["channel"] == "C0FINOPS" and not head.args.get("thread_ts")
    assert "Weekly alignment nudge" in head.args["text"]
    assert detail.args["thread_ts"] and detail.args["channel"] == "C0FINOPS"
    assert "Tip of the week" in detail.args["text"]
    [row] = await NudgeStore(store).deliveries()
    assert row["platform_id"] == f"C0FINOPS:{detail.args['thread_ts']}"


async def test_a_429_is_honoured_with_retry_after(store: Store, fake: FakeSlack) -> None:
    await subscribe_channels(store, "C0FINOPS")
    fake.inject["chat.postMessage"] = [
        Injected(429, {"Retry-After": "5"}, {"ok": False, "error": "ratelimited"})]
    clock = FakeClock(RUN)
    async with slack_nudges(store, fake, clock) as nudges:
        report = await scheduler(store, clock, {"slack": nudges}).run_due()
    assert (report.sent, report.retried) == (1, 1)
    assert [c.status for c in fake.calls if c.method == "chat.postMessage"] == [429, 200]
    assert sum(clock.slept) >= 5 and clock.now >= RUN + timedelta(seconds=5)
    [row] = await NudgeStore(store).deliveries()
    assert (row["state"], row["attempts"]) == ("sent", 2)


async def test_not_in_channel_stops_the_subscription(store: Store, fake: FakeSlack) -> None:
    await subscribe_channels(store, "C0GONE", "C0FINE")
    fake.errors[("chat.postMessage", "C0GONE")] = "not_in_channel"
    clock = FakeClock(RUN)
    async with slack_nudges(store, fake, clock) as nudges:
        report = await scheduler(store, clock, {"slack": nudges}).run_due()
    assert (report.sent, report.failed, report.deactivated) == (1, 1, 1)
    subs = {s.conversation_id: s for s in await NudgeStore(store).list_subscriptions()}
    assert subs["C0GONE"].status == "inactive"
    assert subs["C0GONE"].inactive_reason == "Slack answered not_in_channel"
    assert subs["C0FINE"].status == "active"
    conv = await store.get_conversation(TEAM, "slack", "C0GONE")
    assert conv is not None and not conv.active  # the edge's rule, applied by its sender


async def test_server_errors_retry_then_fail(store: Store, fake: FakeSlack) -> None:
    await subscribe_channels(store, "C0FINOPS")
    fake.inject["chat.postMessage"] = [Injected(503, {}, {"ok": False, "error": "unavailable"})
                                       for _ in range(3)]
    clock = FakeClock(RUN)
    async with slack_nudges(store, fake, clock) as nudges:
        report = await scheduler(store, clock, {"slack": nudges}, max_attempts=3).run_due()
    assert (report.failed, report.retried, report.sent) == (1, 2, 0)
    [row] = await NudgeStore(store).deliveries()
    assert "gave up after 3 attempts" in row["reason"]


async def test_pacing_one_channel_keeps_to_its_burst(store: Store, fake: FakeSlack) -> None:
    clock = FakeClock(RUN)
    await subscribe_channels(store, *(f"C{i:03d}" for i in range(12)))
    async with slack_nudges(store, fake, clock) as nudges:
        nudges.limits = type(nudges.limits)(workspace_rate=4.0, workspace_burst=2.0)
        report = await scheduler(store, clock, {"slack": nudges}).run_due()
    assert report.sent == 12
    # 12 posts at 4/s with a burst of 2: at least 2.5 s of (fake) time
    assert clock.now - RUN >= timedelta(seconds=2.5)


def test_retry_after_header() -> None:
    assert retry_after({"Retry-After": ["7"]}) == 7.0
    assert retry_after({"retry-after": "2"}) == 2.0
    assert retry_after({}) == 30.0
    assert retry_after({"Retry-After": "soon"}) == 30.0
