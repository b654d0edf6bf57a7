"""User text that tries to mention, link, format or inject stays inert in every target."""

from __future__ import annotations

import json

import pytest

from bot.console import render as console
from bot.slack import blocks
from bot.teams import cards
from dialogs import markdown
from dialogs.messages import Text
from dialogs.text import user

# user text → (Teams TextRun, Slack fallback text, Markdown export)
EXPECTED = {
    "<!channel>": ("‹!channel›", "&lt;!channel&gt;", "&lt;\\!channel&gt;"),
    "<@U123>": ("‹@U123›", "&lt;@U123&gt;", "&lt;@U123&gt;"),
    "*bold*": ("*bold*", "*bold*", "\\*bold\\*"),
    "[x](http://e)": ("[x](http://e)", "[x](http://e)", "\\[x\\]\\(http://e\\)"),
    "</script>": ("‹/script›", "&lt;/script&gt;", "&lt;/script&gt;"),
}


@pytest.mark.parametrize("attack", sorted(EXPECTED))
def test_teams(attack: str) -> None:
    activity = cards.render(Text("Hi " + user(attack)))
    run = EXPECTED[attack][0]
    assert activity == {
        "type": "message",
        "summary": f"Hi {run}",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.5",
                    "fallbackText": f"Hi {run}",
                    "body": [
                        {
                            "type": "RichTextBlock",
                            "inlines": [
                                {"type": "TextRun", "text": "Hi "},
                                {"type": "TextRun", "text": run},
                            ],
                        }
                    ],
                },
            }
        ],
    }


@pytest.mark.parametrize("attack", sorted(EXPECTED))
def test_slack(attack: str) -> None:
    assert blocks.render(Text("Hi " + user(attack))) == {
        "text": f"Hi {EXPECTED[attack][1]}",
        "blocks": [
            {
                "type": "rich_text",
                "elements": [
                    {
                        "type": "rich_text_section",
                        "elements": [
                            {"type": "text", "text": "Hi "},
                            {"type": "text", "text": attack},
                        ],
                    }
                ],
            }
        ],
    }


@pytest.mark.parametrize("attack", sorted(EXPECTED))
def test_console(attack: str) -> None:
    assert console.render(Text("Hi " + user(attack))) == f"Hi {attack}\n"


@pytest.mark.parametrize("attack", sorted(EXPECTED))
def test_markdown(attack: str) -> None:
    assert markdown.render(Text("Hi " + user(attack))) == f"Hi {EXPECTED[attack][2]}\n"


def test_no_raw_tag_in_any_teams_json() -> None:
    from tests.render.cases import ANSWERED, CASES

    produced = [cards.render(m) for m in CASES.values()]
    produced += [cards.answered(m, label) for m, label in ANSWERED.values()]
    for activity in produced:
        dumped = json.dumps(activity, ensure_ascii=False)
        for raw in ("<!channel>", "<@U123>", "</script>", "<Cloud>", "<eu>", "<team>", "<policy>"):
            assert raw not in dumped


def test_markup_around_user_text_styles_it_without_parsing_it() -> None:
    slack = blocks.render(Text(f"**{user('*x* <!here>')}**"))["blocks"][0]
    assert slack["elements"][0]["elements"] == [
        {"type": "text", "text": "*x* <!here>", "style": {"bold": True}}
    ]
    teams = cards.card(Text(f"**{user('*x* <!here>')}**"))["body"][0]
    assert teams["inlines"] == [{"type": "TextRun", "text": "*x* ‹!here›", "weight": "bolder"}]
