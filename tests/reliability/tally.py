"""What the reliability tests did, counted (bodies fuzzed, kills survived, faults injected).

``conftest.py`` prints the counts at the end of the run and, with ``CROSSWALK_TALLY_FILE`` set,
writes them there as JSON (``make soak`` reports them from it).
"""

from __future__ import annotations

from collections import Counter

COUNTS: Counter[str] = Counter()


def add(name: str, n: int = 1) -> None:
    COUNTS[name] += n


def count(name: str) -> int:
    return COUNTS[name]
