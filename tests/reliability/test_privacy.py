"""Privacy: ``crosswalk org export`` writes everything stored for an org (and nothing of any other,
tokens redacted); ``crosswalk org delete`` removes all of it; content gaps and feedback expire
after ``CROSSWALK_QA_RETENTION_DAYS``."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer
from cryptography.fernet import Fernet

from bot.app import create_app
from bot.retention import purge_expired
from bot.settings import Settings
from bot.store import Store
from bot.store.nudges import NudgeStore, nudge_repo
from bot.store.orgs import count_org_rows, org_tables
from bot.store.slack import SlackStore, TokenCipher
from dialogs.messages import Origin, Sender
from dialogs.nudges.cadence import Rule
from tests.reliability.harness import Edges, all_tables, crosswalk, edges
from tests.reliability.tenants import Tenant, tenants, text_of

KEY = Fernet.generate_key().decode()
WITHOUT_ORG = {"orgs", "schema_migrations", "slack_oauth_states"}  # keyed otherwise, or no data


async def fill(world: Edges, org: Tenant) -> None:
    """Rows in as many tables as a real org has: turns, profile, plan, card, gap, subscription,
    delivery, installation."""
    store = world.store
    slack_store = SlackStore(store, TokenCipher(KEY)) if org.channel == "slack" else None
    await org.seed(store, world.slack, slack_store)
    for text in ("plan", "subscribe", f"what is {org.marker}?", "interview", "done 1",
                 "post plan"):
        if org.channel == "teams":
            for conv in (0, 1):
                assert (await world.teams(org.activity(world.connector.url, conv, 0, text))
                        ).status == 201
        else:
            assert (await world.slack_event(org.slack_message(0, 0, text))).status == 200
            assert (await world.slack_event(org.slack_message(1, 0, text))).status == 200
    await world.settle()
    now = datetime.now(UTC)
    async with store.turn(Origin(org.channel, org.org_id, "feedback"), Sender("u"), now) as tx:
        await tx.qa.record_feedback("finops.basics", True, now)
    await NudgeStore(store).enqueue(now + timedelta(days=8), timedelta(days=30),
                                    timedelta(minutes=5))


async def test_export_has_everything_of_one_org_and_delete_removes_it(db_url: str) -> None:
    async with edges(db_url, encryption_key=KEY) as world:
        teams_org, slack_org = tenants(random.Random(), teams=1, slack=1)
        for org in (teams_org, slack_org):
            await fill(world, org)
        store = world.store
        async with store.backend.read() as conn:
            tables = await org_tables(conn)
        assert set(await all_tables(store)) - set(tables) == WITHOUT_ORG  # a new table is seen
        env = {"CROSSWALK_DATABASE_URL": db_url, "CROSSWALK_ENCRYPTION_KEY": KEY}
        for org in (teams_org, slack_org):
            other = slack_org if org is teams_org else teams_org
            counts = await count_org_rows(store, org.org_id)
            code, out, err = await crosswalk("org", "export", "--org", org.org_id, env=env)
            assert code == 0, err
            exported = json.loads(out)
            assert exported["org"]["id"] == org.org_id
            assert {t: len(rows) for t, rows in exported["tables"].items()} == {
                t: n for t, n in counts.items() if t != "orgs"}
            filled = [t for t, n in counts.items() if n]
            assert len(filled) >= 12, filled  # the fill reached most tables
            text = text_of(exported)
            assert org.marker in text and other.marker not in text
            assert "xoxb-" not in text and "fernet:" not in text  # tokens are never exported

        before = await count_org_rows(store, slack_org.org_id)
        code, out, err = await crosswalk("org", "delete", "--org", teams_org.org_id, "--yes",
                                         env=env)
        assert code == 0, err
        assert "deleted" in out
        gone = await count_org_rows(store, teams_org.org_id)
        assert not any(gone.values()), gone  # nothing of that org remains, in any table
        assert await count_org_rows(store, slack_org.org_id) == before  # the other is intact
        code, _, err = await crosswalk("org", "export", "--org", teams_org.org_id, env=env)
        assert code == 1 and "no organisation" in err
        code, _, err = await crosswalk("org", "delete", "--org", slack_org.org_id, env=env)
        assert code == 2 and "--yes" in err  # never without confirmation
        assert await count_org_rows(store, slack_org.org_id) == before


async def gaps_and_feedback(store: Store, org: str, ages: list[int], now: datetime) -> None:
    for days in ages:
        at = now - timedelta(days=days)
        async with store.turn(Origin("teams", org, "c1"), Sender("u1"), at) as tx:
            await tx.qa.log_gap(f"question asked {days} days ago", at)
            await tx.qa.record_feedback("finops.basics", days % 2 == 0, at)


async def kept(store: Store) -> tuple[int, int]:
    async with store.backend.read() as conn:
        gaps = await conn.fetchval("SELECT COUNT(*) FROM qa_gaps")
        feedback = await conn.fetchval("SELECT COUNT(*) FROM qa_feedback")
    return int(gaps), int(feedback)


async def test_gaps_and_feedback_expire_after_the_configured_window(store: Store) -> None:
    now = datetime.now(UTC)
    await gaps_and_feedback(store, "acme", [0, 3, 6, 8, 30, 89], now)
    assert await kept(store) == (6, 6)
    settings = Settings(qa_retention_days=7)  # type: ignore[call-arg]
    assert await purge_expired(store, settings, now) == (3, 3)
    assert await kept(store) == (3, 3)
    async with store.backend.read() as conn:
        rows = await conn.fetch("SELECT * FROM qa_gaps")
    assert all("user" not in key for key in rows[0])  # and no user id is kept with them


async def test_the_server_expires_them_and_so_does_the_cli(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'retention.db'}"
    now = datetime.now(UTC)
    store = await Store.open(url)
    try:
        await gaps_and_feedback(store, "acme", [0, 2, 10], now)
    finally:
        await store.close()
    app = create_app(Settings(database_url=url, qa_retention_days=5))  # type: ignore[call-arg]
    async with TestClient(TestServer(app)):
        pass  # the purge runs when the server starts (then hourly)
    store = await Store.open(url)
    try:
        assert await kept(store) == (2, 2)
        code, out, err = await crosswalk("content", "purge", "--json", env={
            "CROSSWALK_DATABASE_URL": url, "CROSSWALK_QA_RETENTION_DAYS": "1"})
        assert code == 0, err
        assert json.loads(out) == {"gaps": 1, "feedback": 1, "retention_days": 1}
        assert await kept(store) == (1, 1)
    finally:
        await store.close()


async def test_subscriptions_of_a_deleted_org_send_nothing(store: Store) -> None:
    """A nudge due for a deleted org is gone with it: nothing left to enqueue or send."""
    now = datetime.now(UTC)
    from tests.nudges.conftest import conversation

    await conversation(store, "gone", "slack", "C1", now)
    async with store.backend.write() as conn:
        await nudge_repo(conn).subscribe("gone", "slack", "C1", Rule(0, time(9), "UTC"), False,
                                         now - timedelta(minutes=1), "u", now)
    assert await store.delete_org("gone")
    enqueued = await NudgeStore(store).enqueue(now, timedelta(hours=12), timedelta(minutes=5))
    assert enqueued.due == 0 and await NudgeStore(store).deliveries() == []
