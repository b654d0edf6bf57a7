"""Slash command, buttons, checkboxes, modals and posts, end to end against the fake Web API."""

from __future__ import annotations

import time
from typing import Any

from bot.slack import blocks
from bot.slack.routes import SLACK
from dialogs.commands import COMMANDS
from dialogs.messages import Card, Section, Text
from dialogs.router import STALE
from tests.slack.conftest import Slack, payload
from tests.slack.fake_slack import Injected
from tests.slack.feature import owner_form, question
from tests.slack.test_events import settle


def press_payload(slack: Slack, message: dict[str, Any], button: int = 0,
                  trigger: str = "p1") -> dict[str, Any]:
    """A recorded block_actions payload for a press on ``message`` (as the renderer drew it)."""
    data = payload("block_actions.json")
    data["message"].update(text=message["text"], blocks=message["blocks"])
    element = next(b for b in message["blocks"] if b["type"] == "actions")["elements"][button]
    data["actions"][0].update(action_id=element["action_id"], value=element["value"],
                              text=element["text"])
    data["trigger_id"] = f"trigger-{trigger}"
    data["response_url"] = slack.fake.hook_url(trigger)
    return data


async def test_slash_command_acks_within_3s_and_replies_through_response_url(quiz: Slack) -> None:
    started = time.perf_counter()
    r = await quiz.form(quiz.command("help"))
    acked = time.perf_counter() - started
    assert r.status == 200 and acked < 3.0
    await quiz.fake.wait_for(lambda: bool(quiz.fake.hooks))
    hook, body = quiz.fake.hooks[0]
    assert hook == "t1" and body["response_type"] == "ephemeral"
    assert "interview" in body["text"]
    assert quiz.fake.of("chat.postMessage") == []


async def test_every_command_in_the_table_works_as_a_slash_command(quiz: Slack) -> None:
    for i, spec in enumerate(COMMANDS):
        r = await quiz.form(quiz.command(spec.usage.split(" [")[0], trigger=f"c{i}"))
        assert r.status == 200, spec.name
    await quiz.fake.wait_for(lambda: len(quiz.fake.hooks) == len(COMMANDS), timeout=10)
    assert {h for h, _ in quiz.fake.hooks} == {f"c{i}" for i in range(len(COMMANDS))}


async def test_the_word_payload_in_a_command_reaches_the_core(slack: Slack) -> None:
    r = await slack.form(slack.command("ask what is a payload"))
    assert r.status == 200
    await slack.fake.wait_for(lambda: bool(slack.fake.hooks))
    assert "answer" in slack.fake.hooks[0][1]["text"]  # the Q&A reply, not Bolt's 404


async def test_a_button_answer_updates_the_message_and_replies(quiz: Slack) -> None:
    message = blocks.render(question())
    r = await quiz.interaction(press_payload(quiz, message, button=0))
    assert r.status == 200
    await quiz.fake.wait_for(lambda: len(quiz.fake.of("chat.postMessage")) == 2)
    update = quiz.fake.of("chat.update")[0]
    assert update.args["channel"] == "D0ANA" and update.args["ts"] == "1700000900.000100"
    assert "actions" not in [b["type"] for b in update.args["blocks"]]
    assert "✓ Yes" in str(update.args["blocks"]) or "Yes" in str(update.args["blocks"][-1])
    assert update.args["text"].endswith("✓ Yes")
    replies = [c.args["text"] for c in quiz.fake.of("chat.postMessage")]
    assert replies == ["Noted: yes.", "Next question soon."]


async def test_a_stale_press_gets_an_ephemeral_note_and_changes_nothing(quiz: Slack) -> None:
    message = blocks.render(question())
    await quiz.interaction(press_payload(quiz, message, trigger="first"))
    await quiz.fake.wait_for(lambda: bool(quiz.fake.of("chat.update")))
    await quiz.interaction(press_payload(quiz, message, trigger="second"))
    await quiz.fake.wait_for(lambda: bool(quiz.fake.hooks))
    hook, body = quiz.fake.hooks[0]
    assert hook == "second" and body["response_type"] == "ephemeral"
    assert body["text"] == STALE
    assert len(quiz.fake.of("chat.update")) == 1


async def test_the_same_press_delivered_twice_is_handled_once(quiz: Slack) -> None:
    data = press_payload(quiz, blocks.render(question()))
    await quiz.interaction(data)
    await quiz.interaction(data)
    await settle(quiz)
    assert len(quiz.fake.of("chat.update")) == 1 and quiz.fake.hooks == []


async def test_checkbox_clicks_are_acked_and_ignored(quiz: Slack) -> None:
    data = payload("block_actions_checkbox.json")
    data["response_url"] = quiz.fake.hook_url()
    r = await quiz.interaction(data)
    assert r.status == 200
    await settle(quiz)
    assert [c.method for c in quiz.fake.calls] == ["auth.test"]  # Bolt's authorization only
    assert quiz.fake.hooks == []


async def test_a_form_opens_as_a_modal_and_its_submission_is_answered(quiz: Slack) -> None:
    r = await quiz.event({**payload("event_message_im.json"), "event": {
        **payload("event_message_im.json")["event"], "text": "plan"}})
    assert r.status == 200
    await settle(quiz)  # the form is remembered once its message is posted
    posted = quiz.fake.of("chat.postMessage")[0]
    form_message = {"text": posted.args["text"], "blocks": posted.args["blocks"]}
    form_ts = "1700000000.000001"

    press = press_payload(quiz, form_message, trigger="open")
    press["container"]["message_ts"] = form_ts
    r = await quiz.interaction(press)
    assert r.status == 200
    await quiz.fake.wait_for(lambda: bool(quiz.fake.of("views.open")))
    opened = quiz.fake.of("views.open")[0]
    assert opened.args["trigger_id"] == "trigger-open"
    assert opened.args["view"] == blocks.modal(owner_form())

    submission = payload("view_submission.json")
    submission["view"]["private_metadata"] = opened.args["view"]["private_metadata"]
    submission["view"]["state"] = {"values": {"field.owner": {"value": {
        "type": "plain_text_input", "value": "<!channel> Finance"}}}}
    r = await quiz.interaction(submission)
    assert r.status == 200 and await r.text() == ""
    await quiz.fake.wait_for(lambda: len(quiz.fake.of("chat.postMessage")) == 2)
    reply = quiz.fake.of("chat.postMessage")[1]
    assert reply.args["channel"] == "D0ANA"
    assert reply.args["text"] == "Saved: the owner is &lt;!channel&gt; Finance."
    update = quiz.fake.of("chat.update")[0]
    assert update.args["ts"] == form_ts and "Submitted" in update.args["text"]


async def test_post_plan_in_a_channel_without_crosswalk_asks_for_an_invite(quiz: Slack) -> None:
    quiz.fake.channel_names["C0FINOPS"] = "finops"
    r = await quiz.form(quiz.command("post plan", channel_id="C0FINOPS"))
    assert r.status == 200
    await quiz.fake.wait_for(lambda: bool(quiz.fake.hooks))
    text = quiz.fake.hooks[0][1]["text"]
    assert text.startswith("Invite @Crosswalk to #finops first")
    assert quiz.fake.of("chat.postMessage") == []
    store = quiz.app[SLACK].runtime.sender.store  # type: ignore[union-attr]
    assert await store.get_conversation("T0ACME", "slack", "C0FINOPS") is None  # no turn ran


async def test_subscribe_checks_membership_too(quiz: Slack) -> None:
    quiz.fake.members.add("C0FINOPS")
    r = await quiz.form(quiz.command("subscribe", channel_id="C0FINOPS"))
    assert r.status == 200
    await quiz.fake.wait_for(lambda: bool(quiz.fake.hooks))
    assert quiz.fake.hooks[0][1]["text"] == "Subscribed: weekly nudges here."
    assert quiz.fake.of("conversations.info")[0].args["channel"] == "C0FINOPS"


async def test_post_plan_to_another_channel_posts_a_thread_and_a_note(quiz: Slack) -> None:
    quiz.fake.members.add("C0PLANS")
    r = await quiz.form(quiz.command("post plan <#C0PLANS|plans>"))
    assert r.status == 200
    await quiz.fake.wait_for(lambda: len(quiz.fake.of("chat.postMessage")) == 2)
    root, reply = quiz.fake.of("chat.postMessage")
    assert root.args["channel"] == reply.args["channel"] == "C0PLANS"
    assert root.args.get("thread_ts") is None
    assert reply.args["thread_ts"] and reply.args["thread_ts"] != root.args.get("thread_ts")
    await quiz.fake.wait_for(lambda: bool(quiz.fake.hooks))
    assert quiz.fake.hooks[0][1]["text"] == "Posted the plan."


async def test_post_plan_to_a_channel_without_crosswalk_falls_back_here(quiz: Slack) -> None:
    quiz.fake.channel_names["C0PLANS"] = "plans"
    await quiz.form(quiz.command("post plan <#C0PLANS|plans>"))
    await quiz.fake.wait_for(lambda: len(quiz.fake.hooks) == 2)
    texts = [body["text"] for _, body in quiz.fake.hooks]
    assert texts[0].startswith("Invite @Crosswalk to #plans first")
    assert texts[1] == "Here is the plan instead."
    assert quiz.fake.of("chat.postMessage") == []


async def test_long_replies_are_split_into_several_messages(quiz: Slack) -> None:
    runtime = quiz.app[SLACK].runtime
    assert runtime is not None
    from bot.slack.inbound import Place, Workspace

    sections = tuple(Section(f"Part {i}", "cost " * 100) for i in range(40))
    long = Card("A long plan", body="Read on.", sections=sections)
    place = Place(Workspace(None, "T0ACME"), "D0ANA", None, "U0ANA", True)
    ts = await runtime.sender.send(runtime.bolt.client, place, long)
    calls = quiz.fake.of("chat.postMessage")
    assert len(calls) >= 2 and ts == "1700000000.000001"
    assert all(len(c.args["blocks"]) <= 50 for c in calls)
    assert calls[0].args["text"].startswith("A long plan")
    assert all(c.args["text"] == "(continued)" for c in calls[1:])


async def test_blocks_slack_refuses_fall_back_to_text(quiz: Slack) -> None:
    runtime = quiz.app[SLACK].runtime
    assert runtime is not None
    from bot.slack.inbound import Place, Workspace

    quiz.fake.inject["chat.postMessage"] = [
        Injected(200, body={"ok": False, "error": "msg_blocks_too_long"})
    ]
    place = Place(Workspace(None, "T0ACME"), "D0ANA", None, "U0ANA", True)
    ts = await runtime.sender.send(runtime.bolt.client, place, Text("**Hello** there"))
    refused, retry = quiz.fake.of("chat.postMessage")  # the refusal came back as HTTP 200
    assert ts is not None and "blocks" in refused.args
    assert retry.args["text"] == "Hello there" and "blocks" not in retry.args


async def test_an_interview_step_answered_by_button_updates_the_message(slack: Slack) -> None:
    """The product's interview (issue 6): a multiple-choice step answered with Next."""
    event = payload("event_message_im.json")
    event["event"]["text"] = "interview"
    await slack.event(event)
    await settle(slack)
    asked = [c for c in slack.fake.of("chat.postMessage") if "crosswalk.next" in str(c.args)]
    assert asked, "the interview's first question has a Next button"
    message = {"text": asked[0].args["text"], "blocks": asked[0].args["blocks"]}
    picker = next(e for b in message["blocks"] if b["type"] == "actions"
                  for e in b["elements"] if e["action_id"] == blocks.PICK)
    chosen = picker["options"][:2]
    next_button = next(e for b in message["blocks"] if b["type"] == "actions"
                       for e in b["elements"] if e["action_id"] == blocks.NEXT)
    press = payload("block_actions.json")
    press["message"].update(text=message["text"], blocks=message["blocks"])
    press["container"]["message_ts"] = press["message"]["ts"] = "1700000001.000002"
    press["actions"][0].update(action_id=blocks.NEXT, value=next_button["value"],
                               text=next_button["text"])
    press.update(trigger_id="trigger-next", response_url=slack.fake.hook_url("next"))
    press["state"] = {"values": {"b1": {blocks.PICK: {"type": picker["type"],
                                                      "selected_options": chosen}}}}
    before = len(slack.fake.of("chat.postMessage"))
    r = await slack.interaction(press)
    assert r.status == 200
    await settle(slack)
    update = slack.fake.of("chat.update")[0]
    labels = ", ".join(o["text"]["text"] for o in chosen)
    assert update.args["text"].endswith(f"✓ {labels}")
    assert all(b["type"] != "actions" for b in update.args["blocks"])
    following = slack.fake.of("chat.postMessage")[before:]
    assert following and following[-1].args["channel"] == "D0ANA"
    assert slack.fake.hooks == []  # not stale
