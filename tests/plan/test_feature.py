"""The plan in chat, end to end through the turn runner and the store (SQLite and PostgreSQL):
commands, buttons, posting, stale presses and bad input."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import datetime

import pytest

from bot.compose import teams_card_size
from bot.store import Store
from bot.store.plan import plan_repo
from bot.turns import TurnRunner
from dialogs.messages import (
    Card,
    Choices,
    Form,
    FormSubmit,
    Origin,
    Post,
    Press,
    Reply,
    Sender,
    Text,
    TextMessage,
    Token,
)
from dialogs.plan import PlanFeature
from dialogs.plan.feature import DIRECT_POST, NO_PROFILE, STALE, UNAVAILABLE
from dialogs.plan.messages import PlanCard
from dialogs.router import Core
from dialogs.text import plain, strip_markdown, user
from tests.plan.helpers import NOW, kit, profile
from tests.plan.test_store import add_profile

_ids = itertools.count(1)
CONSOLE = Origin("console", "acme", "console:ana")
TEAMS_DM = Origin("teams", "acme", "a:1", is_direct=True)
TEAMS_CHANNEL = Origin("teams", "acme", "19:c@thread.tacv2", is_direct=False)
SLACK_CHANNEL = Origin("slack", "acme", "C1", is_direct=False)
ANA = Sender("u-ana", "Ana")


class Chat:
    """Drives the plan feature through the real turn runner."""

    def __init__(self, store: Store, feature: PlanFeature | None = None) -> None:
        self.store = store
        self.runner = TurnRunner(store, Core([feature or PlanFeature(kit(), teams_card_size)]),
                                 clock=lambda: self.now)
        self.now: datetime = NOW

    async def say(self, text: str, origin: Origin = CONSOLE, sender: Sender = ANA) -> list[Reply]:
        result = await self.runner.run(TextMessage(f"m{next(_ids)}", origin, sender, text))
        assert not result.failed
        return result.replies

    async def press(self, token: Token, *values: str, origin: Origin = CONSOLE) -> list[Reply]:
        result = await self.runner.run(Press(f"p{next(_ids)}", origin, ANA, token, values))
        assert not result.failed
        return result.replies

    async def submit(self, token: Token, values: dict[str, str]) -> list[Reply]:
        result = await self.runner.run(FormSubmit(f"f{next(_ids)}", CONSOLE, ANA, token, values))
        assert not result.failed
        return result.replies

    async def state(self, action_id: str):  # type: ignore[no-untyped-def]
        async with plan_repo(self.store) as repo:
            return (await repo.action_states("acme")).get(action_id)


def text_of(replies: list[Reply]) -> str:
    (reply,) = replies
    assert isinstance(reply, Text)
    return strip_markdown(reply.markdown)


def card_of(replies: list[Reply]) -> PlanCard:
    assert isinstance(replies[0], PlanCard)
    return replies[0]


@pytest.fixture
async def chat(store: Store) -> Chat:
    await add_profile(store, "acme", profile("sample"))
    return Chat(store)


async def test_no_profile_offers_the_interview(store: Store) -> None:
    replies = await Chat(store).say("plan")
    assert text_of(replies) == strip_markdown(NO_PROFILE)
    assert "interview" in NO_PROFILE


async def test_plan_shows_the_card_and_remembers_the_numbers(chat: Chat) -> None:
    card = card_of(await chat.say("plan"))
    assert plain(card.title) == "Alignment plan for acme"
    assert any(s.title == "Start here" for s in card.sections)
    assert card.actions and card.actions[0].token.subject.startswith("plan:")
    async with chat.store.backend.read() as conn:
        raw = await conn.fetchval("SELECT state FROM conversation_state WHERE org_id = ?", "acme")
    assert '"numbers":{"1":"shared.' in raw.replace(" ", "")


async def test_status_changes_by_command(chat: Chat) -> None:
    await chat.say("plan")
    assert "is now done" in text_of(await chat.say("done 1"))
    async with plan_repo(chat.store) as repo:
        stored = await repo.latest_plan("acme")
    assert stored is not None
    first = stored.doc.by_number()[1]
    state = await chat.state(first.id)
    assert (state.status, state.by, state.by_name, state.at) == ("done", "u-ana", "Ana", NOW)
    assert "already done" in text_of(await chat.say("done #1"))
    assert "is now in progress" in text_of(await chat.say(f"start {first.id}"))
    assert "is now skipped" in text_of(await chat.say("drop 1"))
    assert "is now open" in text_of(await chat.say("reopen 1"))
    snoozed = text_of(await chat.say("snooze 1"))
    assert "Snoozed" in snoozed and "4 Dec 2026" in snoozed
    assert (await chat.state(first.id)).snoozed_until is not None
    async with plan_repo(chat.store) as repo:
        events = await repo.action_events("acme")
    assert [e["new_value"] for e in events][:4] == ["done", "in_progress", "skipped", "open"]
    assert {e["via"] for e in events} == {"command"}


@pytest.mark.parametrize("ref", ["99", "no-such-action", "<!channel> @here"])
async def test_unknown_references_change_nothing(chat: Chat, ref: str) -> None:
    reply = await chat.say(f"done {ref}")
    assert isinstance(reply[0], Text)
    if ref.startswith("<"):
        assert user(ref) in reply[0].markdown  # echoed, but inert
    async with plan_repo(chat.store) as repo:
        assert await repo.action_states("acme") == {}


async def test_a_verb_without_a_reference_gets_its_usage(chat: Chat) -> None:
    assert "Usage: `done <n|id>`" in (await chat.say("done"))[0].markdown  # type: ignore[union-attr]


async def test_status_changes_by_button_token(chat: Chat) -> None:
    card = card_of(await chat.say("plan"))
    start = next(a for a in card.actions if a.label.startswith("Start"))
    assert "is now in progress" in text_of(await chat.press(start.token))
    action_id = start.token.step.split(".", 1)[1]
    assert (await chat.state(action_id)).status == "in_progress"
    done = next(a for a in card.actions if a.label.startswith("Mark"))
    assert "is now done" in text_of(await chat.press(done.token))
    async with plan_repo(chat.store) as repo:
        events = await repo.action_events("acme")
    assert {e["via"] for e in events} == {"button"}


async def test_update_an_action_through_choices_and_the_owner_form(chat: Chat) -> None:
    card = card_of(await chat.say("plan"))
    pick = next(a for a in card.actions if a.label == "Update an action")
    (menu,) = await chat.press(pick.token)
    assert isinstance(menu, Choices) and len(menu.options) >= 10
    target = menu.options[2].value
    (verbs,) = await chat.press(menu.token, target)
    assert isinstance(verbs, Choices)
    assert [o.value for o in verbs.options] == ["start", "done", "drop", "snooze", "owner"]
    assert "is now done" in text_of(await chat.press(verbs.token, "done"))
    (form,) = await chat.press(verbs.token, "owner")
    assert isinstance(form, Form) and form.fields[0].name == "owner"
    reply = text_of(await chat.submit(form.token, {"owner": "Dana <Lead>"}))
    assert "is now owned by Dana <Lead>" in reply
    state = await chat.state(target)
    assert state.owner == "Dana <Lead>" and state.status == "done" and state.by == "u-ana"
    back = text_of(await chat.submit(form.token, {"owner": ""}))
    assert "is now owned by" in back and (await chat.state(target)).owner is None
    too_long = text_of(await chat.submit(form.token, {"owner": "x" * 500}))
    assert "Nothing changed" in too_long


async def test_section_details_button_shows_one_section_in_full(chat: Chat) -> None:
    (card,) = await chat.say("plan", origin=TEAMS_DM)
    assert isinstance(card, Card)
    details = next(a for a in card.actions if a.label == "Section details")
    (choices,) = await chat.press(details.token, origin=TEAMS_DM)
    assert isinstance(choices, Choices)
    assert [o.value for o in choices.options] == ["cross-cutting", "itam", "sam", "itsm"]
    (section,) = await chat.press(choices.token, "sam", origin=TEAMS_DM)
    assert isinstance(section, PlanCard) and "Why now" in section.body


async def test_a_press_on_an_older_plan_is_stale(chat: Chat) -> None:
    card = card_of(await chat.say("plan"))
    start = card.actions[0]
    await add_profile(chat.store, "acme",
                      profile("sample").model_copy(update={"priorities": ["waste"]}), 2)
    await chat.say("plan")  # builds version 2
    assert text_of(await chat.press(start.token)) == strip_markdown(STALE)
    async with plan_repo(chat.store) as repo:
        assert await repo.action_states("acme") == {}


@pytest.mark.parametrize("token", [
    Token("plan:abc", "pick", 1),
    Token("plan:999", "pick", 1),
    Token("plan:1", "pick", 42),
    Token("plan:1", "done.no-such-action", 1),
    Token("plan:1", "frobnicate.shared.raci", 1),
])
async def test_malformed_or_foreign_tokens_change_nothing(chat: Chat, token: Token) -> None:
    await chat.say("plan")
    reply = await chat.press(token, "x")
    assert isinstance(reply[0], Text) and reply[0].markdown == STALE
    async with plan_repo(chat.store) as repo:
        assert await repo.action_states("acme") == {}


async def test_another_orgs_plan_token_is_stale(chat: Chat) -> None:
    card = card_of(await chat.say("plan"))
    await add_profile(chat.store, "globex", profile("partial"))
    other = Origin("console", "globex", "console:eve")
    result = await chat.runner.run(Press("x1", other, ANA, card.actions[0].token, ()))
    assert isinstance(result.replies[0], Text) and plain(result.replies[0].markdown) == STALE


async def test_post_plan_here_records_the_posting(chat: Chat) -> None:
    (post,) = await chat.say("post plan", origin=TEAMS_CHANNEL)
    assert isinstance(post, Post)
    assert post.target == "thread" and post.record.startswith("plan:") and post.note is not None
    assert len(post.messages) == 1 and post.fallback == post.messages
    async with plan_repo(chat.store) as repo:
        (posting,) = await repo.postings("acme")
    assert (posting.channel, posting.conversation_id, posting.target, posting.version) == (
        "teams", TEAMS_CHANNEL.conversation_id, "thread", 1)
    assert post.record == f"plan:{posting.plan_id}"


async def test_post_plan_to_a_named_channel_in_slack_is_threaded(chat: Chat) -> None:
    (post,) = await chat.say("post plan #finops", origin=SLACK_CHANNEL)
    assert isinstance(post, Post) and post.target == "channel" and post.channel_ref == "#finops"
    assert len(post.messages) == 5  # summary + shared foundations + three disciplines
    assert "follows in this thread" in post.messages[0].body  # type: ignore[union-attr]


async def test_post_plan_from_a_direct_chat_needs_a_channel(chat: Chat) -> None:
    assert text_of(await chat.say("post plan", origin=TEAMS_DM)) == strip_markdown(DIRECT_POST)
    bad = await chat.say("post plan ###", origin=TEAMS_DM)
    assert "doesn't look like a channel" in text_of(bad)
    async with plan_repo(chat.store) as repo:
        assert await repo.postings("acme") == []


async def test_plan_diff_follows_the_posting(chat: Chat) -> None:
    from dialogs.plan import plan_diff

    await chat.say("post plan", origin=TEAMS_CHANNEL)
    await add_profile(chat.store, "acme",
                      profile("sample").model_copy(update={"finops_maturity": "run"}), 2)
    async with plan_repo(chat.store, write=True) as repo:
        found = await plan_diff(repo, kit(), "acme", NOW, "cli")
    assert found is not None and found.old_version == 1 and found.new_version == 2
    assert "the plan last posted" in found.basis and "FinOps: walk → run" in found.maturity


async def test_status_line(chat: Chat) -> None:
    feature = PlanFeature(kit())
    core = Core([feature])
    runner = TurnRunner(chat.store, core, clock=lambda: NOW)
    result = await runner.run(TextMessage("s1", CONSOLE, ANA, "status"))
    assert "not built yet" in result.replies[0].markdown  # type: ignore[union-attr]
    await chat.say("plan")
    await chat.say("done 1")
    result = await runner.run(TextMessage("s2", CONSOLE, ANA, "status"))
    assert "version 1 (profile version 1): 1 of 16 done" in result.replies[0].markdown  # type: ignore[union-attr]


async def test_without_a_library_the_feature_says_so(store: Store) -> None:
    chat = Chat(store, PlanFeature(None))
    assert text_of(await chat.say("plan")) == strip_markdown(UNAVAILABLE)
    assert text_of(await chat.press(Token("plan:1", "pick", 1))) == strip_markdown(UNAVAILABLE)


async def test_content_that_lost_an_action_is_reported_not_fatal(chat: Chat) -> None:
    await chat.say("plan")
    await chat.say("done 1")
    library = kit().library
    async with plan_repo(chat.store) as repo:
        stored = await repo.latest_plan("acme")
    assert stored is not None
    gone = stored.doc.by_number()[1].id
    smaller = replace(kit(), library=replace(
        library, actions={k: v for k, v in library.actions.items() if k != gone}))
    chat.runner.core = Core([PlanFeature(smaller)])
    card = card_of(await chat.say("plan"))
    notes = next(s for s in card.sections if s.title == "Notes")
    assert gone in notes.body and "not part of this version" in notes.body
    async with plan_repo(chat.store) as repo:
        newest = await repo.latest_plan("acme")
    assert newest is not None and newest.version == 2 and gone not in newest.doc.by_id()
