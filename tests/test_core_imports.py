"""The channel-neutral core never imports the runtime, an SDK, aiohttp or a database driver."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent / "dialogs"
FORBIDDEN = {
    "bot", "botbuilder", "botframework", "slack_bolt", "slack_sdk", "aiohttp", "aiosqlite",
    "asyncpg", "psycopg", "psycopg2", "sqlalchemy", "sqlite3", "requests", "httpx",
}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def test_core_imports_nothing_forbidden() -> None:
    files = sorted(CORE.rglob("*.py"))
    assert files, "dialogs/ has no Python files"
    bad = [
        f"{path.relative_to(CORE.parent)}:{line}: imports {module}"
        for path in files
        for line, module in imported_modules(path)
        if module.split(".")[0] in FORBIDDEN
    ]
    assert not bad, "\n".join(bad)


def test_the_check_catches_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text("import os\nfrom slack_sdk.models import blocks\nfrom . import y\n")
    assert [m for _, m in imported_modules(sample)] == ["os", "slack_sdk.models"]
