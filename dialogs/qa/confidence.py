"""Confidence: a calibrated 0–1 mapping of the retrieval result, and the features behind it.

A raw BM25 score is not comparable across questions (it grows with the question's length), so
the confidence combines four features of the best hit:

- ``log_score``: ``log(1 + score)`` of the best article;
- ``coverage``: the idf-weighted share of the question's informative words (typed, known or
  not, excluding words most articles contain) that the best article contains. Out-of-scope
  questions ("how do I reset my laptop") leave most of their words unmatched;
- ``named``: 1 when the question names the article's topic or discipline through the taxonomy
  (an acronym, synonym or tool name), else 0;
- ``margin``: ``1 - second/best``, how far ahead the best article is.

``confidence = sigmoid(w · features + b)``, a logistic regression fitted on the eval's ``dev``
half (``python tests/qa/eval_report.py --calibrate``), where the label is "the best article
has an acceptable topic" (out-of-scope questions are all negatives). So a confidence of 0.7
means that about 70% of dev questions with similar features were answered with a right
article. Refit when the content changes a lot and paste the printed ``CALIBRATION`` here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from dialogs.qa.question import Question


@dataclass(frozen=True)
class Features:
    log_score: float
    coverage: float
    named: float
    margin: float
    own_coverage: float = 1.0

    def vector(self) -> tuple[float, float, float, float, float]:
        return (self.log_score, self.coverage, self.named, self.margin, self.own_coverage)


@dataclass(frozen=True)
class Calibration:
    """Logistic regression weights (same order as ``Features.vector``) and intercept."""

    weights: tuple[float, float, float, float, float]
    intercept: float

    def confidence(self, features: Features) -> float:
        z = self.intercept + sum(
            w * x for w, x in zip(self.weights, features.vector(), strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


CALIBRATION = Calibration(weights=(1.65, 1.478, 1.696, 2.119, 0.949), intercept=-6.791)
"""Fitted on dev; see the module docstring."""


def features(
    question: Question,
    scores: tuple[float, float],
    article_terms: frozenset[str],
    idf: Mapping[str, float],
) -> Features:
    """The features of the best hit; ``idf`` has an entry for each informative question term.

    ``scores`` are the best and second scores; ``article_terms`` every term and concept token
    the best article is indexed with.
    """
    best, second = scores
    total = sum(idf[t] * w for t, w in question.terms.items() if t in idf)
    found = sum(idf[t] * w for t, w in question.terms.items() if t in idf and t in article_terms)
    if total > 0:
        coverage = found / total
    else:
        coverage = 1.0 if any(t in article_terms for t in question.terms) else 0.0
    named = any(c in article_terms for c in question.concepts if c.startswith(("p:", "d:")))
    margin = 1.0 - second / best if best > 0 else 0.0
    own = sum(idf[t] for t in question.own if t in idf)
    own_found = sum(idf[t] for t in question.own if t in idf and t in article_terms)
    return Features(
        log_score=math.log1p(max(best, 0.0)),
        coverage=coverage,
        named=1.0 if named else 0.0,
        margin=margin,
        own_coverage=own_found / own if own > 0 else 1.0,
    )
