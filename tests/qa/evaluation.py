"""The Q&A evaluation: load tests/data/qa_eval.yaml, run each question, compute the figures.

Used by the eval test, ``make eval`` (tests/qa/eval_report.py) and the bench.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dialogs.qa.outcome import Outcome
from dialogs.qa.service import Decision, QaService

EVAL_FILE = Path(__file__).resolve().parent.parent / "data" / "qa_eval.yaml"
HALVES = ("dev", "test")


@dataclass(frozen=True)
class Item:
    question: str
    topics: frozenset[str]  # empty for out-of-scope
    kinds: tuple[str, ...]

    @property
    def abstain(self) -> bool:
        return not self.topics


def load_eval(path: Path = EVAL_FILE) -> dict[str, list[Item]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    halves: dict[str, list[Item]] = {}
    for half in HALVES:
        items = []
        for raw in data[half]:
            topics = frozenset() if raw.get("abstain") else frozenset(raw["topics"])
            items.append(Item(raw["q"], topics, tuple(raw.get("kinds", ()))))
        halves[half] = items
    return halves


def half_hash(half: str, path: Path = EVAL_FILE) -> str:
    """sha256 of one half's items, to pin the test half."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return hashlib.sha256(json.dumps(data[half], sort_keys=True).encode()).hexdigest()


@dataclass
class Run:
    """One question's outcome and retrieval result."""

    item: Item
    outcome: Outcome
    decision: Decision

    @property
    def first(self) -> str | None:
        """The primary topic of the reply's first article (answer or first candidate)."""
        articles = self.outcome.articles
        return articles[0].primary_topic if articles else None

    @property
    def correct(self) -> bool:
        return self.first in self.item.topics

    @property
    def retrieved(self) -> list[str]:
        return [h.article.primary_topic for h in self.decision.hits]


@dataclass
class Figures:
    """The figures of one half."""

    runs: list[Run] = field(default_factory=list)

    @property
    def in_scope(self) -> list[Run]:
        return [r for r in self.runs if not r.item.abstain]

    @property
    def out_of_scope(self) -> list[Run]:
        return [r for r in self.runs if r.item.abstain]

    def _share(self, runs: list[Run], ok: Any) -> float:
        return sum(1 for r in runs if ok(r)) / len(runs) if runs else 0.0

    @property
    def top1(self) -> float:
        """In-scope questions whose reply's first article is acceptable (abstaining = a miss)."""
        return self._share(self.in_scope, lambda r: r.correct)

    @property
    def retrieval_top1(self) -> float:
        return self._share(
            self.in_scope, lambda r: bool(r.retrieved[:1]) and r.retrieved[0] in r.item.topics
        )

    @property
    def top3(self) -> float:
        return self._share(self.in_scope, lambda r: bool(set(r.retrieved[:3]) & r.item.topics))

    @property
    def false_abstention(self) -> float:
        return self._share(self.in_scope, lambda r: r.outcome.kind == "abstain")

    @property
    def correct_abstention(self) -> float:
        return self._share(self.out_of_scope, lambda r: r.outcome.kind == "abstain")

    @property
    def clarified(self) -> float:
        return self._share(self.in_scope, lambda r: r.outcome.kind == "clarify")

    def summary(self) -> dict[str, Any]:
        return {
            "questions": len(self.in_scope),
            "out_of_scope": len(self.out_of_scope),
            "top1": round(self.top1, 3),
            "top3": round(self.top3, 3),
            "retrieval_top1": round(self.retrieval_top1, 3),
            "correct_abstention": round(self.correct_abstention, 3),
            "false_abstention": round(self.false_abstention, 3),
            "clarified": round(self.clarified, 3),
        }


def evaluate(service: QaService, items: list[Item]) -> Figures:
    """Ask each question on its own (no conversation context)."""
    figures = Figures()
    for item in items:
        outcome, decision = service.run(item.question)
        figures.runs.append(Run(item, outcome, decision))
    return figures
