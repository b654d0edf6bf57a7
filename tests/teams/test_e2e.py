"""End to end over real HTTP: recorded Teams payloads in, the fake Bot Connector records out."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.app import RUNNER
from bot.teams import cards
from bot.teams.routes import teams_sender
from dialogs.messages import Choices, Form, Outbound, Post, Text
from dialogs.router import NO_ANSWERS, STALE, WELCOME
from tests.teams.conftest import (
    CHANNEL,
    PERSONAL,
    TEAM,
    TENANT,
    USER,
    Bot,
    start_bot,
)
from tests.teams.fakes import Call, FakeConnector, FakeIdentity
from tests.teams.standin import QUIZ, standin_core


@pytest.fixture
async def quiz_bot(bot: Bot) -> AsyncIterator[Bot]:
    """The bot with the stand-in feature instead of the real core."""
    bot.app[RUNNER].core = standin_core()
    yield bot


def delivered(call: Call, message: Outbound) -> bool:
    """The call carries exactly what the renderer makes of ``message``."""
    body = call.body.get("activity", call.body)
    return all(body.get(key) == value for key, value in cards.render(message).items())


def outbound(bot: Bot) -> list[Outbound]:
    """Every plain reply the core produced so far (posts unpacked to their messages)."""
    found: list[Outbound] = []
    for _event, result in bot.results:
        for reply in result.replies:
            found += list(reply.messages) if isinstance(reply, Post) else [reply]
    return found


async def say(bot: Bot, text: str, name: str = "personal_message", **changes: Any) -> None:
    response = await bot.post(bot.payload(name, text=text, **changes))
    assert response.status == 201, await response.text()
    await bot.settle()


_ids = iter(range(1, 10_000))


def fresh_id() -> str:
    return f"17643{next(_ids):08d}"


# --------------------------------------------------------------------------- welcome


async def test_welcome_once_per_conversation(bot: Bot) -> None:
    response = await bot.post(bot.payload("conversation_update_personal"))
    assert response.status == 201
    await bot.settle()
    again = bot.payload("installation_update_personal", action="add", id="f:another")
    assert (await bot.post(again)).status == 201
    await bot.settle()
    [call] = bot.connector.calls
    assert call.route == "send" and call.conversation_id == PERSONAL  # a new message
    assert delivered(call, Text(WELCOME))
    assert call.authorization == "Bearer outbound-1"


async def test_welcome_in_a_team_is_a_new_post_in_general(bot: Bot) -> None:
    assert (await bot.post(bot.payload("conversation_update_team"))).status == 201
    await bot.settle()
    [call] = bot.connector.calls
    assert call.route == "send" and call.conversation_id == TEAM
    conv = await bot.store.get_conversation(TENANT, "teams", TEAM)
    assert conv is not None and conv.reference is not None
    assert conv.reference["teamId"] == TEAM


# --------------------------------------------------------------------------- questions


async def test_question_answered_with_what_the_core_produced(bot: Bot) -> None:
    await say(bot, "How does SAM relate to FinOps?")
    [call] = bot.connector.calls
    assert call.route == "reply" and call.activity_id == "1764234000123"
    [reply] = outbound(bot)
    assert delivered(call, reply)
    if bot.app[RUNNER].core._answerer is None:  # until bot/compose.py wires the answerer
        assert NO_ANSWERS in call.text
    else:
        assert "https://" in str(call.body), "an answer cites its sources"


async def test_channel_message_is_answered_in_its_thread(bot: Bot) -> None:
    response = await bot.post(bot.payload("channel_mention"))
    assert response.status == 201
    await bot.settle()
    [call] = bot.connector.calls
    assert call.route == "reply"
    assert call.conversation_id == f"{CHANNEL};messageid=1764234300456"
    assert "Anywhere" in call.text  # "@Crosswalk help" reached the core as "help"
    conv = await bot.store.get_conversation(TENANT, "teams", CHANNEL)
    assert conv is not None and conv.reference is not None and not conv.is_direct
    assert conv.reference["conversation"]["id"] == CHANNEL  # the channel, not the thread
    assert conv.reference["teamId"] == TEAM
    assert conv.reference["conversation"]["tenantID"] == TENANT


async def test_duplicate_activity_is_answered_once(bot: Bot) -> None:
    activity = bot.payload("personal_message")
    first = await bot.post(activity)
    concurrent = await asyncio.gather(*(bot.post(activity) for _ in range(3)))
    assert first.status == 201 and all(r.status == 201 for r in concurrent)
    await bot.settle()
    assert len(bot.connector.calls) == 1
    assert sum(result.duplicate for _event, result in bot.results) == 3


async def test_unknown_activity_is_skipped(bot: Bot) -> None:
    response = await bot.post(bot.payload("message_reaction"))
    assert response.status == 201
    await bot.settle()
    assert bot.connector.calls == [] and bot.results == []


async def test_unsupported_invoke_is_a_4xx_with_a_reason(bot: Bot) -> None:
    response = await bot.post(bot.payload("invoke_action"))
    assert response.status == 400
    assert await response.json() == {"error": "invoke 'adaptiveCard/action' is not supported"}


# --------------------------------------------------------------------------- cards


async def test_card_press_updates_the_card_then_replies(quiz_bot: Bot) -> None:
    bot = quiz_bot
    await say(bot, "quiz")
    [card_call] = bot.connector.calls
    card = card_call.body["attachments"][0]["content"]
    assert card["type"] == "AdaptiveCard" and card["actions"][0]["data"]["crosswalk"] == (
        QUIZ.encode()
    )
    value = {**card["actions"][0]["data"], "choice": "eng"}
    press = bot.payload("card_submit", value=value, replyToId=card_call.response_id)
    assert (await bot.post(press)).status == 201
    await bot.settle()
    update, reply = bot.connector.calls[1:]
    assert update.route == "update" and update.activity_id == card_call.response_id
    assert update.conversation_id == PERSONAL
    updated = update.body["attachments"][0]["content"]
    assert "actions" not in updated and "Engineering" in str(updated) and "✓" in str(updated)
    assert reply.route == "reply" and reply.text == "Saved: eng."


async def test_form_submit_updates_the_card(quiz_bot: Bot) -> None:
    bot = quiz_bot
    await say(bot, "form")
    [card_call] = bot.connector.calls
    data = card_call.body["attachments"][0]["content"]["actions"][0]["data"]
    press = bot.payload("card_submit", value={**data, "field.tool": "Cloudability"},
                        replyToId=card_call.response_id)
    assert (await bot.post(press)).status == 201
    await bot.settle()
    update = bot.connector.routes("update")[0]
    assert "Cloudability" in str(update.body)
    assert bot.connector.calls[-1].text.startswith("Saved Cloudability")


async def test_stale_press_changes_no_card(quiz_bot: Bot) -> None:
    bot = quiz_bot
    await say(bot, "quiz")
    [card_call] = bot.connector.calls
    old = {"crosswalk": "quiz:1|owner|0", "kind": "choice", "choice": "eng"}
    press = bot.payload("card_submit", value=old, replyToId=card_call.response_id)
    assert (await bot.post(press)).status == 201
    await bot.settle()
    assert bot.connector.routes("update") == []
    assert bot.connector.calls[-1].text == STALE


async def test_press_on_a_card_we_did_not_keep_just_replies(quiz_bot: Bot) -> None:
    bot = quiz_bot
    value = {"crosswalk": QUIZ.encode(), "kind": "choice", "choice": "finance"}
    press = bot.payload("card_submit", value=value, replyToId="unknown-card")
    assert (await bot.post(press)).status == 201
    await bot.settle()
    assert bot.connector.routes("update") == []
    assert bot.connector.calls[-1].text == "Saved: finance."


async def test_interview_step_with_the_real_core(bot: Bot) -> None:
    """Whatever the interview asks is delivered; a card answer updates the card."""
    await say(bot, "interview")
    replies = outbound(bot)
    assert replies and len(bot.connector.calls) == len(replies)
    for call, reply in zip(bot.connector.calls, replies, strict=True):
        assert delivered(call, reply)
    question = next((r for r in replies if isinstance(r, Choices | Form)), None)
    if question is None:  # the interview is not wired yet: the core said so
        return
    index = replies.index(question)
    card_call = bot.connector.calls[index]
    data = card_call.body["attachments"][0]["content"]["actions"][0]["data"]
    if isinstance(question, Choices):
        value = {**data, "choice": question.options[0].value}
    else:
        value = {**data, **{f"field.{f.name}": "Example" for f in question.fields}}
    press = bot.payload("card_submit", value=value, replyToId=card_call.response_id,
                        id=fresh_id())
    assert (await bot.post(press)).status == 201
    await bot.settle()
    [update] = bot.connector.routes("update")
    assert update.activity_id == card_call.response_id and "✓" in str(update.body)


# --------------------------------------------------------------------------- posts


async def test_post_plan_starts_a_thread_in_the_channel(quiz_bot: Bot) -> None:
    bot = quiz_bot
    await say(bot, "<at>Crosswalk</at> post plan", "channel_mention")
    create, rest, note = bot.connector.calls
    assert create.route == "create" and create.body["isGroup"] is True
    assert create.body["channelData"]["channel"]["id"] == CHANNEL
    assert create.body["tenantID"] == TENANT
    assert "Alignment plan" in str(create.body["activity"])
    thread = f"{CHANNEL};messageid={create.response_id}"
    assert rest.route == "send" and rest.conversation_id == thread
    assert rest.text == "Details follow in this thread."
    assert note.route == "reply" and note.text == "Posted the plan."
    assert note.conversation_id == f"{CHANNEL};messageid=1764234300456"


async def test_post_plan_with_the_real_core(bot: Bot) -> None:
    await say(bot, "<at>Crosswalk</at> post plan", "channel_mention")
    [(_event, result)] = bot.results
    assert result.replies and bot.connector.calls
    if any(isinstance(r, Post) for r in result.replies):
        assert bot.connector.routes("create"), "a posted plan starts a thread"
    else:
        for call, reply in zip(bot.connector.calls, outbound(bot), strict=True):
            assert delivered(call, reply)


async def test_post_to_a_named_channel_of_the_team(quiz_bot: Bot) -> None:
    bot = quiz_bot
    await say(bot, "<at>Crosswalk</at> post plan #finops", "channel_mention")
    channels, create = bot.connector.calls[:2]
    assert channels.route == "channels" and channels.path == f"/v3/teams/{TEAM}/conversations"
    assert create.body["channelData"]["channel"]["id"] == "19:finops@thread.tacv2"
    assert bot.connector.calls[-1].text == "Posted the plan."


async def test_post_to_an_unknown_channel_says_invite_first(quiz_bot: Bot) -> None:
    bot = quiz_bot
    await say(bot, "<at>Crosswalk</at> post plan Nowhere", "channel_mention",
              id=fresh_id())
    assert bot.connector.routes("create") == []
    texts = [c.text for c in bot.connector.routes("reply")]
    assert "invite @Crosswalk" in texts[0] and "Nowhere" in texts[0]
    assert texts[1] == "The plan, here instead."


async def test_post_to_a_named_channel_from_a_personal_chat(quiz_bot: Bot) -> None:
    await say(quiz_bot, "post plan FinOps")
    texts = [c.text for c in quiz_bot.connector.calls]
    assert "Invite @Crosswalk to that team first" in texts[0]
    assert quiz_bot.connector.routes("create", "channels") == []


async def test_private_post_from_a_channel_opens_a_1on1_chat(quiz_bot: Bot) -> None:
    bot = quiz_bot
    await say(bot, "<at>Crosswalk</at> private", "channel_mention")
    create, message, note = bot.connector.calls
    assert create.body["isGroup"] is False and create.body["members"] == [{"id": USER}]
    assert create.body["tenantID"] == TENANT
    assert create.body["channelData"] == {"tenant": {"id": TENANT}}
    assert message.conversation_id.startswith("a:1on1-")
    assert message.text == "Let's continue here, just the two of us."
    assert note.text == "I sent you a private message."


async def test_private_post_refused_falls_back_to_the_deep_link(quiz_bot: Bot) -> None:
    bot = quiz_bot
    bot.connector.fail("create", 403, {"error": {"code": "Forbidden", "message": "no"}})
    await say(bot, "<at>Crosswalk</at> private", "channel_mention")
    reason, link = bot.connector.calls
    assert "did not let me open a private chat" in reason.text
    assert "teams.microsoft.com/l/chat" in link.text
    conv = await bot.store.get_conversation(TENANT, "teams", CHANNEL)
    assert conv is not None and conv.active  # a refused 1:1 is not a removal


async def test_private_post_in_a_group_chat_falls_back(quiz_bot: Bot) -> None:
    bot = quiz_bot
    group = {"conversationType": "groupChat", "tenantId": TENANT, "isGroup": True,
             "id": "19:groupchat0a1b2c@thread.v2"}
    await say(bot, "private", conversation=group)
    assert bot.connector.routes("create") == []
    reason, link = bot.connector.calls
    assert "group chat" in reason.text and "teams.microsoft.com/l/chat" in link.text


async def test_private_post_in_a_personal_chat_is_sent_there(quiz_bot: Bot) -> None:
    await say(quiz_bot, "private")
    [call] = quiz_bot.connector.calls
    assert call.conversation_id == PERSONAL and call.text.startswith("Let's continue here")


# --------------------------------------------------------------------------- proactive


async def test_proactive_send_after_a_restart(
    sqlite_url: str, connector: FakeConnector, identity: FakeIdentity
) -> None:
    async for first in start_bot(sqlite_url, connector, identity):
        await say(first, "hello")
        await say(first, "<at>Crosswalk</at> help", "channel_mention")
    assert len(connector.calls) == 2
    async for second in start_bot(sqlite_url, connector, identity):
        sender = teams_sender(second.app)
        assert sender is not None
        delivery = await sender.send(TENANT, PERSONAL, [Text("Your **weekly** nudge.")])
        assert delivery.ok and delivery.conversation_id == PERSONAL
        nudge = connector.calls[-1]
        assert nudge.route == "send" and nudge.conversation_id == PERSONAL
        assert nudge.text == "Your **weekly** nudge."
        assert nudge.authorization and nudge.authorization.startswith("Bearer outbound-")
        thread = await sender.send(TENANT, CHANNEL, [Text("Nudge for the channel.")])
        create = connector.calls[-1]
        assert thread.ok and create.route == "create"
        assert create.body["channelData"]["channel"]["id"] == CHANNEL
        assert thread.conversation_id == f"{CHANNEL};messageid={create.response_id}"
        unknown = await sender.send(TENANT, "a:unknown", [Text("x")])
        assert not unknown.ok and "no stored reference" in unknown.reason


async def test_start_thread_needs_a_channel(bot: Bot) -> None:
    await say(bot, "hello")
    sender = teams_sender(bot.app)
    assert sender is not None
    delivery = await sender.start_thread(TENANT, PERSONAL, [Text("x")])
    assert not delivery.ok and delivery.reason == "not a channel conversation"


# --------------------------------------------------------------------------- reliability


async def test_403_deactivates_the_conversation_and_records_why(bot: Bot) -> None:
    roster = {"error": {"code": "BotNotInConversationRoster", "message": "not a member"}}
    bot.connector.fail("reply", 403, roster)
    await say(bot, "hello")
    conv = await bot.store.get_conversation(TENANT, "teams", PERSONAL)
    assert conv is not None and not conv.active
    assert conv.inactive_reason is not None and "403" in conv.inactive_reason
    assert "BotNotInConversationRoster" in conv.inactive_reason
    sender = teams_sender(bot.app)
    assert sender is not None
    later = await sender.send(TENANT, PERSONAL, [Text("nudge")])
    assert not later.ok and later.reason.startswith("conversation inactive")
    assert len(bot.connector.attempts) == 1  # a 403 is not retried


@pytest.mark.parametrize(("status", "headers"), [(429, {"Retry-After": "0"}), (502, {}),
                                                 (504, {}), (412, {})])
async def test_throttling_and_gateway_errors_are_retried(
    bot: Bot, status: int, headers: dict[str, str]
) -> None:
    bot.connector.fail("reply", status, times=2, headers=headers)
    await say(bot, "hello")
    assert len(bot.connector.routes("reply")) == 1
    assert len(bot.connector.attempts) == 3


async def test_retries_stop_after_the_last_attempt(bot: Bot) -> None:
    bot.connector.fail("reply", 429, times=10, headers={"Retry-After": "0"})
    await say(bot, "hello")
    assert bot.connector.calls == [] and len(bot.connector.attempts) == 4
    bot.connector.fail("send", 429, times=4, headers={"Retry-After": "0"})
    sender = teams_sender(bot.app)
    assert sender is not None
    throttled = await sender.send(TENANT, PERSONAL, [Text("nudge")])
    assert not throttled.ok and throttled.status == 429 and throttled.reason.startswith("HTTP 429")
    conv = await bot.store.get_conversation(TENANT, "teams", PERSONAL)
    assert conv is not None and conv.active  # throttled is not removed


async def test_client_errors_are_not_retried(bot: Bot) -> None:
    bot.connector.fail("reply", 400, {"error": {"code": "BadArgument", "message": "x"}})
    await say(bot, "hello")
    assert len(bot.connector.attempts) == 1


async def test_outbound_connections_are_reused(bot: Bot) -> None:
    for n in range(5):
        await say(bot, f"message {n}", id=fresh_id())
    calls = bot.connector.calls
    assert len(calls) == 5
    assert bot.edge.connectors.created == 1  # one connector client for the service URL
    assert len({c.peer for c in calls}) == 1  # over one kept-alive connection
    assert len({c.authorization for c in calls}) == 1  # one token, fetched once


# --------------------------------------------------------------------------- uninstall


async def test_uninstall_from_a_team_deactivates_only_that_team(bot: Bot) -> None:
    await say(bot, "hello")
    await say(bot, "<at>Crosswalk</at> help", "channel_mention")
    assert (await bot.post(bot.payload("conversation_update_team"))).status == 201
    await bot.settle()
    sent = len(bot.connector.calls)
    assert (await bot.post(bot.payload("installation_update_team"))).status == 201
    await bot.settle()
    assert len(bot.connector.calls) == sent  # nothing is sent on uninstall
    by_id = {c.id: c for c in await bot.store.list_conversations(TENANT)}
    assert not by_id[CHANNEL].active and not by_id[TEAM].active
    assert by_id[CHANNEL].inactive_reason == "Teams: app uninstalled"
    assert by_id[PERSONAL].active  # the rest of the tenant is untouched
    assert (await bot.post(bot.payload("installation_update_personal"))).status == 201
    await bot.settle()
    personal = await bot.store.get_conversation(TENANT, "teams", PERSONAL)
    assert personal is not None and not personal.active
