"""docs/security.md: every test it names exists, so no threat is "proved" by a missing test."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "security.md"
NAMED = re.compile(r"([\w/]*test_\w+\.py)?::(test_\w+)|([\w/]*test_\w+\.py)")


def resolve(name: str) -> Path:
    """``tests/x/test_y.py`` as it is; a bare ``test_y.py`` is the one file of that name."""
    if name.startswith("tests/"):
        return ROOT / name
    found = sorted((ROOT / "tests").rglob(name))
    assert len(found) == 1, f"docs/security.md names {name}: found {found}"
    return found[0]


def defined_tests(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.name.startswith("test_")}


def test_every_test_the_threat_model_names_exists() -> None:
    text = DOCS.read_text(encoding="utf-8")
    current: Path | None = None
    named = 0
    for match in NAMED.finditer(text):
        path, test, bare = match.groups()
        if bare or path:
            current = resolve(bare or path)
            assert current.is_file(), f"docs/security.md names a missing file: {bare or path}"
        if test:
            assert current is not None, f"::{test} without a file before it"
            assert test in defined_tests(current), f"{current.name} has no {test}"
            named += 1
    assert named >= 15


def test_every_threat_row_names_a_test() -> None:
    rows = [line for line in DOCS.read_text(encoding="utf-8").splitlines()
            if re.match(r"^\| \d+ \|", line)]
    assert len(rows) >= 15
    for row in rows:
        proof = row.rstrip(" |").rsplit("|", 1)[-1]
        assert "tests/" in proof or "test_" in proof or "make audit" in proof, row[:80]
