"""Reliability tests: print what was fuzzed, killed and injected at the end of the run."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from tests.reliability import tally


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not tally.COUNTS:
        return
    terminalreporter.section("reliability counts")
    for name, n in sorted(tally.COUNTS.items()):
        terminalreporter.write_line(f"{name}: {n}")
    target = os.environ.get("CROSSWALK_TALLY_FILE")
    if target:
        Path(target).write_text(json.dumps(dict(tally.COUNTS), indent=2, sort_keys=True))
