"""Turns: dedupe, at-most-once, serialization and rollback, on both engines."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from bot.metrics import Metrics
from bot.store import Store
from bot.turns import SORRY, TurnRunner
from dialogs.messages import Origin, Sender, Text, TextMessage
from dialogs.turn import Replies, TurnContext

ORIGIN = Origin("slack", "T1", "D1")
SENDER = Sender("U1", "Ana")


@dataclass
class CountingCore:
    """Counts messages in the state; 'boom' raises after changing state."""

    handled: list[str] = field(default_factory=list)

    async def handle(self, ctx: TurnContext) -> Replies:
        assert isinstance(ctx.event, TextMessage)
        self.handled.append(ctx.event.inbound_id)
        count = int(ctx.state.extra.get("count", 0))
        await asyncio.sleep(0.005)
        ctx.state.extra["count"] = count + 1
        if ctx.event.text == "boom":
            raise RuntimeError("handler failed")
        return [Text(f"message {count + 1}")]


def msg(inbound_id: str, body: str = "hi") -> TextMessage:
    return TextMessage(inbound_id, ORIGIN, SENDER, body)


async def test_duplicate_inbound_runs_once(store: Store) -> None:
    core = CountingCore()
    runner = TurnRunner(store, core)  # type: ignore[arg-type]
    first = await runner.run(msg("ev1"))
    again = await runner.run(msg("ev1"))
    assert first.replies == [Text("message 1")] and again.duplicate and again.replies == []
    assert core.handled == ["ev1"]


async def test_concurrent_duplicates_and_messages(store: Store) -> None:
    core = CountingCore()
    metrics = Metrics()
    runner = TurnRunner(store, core, metrics)  # type: ignore[arg-type]
    events = [msg(f"ev{i % 5}") for i in range(15)]  # each of 5 events delivered three times
    results = await asyncio.gather(*(runner.run(e) for e in events))
    assert sum(not r.duplicate for r in results) == 5
    assert sorted(core.handled) == [f"ev{i}" for i in range(5)]
    state = await store.load_state("T1", "slack", "D1")
    assert state.extra["count"] == 5  # serialized: no lost update
    assert metrics.duplicates.labels("slack")._value.get() == 10


async def test_a_failing_turn_changes_nothing_and_is_not_rerun(store: Store) -> None:
    core = CountingCore()
    metrics = Metrics()
    runner = TurnRunner(store, core, metrics)  # type: ignore[arg-type]
    await runner.run(msg("ev1"))
    failed = await runner.run(msg("ev2", "boom"))
    assert failed.failed and failed.replies == [Text(SORRY)]
    assert (await store.load_state("T1", "slack", "D1")).extra["count"] == 1
    retry = await runner.run(msg("ev2", "boom"))
    assert retry.duplicate and metrics.abandoned._value.get() == 1
    assert core.handled == ["ev1", "ev2"]


async def test_reference_is_saved_with_the_turn(store: Store) -> None:
    runner = TurnRunner(store, CountingCore())  # type: ignore[arg-type]
    await runner.run(msg("ev1"), reference={"channel": "D1", "team": "T1"})
    conv = await store.get_conversation("T1", "slack", "D1")
    assert conv is not None and conv.reference == {"channel": "D1", "team": "T1"}


async def test_drain_waits_for_tracked_work(store: Store) -> None:
    runner = TurnRunner(store, CountingCore())  # type: ignore[arg-type]
    done = asyncio.Event()

    async def slow() -> None:
        await asyncio.sleep(0.05)
        done.set()

    runner.track(slow())
    assert await runner.drain(wait_s=5) == 0 and done.is_set()


async def test_an_interview_moved_to_a_direct_chat_owns_that_chat(store: Store) -> None:
    from dialogs.messages import Post

    runner = TurnRunner(store, CountingCore())  # type: ignore[arg-type]
    post = Post("direct", (Text("Q1"),), record="interview:7")
    channel = Origin("slack", "T1", "C1", is_direct=False)
    await runner.post_delivered(post, channel, "U1", ok=True, target_conversation="D9")
    assert (await store.load_state("T1", "slack", "D9")).active == "interview:7"
    # a failed delivery, or a post without a record, changes nothing
    await runner.post_delivered(Post("direct", (), record="interview:8"), channel, "U1",
                                ok=False, target_conversation="D8")
    await runner.post_delivered(Post("direct", ()), channel, "U1", ok=True,
                                target_conversation="D7")
    assert await store.get_conversation("T1", "slack", "D8") is None
    assert await store.get_conversation("T1", "slack", "D7") is None
