"""``make soak``: the reliability suites at full counts, then what they did.

10,000 fuzzed bodies per edge, 50 kill -9s of ``crosswalk serve``, 200 injected upstream faults
and 100 isolation examples (``CROSSWALK_SOAK=1``; ``make test`` runs the same tests within its
budget). Exit status is pytest's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        tally = Path(folder) / "tally.json"
        env = {**os.environ, "CROSSWALK_SOAK": "1", "CROSSWALK_TALLY_FILE": str(tally)}
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-W", "error", "-q", "-p", "no:cacheprovider",
             "tests/reliability", *sys.argv[1:]],
            cwd=ROOT, env=env, check=False,
        )
        seconds = time.monotonic() - started
        counts = json.loads(tally.read_text()) if tally.exists() else {}
    print(f"\nsoak: {'passed' if done.returncode == 0 else 'FAILED'} in {seconds:.0f} s")
    for name, n in sorted(counts.items()):
        print(f"  {name}: {n:,}")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
