"""Nudge storage on SQLite and PostgreSQL: subscriptions, change log, delivery transitions."""

from __future__ import annotations

import asyncio
from datetime import datetime, time, timedelta

from bot.store import Store
from bot.store.nudges import Finish, NudgeStore, nudge_repo
from dialogs.nudges import changes
from dialogs.nudges.cadence import Rule
from tests.nudges.conftest import conversation, subscribe

RULE = Rule(0, time(9, 0), "Europe/Paris")
WINDOW = timedelta(hours=12)
LATE = timedelta(minutes=5)


async def test_subscribe_records_who_and_when_and_changes(store: Store, now: datetime) -> None:
    sub_id = await subscribe(store, "acme", "slack", "C1", RULE, now)
    later = now + timedelta(hours=1)
    async with store.backend.write() as conn:
        repo = nudge_repo(conn)
        sub = await repo.subscription("acme", "slack", "C1")
        assert sub is not None and sub.id == sub_id
        assert (sub.status, sub.created_by, sub.updated_by) == ("active", "u1", "u1")
        assert sub.rule == RULE and sub.next_run_at == datetime.fromisoformat(
            "2026-11-30T08:00:00+00:00")
        paused = await repo.change(sub, changes.pause(sub, None), "u2", later)
        assert (paused.status, paused.next_run_at, paused.updated_by) == ("paused", None, "u2")
        assert paused.updated_at == later and paused.revision == sub.revision + 1
        resumed = await repo.change(paused, changes.resume(paused, later), "u3", later)
        assert resumed.status == "active" and resumed.next_run_at == sub.next_run_at
        log = await repo.changes(sub_id)
    assert [(c["action"], c["changed_by"]) for c in log] == [
        ("subscribe", "u1"), ("pause", "u2"), ("resume", "u3")]
    assert log[0]["detail"] == "weekly on monday 09:00 Europe/Paris"


async def test_resubscribing_replaces_the_rule(store: Store, now: datetime) -> None:
    first = await subscribe(store, "acme", "teams", "19:a@thread.tacv2", RULE, now)
    other = Rule(3, time(14, 30), "America/New_York")
    second = await subscribe(store, "acme", "teams", "19:a@thread.tacv2", other, now)
    assert first == second
    subs = await NudgeStore(store).list_subscriptions("acme")
    assert [s.rule for s in subs] == [other]


async def test_enqueue_is_idempotent_and_moves_next_run(store: Store, now: datetime) -> None:
    await subscribe(store, "acme", "slack", "C1", RULE, now)
    ns = NudgeStore(store)
    due = datetime.fromisoformat("2026-11-30T08:00:00+00:00")
    assert (await ns.enqueue(due - timedelta(seconds=1), WINDOW, LATE)).due == 0
    first = await ns.enqueue(due, WINDOW, LATE)
    assert (first.due, first.late, first.missed) == (1, 0, 0)
    again = await ns.enqueue(due, WINDOW, LATE)
    assert again.due == 0
    [sub] = await ns.list_subscriptions()
    assert sub.next_run_at == due + timedelta(days=7)
    assert sub.last is not None and sub.last.state == "pending"


async def test_catch_up_window_late_and_missed(store: Store, now: datetime) -> None:
    await subscribe(store, "acme", "slack", "C1", RULE, now)
    ns = NudgeStore(store)
    run = datetime.fromisoformat("2026-11-30T08:00:00+00:00")
    # down for three weeks: two old runs are missed, the latest (11 h ago) is sent late
    result = await ns.enqueue(run + timedelta(days=14, hours=11), WINDOW, LATE)
    assert (result.due, result.late, result.missed) == (1, 1, 2)
    rows = await ns.deliveries("acme")
    assert [r["state"] for r in rows] == ["missed", "missed", "pending"]
    assert rows[2]["late"] is True


async def test_nothing_is_enqueued_for_an_inactive_conversation(
    store: Store, now: datetime
) -> None:
    await subscribe(store, "acme", "slack", "C1", RULE, now)
    await store.deactivate_conversation("acme", "slack", "C1", "channel_left", now)
    ns = NudgeStore(store)
    assert (await ns.enqueue(now + timedelta(days=8), WINDOW, LATE)).due == 0


async def test_claim_lease_sending_and_finish(store: Store, now: datetime) -> None:
    await subscribe(store, "acme", "slack", "C1", RULE, now)
    ns = NudgeStore(store)
    run = datetime.fromisoformat("2026-11-30T08:00:00+00:00")
    await ns.enqueue(run, WINDOW, LATE)
    lease = timedelta(seconds=60)
    [item] = await ns.claim("slack:acme", run, lease, "tok-a", "w1", 10)
    # while the lease holds nobody else gets it
    assert await ns.claim("slack:acme", run + timedelta(seconds=30), lease, "tok-b", "w2", 10) == []
    # after it expires another worker does, and the first one's token no longer works
    [again] = await ns.claim("slack:acme", run + timedelta(seconds=61), lease, "tok-b", "w2", 10)
    assert again.id == item.id
    assert await ns.start_sending([item], run + timedelta(seconds=62), lease) == [False]
    assert await ns.start_sending([again], run + timedelta(seconds=62), lease) == [True]
    done = await ns.finish([Finish(again.id, "tok-b", again.subscription_id, "sent", "C1:1")],
                           run + timedelta(seconds=63))
    assert done == [True]
    [row] = await ns.deliveries()
    assert (row["state"], row["platform_id"], row["attempts"]) == ("sent", "C1:1", 1)
    [sub] = await ns.list_subscriptions()
    assert sub.last_sent_at == run + timedelta(seconds=63)


async def test_sending_past_its_lease_becomes_unknown(store: Store, now: datetime) -> None:
    await subscribe(store, "acme", "slack", "C1", RULE, now)
    ns = NudgeStore(store)
    run = datetime.fromisoformat("2026-11-30T08:00:00+00:00")
    await ns.enqueue(run, WINDOW, LATE)
    [item] = await ns.claim("slack:acme", run, timedelta(seconds=60), "tok", "w1", 10)
    await ns.start_sending([item], run, timedelta(seconds=90))
    assert (await ns.sweep(run + timedelta(seconds=89), WINDOW)).unknown == []
    swept = await ns.sweep(run + timedelta(seconds=91), WINDOW)
    assert [r["id"] for r in swept.unknown] == [item.id]
    assert await ns.claim("slack:acme", run + timedelta(hours=1), timedelta(seconds=60), "t2",
                          "w2", 10) == []
    # a late confirmation from the first sender still records that it went out
    await ns.finish([Finish(item.id, "tok", item.subscription_id, "sent", "C1:9")],
                    run + timedelta(seconds=95))
    assert (await ns.counts()) == {"sent": 1}


async def test_concurrent_claims_never_share_a_row(store: Store, now: datetime) -> None:
    ns = NudgeStore(store)
    for i in range(40):
        await subscribe(store, "acme", "slack", f"C{i}", RULE, now)
    run = datetime.fromisoformat("2026-11-30T08:00:00+00:00")
    await ns.enqueue(run, WINDOW, LATE)
    batches = await asyncio.gather(*(
        ns.claim("slack:acme", run, timedelta(seconds=60), f"tok-{i}", f"w{i}", 7)
        for i in range(8)
    ))
    ids = [item.id for batch in batches for item in batch]
    assert len(ids) == len(set(ids)) == 40


async def test_deactivate_records_why_and_skips_pending(store: Store, now: datetime) -> None:
    sub_id = await subscribe(store, "acme", "teams", "19:x", RULE, now)
    ns = NudgeStore(store)
    run = datetime.fromisoformat("2026-11-30T08:00:00+00:00")
    await ns.enqueue(run, WINDOW, LATE)
    await ns.deactivate(sub_id, "Teams answered HTTP 403", run)
    [sub] = await ns.list_subscriptions()
    assert (sub.status, sub.inactive_reason, sub.updated_by) == (
        "inactive", "Teams answered HTTP 403", "system")
    assert sub.next_run_at is None
    assert await ns.counts() == {"skipped": 1}


async def test_deleting_an_org_cascades(store: Store, now: datetime) -> None:
    await subscribe(store, "acme", "slack", "C1", RULE, now)
    await NudgeStore(store).enqueue(now + timedelta(days=3), WINDOW, LATE)
    assert await store.delete_org("acme")
    async with store.backend.read() as conn:
        for table in ("nudge_subscriptions", "nudge_deliveries", "nudge_subscription_changes"):
            assert await conn.fetchval(f"SELECT COUNT(*) FROM {table}") == 0


async def test_unknown_conversation_has_no_subscription(store: Store, now: datetime) -> None:
    await conversation(store, "acme", "slack", "C1", now)
    async with store.backend.read() as conn:
        assert await nudge_repo(conn).subscription("acme", "slack", "C2") is None
        assert await nudge_repo(conn).subscription("other", "slack", "C1") is None
