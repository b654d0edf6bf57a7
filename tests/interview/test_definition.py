"""The interview file: the shipped one is valid; broken ones are reported with their line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from dialogs.content import CHECKERS, ContentError, check_content
from dialogs.interview.checker import check_interview, diagnostics, load_definition
from dialogs.interview.definition import parse_definition
from tests.interview.helpers import CONTENT_DIR

SHIPPED = (CONTENT_DIR / "interview.yaml").read_text(encoding="utf-8")


def test_the_shipped_interview_is_valid_and_complete() -> None:
    definition = load_definition(CONTENT_DIR)
    fields = {s.spec.field for s in definition.steps}
    assert fields == {"disciplines", "name", "maturity", "tools", "owner", "pain",
                      "finops_maturity", "priorities"}  # fmt: skip
    maturity = definition.step("maturity")
    assert maturity is not None and isinstance(maturity.spec.options, tuple)
    assert [o.label for o in maturity.spec.options] == ["Crawl", "Walk", "Run", "Not sure"]
    assert all(o.description for o in maturity.spec.options)  # each explained in one line


def test_the_content_check_runs_the_interview_checker() -> None:
    import dialogs.interview  # noqa: F401  (registers the checker)

    assert check_interview in CHECKERS
    found = [d for d in check_content(CONTENT_DIR, date(2026, 11, 27)) if "interview" in d.path]
    assert found == []


def broken(tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "interview.yaml").write_text(text, encoding="utf-8")
    definition, found = diagnostics(tmp_path)
    assert definition is None
    return [f"{d.line}: {d.message}" for d in found]


def with_step(index: int, **changes: object) -> str:
    data = yaml.safe_load(SHIPPED)
    data["steps"][index].update(changes)
    return yaml.safe_dump(data, sort_keys=False)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"kind": "slider"}, "kind"),
        ({"validators": ["be_nice"]}, "unknown validator 'be_nice'"),
        ({"validators": ["max_length"]}, "needs a number"),
        ({"validators": [{"not_blank": 3}]}, "takes no number"),
        ({"prompt": "Who owns {team}?"}, "unknown placeholder {team}"),
        ({"field": "budget"}, "unknown"),
        ({"id": "tools"}, "duplicate step id 'tools'"),
        ({"when": {"answer": "priorities", "includes": "waste"}}, "not an earlier step"),
        ({"options": [{"value": "a,b", "label": "A"}]}, "not a valid option value"),
        ({"understand": False, "free_text": True, "kind": "single"}, "field 'disciplines'"),
        ({"eval": "__import__('os')"}, "unknown key"),
    ],
)
def test_broken_steps_are_reported_with_a_line(
    tmp_path: Path, changes: dict[str, object], expected: str
) -> None:
    index = 0 if "understand" in changes else 2
    found = broken(tmp_path, with_step(index, **changes))
    assert any(expected in line for line in found), found
    assert all(int(line.split(":")[0]) > 1 for line in found), found


def test_maturity_values_must_be_the_profile_ones(tmp_path: Path) -> None:
    data = yaml.safe_load(SHIPPED)
    data["steps"][2]["options"][0]["value"] = "sprint"
    found = broken(tmp_path, yaml.safe_dump(data, sort_keys=False))
    assert any("maturity values are crawl, walk, run, unknown" in f for f in found)


def test_every_profile_field_needs_a_step(tmp_path: Path) -> None:
    data = yaml.safe_load(SHIPPED)
    data["steps"] = [s for s in data["steps"] if s["id"] != "pain"]
    assert "no step fills the profile field 'pain'" in " ".join(
        broken(tmp_path, yaml.safe_dump(data, sort_keys=False))
    )


def test_no_code_in_yaml_and_no_duplicate_keys(tmp_path: Path) -> None:
    found = broken(tmp_path, "version: 1\nintro: !!python/object:os.system x\nsteps: []\n")
    assert any("YAML error" in f for f in found)
    found = broken(tmp_path, SHIPPED.replace("version: 1\n", "version: 1\nversion: 1\n", 1))
    assert any("duplicate key 'version'" in f for f in found)


def test_a_missing_file_fails_loading(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="interview file is missing"):
        load_definition(tmp_path)


def test_parse_definition_reports_a_non_mapping() -> None:
    definition, problems = parse_definition("- just\n- a list\n")
    assert definition is None and problems == [(1, "the interview must be a YAML mapping")]
