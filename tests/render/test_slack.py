"""Slack: Block Kit built with slack_sdk models, limits, and payload parsing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.slack import blocks
from dialogs.messages import Card, Choices, Form, FormField, Option, Text, Token
from dialogs.text import user
from tests.render.cases import ANSWERED, CASES, TOKEN, long_card
from tests.render.golden import as_json, check

INTERACTIVE = {"button", "checkboxes", "static_select", "multi_static_select", "plain_text_input"}


def _elements(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _elements(value)
    elif isinstance(node, list):
        for value in node:
            yield from _elements(value)


def assert_valid(message: dict[str, Any]) -> None:
    """Round-trips through slack_sdk's models (which validate limits) and Slack's own limits."""
    assert message["text"]
    assert "<" not in message["text"] and ">" not in message["text"]
    assert 0 < len(message["blocks"]) <= 50
    for block in message["blocks"]:
        parsed = Block.parse(block)
        assert parsed is not None
        assert parsed.to_dict() == block
    action_ids = [e["action_id"] for e in _elements(message["blocks"]) if "action_id" in e]
    assert len(action_ids) == len(set(action_ids))
    assert all(len(a) <= 255 and a.startswith("crosswalk.") for a in action_ids)
    assert all(len(e["value"]) <= 2000 for e in _elements(message["blocks"]) if "value" in e)


@pytest.mark.parametrize("case", sorted(CASES))
def test_render_golden_and_limits(case: str) -> None:
    message = blocks.render(CASES[case])
    check("slack", case, "json", as_json(message))
    assert_valid(message)


@pytest.mark.parametrize("case", sorted(ANSWERED))
def test_answered_has_no_interactive_elements(case: str) -> None:
    message, label = ANSWERED[case]
    rendered = blocks.answered(message, label)
    check("slack", case, "json", as_json(rendered))
    assert_valid(rendered)
    types = {e.get("type") for e in _elements(rendered["blocks"])}
    assert not types & {*INTERACTIVE, "actions"}
    last = rendered["blocks"][-1]["elements"][0]["elements"]
    assert last[0]["text"] == "✓ "


def test_form_modal_golden() -> None:
    form = CASES["form"]
    assert isinstance(form, Form)
    view = blocks.modal(form)
    check("slack", "form_modal", "json", as_json(view))
    View(**view).validate_json()
    assert view["private_metadata"] == "interview:42|tagging|4"
    assert [b["block_id"] for b in view["blocks"] if b["type"] == "input"] == [
        "field.name",
        "field.details",
        "field.owner",
    ]


def test_modal_title_is_truncated_and_shown_in_full() -> None:
    form = Form("Describe the cost allocation policy you use today", (FormField("a", "A"),), TOKEN)
    view = blocks.modal(form)
    assert len(view["title"]["text"]) <= 24 and view["title"]["text"].endswith("…")
    first = view["blocks"][0]["elements"][0]["elements"]
    assert first == [
        {
            "type": "text",
            "text": "Describe the cost allocation policy you use today",
            "style": {"bold": True},
        }
    ]


@pytest.mark.parametrize(
    ("count", "multi", "element"),
    [
        (5, False, "button"),
        (6, False, "static_select"),
        (100, False, "static_select"),
        (10, True, "checkboxes"),
        (11, True, "multi_static_select"),
        (100, True, "multi_static_select"),
    ],
)
def test_choice_element_by_count(count: int, multi: bool, element: str) -> None:
    options = tuple(Option(f"v{i}", f"Option {i}") for i in range(count))
    message = blocks.render(Choices("Pick", options, TOKEN, multi=multi))
    assert_valid(message)
    types = [e["type"] for e in _elements(message["blocks"]) if e.get("type") in INTERACTIVE]
    if element == "button":
        assert types == ["button"] * count
    else:
        assert types == [element, "button"]


def test_more_than_100_options_is_refused_by_slack_sdk() -> None:
    options = tuple(Option(f"v{i}", f"Option {i}") for i in range(101))
    with pytest.raises(SlackObjectFormationError):
        blocks.render(Choices("Pick", options, TOKEN))


def test_long_header_and_labels_are_truncated() -> None:
    card = Card(title="T" * 200 + " end")
    header = blocks.render(card)["blocks"][0]
    assert header["type"] == "header" and len(header["text"]["text"]) == 150
    choices = Choices("Pick", (Option("a", "L" * 100), Option("b", "b")), TOKEN)
    button = blocks.render(choices)["blocks"][1]["elements"][0]
    assert len(button["text"]["text"]) == 75


def test_long_card_is_split_within_limits() -> None:
    message = blocks.render(long_card())
    assert len(message["blocks"]) > 50
    groups = blocks.split(message["blocks"])
    assert len(groups) >= 2
    assert [b for g in groups for b in g] == message["blocks"]
    for group in groups:
        assert len(group) <= 50
        assert len(json.dumps(group, ensure_ascii=False, separators=(",", ":"))) <= 12000 + 2 * len(
            group
        )


def test_split_respects_small_limits() -> None:
    items = [{"type": "divider"}] * 7
    assert [len(g) for g in blocks.split(items, limit_blocks=3)] == [3, 3, 1]
    assert [len(g) for g in blocks.split(items, limit_chars=40)] == [2, 2, 2, 1]
    assert blocks.split([]) == []


# --------------------------------------------------------------------------- payloads


def _press(action: dict[str, Any], values: dict[str, Any] | None = None) -> dict[str, Any]:
    """A trimmed block_actions payload as Slack sends it."""
    return {
        "type": "block_actions",
        "user": {"id": "U1", "team_id": "T1"},
        "trigger_id": "123.456.abc",
        "actions": [action],
        "state": {"values": values or {}},
    }


def _find(message: dict[str, Any], action_id: str) -> dict[str, Any]:
    (found,) = [e for e in _elements(message["blocks"]) if e.get("action_id") == action_id]
    return found


def test_parse_single_choice_button() -> None:
    button = _find(blocks.render(CASES["single_few"]), "crosswalk.press.1")
    action = {
        "type": "button",
        "action_id": button["action_id"],
        "block_id": "x",
        "value": button["value"],
    }
    assert blocks.parse_action(_press(action)) == (TOKEN, ("engineering",))


def test_parse_next_reads_checkboxes_from_state() -> None:
    message = blocks.render(CASES["multi_few"])
    nxt = _find(message, "crosswalk.next")
    state = {
        "b1": {
            "crosswalk.pick": {
                "type": "checkboxes",
                "selected_options": [{"value": "itil"}, {"value": "cobit"}],
            }
        }
    }
    action = {"type": "button", "action_id": "crosswalk.next", "value": nxt["value"]}
    assert blocks.parse_action(_press(action, state)) == (TOKEN, ("itil", "cobit"))
    assert blocks.parse_action(_press(action)) == (TOKEN, ())


def test_parse_next_reads_static_select_from_state() -> None:
    nxt = _find(blocks.render(CASES["single_many"]), "crosswalk.next")
    state = {
        "b": {"crosswalk.pick": {"type": "static_select", "selected_option": {"value": "gcp"}}}
    }
    action = {"type": "button", "action_id": "crosswalk.next", "value": nxt["value"]}
    assert blocks.parse_action(_press(action, state)) == (TOKEN, ("gcp",))


def test_pick_clicks_are_ignored() -> None:
    action = {"type": "checkboxes", "action_id": "crosswalk.pick", "selected_options": []}
    assert blocks.parse_action(_press(action)) is None


def test_parse_card_action() -> None:
    button = _find(blocks.render(CASES["card"]), "crosswalk.action.0")
    action = {"type": "button", "action_id": "crosswalk.action.0", "value": button["value"]}
    assert blocks.parse_action(_press(action)) == (Token("plan:7", "share", 1), ("channel",))


def test_form_button_opens_the_modal() -> None:
    button = _find(blocks.render(CASES["form"]), "crosswalk.form")
    action = {"type": "button", "action_id": "crosswalk.form", "value": button["value"]}
    payload = _press(action)
    assert blocks.parse_form_open(payload) == (Token("interview:42", "tagging", 4), "123.456.abc")
    assert blocks.parse_action(payload) is None


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"type": "view_submission"},
        {"type": "block_actions", "actions": []},
        _press({"action_id": "crosswalk.press.0", "value": "not json"}),
        _press({"action_id": "crosswalk.press.0", "value": '{"token": "bad"}'}),
        _press({"action_id": "crosswalk.press.0", "value": "[1]"}),
        _press({"action_id": "crosswalk.press.0"}),
        _press({"action_id": "someone.else", "value": '{"token": "a|b|1"}'}),
    ],
)
def test_parse_action_ignores_foreign_payloads(payload: dict[str, Any]) -> None:
    assert blocks.parse_action(payload) is None
    assert blocks.parse_form_open(payload) is None


def test_parse_view_submission() -> None:
    form = CASES["form"]
    assert isinstance(form, Form)
    view = blocks.modal(form)
    payload: dict[str, Any] = {
        "type": "view_submission",
        "view": {
            **view,
            "id": "V1",
            "state": {
                "values": {
                    "field.name": {"value": {"type": "plain_text_input", "value": "Tags v2"}},
                    "field.details": {"value": {"type": "plain_text_input", "value": None}},
                    "other": {"value": {"type": "plain_text_input", "value": "x"}},
                }
            },
        },
    }
    assert blocks.parse_view_submission(payload) == (
        Token("interview:42", "tagging", 4),
        {"name": "Tags v2", "details": ""},
    )
    payload["view"]["callback_id"] = "other"
    assert blocks.parse_view_submission(payload) is None
    assert blocks.parse_view_submission({"type": "block_actions"}) is None


def test_fallback_text_is_escaped() -> None:
    message = blocks.render(Text(f"Hi {user('<!channel> & <@U1>')}"))
    assert message["text"] == "Hi &lt;!channel&gt; &amp; &lt;@U1&gt;"
