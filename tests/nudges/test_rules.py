"""Parsing subscription rules and pause dates: every bad input gets a message with an example."""

from __future__ import annotations

from datetime import date, time

import pytest

from dialogs.nudges.rules import (
    RuleError,
    SubscribeRequest,
    parse_subscribe,
    parse_time,
    parse_until,
    zone_name,
)
from dialogs.text import plain

TODAY = date(2026, 11, 27)


@pytest.mark.parametrize(("text", "expected"), [
    ("", SubscribeRequest()),
    ("weekly", SubscribeRequest()),
    ("weekly on thursday 14:30 America/New_York",
     SubscribeRequest(3, time(14, 30), "America/New_York")),
    ("on Thu at 9:05 europe/paris", SubscribeRequest(3, time(9, 5), "Europe/Paris")),
    ("fridays 2:30 pm UTC", SubscribeRequest(4, time(14, 30), "UTC")),
    ("monday 12am asia/kolkata", SubscribeRequest(0, time(0, 0), "Asia/Kolkata")),
    ("tuesday", SubscribeRequest(1)),
    ("wednesday 07:00", SubscribeRequest(2, time(7, 0))),
    ("weekly on monday 09:00 Europe/Paris only when something changed",
     SubscribeRequest(0, time(9, 0), "Europe/Paris", True)),
    ("only when changed", SubscribeRequest(only_changed=True)),
])
def test_valid_rules(text: str, expected: SubscribeRequest) -> None:
    assert parse_subscribe(text) == expected


@pytest.mark.parametrize(("text", "fragment"), [
    ("weekly on funday 14:30 UTC", "don't know the day"),
    ("weekly on thursday 25:00 UTC", "can't read the time"),
    ("weekly on thursday 14:60", "can't read the time"),
    ("weekly on thursday 14", "can't read the time"),
    ("weekly on thursday 13pm", "can't read the time"),
    ("weekly on thursday 14:30 Mars/Olympus", "not a time zone"),
    ("weekly on thursday 14:30 America/New_Yrok", "Did you mean `America/New_York`?"),
    ("weekly on thursday 14:30 ../../etc/passwd", "not a time zone"),
    ("weekly on thursday 14:30 Europe/Paris and more", "didn't understand"),
    ("t 14:30", "don't know the day"),
])
def test_invalid_rules_say_why_with_an_example(text: str, fragment: str) -> None:
    with pytest.raises(RuleError) as caught:
        parse_subscribe(text)
    message = plain(str(caught.value))
    assert fragment in message
    assert "e.g." in message or "Did you mean" in message


def test_user_text_in_errors_is_marked_inert() -> None:
    with pytest.raises(RuleError) as caught:
        parse_subscribe("weekly on <!channel> 14:30")
    assert "\ue000<!channel>\ue001" in str(caught.value)


def test_zone_names_are_canonical_and_checked() -> None:
    assert zone_name("america/new_york") == "America/New_York"
    assert zone_name("utc") == "UTC"
    assert zone_name("Nowhere/Town") is None
    assert zone_name("") is None


def test_times() -> None:
    assert parse_time("9:00") == time(9, 0)
    assert parse_time("12pm") == time(12, 0)
    assert parse_time("12:30am") == time(0, 30)
    assert parse_time("9") is None


@pytest.mark.parametrize(("text", "expected"), [
    ("", None),
    ("until 2026-12-24", date(2026, 12, 24)),
    ("2027-01-05", date(2027, 1, 5)),
    ("until 24 dec", date(2026, 12, 24)),
    ("until jan 5", date(2027, 1, 5)),
    ("until 5 January 2027", date(2027, 1, 5)),
])
def test_pause_dates(text: str, expected: date | None) -> None:
    assert parse_until(text, TODAY) == expected


@pytest.mark.parametrize(("text", "fragment"), [
    ("until", "Say until when"),
    ("until tomorrowish", "can't read the date"),
    ("until 2026-02-30", "can't read the date"),
    ("until 2026-11-27", "not in the future"),
    ("until 2026-01-01", "not in the future"),
    ("until 2028-12-24", "up to a year"),
])
def test_bad_pause_dates(text: str, fragment: str) -> None:
    with pytest.raises(RuleError, match=fragment):
        parse_until(text, TODAY)
