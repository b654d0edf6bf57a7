"""Console: plain text for an 80-column terminal."""

from __future__ import annotations

import pytest

from bot.console.render import render
from dialogs.messages import Card, Choices, Link, Option, Text
from dialogs.text import Trusted, user
from tests.render.cases import CASES, TOKEN, long_card
from tests.render.golden import check


@pytest.mark.parametrize("case", sorted(CASES))
def test_render_golden(case: str) -> None:
    text = render(CASES[case])
    check("console", case, "txt", text)
    assert "\x1b" not in text
    for line in text.splitlines():
        assert len(line) <= 80 or " " not in line.strip(), line


def test_color_makes_titles_bold_only() -> None:
    text = render(CASES["card"], color=True)
    assert text.startswith("\x1b[1mPlan for Acme <Cloud>\x1b[0m\n")
    assert text.replace("\x1b[1m", "").replace("\x1b[0m", "") == render(CASES["card"])


def test_control_characters_are_removed() -> None:
    assert render(Text(Trusted("bell\x07 and \x1b[31mred"))) == "bell and [31mred\n"
    assert render(Text("Hi " + user("x\x1b]0;title\x07y"))) == "Hi x]0;titley\n"


def test_numbered_options_and_selection() -> None:
    message = Choices(
        "Pick **one**",
        (Option("a", "Alpha"), Option("b", "Beta", "second")),
        TOKEN,
        selected=("b",),
    )
    assert render(message) == (
        "Pick one\n\n"
        "  1. Alpha\n"
        "  2. Beta — second (selected)\n"
        "(Reply with a number or the label.)\n"
    )


def test_links_shown_in_full() -> None:
    card = Card(
        "Read more",
        body="See [the guide](https://example.com/guide).",
        links=(Link("Docs", "https://example.com/docs"),),
    )
    assert render(card) == (
        "Read more\n\n"
        "See the guide (https://example.com/guide).\n\n"
        "  Docs: https://example.com/docs\n"
    )


def test_long_text_wraps_at_80_columns() -> None:
    text = render(long_card(3))
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "    " not in text.replace("\n    ", "\n")
