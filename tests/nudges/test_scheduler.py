"""The durable scheduler: once per occurrence whatever restarts, kills, retries or replicas do."""

from __future__ import annotations

import asyncio
import random
from datetime import datetime, time, timedelta

import pytest

from bot.metrics import Metrics
from bot.nudges.sender import Gone, RateLimited, Rejected, Target, Transient, Uncertain
from bot.store import Store
from bot.store.nudges import NudgeStore, nudge_repo
from dialogs.nudges import changes
from dialogs.nudges.cadence import Rule, runs_between
from tests.nudges.conftest import FakeClock, FakeSender, scheduler, subscribe

RULE = Rule(0, time(9, 0), "Europe/Paris")  # Mondays 09:00 Paris
RUN = datetime.fromisoformat("2026-11-30T08:00:00+00:00")


def value(metrics: Metrics, name: str, **labels: str) -> float:
    got = metrics.registry.get_sample_value(name, labels or None)
    return got or 0.0


async def test_run_due_twice_at_the_same_instant_sends_once(store: Store, now: datetime) -> None:
    await subscribe(store, "acme", "slack", "C1", RULE, now)
    clock = FakeClock(RUN)
    sender = FakeSender(clock)
    metrics = Metrics()
    first = await scheduler(store, clock, {"slack": sender}, metrics).run_due()
    second = await scheduler(store, clock, {"slack": sender}, metrics).run_due()
    assert (first.due, first.sent) == (1, 1)
    assert (second.due, second.sent) == (0, 0)
    assert len(sender.sent) == 1
    assert value(metrics, "crosswalk_nudges_sent_total", channel="slack") == 1
    assert value(metrics, "crosswalk_nudges_due_total") == 1
    assert value(metrics, "crosswalk_nudge_delivery_lag_seconds_count") == 1
    [sub] = await NudgeStore(store).list_subscriptions()
    assert sub.last is not None and (sub.last.state, sub.last.platform_id) == ("sent", "ts-1")


async def test_nothing_before_the_run(store: Store, now: datetime) -> None:
    await subscribe(store, "acme", "slack", "C1", RULE, now)
    clock = FakeClock(RUN - timedelta(seconds=1))
    sender = FakeSender(clock)
    report = await scheduler(store, clock, {"slack": sender}).run_due()
    assert report.due == 0 and sender.sent == []


async def test_killed_between_claim_and_send_is_sent_once_after_the_lease(
    store: Store, now: datetime
) -> None:
    await subscribe(store, "acme", "slack", "C1", RULE, now)
    ns = NudgeStore(store)
    await ns.enqueue(RUN, timedelta(hours=12), timedelta(minutes=5))
    # the dead process claimed it and never got further
    [claimed] = await ns.claim("slack:acme", RUN, timedelta(seconds=120), "dead", "w-dead", 10)
    clock = FakeClock(RUN + timedelta(seconds=60))
    sender = FakeSender(clock)
    assert (await scheduler(store, clock, {"slack": sender}).run_due()).sent == 0
    clock.advance(61)  # the lease has expired
    report = await scheduler(store, clock, {"slack": sender}).run_due()
    assert report.sent == 1
    assert [s.target.delivery_id for s in sender.sent] == [claimed.id]
    clock.advance(3600)
    assert (await scheduler(store, clock, {"slack": sender}).run_due()).sent == 0
    assert await ns.counts() == {"sent": 1}


async def test_killed_while_sending_becomes_unknown_and_is_never_resent(
    store: Store, now: datetime
) -> None:
    await subscribe(store, "acme", "slack", "C1", RULE, now)
    ns = NudgeStore(store)
    await ns.enqueue(RUN, timedelta(hours=12), timedelta(minutes=5))
    [claimed] = await ns.claim("slack:acme", RUN, timedelta(seconds=120), "dead", "w-dead", 10)
    assert await ns.start_sending([claimed], RUN, timedelta(seconds=90)) == [True]
    clock = FakeClock(RUN + timedelta(seconds=91))
    sender = FakeSender(clock)
    metrics = Metrics()
    report = await scheduler(store, clock, {"slack": sender}, metrics).run_due()
    assert (report.unknown, report.sent) == (1, 0)
    for _ in range(3):
        clock.advance(3600)
        await scheduler(store, clock, {"slack": sender}, metrics).run_due()
    assert sender.sent == []
    assert await ns.counts() == {"unknown": 1}
    assert value(metrics, "crosswalk_nudges_unknown_total") == 1
    [row] = await ns.deliveries(state="unknown")
    assert "lease expired" in row["reason"]


async def test_a_real_cancellation_mid_send_leaves_unknown(store: Store, now: datetime) -> None:
    await subscribe(store, "acme", "slack", "C1", RULE, now)
    clock = FakeClock(RUN)
    entered = asyncio.Event()

    class Hanging(FakeSender):
        async def send(self, target: Target, messages: object) -> str:  # type: ignore[override]
            entered.set()
            await asyncio.Event().wait()
            raise AssertionError("unreachable")

    task = asyncio.create_task(scheduler(store, clock, {"slack": Hanging(clock)}).run_due())
    await asyncio.wait_for(entered.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    ns = NudgeStore(store)
    assert await ns.counts() == {"sending": 1}
    clock.advance(91)
    sender = FakeSender(clock)
    assert (await scheduler(store, clock, {"slack": sender}).run_due()).unknown == 1
    assert sender.sent == []


async def test_transient_failures_retry_with_backoff_then_send(store: Store, now: datetime) -> None:
    await subscribe(store, "acme", "slack", "C1", RULE, now)
    clock = FakeClock(RUN)
    sender = FakeSender(clock, fail=[Transient("HTTP 503"), Transient("HTTP 502")])
    report = await scheduler(store, clock, {"slack": sender}, backoff_base=10.0).run_due()
    assert (report.sent, report.retried) == (1, 2)
    assert len(clock.slept) == 2 and 5 <= clock.slept[0] <= 15 and 10 <= clock.slept[1] <= 30
    [row] = await NudgeStore(store).deliveries()
    assert (row["state"], row["attempts"]) == ("sent", 3)


async def test_retries_give_up_as_failed_with_the_reason(store: Store, now: datetime) -> None:
    await subscribe(store, "acme", "slack", "C1", RULE, now)
    clock = FakeClock(RUN)
    sender = FakeSender(clock, fail=[Transient("HTTP 500")] * 10)
    metrics = Metrics()
    report = await scheduler(store, clock, {"slack": sender}, metrics, max_attempts=3).run_due()
    assert (report.failed, report.sent, report.retried) == (1, 0, 2)
    [row] = await NudgeStore(store).deliveries()
    assert row["state"] == "failed" and "gave up after 3 attempts" in row["reason"]
    assert value(metrics, "crosswalk_nudges_failed_total", channel="slack") == 1


async def test_rate_limit_waits_for_retry_after(store: Store, now: datetime) -> None:
    await subscribe(store, "acme", "slack", "C1", RULE, now)
    clock = FakeClock(RUN)
    sender = FakeSender(clock, fail=[RateLimited("ratelimited", 7.0)])
    report = await scheduler(store, clock, {"slack": sender}, max_attempts=1).run_due()
    assert report.sent == 1 and clock.slept == [7.0]
    assert sender.sent[0].at == RUN + timedelta(seconds=7)


async def test_gone_deactivates_the_subscription_and_records_why(
    store: Store, now: datetime
) -> None:
    sub_id = await subscribe(store, "acme", "teams", "19:c@thread.tacv2", RULE, now)
    clock = FakeClock(RUN)
    gone = Gone("Teams answered HTTP 403 BotNotInConversationRoster")
    sender = FakeSender(clock, "teams", fail=[gone])
    report = await scheduler(store, clock, {"teams": sender}).run_due()
    assert (report.failed, report.deactivated) == (1, 1)
    [sub] = await NudgeStore(store).list_subscriptions()
    assert sub.id == sub_id and sub.status == "inactive"
    assert sub.inactive_reason == "Teams answered HTTP 403 BotNotInConversationRoster"
    clock.advance(7 * 86400)
    assert (await scheduler(store, clock, {"teams": sender}).run_due()).due == 0


@pytest.mark.parametrize(("error", "state"), [
    (Uncertain("no answer from Slack (ServerTimeoutError)"), "unknown"),
    (TimeoutError(), "unknown"),
    (RuntimeError("bug"), "unknown"),
    (Rejected("Slack answered invalid_blocks"), "failed"),
])
async def test_other_outcomes(store: Store, now: datetime, error: Exception, state: str) -> None:
    await subscribe(store, "acme", "slack", "C1", RULE, now)
    clock = FakeClock(RUN)
    sender = FakeSender(clock, fail=[error])
    await scheduler(store, clock, {"slack": sender}).run_due()
    clock.advance(7200)
    await scheduler(store, clock, {"slack": sender}).run_due()
    assert sender.sent == []
    assert await NudgeStore(store).counts() == {state: 1}


async def test_unsubscribed_after_enqueue_is_skipped(store: Store, now: datetime) -> None:
    await subscribe(store, "acme", "slack", "C1", RULE, now)
    ns = NudgeStore(store)
    await ns.enqueue(RUN, timedelta(hours=12), timedelta(minutes=5))
    async with store.backend.write() as conn:
        repo = nudge_repo(conn)
        sub = await repo.subscription("acme", "slack", "C1")
        assert sub is not None
        await repo.change(sub, changes.unsubscribe(), "u9", RUN)
    clock = FakeClock(RUN)
    sender = FakeSender(clock)
    report = await scheduler(store, clock, {"slack": sender}).run_due()
    assert report.skipped == 1 and sender.sent == []


async def test_only_when_changed_skips_a_quiet_week(store: Store, now: datetime) -> None:
    await subscribe(store, "acme", "slack", "C1", RULE, now, only_changed=True)
    clock = FakeClock(RUN)
    sender = FakeSender(clock)
    assert (await scheduler(store, clock, {"slack": sender}).run_due()).sent == 1  # the first
    clock.advance(7 * 86400)
    report = await scheduler(store, clock, {"slack": sender}).run_due()
    assert (report.sent, report.skipped) == (0, 1)


async def test_a_platform_without_sender_waits_then_misses(store: Store, now: datetime) -> None:
    await subscribe(store, "acme", "teams", "19:c", RULE, now)
    clock = FakeClock(RUN)
    report = await scheduler(store, clock, {}).run_due()
    assert report.no_sender == {"teams:acme": 1}
    clock.advance(13 * 3600)
    report = await scheduler(store, clock, {}).run_due()
    assert report.missed == 1
    assert await NudgeStore(store).counts() == {"missed": 1}


async def test_pause_until_skips_runs_then_resumes_by_itself(store: Store, now: datetime) -> None:
    await subscribe(store, "acme", "slack", "C1", RULE, now)
    async with store.backend.write() as conn:
        repo = nudge_repo(conn)
        sub = await repo.subscription("acme", "slack", "C1")
        assert sub is not None
        until = (RUN + timedelta(days=10)).date()  # Thu 10 Dec: skips the 30 Nov and 7 Dec runs
        await repo.change(sub, changes.pause(sub, until), "u1", now)
    clock = FakeClock(RUN)
    sender = FakeSender(clock)
    for _ in range(3):
        await scheduler(store, clock, {"slack": sender}).run_due()
        clock.advance(7 * 86400)
    assert [s.at for s in sender.sent] == [RUN + timedelta(days=14)]
    [sub] = await NudgeStore(store).list_subscriptions()
    assert sub.status == "active" and sub.paused_until is None


async def test_ten_weeks_with_random_restarts_send_each_occurrence_once(
    store: Store, db_url: str, now: datetime
) -> None:
    rng = random.Random(20261127)
    rules = [RULE, Rule(3, time(14, 30), "America/New_York"), Rule(4, time(2, 30), "Asia/Kolkata"),
             Rule(6, time(2, 30), "America/Santiago")]
    for i in range(12):
        await subscribe(store, "acme", "slack", f"C{i}", rules[i % 4], now)
    clock = FakeClock(now)
    sent_log: list[tuple[int, int]] = []
    kills = {"die-claimed": 0, "die-sending": 0}
    end = now + timedelta(weeks=10)

    class Flaky(FakeSender):
        """Dies at random (before or during a send) and fails transiently at random."""

        mode = "ok"
        hung: asyncio.Event

        async def hang(self) -> None:
            self.hung.set()
            await asyncio.Event().wait()

        async def pace(self, target: Target) -> None:
            if self.mode == "die-claimed" and rng.random() < 0.5:
                await self.hang()

        async def send(self, target: Target, messages: object) -> str:  # type: ignore[override]
            roll = rng.random()
            if self.mode == "die-sending" and roll < 0.5:
                await self.hang()
            if roll > 0.9:
                raise Transient("HTTP 502")
            sent_log.append((target.subscription_id, target.delivery_id))
            return "ok"

    while clock.now < end:
        clock.advance(rng.uniform(1, 9) * 3600)
        sender = Flaky(clock)
        sender.hung = asyncio.Event()
        sender.mode = rng.choice(["ok", "ok", "die-claimed", "die-sending"])
        process = await Store.open(db_url)  # each step is a new process with its own connections
        try:
            # a wide catch-up window: repeated kills must not turn a run into "missed" here
            # one delivery in flight, so a kill never lands in the middle of a database call
            task = asyncio.create_task(scheduler(
                process, clock, {"slack": sender}, window=timedelta(days=3), batch=2,
                lane_concurrency=1).run_due())
            hung = asyncio.create_task(sender.hung.wait())
            await asyncio.wait({task, hung}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
            hung.cancel()
            if not task.done():  # the process is killed mid-run
                assert sender.hung.is_set(), "run-due neither finished nor hung"
                kills[sender.mode] += 1
                task.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await task
            else:
                task.result()
        finally:
            await process.close()
    clock.advance(3600)
    last = Flaky(clock)
    last.hung = asyncio.Event()
    await scheduler(store, clock, {"slack": last}, window=timedelta(days=3)).run_due()
    rows = await NudgeStore(store).deliveries(limit=10_000)
    counts: dict[int, int] = {}
    for _sub, delivery in sent_log:
        counts[delivery] = counts.get(delivery, 0) + 1
    assert all(n == 1 for n in counts.values()), "an occurrence was sent twice"
    expected = {
        (s.id, run)
        for s in await NudgeStore(store).list_subscriptions()
        for run in runs_between(s.rule, now, end)
    }
    recorded = {(r["subscription_id"], r["occurrence_at"]) for r in rows}
    assert expected <= recorded
    for r in rows:
        assert r["state"] in ("sent", "unknown", "failed"), r
        if r["state"] == "sent":
            assert counts.get(r["id"]) == 1
        if r["state"] == "unknown":
            assert counts.get(r["id"], 0) == 0
    states = [r["state"] for r in rows]
    assert states.count("unknown") <= kills["die-sending"]
    assert kills["die-claimed"] >= 3 and kills["die-sending"] >= 3, kills
    assert states.count("sent") >= len(rows) - kills["die-sending"] - states.count("failed")
    assert len(rows) == 120  # 12 subscriptions x 10 weeks


async def test_a_nudge_that_cannot_be_composed_fails_after_the_attempts(
    store: Store, now: datetime
) -> None:
    await subscribe(store, "acme", "slack", "C1", RULE, now)
    clock = FakeClock(RUN)
    sender = FakeSender(clock)
    sched = scheduler(store, clock, {"slack": sender}, max_attempts=3)

    async def broken(item: object, at: datetime) -> None:
        raise RuntimeError("plan unreadable")

    sched.composer.compose = broken  # type: ignore[method-assign, assignment]
    report = await sched.run_due()
    assert (report.failed, report.retried, report.sent) == (1, 2, 0)
    [row] = await NudgeStore(store).deliveries()
    assert row["state"] == "failed"
    assert "could not compose" in row["reason"]
