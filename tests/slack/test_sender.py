"""Outbound: Slack errors deactivate what they should, posts to stored conversations, DMs."""

from __future__ import annotations

from bot.slack.inbound import Place, Workspace
from bot.slack.routes import SLACK, SlackRuntime
from bot.slack.sender import parse_channel_ref
from dialogs.messages import Post, Text
from dialogs.text import user
from tests.slack.conftest import Slack, payload
from tests.slack.test_events import settle

HERE = Place(Workspace(None, "T0ACME"), "D0ANA", None, "U0ANA", True)


def runtime_of(slack: Slack) -> SlackRuntime:
    runtime = slack.app[SLACK].runtime
    assert runtime is not None
    return runtime


async def stored(slack: Slack, channel_id: str = "D0ANA"):  # type: ignore[no-untyped-def]
    await slack.event(payload("event_message_im.json") if channel_id == "D0ANA" else
                      payload("event_member_joined_channel.json"))
    await settle(slack)
    conversation = await runtime_of(slack).sender.store.get_conversation(
        "T0ACME", "slack", channel_id
    )
    assert conversation is not None
    return conversation


async def test_posting_to_a_stored_conversation_as_a_thread(slack: Slack) -> None:
    conversation = await stored(slack, "C0FINOPS")
    assert conversation.reference["channel_id"] == "C0FINOPS"  # type: ignore[index]
    sender = runtime_of(slack).sender
    before = len(slack.fake.of("chat.postMessage"))
    delivery = await sender.post(
        conversation, [Text("**Weekly nudge**"), Text("1. Tag accounts"), Text("2. Review")],
        as_thread=True,
    )
    assert delivery.ok and delivery.channel_id == "C0FINOPS" and delivery.ts
    root, *replies = slack.fake.of("chat.postMessage")[before:]
    assert root.args.get("thread_ts") is None
    assert [r.args["thread_ts"] for r in replies] == [delivery.ts, delivery.ts]
    # into an existing thread
    again = await sender.post(conversation, [Text("Reminder")], thread_ts=delivery.ts)
    assert again.ok and slack.fake.of("chat.postMessage")[-1].args["thread_ts"] == delivery.ts


async def test_channel_errors_deactivate_the_conversation_and_record_why(slack: Slack) -> None:
    conversation = await stored(slack, "C0FINOPS")
    slack.fake.errors[("chat.postMessage", "C0FINOPS")] = "not_in_channel"
    sender = runtime_of(slack).sender
    delivery = await sender.post(conversation, [Text("Nudge")])
    assert not delivery.ok and delivery.reason == "not_in_channel"
    after = await sender.store.get_conversation("T0ACME", "slack", "C0FINOPS")
    assert after is not None and not after.active
    assert after.inactive_reason == "Slack answered not_in_channel"
    assert not (await sender.post(after, [Text("Nudge")])).ok  # no further attempts
    assert len([c for c in slack.fake.calls if c.args.get("channel") == "C0FINOPS"
                and c.method == "chat.postMessage"]) == 2  # the welcome and the failed nudge


async def test_auth_errors_deactivate_the_installation(slack: Slack) -> None:
    conversation = await stored(slack)
    slack.fake.tokens.clear()  # every token is now refused: invalid_auth
    sender = runtime_of(slack).sender
    delivery = await sender.post(conversation, [Text("Nudge")])
    assert not delivery.ok and delivery.reason == "invalid_auth"
    found = await sender.slack_store.find_installation(None, "T0ACME")
    assert found is not None and not found.active
    assert found.inactive_reason == "Slack answered invalid_auth"
    calls = len(slack.fake.calls)
    assert not (await sender.post(conversation, [Text("Nudge")])).ok
    assert len(slack.fake.calls) == calls  # nothing more is sent to that workspace


async def test_archived_channel_is_refused_and_deactivated(slack: Slack) -> None:
    conversation = await stored(slack, "C0FINOPS")
    slack.fake.archived.add("C0FINOPS")
    sender = runtime_of(slack).sender
    delivery = await sender.post(conversation, [Text("Nudge")])
    assert not delivery.ok and delivery.reason == "is_archived"
    after = await sender.store.get_conversation("T0ACME", "slack", "C0FINOPS")
    assert after is not None and not after.active


async def test_a_direct_post_opens_a_dm_and_notes_it_in_the_channel(slack: Slack) -> None:
    runtime = runtime_of(slack)
    here = Place(Workspace(None, "T0ACME"), "C0FINOPS", "1700000200.000300", "U0ANA", False)
    post = Post("direct", (Text("First question"),), note=Text("I sent you a direct message."))
    await runtime.sender.deliver(runtime.bolt.client, here, [post])
    assert slack.fake.of("conversations.open")[0].args["users"] == "U0ANA"
    dm, note = slack.fake.of("chat.postMessage")
    assert dm.args["channel"] == "D0ANA" and dm.args["text"] == "First question"
    assert note.args["channel"] == "C0FINOPS" and note.args["thread_ts"] == "1700000200.000300"


async def test_a_refused_dm_falls_back_here_with_the_reason(slack: Slack) -> None:
    runtime = runtime_of(slack)
    slack.fake.errors[("conversations.open", "")] = "cannot_dm_bot"
    here = Place(Workspace(None, "T0ACME"), "C0FINOPS", None, "U0ANA", False)
    post = Post("direct", (Text("First question"),), fallback=(Text("Ask me here instead."),))
    await runtime.sender.deliver(runtime.bolt.client, here, [post])
    reason, fallback = slack.fake.of("chat.postMessage")
    assert "cannot_dm_bot" in reason.args["text"] and reason.args["channel"] == "C0FINOPS"
    assert fallback.args["text"] == "Ask me here instead."


async def test_user_text_cannot_mention_or_link(slack: Slack) -> None:
    runtime = runtime_of(slack)
    evil = user("<!channel> <https://evil.example|click> & co")
    await runtime.sender.send(runtime.bolt.client, HERE, Text(f"Owner: {evil}"))
    call = slack.fake.of("chat.postMessage")[0]
    assert "<" not in call.args["text"] and "&lt;!channel&gt;" in call.args["text"]
    assert "&amp; co" in call.args["text"]
    kinds = {e["type"] for b in call.args["blocks"] for s in b["elements"] for e in s["elements"]}
    assert kinds == {"text"}  # user text stays literal text: no link or broadcast element


def test_channel_references() -> None:
    assert parse_channel_ref("<#C0PLANS|plans>") == "C0PLANS"
    assert parse_channel_ref("<#G0PRIVATE>") == "G0PRIVATE"
    assert parse_channel_ref("C0PLANS123") == "C0PLANS123"
    assert parse_channel_ref("#plans") is None
    assert parse_channel_ref("<@U0ANA>") is None


def test_response_urls_are_only_slacks(slack: Slack) -> None:
    sender = runtime_of(slack).sender
    assert sender.trusted_response_url("https://hooks.slack.com/commands/T1/2/3")
    assert sender.trusted_response_url(slack.fake.hook_url())  # the configured API's origin
    assert not sender.trusted_response_url("https://evil.example/hooks")
    assert not sender.trusted_response_url("http://hooks.slack.com/commands/T1/2/3")
