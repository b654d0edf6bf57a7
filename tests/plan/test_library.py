"""The action library as data: the shipped files are valid, and every kind of mistake is caught."""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import yaml

from dialogs.content import CHECKERS, check_content
from dialogs.content.diagnostic import ContentError
from dialogs.plan.check import check_plan_content
from dialogs.plan.library import (
    CROSS,
    LEVELS,
    MIN_PER_DISCIPLINE,
    REQUIRED_SHARED,
    load_library,
    scan_library,
)
from dialogs.profile import DISCIPLINES, PRIORITIES
from tests.plan.helpers import CONTENT, content, kit

TODAY = date(2026, 11, 27)


def test_shipped_library_is_clean_and_complete() -> None:
    scan = scan_library(CONTENT)
    assert [str(d) for d in scan.diagnostics] == []
    library = scan.library()
    per = Counter(library.discipline_of(a) for a in library.actions)
    for discipline in DISCIPLINES:
        assert per[discipline] >= MIN_PER_DISCIPLINE, discipline
        levels = {lvl for a in library.for_discipline(discipline) for lvl in a.maturity}
        assert levels == set(LEVELS), discipline
    assert set(REQUIRED_SHARED) <= {a.id for a in library.for_discipline(CROSS)}
    for action in library.actions.values():
        assert action.kpi in library.kpis
        assert set(action.priorities) <= set(PRIORITIES)
        assert action.source.startswith("https://")
        assert all(dep in library.actions for dep in action.depends_on)
    assert set(library.briefs) == set(DISCIPLINES)


def test_the_checker_is_registered_and_passes_on_the_shipped_content() -> None:
    import dialogs.plan  # noqa: F401  (registration happens on import)

    assert check_plan_content in CHECKERS
    found = check_content(CONTENT, TODAY, checkers=[check_plan_content])
    assert [str(d) for d in found if d.level == "error"] == []


def test_library_tools_exist_in_the_taxonomy() -> None:
    tools = set(content().tools)
    used = {t for a in kit().library.actions.values() for t in a.tools}
    assert used <= tools, sorted(used - tools)


# --------------------------------------------------------------------------- broken copies


@pytest.fixture
def root(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


def _edit(root: Path, rel: str, change) -> None:  # type: ignore[no-untyped-def]
    path = root / rel
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _messages(root: Path) -> list[str]:
    return [f"{d.path}:{d.line}: {d.message}" for d in scan_library(root).diagnostics
            if d.level == "error"]


def test_duplicate_ids_unknown_references_and_cycles_are_reported(root: Path) -> None:
    def break_itsm(data: dict) -> None:  # type: ignore[type-arg]
        by_id = {a["id"]: a for a in data["actions"]}
        by_id["itsm.ownership-source"]["id"] = "itsm.cmdb-app-owner"
        by_id["itsm.pilot-service-mapping"]["depends_on"] = ["itsm.nope"]
        by_id["itsm.anomaly-incidents"]["kpi"] = "no-such-kpi"
        by_id["itsm.change-cost-impact"]["priorities"] = ["cheaper"]
        by_id["itsm.cmdb-auto-register"]["depends_on"] = ["itsm.release-gate"]
        by_id["itsm.release-gate"]["depends_on"] = ["itsm.cmdb-auto-register"]
        by_id["itsm.service-showback"]["depends_on"] = ["itsm.service-showback"]

    _edit(root, "actions/itsm.yaml", break_itsm)
    found = _messages(root)
    text = "\n".join(found)
    assert "duplicate action id 'itsm.cmdb-app-owner'" in text
    assert "unknown action 'itsm.nope'" in text
    assert "unknown KPI 'no-such-kpi'" in text
    assert "unknown priority 'cheaper'" in text
    assert "dependency cycle: itsm.cmdb-auto-register → itsm.release-gate" in text
    assert "an action cannot depend on itself" in text
    assert all(line.startswith("content/actions/itsm.yaml:") for line in found if "itsm" in line)
    # lines point at the offending key, not the top of the file
    assert any(f.startswith("content/actions/itsm.yaml:") and not f.startswith(
        "content/actions/itsm.yaml:1:") for f in found)
    with pytest.raises(ContentError):
        load_library(root)


def test_coverage_prefix_and_schema_problems_are_reported(root: Path) -> None:
    def thin_out(data: dict) -> None:  # type: ignore[type-arg]
        data["actions"] = [a for a in data["actions"] if "run" not in a["maturity"]]
        data["actions"][0]["id"] = "sam-wrong-prefix"
        data["actions"][1]["effort"] = "huge"
        data["actions"][2]["colour"] = "blue"

    _edit(root, "actions/ea.yaml", thin_out)
    _edit(root, "actions/cross-cutting.yaml",
          lambda d: d.update(actions=[a for a in d["actions"] if a["id"] != "shared.raci"]))
    text = "\n".join(_messages(root))
    assert "discipline 'ea' has no action for 'run'" in text
    assert "at least 5 are needed" in text
    assert "action id 'sam-wrong-prefix' must start with 'ea.'" in text
    assert "effort" in text and "colour: unknown key" in text
    assert "cross-cutting action 'shared.raci' is missing" in text


def test_unknown_tools_and_articles_are_reported_by_the_checker(root: Path) -> None:
    _edit(root, "actions/sam.yaml",
          lambda d: d["actions"][0].update(tools=["no-such-tool"]))
    _edit(root, "plan/disciplines.yaml",
          lambda d: d["disciplines"]["itsm"].update(article="itsm.gone"))
    found = [str(d) for d in check_content(root, TODAY, checkers=[check_plan_content])]
    assert any("unknown tool 'no-such-tool'" in f for f in found)
    assert any("unknown article 'itsm.gone'" in f for f in found)


def test_a_template_needing_a_missing_variable_fails_the_check(root: Path) -> None:
    path = root / "templates" / "plan.md.j2"
    path.write_text(path.read_text(encoding="utf-8") + "{{ no_such_variable }}\n",
                    encoding="utf-8")
    found = [str(d) for d in check_content(root, TODAY, checkers=[check_plan_content])]
    assert any("plan.md.j2" in f and "no_such_variable" in f for f in found), found


def test_a_template_syntax_error_points_at_its_line(root: Path) -> None:
    path = root / "templates" / "diff.md.j2"
    path.write_text("line one\n{% if %}\n", encoding="utf-8")
    found = check_content(root, TODAY, checkers=[check_plan_content])
    bad = [d for d in found if d.path.endswith("diff.md.j2")]
    assert bad and bad[0].line == 2


def test_invalid_yaml_and_missing_files_are_reported(root: Path) -> None:
    (root / "actions" / "devops.yaml").write_text("discipline: devops\nactions: [\n")
    (root / "plan" / "kpis.yaml").unlink()
    text = "\n".join(_messages(root))
    assert "content/actions/devops.yaml" in text and "YAML error" in text
    assert "KPI file is missing" in text
