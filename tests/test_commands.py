from __future__ import annotations

import pytest

from dialogs.commands import COMMANDS, help_markdown, normalize, parse


@pytest.mark.parametrize(
    ("text", "name", "args"),
    [
        ("help", "help", ""),
        ("  HELP!  ", "help", ""),
        ("/crosswalk status", "status", ""),
        ("post plan", "post plan", ""),
        ("post plan #finops", "post plan", "#finops"),
        ("plan", "plan", ""),
        ("done 3", "done", "3"),
        ("Done  itam-cmdb-link", "done", "itam-cmdb-link"),
        ("done", "done", ""),
        ("pause nudges until 2026-12-24", "pause nudges", "until 2026-12-24"),
        ("subscribe weekly on thursday 14:30 America/New_York", "subscribe",
         "weekly on thursday 14:30 America/New_York"),
        ("ask what is TBM?", "ask", "what is TBM?"),
        ("nudge now", "nudge now", ""),
        ("@Crosswalk help", "help", ""),
    ],
)
def test_parse_commands(text: str, name: str, args: str) -> None:
    cmd = parse(text)
    assert cmd is not None
    assert (cmd.name, cmd.args) == (name, args)


@pytest.mark.parametrize("text", ["how does SAM relate to FinOps?", "planning tips", "helpful",
                                  "statusquo", "", "   "])
def test_non_commands(text: str) -> None:
    assert parse(text) is None


def test_help_lists_every_command() -> None:
    text = help_markdown()
    for spec in COMMANDS:
        assert spec.usage in text


def test_normalize_keeps_case_of_arguments() -> None:
    assert normalize("/crosswalk  ask   What is FOCUS") == "ask What is FOCUS"
