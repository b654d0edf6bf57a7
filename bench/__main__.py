"""`make bench`: run every module, write bench/results.json, a table, plots and the README section.

Usage: python -m bench [--quick] [--only store,startup,...]
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
import traceback
from datetime import UTC, datetime

from bench.harness import OUT, Figure, machine
from bench.report import plot, table, update_readme

# module name -> import path; each exposes run(quick: bool) -> list[Figure]
MODULES: dict[str, str] = {
    "store": "bench.store",
    "startup": "bench.startup",
    "qa": "bench.qa",
    "nudges": "bench.nudges",
    "edges": "bench.edges",  # module 1: HTTP edges vs peers and the ceiling (needs wrk)
    "memory": "bench.memory",  # module 6: RSS of crosswalk serve idle and under load
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="fewer runs and smaller sizes")
    parser.add_argument("--only", default="", help="comma-separated module names")
    args = parser.parse_args(argv)
    chosen = [m for m in args.only.split(",") if m] or list(MODULES)
    unknown = sorted(set(chosen) - set(MODULES))
    if unknown:
        print(f"unknown module(s): {', '.join(unknown)}; known: {', '.join(MODULES)}",
              file=sys.stderr)
        return 2
    figures: list[Figure] = []
    failures: dict[str, str] = {}
    for name in chosen:
        started = time.perf_counter()
        print(f"== {name}", file=sys.stderr, flush=True)
        try:
            module = importlib.import_module(MODULES[name])
            figures += module.run(quick=args.quick)
        except Exception:
            failures[name] = traceback.format_exc(limit=3)
            print(failures[name], file=sys.stderr)
        print(f"   {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    results = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "quick": args.quick,
        "figures": [f.as_dict() for f in figures],
        "failures": failures,
    }
    path = OUT / "results.json"
    if args.only and path.exists():  # keep other modules' figures from the last full run
        previous = json.loads(path.read_text())
        kept = [f for f in previous.get("figures", []) if f["module"] not in chosen]
        results["figures"] = kept + results["figures"]
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    plot(results)
    update_readme(results)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
