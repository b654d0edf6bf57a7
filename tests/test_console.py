"""The console channel, through the real `crosswalk chat` process and in-process."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from bot.console.chat import chat
from bot.settings import Settings
from dialogs.commands import COMMANDS

CROSSWALK = Path(sys.executable).parent / "crosswalk"


def run_cli(args: list[str], stdin: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CROSSWALK_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    return subprocess.run(
        [str(CROSSWALK), *args], input=stdin, capture_output=True, text=True, env=env,
        timeout=60, check=False,
    )


def test_piped_help_prints_the_command_table(tmp_path: Path) -> None:
    result = run_cli(["chat", "--org", "acme", "--user", "u1"], "help\n", tmp_path)
    assert result.returncode == 0, result.stderr
    for spec in COMMANDS:
        assert spec.usage in result.stdout
    assert "\x1b[" not in result.stdout  # plain text when not a terminal


def test_state_written_in_one_process_is_there_after_a_restart(tmp_path: Path) -> None:
    first = run_cli(["chat", "--org", "acme", "--user", "u1"], "status\n", tmp_path)
    assert first.returncode == 0, first.stderr
    second = run_cli(["chat", "--org", "acme", "--user", "u1"], "status\n", tmp_path)
    assert second.returncode == 0, second.stderr
    import sqlite3

    db = sqlite3.connect(tmp_path / "cli.db")
    try:
        revision = db.execute(
            "SELECT revision FROM conversation_state WHERE org_id = 'acme'"
        ).fetchone()[0]
    finally:
        db.close()
    assert revision == 2  # one saved turn per process, kept across the restart


def test_bad_database_url_is_one_clear_line(tmp_path: Path) -> None:
    env = {**os.environ, "CROSSWALK_DATABASE_URL": "mysql://nope"}
    result = subprocess.run([str(CROSSWALK), "db", "migrate"], capture_output=True, text=True,
                            env=env, timeout=60, check=False)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "crosswalk: unsupported database URL scheme 'mysql': use sqlite:///path or postgresql://…"
    ]


def test_unknown_command_exits_non_zero(tmp_path: Path) -> None:
    result = run_cli(["frobnicate"], "", tmp_path)
    assert result.returncode != 0 and "No such command" in result.stderr


async def test_in_process_chat_answers_each_line(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'c.db'}")  # type: ignore[call-arg]
    out = io.StringIO()
    code = await chat(settings, "acme", "u1", stdin=io.StringIO("help\n\nstatus\n"),
                      stdout=out, interactive=False)
    text = out.getvalue()
    assert code == 0
    assert "post plan" in text and "Status" in text
