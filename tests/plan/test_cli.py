"""``crosswalk plan`` after ``crosswalk profile import``: every format, export, diff, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from tests.plan.helpers import FIXTURES, SAMPLE


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("CROSSWALK_DATABASE_URL", f"sqlite:///{tmp_path / 'cw.db'}")
    monkeypatch.delenv("CROSSWALK_CONTENT_DIR", raising=False)
    return CliRunner()


def run(cli: CliRunner, *args: str) -> Result:
    return cli.invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def imported(cli: CliRunner) -> CliRunner:
    result = run(cli, "profile", "import", str(SAMPLE), "--org", "acme")
    assert result.exit_code == 0, result.output
    return cli


def test_show_in_every_format(imported: CliRunner) -> None:
    md = run(imported, "plan", "show", "--org", "acme", "--format", "md")
    assert md.exit_code == 0 and md.output.startswith("# Alignment plan for acme")
    assert "## SAM · crawl" in md.output and "Reconcile Azure Hybrid Benefit" in md.output
    text = run(imported, "plan", "show", "--org", "acme")
    assert text.exit_code == 0 and text.output.startswith("ALIGNMENT PLAN FOR ACME")
    data = json.loads(run(imported, "plan", "show", "--org", "acme", "--format", "json").output)
    assert data["org"] == "acme" and data["version"] == 1 and data["profile_version"] == 1
    assert [d["id"] for d in data["disciplines"]] == ["itam", "sam", "itsm"]
    slack = json.loads(run(imported, "plan", "show", "--org", "acme", "--format", "slack").output)
    assert isinstance(slack, list) and len(slack) == 5
    assert all("blocks" in p and "text" in p and "thread_ts" not in p for p in slack)
    teams = json.loads(run(imported, "plan", "show", "--org", "acme", "--format", "teams").output)
    assert teams["type"] == "message"
    assert teams["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    # showing again does not create another version
    again = json.loads(run(imported, "plan", "show", "--org", "acme", "--format", "json").output)
    assert again["version"] == 1


def test_export_picks_the_format_from_the_file_name(imported: CliRunner, tmp_path: Path) -> None:
    md = tmp_path / "plan.md"
    result = run(imported, "plan", "export", "--org", "acme", "-o", str(md))
    assert result.exit_code == 0 and md.read_text(encoding="utf-8").startswith("# Alignment")
    js = tmp_path / "plan.json"
    run(imported, "plan", "export", "--org", "acme", "-o", str(js))
    assert json.loads(js.read_text(encoding="utf-8"))["org"] == "acme"
    bad = run(imported, "plan", "export", "--org", "acme", "-o", str(tmp_path / "no" / "x.md"))
    assert bad.exit_code == 1 and "cannot write" in bad.output


def test_diff_after_a_new_profile_version(imported: CliRunner, tmp_path: Path) -> None:
    first = run(imported, "plan", "diff", "--org", "acme")
    assert first.exit_code == 0 and "first plan" in first.output
    changed = tmp_path / "acme.yaml"
    changed.write_text(SAMPLE.read_text(encoding="utf-8").replace(
        "    maturity: crawl", "    maturity: walk"), encoding="utf-8")
    assert run(imported, "profile", "import", str(changed), "--org", "acme").exit_code == 0
    data = json.loads(run(imported, "plan", "diff", "--org", "acme", "--json").output)
    assert (data["from_version"], data["to_version"]) == (1, 2)
    assert "SAM: crawl → walk" in data["maturity_changes"] and data["added"]
    md = run(imported, "plan", "diff", "--org", "acme", "--format", "md")
    assert "**Plan changes for acme: version 1 → 2**" in md.output


def test_a_stored_version_can_be_shown(imported: CliRunner) -> None:
    run(imported, "plan", "show", "--org", "acme")
    ok = run(imported, "plan", "show", "--org", "acme", "--version", "1", "--format", "json")
    assert json.loads(ok.output)["version"] == 1
    missing = run(imported, "plan", "show", "--org", "acme", "--version", "7")
    assert missing.exit_code == 1 and "no plan version 7" in missing.output


def test_no_profile_is_a_clear_error(cli: CliRunner) -> None:
    result = run(cli, "plan", "show", "--org", "nobody")
    assert result.exit_code == 1
    assert "has no profile yet" in result.output and "profile import" in result.output
    assert run(cli, "plan", "diff", "--org", "nobody").exit_code == 1


def test_a_partial_profile_is_marked(cli: CliRunner) -> None:
    path = FIXTURES / "partial.yaml"
    assert run(cli, "profile", "import", str(path), "--org", "initech").exit_code == 0
    data = json.loads(run(cli, "plan", "show", "--org", "initech", "--format", "json").output)
    assert data["partial"] is True


def test_broken_content_is_a_clear_error(cli: CliRunner, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from tests.plan.helpers import CONTENT

    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    (root / "plan" / "kpis.yaml").unlink()
    monkeypatch.setenv("CROSSWALK_CONTENT_DIR", str(root))
    result = run(cli, "plan", "show", "--org", "acme")
    assert result.exit_code == 1 and "crosswalk content check" in result.output
