"""The renderers import only what their layer may: dialogs stays stdlib, Teams stays SDK-free."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def _top(names: set[str]) -> set[str]:
    return {n.split(".")[0] for n in names}


def test_markdown_imports_stdlib_and_dialogs_only() -> None:
    foreign = (
        _top(_imports(ROOT / "dialogs/markdown.py"))
        - sys.stdlib_module_names
        - {
            "__future__",
            "dialogs",
        }
    )
    assert not foreign


@pytest.mark.parametrize(
    ("module", "allowed"),
    [
        ("bot/teams/cards.py", {"dialogs"}),
        ("bot/slack/blocks.py", {"dialogs", "slack_sdk"}),
        ("bot/console/render.py", {"dialogs"}),
    ],
)
def test_renderer_imports(module: str, allowed: set[str]) -> None:
    foreign = _top(_imports(ROOT / module)) - sys.stdlib_module_names - {"__future__"}
    assert foreign <= allowed, foreign
