"""Teams: activity fields and Adaptive Cards 1.5, validated against the official schema."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft6Validator

from bot.teams import cards
from dialogs.messages import Choices, Form, FormField, Option, Text, Token
from dialogs.text import user
from tests.render.cases import ANSWERED, CASES, TOKEN, long_card
from tests.render.golden import as_json, check

SCHEMA = Path(__file__).parents[1] / "schemas" / "adaptive-card-1.5.json"


@cache
def validator() -> Draft6Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft6Validator.check_schema(schema)
    return Draft6Validator(schema)


def assert_valid(card: dict[str, Any]) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator().iter_errors(card)]
    assert not errors, "\n".join(errors)
    ids = list(_ids(card))
    assert len(ids) == len(set(ids)), f"duplicate element ids: {ids}"
    assert card["version"] == "1.5" and card["type"] == "AdaptiveCard" and card["$schema"]


def _ids(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("id"), str):
            yield node["id"]
        for value in node.values():
            yield from _ids(value)
    elif isinstance(node, list):
        for value in node:
            yield from _ids(value)


def _cards(activity: dict[str, Any]) -> list[dict[str, Any]]:
    return [a["content"] for a in activity.get("attachments", [])]


@pytest.mark.parametrize("case", sorted(CASES))
def test_render_golden_and_schema(case: str) -> None:
    activity = cards.render(CASES[case])
    check("teams", case, "json", as_json(activity))
    assert activity["type"] == "message"
    for content in _cards(activity):
        assert content["type"] == "AdaptiveCard"
    for content in [*_cards(activity), cards.card(CASES[case])]:
        assert_valid(content)


@pytest.mark.parametrize("case", sorted(ANSWERED))
def test_answered_golden_and_schema(case: str) -> None:
    message, label = ANSWERED[case]
    activity = cards.answered(message, label)
    check("teams", case, "json", as_json(activity))
    (content,) = _cards(activity)
    assert_valid(content)
    dumped = json.dumps(content)
    assert "Input." not in dumped and "Action.Submit" not in dumped
    assert "actions" not in content


def test_long_card_validates() -> None:
    assert_valid(cards.card(long_card()))


def test_trusted_text_is_a_markdown_message() -> None:
    assert cards.render(Text("**Hi** [there](https://e.com)")) == {
        "type": "message",
        "text": "**Hi** [there](https://e.com)",
        "textFormat": "markdown",
    }


def test_user_text_needs_a_card_with_text_runs() -> None:
    activity = cards.render(Text(f"Hi **{user('<b>Sam</b>')}**"))
    (content,) = _cards(activity)
    assert content["body"] == [
        {
            "type": "RichTextBlock",
            "inlines": [
                {"type": "TextRun", "text": "Hi "},
                {"type": "TextRun", "text": "‹b›Sam‹/b›", "weight": "bolder"},
            ],
        }
    ]
    assert activity["summary"] == "Hi ‹b›Sam‹/b›"


@pytest.mark.parametrize(
    ("count", "multi", "style"),
    [(5, False, "expanded"), (6, False, "compact"), (3, True, "compact"), (12, True, "compact")],
)
def test_choice_set_style(count: int, multi: bool, style: str) -> None:
    options = tuple(Option(f"v{i}", f"Option {i}") for i in range(count))
    content = cards.card(Choices("Pick", options, TOKEN, multi=multi))
    (choice_set,) = [e for e in content["body"] if e["type"] == "Input.ChoiceSet"]
    assert choice_set["style"] == style
    assert choice_set["isMultiSelect"] is multi
    assert content["actions"][0]["data"] == {"crosswalk": TOKEN.encode(), "kind": "choice"}


def test_duplicate_field_names_are_rejected() -> None:
    form = Form("T", (FormField("a", "A"), FormField("a", "B")), TOKEN)
    with pytest.raises(ValueError, match="unique"):
        cards.card(form)


def test_parse_submit_single_and_multi() -> None:
    data = {"crosswalk": TOKEN.encode(), "kind": "choice"}
    assert cards.parse_submit({**data, "choice": "finance"}) == (TOKEN, ("finance",))
    assert cards.parse_submit({**data, "choice": "itil,tbm"}) == (TOKEN, ("itil", "tbm"))
    assert cards.parse_submit({**data, "choice": ""}) == (TOKEN, ())
    assert cards.parse_submit(data) == (TOKEN, ())


def test_parse_submit_form_and_action() -> None:
    form = {
        "crosswalk": "interview:42|tagging|4",
        "kind": "form",
        "field.name": "Tags v2",
        "field.details": "",
        "other": "ignored",
    }
    assert cards.parse_submit(form) == (
        Token("interview:42", "tagging", 4),
        {"name": "Tags v2", "details": ""},
    )
    action = {"crosswalk": "plan:7|share|1", "kind": "action", "value": "channel"}
    assert cards.parse_submit(action) == (Token("plan:7", "share", 1), ("channel",))
    assert cards.parse_submit({**action, "value": ""}) == (Token("plan:7", "share", 1), ())


@pytest.mark.parametrize(
    "value",
    [
        None,
        "text",
        {},
        {"crosswalk": "broken"},
        {"crosswalk": TOKEN.encode()},
        {"crosswalk": TOKEN.encode(), "kind": "unknown"},
        {"msteams": {"type": "messageBack"}},
    ],
)
def test_parse_submit_ignores_foreign_values(value: object) -> None:
    assert cards.parse_submit(value) is None


def test_submit_round_trip_from_rendered_card() -> None:
    for case in ("single_few", "multi_few", "form", "card"):
        content = cards.card(CASES[case])
        for action in content.get("actions", []):
            if action["type"] == "Action.Submit":
                parsed = cards.parse_submit(action["data"])
                assert parsed is not None and isinstance(parsed[0], Token)
