"""Tenant isolation: several orgs on Teams and Slack issue random commands at once; nothing any
org sees (replies, plans, profiles, subscriptions, gap reports, exports) holds another's data.

Each org gets a unique marker planted in its ids, names, profile (owners, tools, pains) and the
free text it types. Outbound calls are attributed to an org by where they go (a Teams
conversation or tenant, a Slack bot token or response_url); every attributed call and every
org-scoped read is searched for the other orgs' markers.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from bot.slack.routes import SLACK
from bot.store.interview import interview_repo
from bot.store.nudges import NudgeStore
from bot.store.orgs import export_org
from bot.store.plan import plan_repo
from bot.store.qa import feedback_report, gap_report
from bot.store.slack import SlackStore
from tests.reliability import tally
from tests.reliability.harness import Edges, budget, edges, trap_logs
from tests.reliability.tenants import Tenant, submit_value, tenants, text_of

POOL = (
    "plan", "status", "help", "interview", "ITSM, SAM", "walk", "skip", "back", "cancel", "edit",
    "subscribe", "subscribe weekly on thursday 14:30 Europe/Paris", "unsubscribe",
    "pause nudges", "resume nudges", "nudge now", "done 1", "start 2", "drop 3", "reopen 1",
    "snooze 2", "post plan", "what is {m}?", "how does {m} relate to SAM", "{m} office",
    "Flexera, {m}tool", "1", "2", "ask what is TBM?", "restart",
)
KINDS = ("say", "say", "say", "press", "press", "slash")
step = st.tuples(
    st.integers(0, 3),  # org
    st.integers(0, 1),  # conversation: a direct chat or a channel
    st.integers(0, 1),  # person
    st.sampled_from(KINDS),
    st.integers(0, 1000),
)


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[Edges]:
    """Both edges; Slack distributed (one installation, one bot token per workspace)."""
    url = f"sqlite:///{tmp_path / 'isolation.db'}"
    async with edges(url, slack_bot_token="", slack_client_id="111.222",
                     slack_client_secret="client-secret",
                     encryption_key=Fernet.generate_key().decode(),
                     base_url="https://crosswalk.example.com") as running:
        yield running


class Conversations:
    """Drives the orgs and attributes every outbound call to the org it went to."""

    def __init__(self, world: Edges, orgs: list[Tenant]) -> None:
        self.world = world
        self.orgs = orgs
        self.teams_seen = len(world.connector.calls)  # the world outlives an example
        self.slack_seen = len(world.slack.calls)
        self.hooks_seen = len(world.slack.hooks)
        self.created: dict[str, Tenant] = {}  # Teams conversations created by the bot
        self.outbound: list[tuple[Tenant, Any]] = []

    def owner_of_teams(self, call: Any) -> Tenant:
        if call.route == "create":
            body = call.body or {}
            tenant = body.get("tenantId") or body.get("tenantID") or (
                (body.get("channelData") or {}).get("tenant") or {}).get("id")
            [org] = [o for o in self.orgs if o.org_id == tenant]
            self.created[f"a:1on1-{call.response_id}"] = org
            return org
        where = call.conversation_id or call.path
        if where in self.created:
            return self.created[where]
        found = [o for o in self.orgs if o.marker in where]
        assert len(found) == 1, f"Teams call to {where!r} belongs to no single org"
        return found[0]

    def collect(self) -> None:
        """Attribute the calls made since the last collect."""
        world = self.world
        for call in world.connector.calls[self.teams_seen:]:
            self.outbound.append((self.owner_of_teams(call), call.body))
        self.teams_seen = len(world.connector.calls)
        by_token = {o.token: o for o in self.orgs if o.token}
        for made in world.slack.calls[self.slack_seen:]:
            org = by_token.get(made.token)
            assert org is not None, f"Slack {made.method} with a token of no org"
            self.outbound.append((org, made.args))
        self.slack_seen = len(world.slack.calls)
        for hook, body in world.slack.hooks[self.hooks_seen:]:
            [org] = [o for o in self.orgs if hook.startswith(o.marker)]
            self.outbound.append((org, body))
        self.hooks_seen = len(world.slack.hooks)

    # ------------------------------------------------------------------ inbound

    async def act(self, org: Tenant, conv: int, user: int, kind: str, n: int) -> None:
        text = POOL[n % len(POOL)].format(m=org.marker)
        world = self.world
        if kind == "press" and await self.press(org, conv, user, n):
            return
        if org.channel == "teams":
            response = await world.teams(org.activity(world.connector.url, conv, user, text))
            assert response.status == 201, await response.text()
        elif kind == "slash":
            response = await world.slack_form(org.slash(world.slack, conv, user, text))
            assert response.status == 200, await response.text()
        else:
            response = await world.slack_event(org.slack_message(conv, user, text))
            assert response.status == 200, await response.text()

    async def press(self, org: Tenant, conv: int, user: int, n: int) -> bool:
        """Press a button of the last card the org was sent in that conversation, if any."""
        world = self.world
        if org.channel == "teams":
            base = org.teams_conversation(conv, user)
            for call in reversed(world.connector.calls):
                if not call.conversation_id.startswith(base) or not isinstance(call.body, dict):
                    continue
                for attachment in call.body.get("attachments") or ():
                    value = submit_value(attachment.get("content") or {}, org.marker, n)
                    if value is not None:
                        activity = org.activity(world.connector.url, conv, user, value=value,
                                                reply_to=call.response_id)
                        response = await world.teams(activity)
                        assert response.status == 201, await response.text()
                        return True
            return False
        channel = org.slack_channel(conv, user)
        for posted in reversed(world.slack.calls):
            if posted.method != "chat.postMessage" or posted.args.get("channel") != channel:
                continue
            buttons = [e for b in posted.args.get("blocks") or () if b.get("type") == "actions"
                       for e in b.get("elements") or () if e.get("type") == "button"]
            if buttons:
                message = {"text": posted.args.get("text", ""), "blocks": posted.args["blocks"],
                           "ts": f"1700000000.{len(world.slack.calls):06d}"}
                data = org.slack_press(world.slack, channel, user, message,
                                       buttons[n % len(buttons)])
                response = await world.slack_form({"payload": json.dumps(data)})
                assert response.status == 200, await response.text()
                return True
        return False

    # ------------------------------------------------------------------ reads

    async def reads(self, org: Tenant) -> list[Any]:
        """Everything an org can be shown from the store."""
        store = self.world.store
        now = datetime.now(UTC)
        found: list[Any] = []
        async with interview_repo(store, org.org_id, now) as repo:
            found.append([v.profile.model_dump() for v in await repo.profile_versions()])
            for user in (org.aad(0), org.aad(1), org.user(0), org.user(1)):
                session = await repo.latest_session(user)
                found.append(session.answers if session else None)
        async with plan_repo(store) as plans:
            latest = await plans.latest_plan(org.org_id)
            found.append(latest.doc.to_dict() if latest else None)
            found.append(list(await plans.action_states(org.org_id)))
            found.append(await plans.action_events(org.org_id))
            found.append([vars(p) for p in await plans.postings(org.org_id)])
        nudges = NudgeStore(store)
        found.append([vars(s) for s in await nudges.list_subscriptions(org.org_id)])
        found.append(await nudges.deliveries(org.org_id))
        found.append([vars(g) for g in await gap_report(store, now - timedelta(days=1),
                                                         org.org_id)])
        found.append([vars(f) for f in await feedback_report(store, org.org_id)])
        found.append([vars(c) for c in await store.list_conversations(org.org_id)])
        found.append(await export_org(store, org.org_id))
        return found


@settings(max_examples=budget(10, 100), phases=[Phase.explicit, Phase.generate])
@given(steps=st.lists(step, min_size=6, max_size=budget(16, 40)), width=st.integers(1, 4))
async def test_no_org_ever_sees_another_orgs_data(
    world: Edges, steps: list[tuple[int, int, int, str, int]], width: int
) -> None:
    orgs = tenants(random.Random(), teams=2, slack=2)  # new orgs for every example and replay
    tally.add("isolation examples (4 orgs each)")
    runtime = world.app[SLACK].runtime
    assert runtime is not None
    slack_store: SlackStore = runtime.sender.slack_store
    for org in orgs:
        await org.seed(world.store, world.slack, slack_store)
    drive = Conversations(world, orgs)
    with trap_logs() as trap:
        # every org sees its plan first (it shows the owners that carry its marker) ...
        await asyncio.gather(*(drive.act(org, 0, 0, "say", 0) for org in orgs))
        await world.settle()
        drive.collect()
        # ... then random commands, ``width`` at a time, from any org, at once
        for start in range(0, len(steps), width):
            batch = steps[start:start + width]
            await asyncio.gather(*(drive.act(orgs[i], conv, user, kind, n)
                                   for i, conv, user, kind, n in batch))
            await world.settle()
            drive.collect()
    assert not trap.records, trap.describe()
    metrics = text_of(await (await world.client.get("/metrics")).text())
    assert not [o.marker for o in orgs if o.marker in metrics]  # no org data on /metrics

    for org in orgs:
        others = [o.marker for o in orgs if o is not org]
        seen = [text_of(body) for owner, body in drive.outbound if owner is org]
        assert any(org.marker in text for text in seen), f"{org.channel} org saw none of its data"
        for text in seen:
            leaked = [m for m in others if m in text]
            assert not leaked, f"{org.channel} org was sent another org's data: {text[:300]}"
        stored = text_of(await drive.reads(org))
        assert org.marker in stored
        leaked = [m for m in others if m in stored]
        assert not leaked, f"{org.channel} org's stored data holds another org's: {leaked}"
