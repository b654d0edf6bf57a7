"""Teams storage on both engines: kept cards, and deactivation on uninstall."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.store import Store
from bot.store.teams import TeamsStore
from dialogs.messages import Origin, Sender

ORG = "tenant-1"


async def test_cards_are_kept_per_conversation_and_purged(store: Store, now: datetime) -> None:
    teams = TeamsStore(store)
    await teams.save_card(ORG, "a:chat", "100", '{"kind":"text","markdown":"x"}', now)
    await teams.save_card(ORG, "a:chat", "100", '{"kind":"text","markdown":"y"}', now)
    await teams.save_card(ORG, "a:other", "100", "old", now - timedelta(days=40))
    assert await teams.load_card(ORG, "a:chat", "100") == '{"kind":"text","markdown":"y"}'
    assert await teams.load_card("another-org", "a:chat", "100") is None
    assert await teams.purge_cards(now - timedelta(days=30)) == 1
    assert await teams.load_card(ORG, "a:other", "100") is None
    await teams.forget_card(ORG, "a:chat", "100")
    assert await teams.load_card(ORG, "a:chat", "100") is None


async def _conversation(store: Store, conv: str, now: datetime, team: str | None) -> None:
    origin = Origin("teams", ORG, conv, is_direct=team is None)
    async with store.turn(origin, Sender("u1"), now) as tx:
        reference = {"conversation": {"id": conv}} | ({"teamId": team} if team else {})
        await tx.save_reference(reference, by="u1")


async def test_uninstall_deactivates_the_team_only(store: Store, now: datetime) -> None:
    teams = TeamsStore(store)
    await _conversation(store, "19:general@thread.tacv2", now, "19:general@thread.tacv2")
    await _conversation(store, "19:planning@thread.tacv2", now, "19:general@thread.tacv2")
    await _conversation(store, "19:other@thread.tacv2", now, "19:otherteam@thread.tacv2")
    await _conversation(store, "a:personal", now, None)
    ids = await teams.team_conversations(ORG, "19:general@thread.tacv2")
    assert sorted(ids) == ["19:general@thread.tacv2", "19:planning@thread.tacv2"]
    assert await teams.deactivate(ORG, ids, "Teams: app uninstalled", now) == 2
    assert await teams.deactivate(ORG, ids, "again", now) == 0  # already inactive
    assert await teams.deactivate(ORG, [], "nothing", now) == 0
    state = {c.id: (c.active, c.inactive_reason) for c in await store.list_conversations(ORG)}
    assert state == {
        "19:general@thread.tacv2": (False, "Teams: app uninstalled"),
        "19:planning@thread.tacv2": (False, "Teams: app uninstalled"),
        "19:other@thread.tacv2": (True, None),
        "a:personal": (True, None),
    }
