"""The benchmark harness: figures with same-run baselines, medians of repeated runs.

Absolute times drift on a shared 2-core machine; ratios against a baseline measured in the same
run hold. Every figure records its runs, median, min and max, and the baseline it is compared to.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench"


@dataclass
class Figure:
    """One measured quantity, optionally against a baseline from the same run."""

    module: str
    name: str
    unit: str
    runs: list[float]
    baseline: str | None = None
    baseline_runs: list[float] = field(default_factory=list)
    higher_is_better: bool = False
    target: str | None = None  # e.g. "ratio >= 3", "value <= 0.6"
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def baseline_median(self) -> float | None:
        return statistics.median(self.baseline_runs) if self.baseline_runs else None

    @property
    def ratio(self) -> float | None:
        """value / baseline (for throughput) or baseline-relative cost (for times)."""
        base = self.baseline_median
        if not base:
            return None
        return self.median / base

    def target_met(self) -> bool | None:
        if not self.target:
            return None
        subject, op, bound_s = self.target.split()
        value = self.ratio if subject == "ratio" else self.median
        if value is None:
            return None
        bound = float(bound_s)
        return value >= bound if op == ">=" else value <= bound

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(
            median=self.median, min=min(self.runs), max=max(self.runs),
            baseline_median=self.baseline_median, ratio=self.ratio, target_met=self.target_met(),
        )
        return data


def repeat(fn: Callable[[], float], times: int) -> list[float]:
    return [fn() for _ in range(times)]


def timed(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        pg = subprocess.run(["psql", "--version"], capture_output=True, text=True, timeout=5,
                            check=False).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        pg = "unknown"
    import sqlite3

    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory_gib": mem_gib,
        "python": platform.python_version(), "platform": platform.platform(),
        "sqlite": sqlite3.sqlite_version, "postgresql_client": pg,
    }
