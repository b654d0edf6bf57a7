"""Q&A: index build time and whole-answer latency, real store and a synthetic 20,000-article one.

The baseline is a plain rank_bm25 (BM25Okapi) index over the same analysed documents (every field
in one bag of words), measured in the same run. bm25s is measured next to tantivy as the other
library the issue asked us to compare: same analysis, same fields and boosts, same questions.

    python -m bench.qa [--quick]      # standalone: prints the figures as JSON
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import random
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from types import MappingProxyType
from typing import Any

from bench.harness import ROOT, Figure, percentile
from dialogs.content import Article, ContentStore, load_content
from dialogs.qa.engine import Group
from dialogs.qa.index import QaIndex, analyzer_for, prepare
from dialogs.qa.lexicon import build_lexicon
from dialogs.qa.replies import replies
from dialogs.qa.service import QaService
from tests.qa.evaluation import evaluate, load_eval

SYNTHETIC = 20_000
MODULE = "qa"


# --------------------------------------------------------------------------- engines compared


class Bm25sEngine:
    """The same fields and boosts as the tantivy engine, on bm25s (one BM25 index per field)."""

    tie = 0.2

    def __init__(self, fields: dict[str, Any]) -> None:
        self._fields = fields

    @classmethod
    def build(cls, docs: Iterable[dict[str, list[str]]]) -> Bm25sEngine:
        import bm25s

        docs = list(docs)
        fields = {}
        for name in docs[0] if docs else ():
            engine = bm25s.BM25(k1=1.2, b=0.75, method="lucene")
            engine.index([d[name] or [""] for d in docs], show_progress=False)
            fields[name] = engine
        return cls(fields)

    def doc_freq(self, token: str) -> int:
        found = [int((f.get_scores([token]) > 0).sum()) for f in self._fields.values()
                 if token in f.vocab_dict]
        return max(found, default=0)

    def search(self, groups: Sequence[Group], limit: int) -> list[tuple[int, float]]:
        import numpy as np

        total = None
        for group in groups:
            parts = [self._fields[c.field].get_scores([c.token]) * c.boost for c in group
                     if c.token in self._fields[c.field].vocab_dict]
            if not parts:
                continue
            stacked = np.vstack(parts)
            best = stacked.max(axis=0)
            score = best + self.tie * (stacked.sum(axis=0) - best)
            total = score if total is None else total + score
        if total is None:
            return []
        top = np.argsort(-total)[:limit]
        return [(int(i), float(total[i])) for i in top if total[i] > 0]


class RankBm25Baseline:
    """Plain BM25Okapi over every field's terms in one document: the comparison baseline."""

    def __init__(self, docs: list[dict[str, list[str]]]) -> None:
        from rank_bm25 import BM25Okapi

        self._bm25 = BM25Okapi([[t for terms in d.values() for t in terms] for d in docs])

    def top(self, terms: list[str]) -> int:
        scores = self._bm25.get_scores(terms)
        return int(max(range(len(scores)), key=scores.__getitem__))


# --------------------------------------------------------------------------- stores


def synthetic_store(real: ContentStore, size: int = SYNTHETIC, seed: int = 5) -> ContentStore:
    """``size`` articles: the real ones plus recombinations of their sentences and questions.

    Each synthetic article copies a real article's topics, disciplines and sources, takes its
    title with two words swapped for other content words, and draws its questions, summary and
    body (about the length of a real body) from sentences of all real articles.
    """
    rng = random.Random(seed)
    templates = [real.articles[k] for k in sorted(real.articles)]
    sentences = [s.strip() for a in templates for s in a.body.replace("\n", " ").split(". ")
                 if len(s.split()) > 4]
    questions = [q for a in templates for q in a.questions]
    words = sorted({w for a in templates for w in a.title.split() if w.isalpha()})
    articles: dict[str, Article] = dict(real.articles)
    ids = [f"synthetic.a{i:05d}" for i in range(size - len(articles))]
    for i, article_id in enumerate(ids):
        template = templates[i % len(templates)]
        title = template.title.split()
        for _ in range(2):
            title[rng.randrange(len(title))] = rng.choice(words)
        target = template.words
        body: list[str] = []
        while sum(len(s.split()) for s in body) < target:
            body.append(rng.choice(sentences))
        articles[article_id] = dataclasses.replace(
            template,
            id=article_id,
            title=" ".join(title),
            summary=". ".join(rng.sample(sentences, 2))[:300],
            questions=tuple(rng.sample(questions, 4)),
            body=".\n\n".join(". ".join(body[j:j + 3]) for j in range(0, len(body), 3)) + ".",
            related=tuple(rng.sample(ids, 3)),
            path=f"synthetic/{article_id}.md",
        )
    digest = hashlib.sha256(f"{real.content_hash}:{size}:{seed}".encode()).hexdigest()
    return dataclasses.replace(real, articles=MappingProxyType(articles), content_hash=digest)


# --------------------------------------------------------------------------- measurements


def _latencies(fn: Callable[[str], object], questions: list[str]) -> list[float]:
    out = []
    for question in questions:
        started = time.perf_counter()
        fn(question)
        out.append((time.perf_counter() - started) * 1000)
    return out


def _import_time(module: str, times: int) -> list[float]:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    runs = []
    for _ in range(times):
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True, cwd=ROOT)
        runs.append(float(done.stdout.strip()))
    return runs


def _measure_store(
    label: str, content: ContentStore, questions: list[str], rounds: int, baseline_rounds: int,
    targets: dict[str, str],
) -> list[Figure]:
    figures: list[Figure] = []
    analyzer = analyzer_for(content)
    lexicon = build_lexicon(content, analyzer)

    builds, base_builds = [], []
    index: QaIndex | None = None
    docs: list[dict[str, list[str]]] = []
    for _ in range(max(1, rounds // 2)):
        started = time.perf_counter()
        index = QaIndex.build(content)
        builds.append(time.perf_counter() - started)
        started = time.perf_counter()
        docs, _ = prepare(content, analyzer, lexicon)
        baseline = RankBm25Baseline(docs)
        base_builds.append(time.perf_counter() - started)
    assert index is not None
    n = len(content.articles)
    figures.append(Figure(MODULE, f"index build, {label} ({n} articles)", "s", builds,
                          baseline="rank_bm25 build (same analysis)", baseline_runs=base_builds,
                          target=targets.get("build")))

    service = QaService(index)
    for question in questions:  # warm caches the way a running bot has them
        replies(service.ask(question))
    p50, p99, bare50, bare99 = [], [], [], []
    for _ in range(rounds):
        whole = _latencies(lambda q: replies(service.ask(q)), questions)
        bare = _latencies(lambda q: index.search(index.parse(q), 8), questions)
        p50.append(percentile(whole, 50))
        p99.append(percentile(whole, 99))
        bare50.append(percentile(bare, 50))
        bare99.append(percentile(bare, 99))
    sample = questions[: max(20, len(questions) // (4 if n > 1000 else 1))]
    base50 = []
    for _ in range(baseline_rounds):
        base = _latencies(lambda q: baseline.top(list(index.parse(q).terms)), sample)
        base50.append(percentile(base, 50))
    figures += [
        Figure(MODULE, f"whole answer p50, {label}", "ms", p50,
               baseline="rank_bm25 bare query p50", baseline_runs=base50,
               target=targets.get("ratio")),
        Figure(MODULE, f"whole answer p99, {label}", "ms", p99, target=targets.get("p99")),
        Figure(MODULE, f"tantivy search p50, {label}", "ms", bare50,
               baseline="rank_bm25 bare query p50", baseline_runs=base50),
        Figure(MODULE, f"tantivy search p99, {label}", "ms", bare99),
    ]

    started = time.perf_counter()
    alt = QaIndex(content, Bm25sEngine.build(docs), index.stats, analyzer, lexicon)
    alt_build = time.perf_counter() - started
    alt50, alt99 = [], []
    for _ in range(max(1, rounds // 2)):
        bare = _latencies(lambda q: alt.search(alt.parse(q), 8), questions)
        alt50.append(percentile(bare, 50))
        alt99.append(percentile(bare, 99))
    figures += [
        Figure(MODULE, f"bm25s search p50, {label}", "ms", alt50,
               baseline="tantivy search p50", baseline_runs=bare50,
               note=f"bm25s build {alt_build:.2f} s; same fields, boosts and analysis"),
        Figure(MODULE, f"bm25s search p99, {label}", "ms", alt99,
               baseline="tantivy search p99", baseline_runs=bare99),
    ]
    return figures


def _quality(content: ContentStore) -> list[Figure]:
    """Top-1 and abstention on dev with each engine under the same analysis and calibration."""
    dev = load_eval()["dev"]
    tantivy = QaIndex.build(content)
    analyzer, lexicon = tantivy.analyzer, tantivy.lexicon
    docs, stats = prepare(content, analyzer, lexicon)
    alt = QaIndex(content, Bm25sEngine.build(docs), stats, analyzer, lexicon)
    ours = evaluate(QaService(tantivy), dev)
    theirs = evaluate(QaService(alt), dev)
    return [
        Figure(MODULE, "dev top-1, tantivy", "share", [ours.top1], baseline="bm25s",
               baseline_runs=[theirs.top1], higher_is_better=True),
        Figure(MODULE, "dev correct abstention, tantivy", "share", [ours.correct_abstention],
               baseline="bm25s", baseline_runs=[theirs.correct_abstention],
               higher_is_better=True),
        Figure(MODULE, "dev false abstention, tantivy", "share", [ours.false_abstention],
               baseline="bm25s", baseline_runs=[theirs.false_abstention]),
    ]


def run(quick: bool = False) -> list[Figure]:
    """Every Q&A figure (the bench harness calls this)."""
    content = load_content(ROOT / "content")
    halves = load_eval()
    questions = [item.question for half in halves.values() for item in half]
    rounds = 3 if quick else 7
    figures = [
        Figure(MODULE, "import tantivy", "s", _import_time("tantivy", rounds),
               baseline="import bm25s", baseline_runs=_import_time("bm25s", rounds)),
    ]
    figures += _quality(content)
    figures += _measure_store("real store", content, questions, rounds, rounds,
                              {"p99": "value <= 3"})
    size = 5_000 if quick else SYNTHETIC
    big = synthetic_store(content, size)
    figures += _measure_store(f"synthetic {size // 1000}k store", big, questions,
                              max(2, rounds // 2), 2,
                              {"build": "value <= 3", "p99": "value <= 10",
                               "ratio": "ratio <= 0.1"})
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.qa")
    parser.add_argument("--quick", action="store_true", help="fewer runs, a 5,000-article store")
    args = parser.parse_args(argv)
    figures = run(quick=args.quick)
    print(json.dumps([f.as_dict() for f in figures], indent=2))
    return 0 if all(f.target_met() is not False for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())

