"""The scheduler inside ``crosswalk serve``: started and stopped with the app."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.nudges.runtime import NUDGES
from bot.settings import Settings
from bot.store import Store
from bot.store.nudges import NudgeStore, nudge_repo
from dialogs.nudges.cadence import Rule
from tests.nudges.conftest import conversation
from tests.nudges.test_slack import fake  # noqa: F401 - the fake Slack Web API fixture
from tests.slack.conftest import SECRET
from tests.slack.fake_slack import TEAM, TOKEN, FakeSlack


async def test_a_due_nudge_goes_out_from_the_running_server(
    db_url: str, fake: FakeSlack  # noqa: F811
) -> None:
    now = datetime.now(UTC)
    store = await Store.open(db_url)
    try:
        await conversation(store, TEAM, "slack", "C0FINOPS", now, reference={
            "enterprise_id": None, "team_id": TEAM, "channel_id": "C0FINOPS",
            "user_id": "U0ANA", "is_direct": False})
        async with store.backend.write() as conn:
            # due two minutes ago (within the catch-up window): the first pass sends it
            await nudge_repo(conn).subscribe(TEAM, "slack", "C0FINOPS", Rule(0, time(9), "UTC"),
                                             False, now - timedelta(minutes=2), "U0ANA", now)
    finally:
        await store.close()
    settings = Settings(database_url=db_url, slack_signing_secret=SECRET,  # type: ignore[call-arg]
                        slack_bot_token=TOKEN, slack_api_url=fake.api_url)
    app = create_app(settings)
    async with TestClient(TestServer(app)):
        assert NUDGES in app
        await fake.wait_for(lambda: any(not c.args.get("thread_ts")
                                        for c in fake.of("chat.postMessage")), timeout=20)
        await fake.wait_for(lambda: len(fake.of("chat.postMessage")) >= 2, timeout=20)
    # the server has stopped; the outcome is in the database
    store = await Store.open(db_url)
    try:
        [row] = await NudgeStore(store).deliveries()
        assert row["state"] == "sent" and row["late"] is False
    finally:
        await store.close()
    [head, detail] = fake.of("chat.postMessage")
    assert not head.args.get("thread_ts")
    assert row["platform_id"] == f"C0FINOPS:{detail.args['thread_ts']}"


async def test_the_app_starts_and_stops_without_platforms(db_url: str) -> None:
    app = create_app(Settings(database_url=db_url))  # type: ignore[call-arg]
    async with TestClient(TestServer(app)) as client:
        assert NUDGES in app and app[NUDGES].senders == {}
        assert (await client.get("/healthz")).status == 200
