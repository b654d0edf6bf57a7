"""The plan store on SQLite and PostgreSQL: versions, statuses with history, postings, cascade."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.store import Store
from bot.store.interview import interview_repo
from bot.store.plan import PlanRepo, parse_record, plan_repo
from dialogs.plan import current_plan, view_of
from dialogs.plan.model import ActionState, Posting
from dialogs.profile import Profile
from tests.plan.helpers import NOW, doc, kit, profile


async def add_profile(store: Store, org: str, p: Profile, expected: int = 1) -> None:
    async with interview_repo(store, org, NOW, write=True) as repo:
        assert await repo.add_profile_version(p, "tester", "import", None, expected) == expected


async def test_latest_profile_reads_the_interviews_versions(store: Store) -> None:
    async with plan_repo(store) as repo:
        assert await repo.latest_profile("acme") is None
    await add_profile(store, "acme", profile("sample"))
    changed = profile("sample").model_copy(update={"finops_maturity": "run"})
    await add_profile(store, "acme", changed, expected=2)
    async with plan_repo(store) as repo:
        found = await repo.latest_profile("acme")
    assert found is not None and found.version == 2 and found.finops_maturity == "run"


async def test_versions_are_numbered_per_org_and_tied_to_the_profile(store: Store) -> None:
    await add_profile(store, "acme", profile("sample"))
    await add_profile(store, "other", profile("partial"))
    async with plan_repo(store, write=True) as repo:
        first = await repo.save_plan("acme", doc("sample"), 1, NOW, "u1")
        second = await repo.save_plan("acme", doc("partial"), 1, NOW, "u1")
        theirs = await repo.save_plan("other", doc("partial"), 1, NOW, "u2")
    assert (first.version, second.version, theirs.version) == (1, 2, 1)
    async with plan_repo(store) as repo:
        latest = await repo.latest_plan("acme")
        assert latest is not None and latest.id == second.id and latest.doc == doc("partial")
        assert (await repo.get_plan("acme", first.id)).doc == doc("sample")  # type: ignore[union-attr]
        assert await repo.get_plan("other", first.id) is None  # another org's id reads as nothing
        assert (await repo.get_plan_version("acme", 1)).id == first.id  # type: ignore[union-attr]
        assert [v for v, _, _ in await repo.plan_versions("acme")] == [1, 2]


async def test_a_plan_needs_its_profile_version(store: Store) -> None:
    await store.backend.ping()
    async with store.backend.write() as conn:
        await store.ensure_org(conn, "acme", NOW)
    with pytest.raises(Exception):  # noqa: B017 - the FK error type differs per engine
        async with plan_repo(store, write=True) as repo:
            await repo.save_plan("acme", doc("sample"), 9, NOW, "u1")


async def test_two_turns_building_the_same_version_store_it_once(store: Store) -> None:
    await add_profile(store, "acme", profile("sample"))

    async def build() -> int:
        async with plan_repo(store, write=True) as repo:
            stored = await current_plan(repo, kit(), "acme", NOW, "u1")
            assert stored is not None
            return stored.version

    versions = await asyncio.gather(*(build() for _ in range(4)))
    assert versions == [1, 1, 1, 1]
    async with plan_repo(store) as repo:
        assert [v for v, _, _ in await repo.plan_versions("acme")] == [1]


async def test_a_save_that_lost_the_race_returns_the_stored_version(store: Store) -> None:
    await add_profile(store, "acme", profile("sample"))
    async with plan_repo(store, write=True) as repo:
        first = await repo.save_plan("acme", doc("sample"), 1, NOW, "u1", expected=1)
        late = await repo.save_plan("acme", doc("partial"), 1, NOW, "u2", expected=1)
        assert late == first
        second = await repo.save_plan("acme", doc("partial"), 1, NOW, "u2", expected=2)
        assert second.version == 2


async def test_current_plan_makes_a_new_version_only_when_something_changed(store: Store) -> None:
    await add_profile(store, "acme", profile("sample"))
    async with plan_repo(store, write=True) as repo:
        first = await current_plan(repo, kit(), "acme", NOW, "u1")
        again = await current_plan(repo, kit(), "acme", NOW, "u1")
        assert first is not None and again is not None and again.id == first.id
    await add_profile(store, "acme", profile("sample").model_copy(update={"priorities": []}), 2)
    async with plan_repo(store, write=True) as repo:
        newer = await current_plan(repo, kit(), "acme", NOW, "u1")
        assert newer is not None and newer.version == 2 and newer.profile_version == 2


async def test_statuses_survive_new_versions_and_keep_history(store: Store) -> None:
    await add_profile(store, "acme", profile("sample"))
    async with plan_repo(store, write=True) as repo:
        stored = await current_plan(repo, kit(), "acme", NOW, "u1")
        assert stored is not None
        action = stored.doc.by_number()[1].id
        done = ActionState(action, "done", "u1", "Ana", NOW, revision=1)
        await repo.save_action_state("acme", done, plan_id=stored.id, change="status",
                                     old="open", new="done", via="command")
        owned = replace(done, owner="Dana", revision=2)
        later = NOW + timedelta(minutes=5)
        await repo.save_action_state("acme", owned, plan_id=stored.id, change="owner", old="",
                                     new="Dana", via="button", by="u2", by_name="Bo", at=later)
    async with plan_repo(store) as repo:
        states = await repo.action_states("acme")
        assert states[action] == owned
        events = await repo.action_events("acme")
        assert [(e["change"], e["by_user"], e["via"]) for e in events] == [
            ("status", "u1", "command"), ("owner", "u2", "button")]
        assert await repo.action_states("other") == {}
        view = await view_of(repo, kit(), stored)
    assert view.status(action) == "done" and view.owner(stored.doc.by_number()[1]) == "Dana"


async def test_postings_are_recorded_and_confirmed(store: Store) -> None:
    await add_profile(store, "acme", profile("sample"))
    async with plan_repo(store, write=True) as repo:
        stored = await current_plan(repo, kit(), "acme", NOW, "u1")
        assert stored is not None
        posting = Posting(stored.id, stored.version, "slack", "C1", "channel", "#finops", "u1",
                          NOW)
        posting_id = await repo.record_posting("acme", posting)
        assert await repo.confirm_posting("acme", f"plan:{stored.id}", ok=True, now=NOW,
                                          message_id="1700.1")
        assert not await repo.confirm_posting("acme", f"plan:{stored.id}", ok=True, now=NOW)
        assert not await repo.confirm_posting("acme", "nudge:3", ok=True, now=NOW)
        assert not await repo.confirm_posting("other", f"plan:{stored.id}", ok=True, now=NOW)
    async with plan_repo(store) as repo:
        (found,) = await repo.postings("acme")
    assert found == replace(posting, id=posting_id, status="posted", message_id="1700.1")
    assert parse_record("plan:12") == 12 and parse_record("plan:x") is None


async def test_an_unreadable_stored_version_is_skipped_not_fatal(store: Store) -> None:
    await add_profile(store, "acme", profile("sample"))
    async with plan_repo(store, write=True) as repo:
        good = await repo.save_plan("acme", doc("sample"), 1, NOW, "u1")
        await repo.save_plan("acme", doc("partial"), 1, NOW, "u1")
        await repo.conn.execute(
            "UPDATE plan_versions SET document = ? WHERE org_id = ? AND version = 2",
            json.dumps({"format": 99}), "acme")
    async with plan_repo(store) as repo:
        latest = await repo.latest_plan("acme")
    assert latest is not None and latest.id == good.id


async def test_deleting_an_org_removes_its_plans(store: Store) -> None:
    await add_profile(store, "acme", profile("sample"))
    async with plan_repo(store, write=True) as repo:
        stored = await current_plan(repo, kit(), "acme", NOW, "u1")
        assert stored is not None
        await repo.save_action_state("acme", ActionState("shared.raci", "done", "u", "U", NOW),
                                     plan_id=stored.id, change="status", old="open", new="done",
                                     via="cli")
        await repo.record_posting("acme", Posting(stored.id, 1, "teams", "c", "thread", "", "u",
                                                  NOW))
    assert await store.delete_org("acme")
    async with store.backend.read() as conn:
        for table in ("plan_versions", "plan_actions", "plan_action_events", "plan_postings"):
            count = await conn.fetchval(f"SELECT COUNT(*) FROM {table} WHERE org_id = ?", "acme")
            assert count == 0, table


async def test_repo_type_checks_against_the_port(store: Store) -> None:
    from dialogs.plan.ports import PlanData

    async with plan_repo(store) as repo:
        port: PlanData = repo
        assert isinstance(port, PlanRepo)
