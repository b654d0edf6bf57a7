"""Golden files: compare rendered output with ``golden/<target>/<case>.<ext>``.

Set ``UPDATE_GOLDEN=1`` to rewrite them, then review the diff before committing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parent / "golden"


def as_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def check(target: str, case: str, ext: str, actual: str) -> None:
    path = ROOT / target / f"{case}.{ext}"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"missing golden file {path}; run with UPDATE_GOLDEN=1 and review it"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{path} differs; run with UPDATE_GOLDEN=1 and review the diff"
