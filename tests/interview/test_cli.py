"""``crosswalk profile`` and ``crosswalk interview show``, on both engines."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from bot.cli import main
from bot.store import Store
from dialogs.interview.profile_io import parse
from tests.interview.helpers import chat

PROFILE = {
    "org": "acme",
    "version": 7,
    "updated": "2020-01-01T00:00:00Z",
    "finops_maturity": "walk",
    "priorities": ["allocation", "Cut data egress"],
    "disciplines": {
        "itsm": {"maturity": "run", "tools": ["ServiceNow ITSM", "ITIL 4"],
                 "owner": "Service desk", "pain": "Too many tickets"},
        "other": {"maturity": "crawl", "tools": [], "owner": "Data office",
                  "pain": "No lineage", "name": "Data governance"},
        "sam": {"maturity": "unknown", "tools": [], "owner": "", "pain": ""},
    },
}  # fmt: skip


def cli(db_url: str, *args: str) -> Result:
    runner = CliRunner()
    return runner.invoke(main, list(args), env={"CROSSWALK_DATABASE_URL": db_url})


def write(tmp_path: Path, name: str, data: object) -> Path:
    file = tmp_path / name
    text = json.dumps(data) if name.endswith(".json") else yaml.safe_dump(data, sort_keys=False)
    file.write_text(text, encoding="utf-8")
    return file


def test_import_export_round_trip(db_url: str, tmp_path: Path) -> None:
    result = cli(db_url, "profile", "import", str(write(tmp_path, "p.yaml", PROFILE)),
                 "--org", "acme", "--by", "ana")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "as version 1" in result.output  # the file's version 7 is ignored
    exported = cli(db_url, "profile", "export", "--org", "acme")
    data = yaml.safe_load(exported.output)
    assert data["version"] == 1 and data["updated"] != PROFILE["updated"]
    strip = {k: v for k, v in PROFILE.items() if k not in ("version", "updated")}
    assert {k: v for k, v in data.items() if k not in ("version", "updated")} == {
        **strip,
        "disciplines": {k: {f: x for f, x in v.items() if f != "name" or x}  # type: ignore[attr-defined]
                        for k, v in PROFILE["disciplines"].items()},  # type: ignore[attr-defined]
    }  # fmt: skip
    out = tmp_path / "round.json"
    assert cli(db_url, "profile", "export", "--org", "acme", "-o", str(out)).exit_code == 0
    assert json.loads(out.read_text())["disciplines"]["other"]["name"] == "Data governance"
    again = cli(db_url, "profile", "import", str(out), "--org", "acme")
    assert again.exit_code == 0 and "as version 2" in again.output
    diff = cli(db_url, "profile", "diff", "--org", "acme", "--json")
    assert json.loads(diff.output) == {"org": "acme", "from": 1, "to": 2, "changes": []}
    history = cli(db_url, "profile", "history", "--org", "acme", "--json")
    rows = json.loads(history.output)
    assert [(r["version"], r["by"], r["source"]) for r in rows] == [
        (1, "ana", "import"), (2, rows[1]["by"], "import"),
    ]  # fmt: skip
    original, problems = parse(yaml.safe_dump(PROFILE), "acme", "yaml")
    assert original is not None and not problems
    shown = cli(db_url, "profile", "show", "--org", "acme", "--json")
    reparsed, _ = parse(shown.output, "acme", "json")
    assert reparsed is not None and reparsed.stripped() == original.stripped()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"finops_maturity": "sprint"}, "finops_maturity: Input should be 'crawl'"),
        ({"org": "globex"}, "org: the file is for 'globex' but --org is 'acme'"),
        ({"disciplines": {"cobol": {}}}, "unknown discipline id(s): cobol"),
        ({"priorities": ["x" * 201]}, "priorities[0]"),
        ({"owner": "me"}, "owner: unknown key"),
        ({"disciplines": {"itsm": {"name": "Service"}}}, "'name' is only for the 'other'"),
        ({"disciplines": {"itsm": {"tools": ["t"] * 31}}}, "disciplines.itsm.tools"),
    ],
)
def test_an_invalid_file_is_rejected_and_nothing_written(
    db_url: str, tmp_path: Path, change: dict[str, object], expected: str
) -> None:
    file = write(tmp_path, "bad.yaml", {**PROFILE, **change})
    result = cli(db_url, "profile", "import", str(file), "--org", "acme")
    assert result.exit_code == 1
    assert "nothing was written" in result.output and expected in result.output, result.output
    history = cli(db_url, "profile", "history", "--org", "acme", "--json")
    assert json.loads(history.output) == []


def test_unreadable_and_malformed_files(db_url: str, tmp_path: Path) -> None:
    missing = cli(db_url, "profile", "import", str(tmp_path / "nope.yaml"), "--org", "acme")
    assert missing.exit_code == 1 and "cannot read" in missing.output
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    result = cli(db_url, "profile", "import", str(broken), "--org", "acme")
    assert result.exit_code == 1 and "not valid JSON" in result.output
    listing = tmp_path / "list.yaml"
    listing.write_text("- org: acme\n")
    result = cli(db_url, "profile", "import", str(listing), "--org", "acme")
    assert result.exit_code == 1 and "must hold a mapping" in result.output


def test_show_and_diff_without_a_profile_fail_clearly(db_url: str) -> None:
    result = cli(db_url, "profile", "show", "--org", "acme")
    assert result.exit_code == 1
    assert "organisation 'acme' has no profile yet; run the interview" in result.output
    result = cli(db_url, "profile", "show", "--org", "acme", "--version", "3")
    assert result.exit_code == 1 and "has no version 3" in result.output
    assert cli(db_url, "profile", "diff", "--org", "acme").exit_code == 1
    assert cli(db_url, "profile", "export", "--org", "acme").exit_code == 1


async def test_interview_show_json(store: Store, db_url: str) -> None:
    c = chat(store)
    await c.say("interview")
    await c.say("We use ServiceNow for ITSM and Flexera for software licences")
    result = await asyncio.to_thread(
        cli, db_url, "interview", "show", "--org", "acme", "--user", "ana", "--json"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "org": "acme",
        "user": "ana",
        "status": "in_progress",
        "step": "disciplines",
        "answers": {},
        "pending": {
            "disciplines": ["itsm", "sam"],
            "tools": [
                {"name": "ServiceNow", "catalogue_id": "servicenow-itsm", "discipline": "itsm"},
                {"name": "Flexera", "catalogue_id": "flexera-one", "discipline": "sam"},
            ],
        },
    }
    await c.say("yes")
    await c.say("walk")
    result = await asyncio.to_thread(
        cli, db_url, "interview", "show", "--org", "acme", "--user", "ana", "--json"
    )
    data = json.loads(result.output)
    assert data["pending"] == {"disciplines": [], "tools": []}
    assert data["answers"]["sam.maturity"] == "walk" and data["step"] == "sam.owner"
    missing = await asyncio.to_thread(
        cli, db_url, "interview", "show", "--org", "acme", "--user", "zed", "--json"
    )
    assert missing.exit_code == 1 and "no interview for user 'zed'" in missing.output


def test_the_documented_examples_are_valid_and_the_same() -> None:
    import re

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    doc = readme.split("## The org profile format", 1)[1].split("\n## ", 1)[0]
    yaml_text = re.search(r"```yaml\n(.*?)```", doc, re.S)
    json_texts = re.findall(r"```json\n(.*?)```", doc, re.S)
    assert yaml_text is not None and len(json_texts) == 1
    from_yaml, problems = parse(yaml_text.group(1), "acme", "yaml")
    from_json, more = parse(json_texts[0], "acme", "json")
    assert not problems and not more
    assert from_yaml is not None and from_yaml == from_json
    assert from_yaml.disciplines["other"].name == "Data governance"
