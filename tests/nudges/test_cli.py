"""``crosswalk nudges`` through real processes: operators' commands and ``run-due``."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import click
import pytest

from bot.cli.nudges import parse_now, split_channel
from bot.store import Store
from bot.store.nudges import NudgeStore
from tests.conftest import pg_schema_url
from tests.nudges.conftest import conversation
from tests.nudges.test_slack import NOW, subscribe_channels
from tests.slack.fake_slack import TOKEN, FakeSlack
from tests.teams.conftest import APP_ID, CHANNEL, TENANT
from tests.teams.fakes import FakeConnector

CROSSWALK = Path(sys.executable).parent / "crosswalk"
TEAMS_CONV = "19:planning7f3a9c@thread.tacv2;messageid=1764234300456"


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = FakeSlack()
    await server.start()
    try:
        yield server
    finally:
        await server.close()


async def crosswalk(
    db_url: str, *args: str, fake: FakeSlack | None = None, **extra: str
) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MICROSOFT_"))}
    env |= {"CROSSWALK_DATABASE_URL": db_url, "CROSSWALK_LOG_LEVEL": "WARNING", **extra}
    if fake is not None:
        env |= {"SLACK_BOT_TOKEN": TOKEN, "SLACK_API_URL": fake.api_url}
    proc = await asyncio.create_subprocess_exec(
        str(CROSSWALK), "nudges", *args, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


def test_channel_splits_on_the_first_colon_only() -> None:
    assert split_channel(f"teams:{TEAMS_CONV}") == ("teams", TEAMS_CONV, None)
    assert split_channel("slack:T0ACME:C0FINOPS") == ("slack", "C0FINOPS", "T0ACME")
    for bad in ("slack:C0FINOPS", "teams:", "console:me", "C0FINOPS", "slack::C1"):
        with pytest.raises(click.BadParameter):
            split_channel(bad)
    assert parse_now("2026-11-30T09:00:00Z") == datetime.fromisoformat("2026-11-30T09:00:00+00:00")
    for bad in ("2026-11-30T09:00:00", "next monday"):
        with pytest.raises(click.BadParameter):
            parse_now(bad)


async def test_operator_commands(store: Store, db_url: str) -> None:
    code, _out, err = await crosswalk(db_url, "subscribe", "--org", "T1",
                                      "--channel", f"teams:{TEAMS_CONV}")
    assert code == 1 and "unknown conversation; mention @Crosswalk there first" in err
    await conversation(store, "T1", "teams", TEAMS_CONV, NOW)
    code, out, err = await crosswalk(
        db_url, "subscribe", "--org", "T1", "--channel", f"teams:{TEAMS_CONV}", "--by", "ops",
        "weekly", "on", "thursday", "14:30", "America/New_York")
    assert code == 0, err
    assert out.startswith("subscribed: Thursdays at 14:30 (America/New_York); next Thu ")
    code, _out, err = await crosswalk(db_url, "subscribe", "--org", "T1",
                                      "--channel", f"teams:{TEAMS_CONV}", "on", "funday")
    assert code == 2 and "don't know the day" in err
    code, out, _ = await crosswalk(db_url, "pause", "--org", "T1", "--channel",
                                   f"teams:{TEAMS_CONV}", "--until", "2027-01-04")
    assert code == 0 and out.startswith("paused until 2027-01-04; next Thu 7 Jan 2027")
    code, out, _ = await crosswalk(db_url, "list", "--org", "T1", "--json")
    [row] = json.loads(out)
    assert (row["status"], row["conversation"]) == ("paused", TEAMS_CONV)
    assert row["updated_by"].startswith("cli:")  # the operator's login when --by is not given
    assert row["rule"] == "weekly on thursday 14:30 America/New_York"
    code, out, _ = await crosswalk(db_url, "resume", "--org", "T1", "--channel",
                                   f"teams:{TEAMS_CONV}")
    assert code == 0 and out.startswith("resumed; next ")
    code, out, _ = await crosswalk(db_url, "unsubscribe", "--org", "T1", "--channel",
                                   f"teams:{TEAMS_CONV}")
    assert code == 0 and out.strip() == "unsubscribed"
    code, out, _ = await crosswalk(db_url, "list")
    assert code == 0 and "unsubscribed" in out and "last none yet" in out
    code, out, _ = await crosswalk(db_url, "list", "--unknown")
    assert code == 0 and "no deliveries with an unknown outcome" in out


async def test_run_due_twice_at_the_same_instant_posts_once(
    store: Store, db_url: str, fake: FakeSlack
) -> None:
    await subscribe_channels(store, "C0FINOPS", "C0OTHER")
    now = "2026-11-30T09:00:00Z"  # Monday 09:00 in Lisbon
    code, out, err = await crosswalk(db_url, "run-due", "--now", now, "--json", fake=fake)
    assert code == 0, err
    assert json.loads(out) == {"due": 2, "sent": 2}
    code, out, err = await crosswalk(db_url, "run-due", "--now", now, fake=fake)
    assert code == 0, err
    assert out.startswith("due 0, sent 0,")
    tops = [c for c in fake.of("chat.postMessage") if not c.args.get("thread_ts")]
    assert sorted(c.args["channel"] for c in tops) == ["C0FINOPS", "C0OTHER"]
    code, out, err = await crosswalk(db_url, "run-due", "--now", "2026-11-30", fake=fake)
    assert code == 2 and "--now" in err


async def test_run_due_posts_to_teams_through_the_edge(store: Store, db_url: str) -> None:
    connector = await FakeConnector().start()
    try:
        reference = {
            "bot": {"id": f"28:{APP_ID}", "name": "Crosswalk"},
            "conversation": {"id": CHANNEL, "conversationType": "channel", "isGroup": True,
                             "tenantId": TENANT},
            "channelId": "msteams", "serviceUrl": connector.url,
        }
        await conversation(store, TENANT, "teams", CHANNEL, NOW, reference=reference)
        code, out, err = await crosswalk(
            db_url, "subscribe", "--org", TENANT, "--channel", f"teams:{CHANNEL}",
            "weekly", "on", "monday", "09:00", "Europe/Berlin")
        assert code == 0, err
        code, out, err = await crosswalk(db_url, "run-due", "--now", "2026-11-30T08:00:00Z",
                                         "--json", CROSSWALK_DEV_MODE="1")
        assert code == 0, err
        assert json.loads(out) == {"due": 1, "sent": 1}
        [create] = connector.calls
        assert create.route == "create"
        assert create.body["channelData"]["channel"]["id"] == CHANNEL
    finally:
        await connector.close()


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    async for url in pg_schema_url():
        yield url


@pytest.mark.postgres
async def test_two_concurrent_run_due_processes_post_each_nudge_once(
    pg_url: str, fake: FakeSlack
) -> None:
    store = await Store.open(pg_url)
    try:
        await _two_replicas(store, pg_url, fake)
    finally:
        await store.close()


async def _two_replicas(store: Store, db_url: str, fake: FakeSlack) -> None:
    channels = [f"C{i:03d}" for i in range(60)]
    await subscribe_channels(store, *channels[:30], team="T0ONE")
    await subscribe_channels(store, *channels[30:], team="T0TWO")
    fake.tokens.add(TOKEN)
    now = "2026-11-30T09:00:30Z"
    results = await asyncio.gather(
        crosswalk(db_url, "run-due", "--now", now, "--json", fake=fake),
        crosswalk(db_url, "run-due", "--now", now, "--json", fake=fake),
    )
    for code, _out, err in results:
        assert code == 0, err
    reports = [json.loads(out) for _code, out, _err in results]
    assert sum(r.get("sent", 0) for r in reports) == 60
    assert sum(r.get("due", 0) for r in reports) == 60
    tops = Counter(c.args["channel"] for c in fake.of("chat.postMessage")
                   if not c.args.get("thread_ts"))
    assert tops == Counter({c: 1 for c in channels})
    assert await NudgeStore(store).counts() == {"sent": 60}
