"""The plan in every format: golden files, the Adaptive Card schema, Slack's limits, inert user
text, and the JSON contract."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jinja2 import Environment, StrictUndefined, UndefinedError
from jsonschema import Draft6Validator
from slack_sdk.models.blocks import Block

from bot.cli.plan import Loaded, render, slack_payloads
from bot.compose import teams_card_size
from bot.slack import blocks
from bot.teams import cards
from dialogs.plan import plan_json, plan_messages
from dialogs.plan.document import finalize
from dialogs.plan.messages import (
    DETAILS,
    TEAMS_MAX_CHARS,
    PlanCard,
    action_menu,
    followups,
    owner_form,
    pick_action,
    pick_section,
    plan_card,
    summary_card,
    teams_card,
)
from dialogs.plan.model import PlanView
from dialogs.text import USER_OPEN, Trusted, user
from tests.plan.helpers import INJECTIONS, NOW, check_golden, kit, sample_states, templates, view

SCHEMA = Path(__file__).parents[1] / "schemas" / "adaptive-card-1.5.json"
CASES = ("sample", "partial", "injection")
SLACK_MAX_CHARS = 12_000


def views() -> dict[str, PlanView]:
    return {
        "sample": view("sample", sample_states()),
        "partial": view("partial"),
        "injection": view("injection"),
    }


# --------------------------------------------------------------------------- validators


@cache
def validator() -> Draft6Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft6Validator.check_schema(schema)
    return Draft6Validator(schema)


def _ids(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("id"), str):
            yield node["id"]
        for value in node.values():
            yield from _ids(value)
    elif isinstance(node, list):
        for value in node:
            yield from _ids(value)


def assert_teams_valid(activity: dict[str, Any]) -> None:
    assert activity["type"] == "message"
    for attachment in activity["attachments"]:
        card = attachment["content"]
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator().iter_errors(card)]
        assert not errors, "\n".join(errors[:5])
        ids = list(_ids(card))
        assert len(ids) == len(set(ids))
        assert card["version"] == "1.5"
        dumped = json.dumps(card, ensure_ascii=False)
        assert not any(marker in dumped for marker in ("<!", "<@", "</script", "<b>"))


def assert_slack_valid(payload: dict[str, Any]) -> None:
    assert payload["text"]
    assert "<" not in payload["text"] and ">" not in payload["text"]
    assert 0 < len(payload["blocks"]) <= 50
    size = len(json.dumps(payload["blocks"], ensure_ascii=False, separators=(",", ":")))
    assert size <= SLACK_MAX_CHARS
    for block in payload["blocks"]:
        parsed = Block.parse(block)
        assert parsed is not None and parsed.to_dict() == block
    assert "thread_ts" not in payload and "channel" not in payload


# --------------------------------------------------------------------------- goldens


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("fmt", ["md", "text", "json", "slack", "teams"])
def test_golden_files(case: str, fmt: str) -> None:
    loaded = Loaded(views()[case], kit(), templates())
    out = render(loaded, fmt, NOW)
    ext = {"md": "md", "text": "txt"}.get(fmt, "json")
    check_golden(fmt, f"{case}.{ext}", out)
    if fmt == "teams":
        assert_teams_valid(json.loads(out))
    if fmt == "slack":
        payloads = json.loads(out)
        assert isinstance(payloads, list) and len(payloads) >= 2
        for payload in payloads:
            assert_slack_valid(payload)


# --------------------------------------------------------------------------- Teams


@pytest.mark.parametrize("case", [*CASES, "full"])
@pytest.mark.parametrize("detail", DETAILS)
def test_every_teams_card_validates(case: str, detail: str) -> None:
    v = view(case, sample_states() if case == "sample" else None)
    assert_teams_valid(cards.render(plan_card(v, NOW, detail)))  # type: ignore[arg-type]


@pytest.mark.parametrize("case", ["sample", "full"])
def test_the_teams_card_fits_the_message_limit(case: str) -> None:
    v = view(case)
    card = teams_card(v, NOW, teams_card_size)
    size = teams_card_size(card)
    assert size <= TEAMS_MAX_CHARS, size
    activity = cards.render(card)
    content = activity["attachments"][0]["content"]
    # sections are expandable: each discipline has a toggle and a hidden body
    toggles = [e for e in content["body"] if e.get("selectAction", {}).get("type")
               == "Action.ToggleVisibility"]
    assert len(toggles) == len(v.doc.disciplines) + 1  # + shared foundations
    assert len(content["fallbackText"]) < 1000  # a summary, not the whole plan again


def test_the_sample_teams_card_keeps_why_now_for_the_top_actions() -> None:
    v = view("sample")
    card = teams_card(v, NOW, teams_card_size)
    text = card.full_text()
    for action in v.next_open(5, NOW):
        assert action.why.split(";")[0] in text


def test_update_flow_messages_render_everywhere() -> None:
    v = view("sample", sample_states())
    action = v.doc.by_number()[3]
    for message in (pick_action(v, NOW), action_menu(v, action, NOW), owner_form(v, action),
                    pick_section(v), *followups(v, NOW)):
        assert_teams_valid(cards.render(message))
        assert_slack_valid(blocks.render(message))


def test_buttons_carry_plan_tokens() -> None:
    v = view("sample")
    card = plan_card(v, NOW, "lean")
    steps = [a.token.step for a in card.actions]
    assert all(a.token.subject == "plan:7" and a.token.revision == 2 for a in card.actions)
    first = v.next_open(1, NOW)[0]
    assert steps == [f"start.{first.id}", f"done.{first.id}", "pick", "detail"]
    slack = blocks.render(card)
    values = [e["value"] for b in slack["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert json.loads(values[1])["token"] == f"plan:7|done.{first.id}|2"


# --------------------------------------------------------------------------- Slack


@pytest.mark.parametrize("case", [*CASES, "full"])
def test_slack_summary_then_one_follow_up_per_section(case: str) -> None:
    v = view(case)
    messages = plan_messages(v, "slack", NOW)
    assert isinstance(messages[0], PlanCard)
    summary = blocks.render(messages[0])
    assert "follows in this thread" in json.dumps(summary)
    assert len(messages) == 1 + len(v.doc.disciplines) + (1 if v.doc.cross_cutting else 0)
    for payload in slack_payloads(messages):
        assert_slack_valid(payload)


def test_summary_has_top_actions_but_no_sections() -> None:
    v = view("sample")
    card = summary_card(v, NOW, threaded=True)
    assert [s.title for s in card.sections] == ["Start here"]
    top = v.next_open(5, NOW)
    assert all(f"#{a.n} {a.title}" in card.sections[0].body for a in top)


# --------------------------------------------------------------------------- inert user text


def test_injection_stays_inert_on_every_target() -> None:
    v = view("injection")
    loaded = Loaded(v, kit(), templates())
    teams = render(loaded, "teams", NOW)
    assert "<!channel>" not in teams and "</script>" not in teams and "<@U123>" not in teams
    assert "‹!channel›" in teams
    slack = json.loads(render(loaded, "slack", NOW))
    for payload in slack:
        assert "<!channel>" not in payload["text"] and "<@U123>" not in payload["text"]
        for element in _walk(payload["blocks"]):
            if element.get("type") == "link":
                assert element["url"].startswith("https://")  # only our source links
            if element.get("type") == "text" and "<!channel>" in element.get("text", ""):
                assert element.get("style") is None or not element["style"].get("code")
    md = render(loaded, "md", NOW)
    assert "<!channel>" not in md and "&lt;\\!channel&gt;" in md
    assert "[x](http://e)" not in md and "\\[x\\]\\(http://e\\)" in md
    assert "</script>" not in md
    text = render(loaded, "text", NOW)
    assert "</script><b>Eve</b> [x](http://e) <!channel>" in text  # as typed, nothing runs
    data = json.loads(render(loaded, "json", NOW))
    sam = next(d for d in data["disciplines"] if d["id"] == "sam")
    assert sam["actions"][0]["owner"] == "</script><b>Eve</b> [x](http://e) <!channel>"
    assert USER_OPEN not in json.dumps(data)
    for marker in INJECTIONS:
        assert marker in text or marker in json.dumps(data, ensure_ascii=False)


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_templates_mark_everything_but_trusted_text() -> None:
    assert finalize(Trusted("**ours**")) == "**ours**"
    assert finalize("*theirs*") == user("*theirs*")
    assert finalize(3) == "3" and finalize(None) == ""
    assert finalize(True) == user("True")
    env = Environment(undefined=StrictUndefined, finalize=finalize)
    with pytest.raises(UndefinedError):
        env.from_string("{{ missing }}").render()


# --------------------------------------------------------------------------- JSON contract


def test_json_contract_is_exact() -> None:
    data = plan_json(view("sample", sample_states()))
    assert list(data) == ["org", "version", "generated_at", "profile_version", "partial",
                          "disciplines", "cross_cutting"]
    action_keys = ["n", "id", "title", "why", "horizon_days", "kpi", "owner", "status",
                   "status_by", "status_at"]
    for d in data["disciplines"]:
        assert list(d) == ["id", "maturity", "overlap", "shared_data", "stakeholders", "kpis",
                           "actions"]
        assert all(list(a) == action_keys for a in d["actions"])
        assert all(isinstance(s, str) for s in d["shared_data"] + d["stakeholders"])
        assert all(set(k) == {"id", "name", "formula", "target"} for k in d["kpis"])
    assert all(list(a) == action_keys for a in data["cross_cutting"])
    first = data["cross_cutting"][0]
    assert (first["status"], first["status_by"]) == ("done", "Ana <Lead>")
    assert first["status_at"] == "2026-11-20T15:30:00+00:00"
    assert first["owner"] == "FinOps practitioner"
    changed = set(sample_states())
    untouched = next(a for d in data["disciplines"] for a in d["actions"] if a["id"] not in changed)
    assert untouched["status"] == "open"
    assert untouched["status_by"] is None and untouched["status_at"] is None
    assert data["partial"] is False and data["generated_at"] == NOW.isoformat()
    assert json.loads(json.dumps(data)) == data


def test_even_the_largest_possible_plan_fits_teams() -> None:
    from dialogs.plan.model import StoredPlan
    from dialogs.profile import DISCIPLINES, DisciplineProfile, Profile
    from tests.plan.helpers import kit as plan_kit

    long = "W" * 200
    biggest = Profile(
        org=long, finops_maturity="walk", priorities=list(PRIORITIES_ALL),
        disciplines={d: DisciplineProfile(maturity="walk", tools=[long] * 30, owner=long,
                                          pain="audit " + long[:190])
                     for d in DISCIPLINES},
    )
    from dialogs.plan import build_plan

    built = build_plan(biggest, plan_kit().library, plan_kit().vocab)
    v = PlanView(StoredPlan(1, "x", 1, 1, NOW, "t", built))
    card = teams_card(v, NOW, teams_card_size)
    assert teams_card_size(card) <= TEAMS_MAX_CHARS
    assert_teams_valid(cards.render(card))


PRIORITIES_ALL = ("licensing", "allocation", "commitments", "forecasting", "waste")
