"""Teams nudges against the Teams edge's fake Bot Connector: a new thread per nudge, 403 stops."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest

from bot.app import COMPONENTS
from bot.nudges.limits import Limiter
from bot.nudges.teams import TeamsNudges, classify, merged
from bot.store.nudges import NudgeStore
from bot.teams.routes import teams_sender
from dialogs.messages import Card, Text
from tests.nudges.conftest import FakeClock, scheduler
from tests.teams.conftest import CHANNEL, TENANT, Bot, start_bot
from tests.teams.fakes import FakeConnector
from tests.teams.test_e2e import say


@pytest.fixture
async def dev_bot(db_url: str) -> AsyncIterator[Bot]:
    """The Teams edge in dev mode against its fake Bot Connector, on both engines."""
    connector = await FakeConnector().start()
    try:
        async for running in start_bot(db_url, connector, None, dev=True):
            yield running
    finally:
        await connector.close()


ROSTER = {"error": {"code": "BotNotInConversationRoster", "message": "not a member"}}


async def subscribed(bot: Bot) -> datetime:
    await say(bot, "<at>Crosswalk</at> subscribe weekly on monday 09:00", "channel_mention")
    [sub] = await NudgeStore(bot.store).list_subscriptions()
    assert (sub.org_id, sub.conversation_id) == (TENANT, CHANNEL)
    assert sub.rule.zone == "Europe/Berlin"  # from the activity's localTimezone
    assert sub.next_run_at is not None
    return sub.next_run_at


def nudges_for(bot: Bot, clock: FakeClock) -> TeamsNudges:
    sender = teams_sender(bot.app)
    assert sender is not None
    return TeamsNudges(sender, Limiter(clock.monotonic, clock.sleep))


async def test_a_weekly_nudge_starts_a_new_thread_in_the_channel(dev_bot: Bot) -> None:
    run = await subscribed(dev_bot)
    calls = len(dev_bot.connector.calls)
    clock = FakeClock(run)
    nudges = nudges_for(dev_bot, clock)
    content = dev_bot.app[COMPONENTS].content
    report = await scheduler(dev_bot.store, clock, {"teams": nudges}, content=content).run_due()
    assert report.sent == 1
    [create] = dev_bot.connector.calls[calls:]
    assert create.route == "create"
    assert create.body["channelData"]["channel"]["id"] == CHANNEL and create.body["isGroup"]
    card = create.body["activity"]["attachments"][0]["content"]
    assert card["type"] == "AdaptiveCard" and "Weekly alignment nudge" in str(card)
    assert "Tip of the week" in str(card)  # details ride along as a collapsed section
    [row] = await NudgeStore(dev_bot.store).deliveries()
    assert row["state"] == "sent" and row["platform_id"].startswith(f"{CHANNEL};messageid=")
    # run-due again at the same instant: nothing more
    again = await scheduler(dev_bot.store, clock, {"teams": nudges}).run_due()
    assert again.sent == 0 and len(dev_bot.connector.calls) == calls + 1


async def test_a_403_stops_the_nudges_and_records_why(dev_bot: Bot) -> None:
    run = await subscribed(dev_bot)
    dev_bot.connector.fail("create", 403, ROSTER)
    clock = FakeClock(run)
    report = await scheduler(dev_bot.store, clock, {"teams": nudges_for(dev_bot, clock)}).run_due()
    assert (report.failed, report.deactivated, report.sent) == (1, 1, 0)
    [sub] = await NudgeStore(dev_bot.store).list_subscriptions()
    assert sub.status == "inactive" and sub.inactive_reason is not None
    assert "403" in sub.inactive_reason and "BotNotInConversationRoster" in sub.inactive_reason
    conv = await dev_bot.store.get_conversation(TENANT, "teams", CHANNEL)
    assert conv is not None and not conv.active
    attempts = len(dev_bot.connector.attempts)
    clock.advance(7 * 86400)
    later = await scheduler(dev_bot.store, clock, {"teams": nudges_for(dev_bot, clock)}).run_due()
    assert later.due == 0 and len(dev_bot.connector.attempts) == attempts
    status = await dev_bot.client.get("/metrics")
    assert status.status == 200


async def test_throttling_is_retried_then_sent(dev_bot: Bot) -> None:
    run = await subscribed(dev_bot)
    # the edge retries 429 itself (fast in tests); a 429 that outlasts it is retried later
    dev_bot.connector.fail("create", 429, times=4, headers={"Retry-After": "0"})
    clock = FakeClock(run)
    report = await scheduler(dev_bot.store, clock, {"teams": nudges_for(dev_bot, clock)}).run_due()
    assert report.sent == 1 and report.retried == 1
    assert clock.now >= run + timedelta(seconds=30)


def test_classify_and_merge() -> None:
    assert type(classify("HTTP 403 BotNotInConversationRoster")).__name__ == "Gone"
    assert type(classify("HTTP 404 ConversationNotFound")).__name__ == "Gone"
    assert type(classify("HTTP 429")).__name__ == "RateLimited"
    assert type(classify("HTTP 502")).__name__ == "Transient"
    assert type(classify("HTTP 400 BadArgument")).__name__ == "Rejected"
    assert type(classify("ClientConnectorError")).__name__ == "Transient"
    assert type(classify("ServerDisconnectedError")).__name__ == "Uncertain"
    assert type(classify("conversation inactive: removed")).__name__ == "Gone"
    card = merged([Card("Head", "body"), Card("Tip", "tip body"), Text("more")])
    assert isinstance(card, Card) and [s.title for s in card.sections] == ["Tip", "More"]
    assert all(s.collapsed for s in card.sections)
