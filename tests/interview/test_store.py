"""Interview sessions and profile versions in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from bot.store import Store
from bot.store.interview import InterviewRepo, interview_repo
from dialogs.interview.session import Pending, Session
from dialogs.interview.understand import PendingTool
from dialogs.messages import Origin, Sender
from dialogs.profile import DisciplineProfile, Profile

ORIGIN = Origin("console", "acme", "console:ana")


async def add_user(store: Store, user: str, now: datetime, org: str = "acme") -> None:
    origin = Origin("console", org, f"console:{user}")
    async with store.turn(origin, Sender(user, user), now):
        pass


def full_session(now: datetime) -> Session:
    return Session(
        id=0,
        org_id="acme",
        user_id="ana",
        step="itsm.owner",
        awaiting="understood",
        answers={"disciplines": ["itsm"], "itsm.maturity": "walk", "itsm.tools": ["ServiceNow"]},
        skipped=["itsm.pain"],
        pending=Pending(("itsm", "sam"), (PendingTool("Flexera", "flexera-one", "sam"),)),
        history=["disciplines", "itsm.maturity"],
        base_version=2,
        seen_version=3,
        revision=7,
        created_at=now,
        updated_at=now,
    )


async def test_a_session_round_trips(store: Store, now: datetime) -> None:
    await add_user(store, "ana", now)
    async with interview_repo(store, "acme", now, write=True) as repo:
        created = await repo.create_session(full_session(now))
    assert created.id > 0
    async with interview_repo(store, "acme", now) as repo:
        loaded = await repo.open_session("ana")
    assert loaded == full_session(now).__class__(**{**full_session(now).__dict__, "id": created.id})
    loaded.status = "complete"
    loaded.completed_at = now + timedelta(minutes=5)
    loaded.pending = None
    loaded.awaiting = None
    async with interview_repo(store, "acme", now, write=True) as repo:
        await repo.save_session(loaded)
    async with interview_repo(store, "acme", now) as repo:
        assert await repo.open_session("ana") is None
        latest = await repo.latest_session("ana")
    assert latest == loaded


async def test_one_open_session_per_person(store: Store, now: datetime) -> None:
    await add_user(store, "ana", now)
    async with interview_repo(store, "acme", now, write=True) as repo:
        first = await repo.create_session(Session(0, "acme", "ana", step="disciplines",
                                                  created_at=now, updated_at=now))
    with pytest.raises(Exception, match=r"(?i)unique"):
        async with interview_repo(store, "acme", now, write=True) as repo:
            await repo.create_session(Session(0, "acme", "ana", step="disciplines",
                                              created_at=now, updated_at=now))
    first.status = "complete"
    async with interview_repo(store, "acme", now, write=True) as repo:
        await repo.save_session(first)
        again = await repo.create_session(Session(0, "acme", "ana", step="disciplines",
                                                  created_at=now, updated_at=now))
    assert again.id != first.id


async def test_profile_versions_follow_each_other(store: Store, now: datetime) -> None:
    profile = Profile(org="acme", finops_maturity="walk",
                      disciplines={"itsm": DisciplineProfile(maturity="run", tools=["X"])})
    async with interview_repo(store, "acme", now, write=True) as repo:
        assert await repo.add_profile_version(profile, "ana", "interview", None, 1) == 1
        assert await repo.add_profile_version(profile, "bob", "interview", None, 1) is None
        assert await repo.add_profile_version(profile, "bob", "import", None, 3) is None
        assert await repo.add_profile_version(profile, "bob", "import", None, 2) == 2
    async with interview_repo(store, "acme", now) as repo:
        latest = await repo.latest_profile()
        versions = await repo.profile_versions()
    assert latest is not None and latest.version == 2 and latest.created_by == "bob"
    assert latest.profile.stripped() == profile and latest.profile.updated == now
    assert [(v.version, v.source) for v in versions] == [(1, "interview"), (2, "import")]


async def test_concurrent_writers_get_one_version_each(db_url: str, now: datetime) -> None:
    stores = [await Store.open(db_url) for _ in range(2)]
    try:
        profile = Profile(org="acme")

        async def write(store: Store, by: str) -> int | None:
            async with interview_repo(store, "acme", now, write=True) as repo:
                latest = await repo.latest_profile()
                expected = (latest.version if latest else 0) + 1
                await asyncio.sleep(0.01)
                return await repo.add_profile_version(profile, by, "import", None, expected)

        results = await asyncio.gather(*(write(s, f"u{i}") for i, s in enumerate(stores * 3)))
        async with interview_repo(stores[0], "acme", now) as repo:
            versions = [v.version for v in await repo.profile_versions()]
        written = sorted(r for r in results if r is not None)
        assert written == versions == list(range(1, len(versions) + 1))
    finally:
        for s in stores:
            await s.close()


async def test_deleting_an_org_deletes_its_interview_data(store: Store, now: datetime) -> None:
    await add_user(store, "ana", now)
    async with interview_repo(store, "acme", now, write=True) as repo:
        await repo.create_session(full_session(now))
        await repo.add_profile_version(Profile(org="acme"), "ana", "interview", None, 1)
    assert await store.delete_org("acme")
    async with store.backend.read() as conn:
        repo = InterviewRepo(conn, "acme", now, lock=False)
        assert await repo.latest_session("ana") is None
        assert await repo.latest_profile() is None


async def test_other_orgs_are_invisible(store: Store, now: datetime) -> None:
    await add_user(store, "ana", now)
    await add_user(store, "ana", now, org="globex")
    async with interview_repo(store, "acme", now, write=True) as repo:
        await repo.create_session(full_session(now))
        await repo.add_profile_version(Profile(org="acme"), "ana", "interview", None, 1)
    async with interview_repo(store, "globex", now) as repo:
        assert await repo.open_session("ana") is None
        assert await repo.profile_versions() == []
