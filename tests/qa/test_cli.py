"""``crosswalk ask`` (the JSON contract) and ``crosswalk content check|stats|gaps``."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from tests.qa.conftest import CONTENT

KEYS = {"question", "abstained", "clarify", "answer", "confidence", "sources", "suggestions"}


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)  # the index cache goes to ./.data/cache
    monkeypatch.setenv("CROSSWALK_DATABASE_URL", f"sqlite:///{tmp_path / 'cw.db'}")
    monkeypatch.delenv("CROSSWALK_CONTENT_DIR", raising=False)
    monkeypatch.delenv("CROSSWALK_QA_THRESHOLD", raising=False)
    return CliRunner()


def check_contract(data: dict[str, object]) -> None:
    assert set(data) == KEYS
    assert isinstance(data["question"], str)
    assert isinstance(data["abstained"], bool) and isinstance(data["clarify"], bool)
    assert data["answer"] is None or isinstance(data["answer"], str)
    assert isinstance(data["confidence"], float) and 0.0 <= data["confidence"] <= 1.0
    sources = data["sources"]
    assert isinstance(sources, list)
    for source in sources:
        assert set(source) == {"id", "title", "topics", "url", "citations"}
        assert source["citations"] and source["url"] == source["citations"][0]["url"]
        assert all(set(c) == {"title", "url"} for c in source["citations"])
    suggestions = data["suggestions"]
    assert isinstance(suggestions, list)
    assert all(set(s) == {"id", "title"} for s in suggestions)
    if data["abstained"]:
        assert data["answer"] is None and sources == []


def test_ask_json_answers_with_sources(cli: CliRunner) -> None:
    result = cli.invoke(main, ["ask", "how does SAM relate to FinOps?", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    check_contract(data)
    assert not data["abstained"] and not data["clarify"]
    assert [s["id"] for s in data["sources"]] == ["sam.overlap"]
    assert data["answer"].startswith("SAM and FinOps meet on licence cost")
    assert 2 <= len(data["suggestions"]) <= 3
    assert Path(".data/cache").is_dir()


def test_ask_reads_stdin_and_writes_json_lines_in_order(cli: CliRunner) -> None:
    questions = ["what is EA?", "how do I reset my laptop", "", "hi", "whats TBM"]
    result = cli.invoke(main, ["ask"], input="\n".join(questions) + "\n")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    for line in lines:
        check_contract(line)
    assert [d["question"] for d in lines] == [q for q in questions if q]
    clarify, abstain, hello, tbm = lines
    assert clarify["clarify"] and clarify["answer"].startswith("Did you mean")
    assert len(clarify["sources"]) == 2 and clarify["sources"][0]["id"] == "ea.overview"
    assert abstain["abstained"] and abstain["suggestions"]
    assert not hello["abstained"] and hello["sources"] == [] and hello["answer"].startswith("Hi")
    assert tbm["sources"][0]["id"] == "itfm.tbm"


def test_ask_in_text_prints_the_card_and_the_confidence(cli: CliRunner) -> None:
    result = cli.invoke(main, ["ask", "what is FOCUS?"])
    assert result.exit_code == 0, result.output
    assert "FOCUS" in result.output and "https://" in result.output
    assert "(confidence " in result.output


def test_ask_honours_the_threshold_setting(cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CROSSWALK_QA_THRESHOLD", "1")
    data = json.loads(cli.invoke(main, ["ask", "what is FOCUS?", "--json"]).output)
    assert data["abstained"] and data["confidence"] < 1.0
    monkeypatch.setenv("CROSSWALK_QA_THRESHOLD", "2")
    result = cli.invoke(main, ["ask", "what is FOCUS?"])
    assert result.exit_code == 2 and "CROSSWALK_QA_THRESHOLD" in result.output


def test_ask_fails_cleanly_on_broken_content(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "content"
    shutil.copytree(CONTENT, broken)
    (broken / "taxonomy.yaml").write_text("version: [")
    monkeypatch.setenv("CROSSWALK_CONTENT_DIR", str(broken))
    result = cli.invoke(main, ["ask", "what is FOCUS?"])
    assert result.exit_code == 1 and "content check" in result.output


def test_ask_imports_no_sdk_or_web_framework() -> None:
    code = (
        "import sys\n"
        "from bot.cli import main\n"
        "try:\n"
        "    main(['ask', 'what is SAM?', '--json'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in"
        " {'aiohttp', 'botbuilder', 'slack_sdk', 'slack_bolt', 'asyncpg', 'aiosqlite'})\n"
        "print('BAD', bad)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "BAD []" in done.stdout


def test_content_check_passes_on_the_repository_content(cli: CliRunner) -> None:
    result = cli.invoke(main, ["content", "check", "--today", "2026-11-27"])
    assert result.exit_code == 0, result.output
    assert " 0 error(s)" in result.output


def test_content_check_reports_errors_with_lines_and_fails(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "content"
    shutil.copytree(CONTENT, broken)
    article = broken / "articles" / "focus" / "focus.md"
    article.write_text(article.read_text().replace("id: focus", "id: Not An Id", 1))
    monkeypatch.setenv("CROSSWALK_CONTENT_DIR", str(broken))
    result = cli.invoke(main, ["content", "check", "--today", "2026-11-27"])
    assert result.exit_code == 1
    assert any(line.startswith("content/articles/focus/focus.md:2: ")
               for line in result.output.splitlines()), result.output


def test_content_check_warnings_do_not_fail(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CROSSWALK_CONTENT_DIR", str(CONTENT))
    result = cli.invoke(main, ["content", "check", "--today", "2028-06-01"])  # all stale
    assert result.exit_code == 0, result.output
    assert ": warning: reviewed " in result.output


def test_content_stats_include_feedback_per_article(cli: CliRunner, tmp_path: Path) -> None:
    import asyncio

    from bot.store import Store
    from dialogs.messages import Origin, Sender

    async def vote() -> None:
        store = await Store.open(f"sqlite:///{tmp_path / 'cw.db'}")
        now = datetime.now(UTC)
        async with store.turn(Origin("console", "acme", "c"), Sender("u"), now) as tx:
            await tx.qa.record_feedback("focus", True, now)
            await tx.qa.log_gap("how do I reset my laptop", now)
            await tx.qa.log_gap("How do I reset my laptop?", now)
        await store.close()

    before = cli.invoke(main, ["content", "stats"])
    assert before.exit_code == 0 and "not available" in before.output  # not migrated yet
    asyncio.run(vote())
    result = cli.invoke(main, ["content", "stats", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["feedback"] == {"focus": {"helpful": 1, "unhelpful": 0}}
    assert data["topics"]["focus"]["articles"] >= 1 and data["total"]["articles"] >= 40
    gaps = cli.invoke(main, ["content", "gaps", "--json"])
    assert gaps.exit_code == 0, gaps.output
    [found] = json.loads(gaps.output)
    assert found["count"] == 2 and found["org"] == "acme" and found["channels"] == ["console"]
    text = cli.invoke(main, ["content", "gaps", "--org", "other"])
    assert "No unanswered questions" in text.output


def test_content_gaps_needs_a_migrated_database(cli: CliRunner) -> None:
    result = cli.invoke(main, ["content", "gaps"])
    assert result.exit_code == 1 and "db migrate" in result.output
    bad = cli.invoke(main, ["content", "gaps", "--days", "400"])
    assert bad.exit_code == 2
