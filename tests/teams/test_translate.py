"""Recorded Teams payloads → the core's inbound types (no SDK, no HTTP)."""

from __future__ import annotations

import pytest

from bot.teams.activity import BadActivity, check_activity, is_loopback_url, parse_body
from bot.teams.translate import (
    DEV_ORG,
    DISPATCH,
    Reject,
    Skip,
    Turn,
    Uninstall,
    Unsupported,
    clean_text,
    time_zone,
    translate,
)
from dialogs.messages import FormSubmit, Joined, Press, TextMessage, Token
from tests.teams.conftest import (
    BOT_ID,
    CHANNEL,
    PERSONAL,
    TEAM,
    TENANT,
    USER,
    USER_AAD,
    payload,
)


def test_personal_message() -> None:
    turn = translate(payload("personal_message"))
    assert isinstance(turn, Turn) and isinstance(turn.event, TextMessage)
    event = turn.event
    assert event.text == "How does SAM relate to FinOps?"
    assert event.inbound_id == f"{PERSONAL}|1764234000123"
    assert event.origin.channel == "teams" and event.origin.org_id == TENANT
    assert event.origin.conversation_id == PERSONAL and event.origin.is_direct
    assert event.origin.thread_id is None
    assert event.sender.user_id == USER_AAD and event.sender.platform_user_id == USER
    assert event.sender.display_name == "Ana Silva"
    assert event.sender.time_zone == "Europe/London"
    assert turn.address.activity_id == "1764234000123" and turn.address.bot_id == BOT_ID


def test_channel_message_strips_the_bot_mention_and_keeps_the_thread() -> None:
    turn = translate(payload("channel_mention"))
    assert isinstance(turn, Turn) and isinstance(turn.event, TextMessage)
    assert turn.event.text == "help"
    origin = turn.event.origin
    assert origin.conversation_id == CHANNEL and origin.thread_id == "1764234300456"
    assert not origin.is_direct
    assert turn.address.conversation_id == f"{CHANNEL};messageid=1764234300456"
    assert turn.address.team_id == TEAM and turn.address.team_channel_id == CHANNEL
    assert turn.event.sender.time_zone == "Europe/Berlin"


def test_card_submit_becomes_a_press_with_its_token() -> None:
    turn = translate(payload("card_submit"))
    assert isinstance(turn, Turn) and isinstance(turn.event, Press)
    assert turn.event.token == Token("interview:42", "owner_role", 3)
    assert turn.event.values == ("finance",)
    assert turn.card_id == "1764234500999"


def test_form_submit_keeps_field_values() -> None:
    value = {"crosswalk": "plan:7|owner|1", "kind": "form", "field.owner": "Ana <b>",
             "field.note": "x", "other": "ignored"}
    turn = translate(payload("card_submit", value=value))
    assert isinstance(turn, Turn) and isinstance(turn.event, FormSubmit)
    assert dict(turn.event.values) == {"owner": "Ana <b>", "note": "x"}


def test_a_foreign_card_submit_is_skipped() -> None:
    assert isinstance(translate(payload("card_submit", value={"msteams": {"type": "x"}})), Skip)
    assert isinstance(translate(payload("card_submit", value="text")), Skip)


def test_bot_added_to_a_team_is_joined_without_a_reply_id() -> None:
    turn = translate(payload("conversation_update_team"))
    assert isinstance(turn, Turn) and isinstance(turn.event, Joined)
    assert turn.event.origin.conversation_id == TEAM
    assert turn.address.activity_id is None


def test_someone_else_joining_is_skipped() -> None:
    data = payload("conversation_update_team", membersAdded=[{"id": "29:someone"}])
    assert isinstance(translate(data), Skip)


def test_uninstall_in_a_team_and_in_a_personal_chat() -> None:
    team = translate(payload("installation_update_team"))
    assert isinstance(team, Uninstall) and team.scope == "team" and team.org_id == TENANT
    assert team.address.team_id == TEAM
    personal = translate(payload("installation_update_personal"))
    assert isinstance(personal, Uninstall) and personal.scope == "conversation"
    assert personal.address.base_conversation_id == PERSONAL


def test_bot_removed_by_conversation_update_is_an_uninstall() -> None:
    data = payload("conversation_update_team", membersAdded=[],
                   membersRemoved=[{"id": BOT_ID}])
    assert isinstance(translate(data), Uninstall)


def test_installation_add_is_joined() -> None:
    turn = translate(payload("installation_update_personal", action="add"))
    assert isinstance(turn, Turn) and isinstance(turn.event, Joined)


def test_unknown_types_are_skipped_in_one_table() -> None:
    assert set(DISPATCH) == {"message", "conversationUpdate", "installationUpdate", "invoke"}
    skipped = translate(payload("message_reaction"))
    assert isinstance(skipped, Skip) and "messageReaction" in skipped.reason
    assert isinstance(translate(payload("personal_message", type="typing")), Skip)


def test_invokes_are_unsupported() -> None:
    found = translate(payload("invoke_action"))
    assert isinstance(found, Unsupported) and found.name == "adaptiveCard/action"


def test_missing_tenant_or_sender_is_rejected() -> None:
    data = payload("personal_message", channelData={})
    data["conversation"].pop("tenantId")
    assert isinstance(translate(data), Reject)
    turn = translate(data, dev_mode=True)  # e.g. the Bot Framework Emulator
    assert isinstance(turn, Turn) and turn.event.origin.org_id == DEV_ORG
    no_sender = payload("personal_message", **{"from": {"name": "x"}})
    assert isinstance(translate(no_sender), Reject)


def test_user_falls_back_to_from_id_without_aad() -> None:
    turn = translate(payload("personal_message", **{"from": {"id": USER}}))
    assert isinstance(turn, Turn) and turn.event.sender.user_id == USER


@pytest.mark.parametrize(
    ("zone", "expected"),
    [("Europe/Berlin", "Europe/Berlin"), ("Mars/Base", None), ("../../etc/passwd", None),
     ("", None), (5, None), ("x" * 100, None)],
)
def test_time_zone_must_be_a_known_iana_name(zone: object, expected: str | None) -> None:
    assert time_zone(zone) == expected


def test_clean_text_mentions() -> None:
    data = {"entities": [{"type": "mention", "text": "<at>Crosswalk</at>",
                          "mentioned": {"id": BOT_ID, "name": "Crosswalk"}}]}
    text = "<at>Crosswalk</at> ask <at>Sam Lee</at> about&nbsp;TBM"
    assert clean_text(text, data, BOT_ID, "Crosswalk") == "ask @Sam Lee about TBM"
    assert clean_text("<at>Crosswalk</at>  help ", {}, BOT_ID, "Crosswalk") == "help"
    assert clean_text("line one\n<at>Crosswalk</at> two", data, BOT_ID, "Crosswalk") == (
        "line one\ntwo"
    )


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{", "body is not valid JSON"),
        (b"[1, 2]", "an activity must be a JSON object"),
        (b"\xff\xfe{}", "body is not UTF-8"),
        (b"[" * 50_000 + b"]" * 50_000, "body is not valid JSON"),
        (b'"text"', "an activity must be a JSON object"),
    ],
)
def test_parse_body_rejections(body: bytes, reason: str) -> None:
    with pytest.raises(BadActivity, match=reason):
        parse_body(body)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"type": 5}, "string type"),
        ({"id": None}, "string id"),
        ({"channelId": ""}, "string channelId"),
        ({"serviceUrl": None}, "serviceUrl"),
        ({"serviceUrl": "ftp://x/"}, "serviceUrl"),
        ({"serviceUrl": "http://x:99999999/"}, "serviceUrl"),
        ({"conversation": "c"}, "conversation.id"),
        ({"conversation": {"id": 7}}, "conversation.id"),
        ({"from": [1]}, "from must be an object"),
        ({"id": "x" * 5000}, "string id"),
    ],
)
def test_check_activity_rejections(changes: dict[str, object], reason: str) -> None:
    with pytest.raises(BadActivity, match=reason):
        check_activity(payload("personal_message") | changes)


def test_check_activity_accepts_the_recorded_payloads() -> None:
    for name in ("personal_message", "channel_mention", "card_submit",
                 "conversation_update_team", "installation_update_team", "invoke_action"):
        check_activity(payload(name))


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:3978/", True),
        ("http://127.8.9.10/", True),
        ("http://localhost:56150", True),
        ("http://[::1]:8080/", True),
        ("https://smba.trafficmanager.net/emea/", False),
        ("http://127.0.0.1.nip.io/", False),
        ("http://localhost.example.com/", False),
        ("http://127.0.0.1@evil.example/", False),
        ("http://0x7f000001/", False),
        ("http://10.0.0.1/", False),
        ("file:///etc/passwd", False),
        ("not a url", False),
        (None, False),
    ],
)
def test_loopback_urls(url: object, loopback: bool) -> None:
    assert is_loopback_url(url) is loopback
