"""kill -9 a real ``crosswalk serve`` at random moments during interviews and nudge delivery.

Interviews: people answer over Slack, each waiting for the reply before the next answer (a reply
means the turn committed). The server is killed at a random moment with turns in flight, then
restarted; every answer that was acknowledged is still stored, the interview carries on from
where the database says it is, and finishes with every answer.

Nudges: many channels are due at once; the server is killed while it delivers, restarted, and
finally ``crosswalk nudges run-due`` runs past every lease. No channel gets a nudge twice, every
delivery ends ``sent`` (exactly one post) or ``unknown`` (at most one), none is lost.

After every kill the database passes ``check_integrity`` (SQLite ``PRAGMA integrity_check`` and
foreign keys; PostgreSQL constraints and indexes valid; the rules both engines share).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest

from bot.store import Store
from bot.store.interview import interview_repo
from bot.store.nudges import NudgeStore, nudge_repo
from dialogs.nudges.cadence import Rule
from tests.nudges.conftest import conversation
from tests.reliability import tally
from tests.reliability.harness import Serve, budget, crosswalk
from tests.reliability.integrity import check_integrity
from tests.slack.conftest import SECRET, payload, signed
from tests.slack.fake_slack import TOKEN, FakeSlack

# kills per scenario and engine: 5 in ``make test``, 50 under ``make soak``
KILLS = {("interview", "sqlite"): budget(2, 15), ("nudges", "sqlite"): budget(1, 15),
         ("interview", "postgresql"): budget(1, 10), ("nudges", "postgresql"): budget(1, 10)}
PEOPLE = 3
CHANNELS = budget(40, 60)
SCRIPT = {  # interview step -> what the person types
    "disciplines": "ITSM, SAM", "sam.maturity": "walk", "sam.tools": "Flexera, our own tracker",
    "sam.owner": "Licence office", "sam.pain": "Shelfware", "itsm.maturity": "run",
    "itsm.tools": "ServiceNow ITSM", "itsm.owner": "Service desk", "itsm.pain": "Ticket backlog",
    "finops_maturity": "walk", "priorities": "allocation", "review": "confirm",
}
FINAL = {
    "disciplines": ["sam", "itsm"], "finops_maturity": "walk", "itsm.maturity": "run",
    "itsm.owner": "Service desk", "itsm.pain": "Ticket backlog", "itsm.tools": ["ServiceNow ITSM"],
    "priorities": ["allocation"], "sam.maturity": "walk", "sam.owner": "Licence office",
    "sam.pain": "Shelfware", "sam.tools": ["Flexera One", "our own tracker"],
}
_events = itertools.count(1)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = FakeSlack()
    await server.start()
    yield server
    await server.close()


def env_for(db_url: str, fake: FakeSlack) -> dict[str, str]:
    return {"CROSSWALK_DATABASE_URL": db_url, "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_BOT_TOKEN": TOKEN, "SLACK_API_URL": fake.api_url,
            "CROSSWALK_LOG_LEVEL": "WARNING"}


async def post_event(base: str, org: str, user: str, text: str) -> bool:
    """A signed DM event, as Slack sends it; False when the server was dead or died."""
    from aiohttp import ClientError, ClientSession

    data = payload("event_message_im.json")
    n = next(_events)
    data.update(team_id=org, context_team_id=org, event_id=f"EvKill{n:06d}")
    data["authorizations"][0]["team_id"] = org
    data["event"].update(user=user, channel=f"D{user[1:]}", team=org, text=text,
                         ts=f"{1700000000 + n}.000100", event_ts=f"{1700000000 + n}.000100")
    body = json.dumps(data).encode()
    try:
        async with ClientSession() as session, session.post(
            f"{base}/slack/events", data=body,
            headers={"Content-Type": "application/json", **signed(body)},
        ) as response:
            assert response.status == 200, await response.text()
    except (ClientError, OSError):
        return False  # killed while the request was on its way
    return True


async def session_of(store: Store, org: str, user: str) -> Any:
    async with interview_repo(store, org, datetime.now(UTC)) as repo:
        return await repo.latest_session(user)


def next_answer(session: Any) -> str | None:
    if session is None or session.status == "cancelled":
        return "interview"
    if session.status == "complete":
        return None
    if session.awaiting in ("understood", "remove"):
        return "yes"
    return SCRIPT.get(session.step, "skip")


async def unfinished(store: Store) -> int:
    """Inbound claims whose turn never finished (the process died during it)."""
    async with store.backend.read() as conn:
        return int(await conn.fetchval(
            "SELECT COUNT(*) FROM inbound_claims WHERE completed_at IS NULL") or 0)


async def turns_done(store: Store, org: str, user: str) -> int:
    """Turns committed in the person's direct chat (the state's revision)."""
    async with store.backend.read() as conn:
        found = await conn.fetchval(
            "SELECT revision FROM conversation_state WHERE org_id = ? AND channel = 'slack'"
            " AND conversation_id = ?", org, f"D{user[1:]}")
    return int(found) if found is not None else -1


# --------------------------------------------------------------------------- interviews


async def interviews(db_url: str, fake: FakeSlack, store: Store, kills: int,
                     rng: random.Random) -> None:
    people = [(f"T0K{i}{rng.randrange(10**6)}", f"U0K{i}{rng.randrange(10**6)}")
              for i in range(PEOPLE)]
    acked: dict[str, dict[str, Any]] = {user: {} for _, user in people}
    env = env_for(db_url, fake)
    cut = await unfinished(store)
    acknowledged: list[str] = []
    for cycle in range(kills + 1):
        server = await Serve.start(env)
        killed = asyncio.Event()

        async def answer(org: str, user: str, killed: asyncio.Event, base: str) -> None:
            while not killed.is_set():
                text = next_answer(await session_of(store, org, user))
                if text is None:
                    return
                before = await turns_done(store, org, user)
                if await post_event(base, org, user, text):
                    acknowledged.append(user)  # the turn runs now, after the 200
                while await turns_done(store, org, user) == before:  # not committed yet
                    if killed.is_set():
                        return
                    await asyncio.sleep(0.02)
                found = await session_of(store, org, user)  # committed: it must survive
                acked[user] = dict(found.answers) if found else {}

        work = [asyncio.create_task(answer(org, user, killed, server.base))
                for org, user in people]
        if cycle < kills:  # kill just after the n-th request was acknowledged: mid-turn
            target = len(acknowledged) + rng.randrange(1, 15)
            while len(acknowledged) < target and not all(w.done() for w in work):  # noqa: ASYNC110
                await asyncio.sleep(0.002)
            await asyncio.sleep(rng.uniform(0, 0.012))
            await server.kill()
            killed.set()
            await asyncio.gather(*work)
            tally.add("kills survived (interviews)")
        else:
            await asyncio.gather(*work)
            await server.stop()
        problems = await check_integrity(store)
        assert not problems, f"after kill {cycle + 1}: {problems}"
        tally.add("turns cut short by a kill", await unfinished(store) - cut)
        cut = await unfinished(store)
        for org, user in people:
            found = await session_of(store, org, user)
            stored = dict(found.answers) if found else {}
            lost = {k: v for k, v in acked[user].items() if stored.get(k) != v}
            assert not lost, f"acknowledged answers lost after kill {cycle + 1}: {lost}"
    for org, user in people:
        found = await session_of(store, org, user)
        assert found is not None and found.status == "complete", (user, found)
        assert found.answers == FINAL
        async with interview_repo(store, org, datetime.now(UTC)) as repo:
            assert [v.version for v in await repo.profile_versions()] == [1]


# --------------------------------------------------------------------------- nudges


async def subscribe_channels(store: Store, org: str, batch: int, n: int) -> list[str]:
    """``n`` channels, each subscribed and due two minutes ago."""
    now = datetime.now(UTC)
    channels = [f"C0N{org[-4:]}{batch:02d}{i:03d}" for i in range(n)]
    for channel in channels:
        await conversation(store, org, "slack", channel, now, reference={
            "enterprise_id": None, "team_id": org, "channel_id": channel, "user_id": "U0ANA",
            "is_direct": False})
    async with store.backend.write() as conn:
        repo = nudge_repo(conn)
        for channel in channels:
            await repo.subscribe(org, "slack", channel, Rule(0, time(9), "UTC"), False,
                                 now - timedelta(minutes=2), "U0ANA", now)
    return channels


def headlines(fake: FakeSlack) -> Counter[str]:
    return Counter(c.args["channel"] for c in fake.of("chat.postMessage")
                   if not c.args.get("thread_ts"))


async def nudges(db_url: str, fake: FakeSlack, store: Store, kills: int,
                 rng: random.Random) -> None:
    org = f"T0N{rng.randrange(10**6):06d}"
    channels: list[str] = []
    env = env_for(db_url, fake)
    for cycle in range(kills):
        batch = await subscribe_channels(store, org, cycle, CHANNELS)  # due now
        channels += batch
        server = await Serve.start(env, ready=False)
        posted = rng.randrange(1, len(batch))  # kill once this many have gone out, or so

        def enough(batch: list[str] = batch, posted: int = posted) -> bool:
            seen = headlines(fake)
            return sum(seen[c] for c in batch) >= posted

        await fake.wait_for(enough, timeout=30)
        await asyncio.sleep(rng.uniform(0, 0.05))
        await server.kill()
        tally.add("kills survived (nudges)")
        problems = await check_integrity(store)
        assert not problems, f"after kill {cycle + 1}: {problems}"
        twice = {c: n for c, n in headlines(fake).items() if n > 1}
        assert not twice, f"nudged twice after kill {cycle + 1}: {twice}"
    # the rest, with every lease expired: claimed ones are sent, ``sending`` ones are unknown
    later = (datetime.now(UTC) + timedelta(minutes=15)).isoformat()
    code, out, err = await crosswalk("nudges", "run-due", "--now", later, "--json", env=env)
    assert code == 0, (out, err)
    problems = await check_integrity(store)
    assert not problems, problems
    rows = await NudgeStore(store).deliveries(org)
    assert len(rows) == len(channels)  # one delivery per subscription: none lost, none doubled
    heads = headlines(fake)
    for row in rows:
        count = heads[row["conversation_id"]]
        assert row["state"] in ("sent", "unknown"), row
        if row["state"] == "sent":
            assert count == 1, row  # sent exactly once
            assert row["platform_id"].startswith(f"{row['conversation_id']}:")
        else:
            assert count <= 1, row  # unknown: the post may or may not have gone out
    assert sum(heads[c] for c in channels) >= sum(r["state"] == "sent" for r in rows)


# --------------------------------------------------------------------------- the tests


@pytest.mark.parametrize("scenario", ["interview", "nudges"])
async def test_kill_9_loses_nothing_and_sends_nothing_twice(
    db_url: str, fake: FakeSlack, scenario: str
) -> None:
    engine = "sqlite" if db_url.startswith("sqlite") else "postgresql"
    kills = KILLS[(scenario, engine)]
    store = await Store.open(db_url)
    try:
        rng = random.Random()
        if scenario == "interview":
            await interviews(db_url, fake, store, kills, rng)
        else:
            await nudges(db_url, fake, store, kills, rng)
    finally:
        await store.close()
