"""The store contract, run against SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.store import Claim, DatabaseUrl, DatabaseUrlError, Store
from dialogs.messages import Origin, Sender
from dialogs.state import ConversationState

ORIGIN = Origin("teams", "org-a", "conv-1", is_direct=False)
SENDER = Sender("u1", "Ana", "29:u1", "Europe/Paris")


async def test_claims_are_once_only(store: Store, now) -> None:
    assert await store.claim_inbound("teams", "org-a", "m1", now) is Claim.CLAIMED
    assert await store.claim_inbound("teams", "org-a", "m1", now) is Claim.ABANDONED
    await store.complete_inbound("teams", "org-a", "m1", now)
    assert await store.claim_inbound("teams", "org-a", "m1", now) is Claim.DUPLICATE
    # the same id on another channel or org is a different event
    assert await store.claim_inbound("slack", "org-a", "m1", now) is Claim.CLAIMED
    assert await store.claim_inbound("teams", "org-b", "m1", now) is Claim.CLAIMED


async def test_concurrent_claims_have_one_winner(store: Store, now) -> None:
    results = await asyncio.gather(
        *(store.claim_inbound("slack", "org-a", "ev-1", now) for _ in range(8))
    )
    assert results.count(Claim.CLAIMED) == 1


async def test_purge_drops_old_claims_and_counts_abandoned(store: Store, now) -> None:
    await store.claim_inbound("teams", "org-a", "old-done", now - timedelta(hours=30))
    await store.complete_inbound("teams", "org-a", "old-done", now)
    await store.claim_inbound("teams", "org-a", "old-dead", now - timedelta(hours=30))
    await store.claim_inbound("teams", "org-a", "fresh", now)
    purged, abandoned = await store.purge_claims(now - timedelta(hours=24))
    assert (purged, abandoned) == (2, 1)
    assert await store.claim_inbound("teams", "org-a", "fresh", now) is Claim.ABANDONED
    assert await store.claim_inbound("teams", "org-a", "old-dead", now) is Claim.CLAIMED


async def test_turn_state_round_trip_and_records_who(store: Store, now) -> None:
    async with store.turn(ORIGIN, SENDER, now) as tx:
        assert tx.state == ConversationState()
        tx.state.topic = "sam.overlap"
        tx.state.numbers = {"1": "sam-entitlements"}
        await tx.save_state(tx.state, by="u1")
        await tx.save_reference({"serviceUrl": "https://smba.example/", "tenantID": "t"}, by="u1")
    state = await store.load_state("org-a", "teams", "conv-1")
    assert state.topic == "sam.overlap" and state.numbers == {"1": "sam-entitlements"}
    conv = await store.get_conversation("org-a", "teams", "conv-1")
    assert conv is not None
    assert conv.reference == {"serviceUrl": "https://smba.example/", "tenantID": "t"}
    assert conv.updated_by == "u1" and conv.is_direct is False and conv.active is True


async def test_failed_turn_rolls_back(store: Store, now) -> None:
    with pytest.raises(RuntimeError):
        async with store.turn(ORIGIN, SENDER, now) as tx:
            tx.state.topic = "lost"
            await tx.save_state(tx.state, by="u1")
            raise RuntimeError("boom")
    assert (await store.load_state("org-a", "teams", "conv-1")).topic is None


async def test_turns_in_one_conversation_are_serialized(store: Store, now) -> None:
    async def bump() -> None:
        async with store.turn(ORIGIN, SENDER, now) as tx:
            count = int(tx.state.extra.get("count", 0))
            await asyncio.sleep(0.01)  # give another turn every chance to interleave
            tx.state.extra["count"] = count + 1
            await tx.save_state(tx.state, by="u1")

    await asyncio.gather(*(bump() for _ in range(10)))
    assert (await store.load_state("org-a", "teams", "conv-1")).extra["count"] == 10


async def test_reads_are_scoped_by_org(store: Store, now) -> None:
    async with store.turn(ORIGIN, SENDER, now) as tx:
        tx.state.topic = "secret-of-a"
        await tx.save_state(tx.state, by="u1")
    assert await store.get_conversation("org-b", "teams", "conv-1") is None
    assert (await store.load_state("org-b", "teams", "conv-1")).topic is None
    assert await store.list_conversations("org-b") == []


async def test_deactivate_and_reactivate_on_new_message(store: Store, now) -> None:
    async with store.turn(ORIGIN, SENDER, now):
        pass
    await store.deactivate_conversation("org-a", "teams", "conv-1", "403 bot removed", now)
    conv = await store.get_conversation("org-a", "teams", "conv-1")
    assert conv is not None and not conv.active and conv.inactive_reason == "403 bot removed"
    async with store.turn(ORIGIN, SENDER, now):
        pass
    conv = await store.get_conversation("org-a", "teams", "conv-1")
    assert conv is not None and conv.active and conv.inactive_reason is None


async def test_deleting_an_org_cascades(store: Store, now) -> None:
    async with store.turn(ORIGIN, SENDER, now) as tx:
        await tx.save_state(tx.state, by="u1")
    await store.claim_inbound("teams", "org-a", "m1", now)
    assert await store.delete_org("org-a")
    assert await store.list_conversations("org-a") == []
    assert await store.list_orgs() == []


async def test_state_survives_reopening(db_url: str, now) -> None:
    first = await Store.open(db_url)
    async with first.turn(ORIGIN, SENDER, now) as tx:
        tx.state.active = "interview:1"
        await tx.save_state(tx.state, by="u1")
    await first.close()
    second = await Store.open(db_url)
    try:
        assert (await second.load_state("org-a", "teams", "conv-1")).active == "interview:1"
        assert await second.migrate() == 0
    finally:
        await second.close()


def test_database_urls() -> None:
    rel = DatabaseUrl.parse("sqlite:///.data/crosswalk.db")
    assert rel.engine == "sqlite" and str(rel.path) == ".data/crosswalk.db"
    absolute = DatabaseUrl.parse("sqlite:////var/lib/crosswalk.db")
    assert str(absolute.path) == "/var/lib/crosswalk.db"
    pg = DatabaseUrl.parse("postgresql://u@h:5432/db?schema=s1&sslmode=disable")
    assert pg.engine == "postgresql" and pg.schema == "s1"
    assert pg.dsn == "postgresql://u@h:5432/db?sslmode=disable"
    for bad in ("mysql://x", "sqlite:///", "nonsense"):
        with pytest.raises(DatabaseUrlError):
            DatabaseUrl.parse(bad)
