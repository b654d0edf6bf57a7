"""The ``nudge`` feature through the real turn runner and store (both engines)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import count
from pathlib import Path

import pytest

from bot.compose import REPO_CONTENT
from bot.store import Store
from bot.store.interview import InterviewRepo
from bot.store.nudges import NudgeStore, nudge_repo
from bot.store.plan import PlanRepo
from bot.turns import TurnRunner
from dialogs.content import ContentStore, load_content
from dialogs.messages import Card, Origin, Post, Press, Reply, Sender, Text, TextMessage, Token
from dialogs.nudges.feature import CONSOLE_NOTE, NudgeFeature
from dialogs.plan.service import current_plan, load_kit
from dialogs.profile import DisciplineProfile, Profile
from dialogs.router import Core
from dialogs.text import plain

NOW = datetime.fromisoformat("2026-11-27T09:00:00+00:00")  # a Friday
CHANNEL = Origin("slack", "T0ACME", "C0FINOPS", is_direct=False)
DM = Origin("slack", "T0ACME", "D0ANA", is_direct=True)
CONSOLE = Origin("console", "local", "console:me")
ANA = Sender("U0ANA", "Ana", "U0ANA", "Europe/Lisbon")
NOBODY = Sender("U0BOB", "Bob")
_ids = count(1)


@pytest.fixture(scope="module")
def content() -> Iterator[ContentStore]:
    yield load_content(REPO_CONTENT)


class Chat:
    def __init__(self, store: Store, content: ContentStore, now: datetime = NOW) -> None:
        self.runner = TurnRunner(store, Core([NudgeFeature(content)]), clock=lambda: self.now)
        self.store = store
        self.now = now

    async def say(self, text: str, origin: Origin = CHANNEL, sender: Sender = ANA) -> list[Reply]:
        result = await self.runner.run(TextMessage(f"m{next(_ids)}", origin, sender, text))
        assert not result.failed
        return result.replies

    async def text(self, text: str, origin: Origin = CHANNEL, sender: Sender = ANA) -> str:
        replies = await self.say(text, origin, sender)
        return "\n".join(plain(r.fallback_text()) for r in replies)

    async def press(self, token: Token, origin: Origin = DM, sender: Sender = ANA) -> str:
        result = await self.runner.run(Press(f"p{next(_ids)}", origin, sender, token))
        assert not result.failed
        return "\n".join(plain(r.fallback_text()) for r in result.replies)


async def test_subscribe_with_a_rule_shows_the_next_run(
    store: Store, content: ContentStore
) -> None:
    chat = Chat(store, content)
    reply = await chat.text("subscribe weekly on thursday 14:30 America/New_York")
    assert "Subscribed this channel to weekly nudges on Thursdays at 14:30 " \
        "(America/New_York)" in reply
    assert "Next: Thu 3 Dec 2026, 14:30 EST" in reply
    async with store.backend.read() as conn:
        sub = await nudge_repo(conn).subscription("T0ACME", "slack", "C0FINOPS")
    assert sub is not None and sub.created_by == "U0ANA" and sub.created_at == NOW
    assert sub.next_run_at == datetime.fromisoformat("2026-12-03T19:30:00+00:00")


async def test_bare_subscribe_uses_the_senders_zone_or_utc(
    store: Store, content: ContentStore
) -> None:
    chat = Chat(store, content)
    reply = await chat.text("subscribe")
    assert "Mondays at 09:00 (Europe/Lisbon)" in reply and "Mon 30 Nov 2026, 09:00 WET" in reply
    assert "UTC" not in reply
    reply = await chat.text("subscribe", DM, NOBODY)
    assert "Mondays at 09:00 (UTC)" in reply
    assert "I don't know your time zone, so I used UTC" in reply
    assert "subscribe weekly on thursday 14:30 America/New_York" in reply


async def test_bad_input_gets_a_clear_message_and_changes_nothing(
    store: Store, content: ContentStore
) -> None:
    chat = Chat(store, content)
    assert "don't know the day" in await chat.text("subscribe weekly on someday 9:00")
    assert "not a time zone" in await chat.text("subscribe weekly on monday 9:00 Moon/Base")
    assert await NudgeStore(store).list_subscriptions() == []
    assert "no weekly nudges" in await chat.text("pause nudges")
    assert "no weekly nudges" in await chat.text("resume nudges")
    assert "no weekly nudges" in await chat.text("unsubscribe")


async def test_pause_resume_unsubscribe_and_status(store: Store, content: ContentStore) -> None:
    chat = Chat(store, content)
    await chat.say("subscribe weekly on monday 09:00 Europe/Paris")
    status = await chat.text("status")
    assert "Nudges: weekly on Mondays at 09:00 (Europe/Paris); next Mon 30 Nov 2026, 09:00 CET" \
        in status
    assert "last delivery: none yet" in status
    assert "not in the future" in await chat.text("pause nudges until 2026-11-01")
    reply = await chat.text("pause nudges until 2026-12-24")
    assert "paused until Thu 24 Dec 2026" in reply and "Mon 28 Dec 2026, 09:00 CET" in reply
    assert "paused until Thu 24 Dec 2026, 00:00 CET" in await chat.text("status")
    assert "resumed. Next: Mon 30 Nov 2026" in await chat.text("resume nudges")
    assert "not paused" in await chat.text("resume nudges")
    assert "until you type resume nudges" in await chat.text("pause nudges")
    assert "paused (type resume nudges)" in await chat.text("status")
    assert "no more weekly nudges" in await chat.text("unsubscribe")
    assert "not subscribed here" in await chat.text("status")
    async with store.backend.read() as conn:
        sub = await nudge_repo(conn).subscription("T0ACME", "slack", "C0FINOPS")
        assert sub is not None
        log = await nudge_repo(conn).changes(sub.id)
    assert [c["action"] for c in log] == ["subscribe", "pause", "resume", "pause", "unsubscribe"]
    assert {c["changed_by"] for c in log} == {"U0ANA"}


async def test_console_prints_the_nudge_and_explains_delivery(
    store: Store, content: ContentStore
) -> None:
    chat = Chat(store, content)
    replies = await chat.say("subscribe weekly on friday 16:00 Europe/Berlin", CONSOLE)
    assert isinstance(replies[0], Text)
    assert "delivery needs Teams or Slack" in replies[0].markdown
    assert "Fridays at 16:00 (Europe/Berlin)" in replies[0].markdown
    assert isinstance(replies[1], Card) and replies[1].title == "Weekly alignment nudge"
    assert "no alignment plan yet" in replies[1].body
    assert await NudgeStore(store).list_subscriptions() == []
    replies = await chat.say("nudge now", CONSOLE)
    assert replies[0] == Text(CONSOLE_NOTE) and isinstance(replies[1], Card)
    assert "Teams and Slack only" in await chat.text("status", CONSOLE)


async def test_nudge_now_posts_a_thread_in_channels_and_replies_in_dms(
    store: Store, content: ContentStore
) -> None:
    chat = Chat(store, content)
    [post] = await chat.say("nudge now")
    assert isinstance(post, Post) and post.target == "thread"
    assert isinstance(post.messages[0], Card) and post.record == "nudge:0"
    replies = await chat.say("nudge now", DM)
    assert all(isinstance(r, Card) for r in replies) and len(replies) == 2  # headline and tip
    assert replies[1].title.startswith("Tip of the week: ")  # type: ignore[union-attr]


async def make_plan(store: Store, content: ContentStore, org: str = "T0ACME") -> None:
    kit = load_kit(REPO_CONTENT, content)
    profile = Profile(org="Acme <!channel>", finops_maturity="walk", disciplines={
        "itam": DisciplineProfile(maturity="crawl", owner="Ana <@U0BOSS>"),
        "sam": DisciplineProfile(maturity="walk", owner="Sam"),
    })
    async with store.backend.write() as conn:
        await store.ensure_org(conn, org, NOW)
        assert await InterviewRepo(conn, org, NOW).add_profile_version(
            profile, "U0ANA", "import", None, 1) == 1
        assert await current_plan(PlanRepo(conn), kit, org, NOW, "U0ANA") is not None


async def test_a_nudge_with_a_plan_and_its_buttons(store: Store, content: ContentStore) -> None:
    await make_plan(store, content)
    chat = Chat(store, content)
    [headline, tip] = await chat.say("nudge now", DM)
    assert isinstance(headline, Card) and isinstance(tip, Card)
    assert headline.subtitle.startswith("Plan version 1: 0 of ")
    assert "**Next up**" in headline.body and "Why now:" in headline.body
    assert "no owner yet" in headline.body  # the cross-cutting actions come first
    labels = [a.label for a in headline.actions]
    assert labels[-1] == "Show the plan" and labels[0] == "Done 1" and labels[1] == "Snooze 1"
    assert len(labels) == 7
    done = headline.actions[0].token
    assert done.kind == "nudge" and done.step.startswith("done:")
    action_id = done.step.split(":", 1)[1]

    reply = await chat.press(done)
    assert reply.startswith("Marked 1. ") and "done. Thanks, Ana!" in reply
    async with store.backend.read() as conn:
        state = (await PlanRepo(conn).action_states("T0ACME"))[action_id]
        events = await PlanRepo(conn).action_events("T0ACME")
    assert (state.status, state.by, state.by_name, state.at) == ("done", "U0ANA", "Ana", NOW)
    assert events[-1]["via"] == "nudge"
    assert "it is already done (by Ana), so nothing changed" in await chat.press(done)

    snooze = headline.actions[3].token  # "Snooze 2"
    chat.now = NOW + timedelta(hours=1)
    assert "Snoozed 2. " in await chat.press(snooze)
    assert "for a week" in await chat.press(snooze)  # snoozing again moves the date on

    shown = await chat.press(headline.actions[-1].token)
    assert "Alignment plan" in shown and "1 of " in shown and "snoozed until" in shown

    # a week later: progress since the last nudge, the snoozed action no longer next
    chat.now = NOW + timedelta(days=7)
    [later, _tip] = await chat.say("nudge now", DM)
    assert isinstance(later, Card)
    assert "Done since the last nudge" in later.body and "by Ana" in plain(later.body)
    assert "Done 2" not in [a.label for a in later.actions]


async def test_stale_and_unknown_presses_change_nothing(
    store: Store, content: ContentStore
) -> None:
    chat = Chat(store, content)
    assert "no alignment plan any more" in await chat.press(Token("nudge:1", "done:x"))
    await make_plan(store, content)
    assert "no longer in the plan" in await chat.press(Token("nudge:1", "done:nope"))
    assert "out of date" in await chat.press(Token("nudge:1", "explode"))


async def test_status_shows_the_last_delivery(store: Store, content: ContentStore) -> None:
    chat = Chat(store, content)
    await chat.say("subscribe weekly on monday 09:00 Europe/Paris")
    ns = NudgeStore(store)
    run = datetime.fromisoformat("2026-11-30T08:00:00+00:00")
    await ns.enqueue(run, timedelta(hours=12), timedelta(minutes=5))
    await ns.deactivate(1, "Slack answered not_in_channel", run)
    chat.now = run + timedelta(minutes=1)
    status = await chat.text("status")
    assert "stopped: Slack answered not_in_channel" in status
    assert "last delivery: skipped (Mon 30 Nov 2026, 09:00 CET)" in status
    assert "stopped" in await chat.text("pause nudges")
    assert "Subscribed" in await chat.text("subscribe")  # subscribing again restarts them


def test_content_dir_exists() -> None:
    assert Path(REPO_CONTENT, "taxonomy.yaml").exists()
