"""Kept cards: every outbound type survives the round trip; the answer's label."""

from __future__ import annotations

import pytest

from bot.teams import cards, codec
from dialogs.messages import (
    Action,
    Card,
    Choices,
    Form,
    FormField,
    FormSubmit,
    Option,
    Origin,
    Press,
    Sender,
    Text,
    Token,
)
from dialogs.text import USER_OPEN
from tests.render.cases import CASES

TOKEN = Token("interview:42", "owner_role", 3)
ORIGIN = Origin("teams", "t", "c")
SENDER = Sender("u")


@pytest.mark.parametrize("name", sorted(CASES))
def test_round_trip(name: str) -> None:
    message = CASES[name]
    assert codec.loads(codec.dumps(message)) == message


@pytest.mark.parametrize("raw", ["", "[]", '{"kind": "video"}', '{"kind": "choices"}',
                                 '{"kind": "text"}', "null"])
def test_unreadable_is_a_value_error(raw: str) -> None:
    with pytest.raises(ValueError):
        codec.loads(raw)


def test_only_pressable_messages_are_kept() -> None:
    assert not codec.has_token(Text("x"))
    assert not codec.has_token(Card("x"))
    assert codec.has_token(Card("x", actions=(Action("Go", TOKEN),)))
    assert codec.has_token(CASES["single_few"]) and codec.has_token(CASES["form"])


def test_labels() -> None:
    choices = Choices("Who?", (Option("a", "Alpha"), Option("b", "Beta")), TOKEN, multi=True)
    press = Press("i", ORIGIN, SENDER, TOKEN, ("b", "a", "zz<"))
    label = codec.answer_label(choices, press)
    assert label.startswith("Beta, Alpha, ") and USER_OPEN in label  # unknown value marked
    form = Form("Tools", (FormField("tool", "Cost tool"), FormField("note", "Note")), TOKEN)
    submit = FormSubmit("i", ORIGIN, SENDER, TOKEN, {"tool": "Apptio <b>", "note": " "})
    assert codec.answer_label(form, submit) == f"Cost tool: {USER_OPEN}Apptio <b>\ue001"
    card = Card("Next", actions=(Action("Start", TOKEN, "go"), Action("Skip", TOKEN, "skip")))
    assert codec.answer_label(card, Press("i", ORIGIN, SENDER, TOKEN, ("skip",))) == "Skip"
    assert codec.answer_label(card, Press("i", ORIGIN, SENDER, TOKEN, ("nope",))) == "Answered"


def test_the_answered_card_renders_user_text_inert() -> None:
    form = Form("Tools", (FormField("tool", "Cost tool"),), TOKEN)
    submit = FormSubmit("i", ORIGIN, SENDER, TOKEN, {"tool": "<at>everyone</at>"})
    fields = cards.answered(form, codec.answer_label(form, submit))
    assert "<at>" not in str(fields) and "‹at›everyone‹/at›" in str(fields)
