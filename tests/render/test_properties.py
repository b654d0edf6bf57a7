"""Property tests: whatever a user types, it reaches every target inert and unchanged."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from bot.console import render as console
from bot.slack import blocks
from bot.teams import cards
from dialogs.markdown import Run, parse
from dialogs.messages import Text
from dialogs.text import clean, user

typed = st.text(alphabet=st.characters(exclude_categories=["Cs"]), min_size=1, max_size=60).filter(
    lambda s: clean(s).strip()
)


@given(typed)
def test_parse_keeps_user_text_as_one_run(text: str) -> None:
    (paragraph,) = parse("Hi **" + user(text) + "**")
    assert paragraph.runs == (Run("Hi "), Run(clean(text), user=True, bold=True))  # type: ignore[union-attr]


@given(typed)
def test_teams_never_has_angle_brackets_from_users(text: str) -> None:
    dumped = json.dumps(cards.render(Text("Hi " + user(text))), ensure_ascii=False)
    assert "<" not in dumped and ">" not in dumped


@given(typed)
def test_slack_keeps_user_text_literal(text: str) -> None:
    message = blocks.render(Text("Hi " + user(text)))
    elements = message["blocks"][0]["elements"][0]["elements"]
    assert elements == [{"type": "text", "text": "Hi "}, {"type": "text", "text": clean(text)}]
    assert "<" not in message["text"] and ">" not in message["text"]


@given(typed)
def test_console_has_no_control_characters(text: str) -> None:
    out = console.render(Text("Hi " + user(text)))
    assert clean(out) == out
