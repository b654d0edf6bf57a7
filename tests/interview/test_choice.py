"""Typed answers to choices: numbers, labels, aliases, misspellings, lists and yes/no."""

from __future__ import annotations

import pytest

from dialogs.interview import choice
from dialogs.interview.options import Choice

MATURITY = (
    Choice("crawl", "Crawl", "crawl", "", ("beginner",)),
    Choice("walk", "Walk", "walk"),
    Choice("run", "Run", "run"),
    Choice("unknown", "Not sure", "unknown", "", ("don't know",)),
)
PRIORITIES = (
    Choice("allocation", "Allocate all technology cost to owners", "allocation"),
    Choice("licensing", "Optimise licences and SaaS", "licensing"),
    Choice("forecasting", "Forecasting and budgeting", "forecasting"),
)


@pytest.mark.parametrize(
    ("text", "value"),
    [("2", "walk"), ("walk", "walk"), ("WALK!", "walk"), ("Wlak", "walk"), ("beginner", "crawl"),
     ("not sure", "unknown"), ("Don’t know", "unknown"), (" 4 ", "unknown"),
     ("nto sure", "unknown")],
)  # fmt: skip
def test_single(text: str, value: str) -> None:
    found = choice.single(text, MATURITY)
    assert found is not None and found.value == value


@pytest.mark.parametrize("text", ["5", "0", "sprint", "", "w", "walk run"])
def test_single_rejects(text: str) -> None:
    assert choice.single(text, MATURITY) is None


def test_multi_numbers_labels_words_and_own_entries() -> None:
    picked = choice.multi("1 3", PRIORITIES, free_text=False)
    assert picked is not None and picked.answers == ["allocation", "forecasting"]
    picked = choice.multi("Forecasting and budgeting", PRIORITIES, free_text=False)
    assert picked is not None and picked.answers == ["forecasting"]
    picked = choice.multi("licences, cut egress cost", PRIORITIES, free_text=True)
    assert picked is not None and picked.answers == ["licensing", "cut egress cost"]
    assert choice.multi("licences, cut egress cost", PRIORITIES, free_text=False) is None
    none = choice.multi("none", PRIORITIES, free_text=True)
    assert none is not None and none.answers == []


@pytest.mark.parametrize(
    ("text", "answer"),
    [("yes", True), ("Yes!", True), ("that's right", True), ("y", True), ("no", False),
     ("Nope.", False), ("not quite", False), ("maybe", None), ("yes and no", None)],
)  # fmt: skip
def test_yes_no(text: str, answer: bool | None) -> None:
    assert choice.yes_no(text) is answer
