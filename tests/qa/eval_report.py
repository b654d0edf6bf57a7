"""``make eval``: Q&A figures on the eval's dev and test halves.

    python tests/qa/eval_report.py               # top-1, top-3, abstention for dev and test
    python tests/qa/eval_report.py --calibrate   # refit the confidence on dev, sweep thresholds
    python tests/qa/eval_report.py --misses      # list what went wrong (dev only)
    python tests/qa/eval_report.py --json        # the figures as JSON

Calibration uses dev only; test is reported, never tuned on.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dialogs.content import load_content  # noqa: E402
from dialogs.qa.confidence import Calibration  # noqa: E402
from dialogs.qa.index import QaIndex  # noqa: E402
from dialogs.qa.service import Policy, QaService  # noqa: E402
from tests.qa.evaluation import HALVES, Figures, Run, evaluate, load_eval  # noqa: E402


def service(threshold: float | None = None, folder: Path | None = None) -> QaService:
    from bot.settings import Settings

    content = load_content(folder or ROOT / "content")
    limit = threshold if threshold is not None else Settings().qa_threshold
    return QaService(QaIndex.build(content), Policy(threshold=limit))


def fit(runs: list[Run], l2: float = 1.0, steps: int = 50) -> Calibration:
    """Logistic regression (Newton's method, L2) of "first article right" on the features.

    The L2 penalty (1.0) was chosen by 5-fold cross-validation on dev: it gives the same
    Brier score as a lighter one and abstains more consistently on held-out questions.
    """
    import numpy as np

    rows = [(r.decision.features, _right(r)) for r in runs if r.decision.features is not None]
    x = np.array([[1.0, *f.vector()] for f, _ in rows])
    y = np.array([1.0 if ok else 0.0 for _, ok in rows])
    w = np.zeros(x.shape[1])
    penalty = l2 * np.eye(x.shape[1])
    penalty[0, 0] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        gradient = x.T @ (p - y) + penalty @ w
        hessian = (x.T * (p * (1 - p))) @ x + penalty
        w -= np.linalg.solve(hessian, gradient)
    weights = tuple(round(float(v), 3) for v in w[1:])
    return Calibration(weights=weights, intercept=round(float(w[0]), 3))  # type: ignore[arg-type]


def reliability(runs: list[Run], calibration: Calibration) -> tuple[float, list[str]]:
    """Brier score and a 5-bin reliability table of confidence against accuracy."""
    pairs = []
    for r in runs:
        if r.decision.features is None:
            continue
        ok = bool(r.item.topics) and bool(r.retrieved[:1]) and r.retrieved[0] in r.item.topics
        pairs.append((calibration.confidence(r.decision.features), 1.0 if ok else 0.0))
    brier = sum((c - y) ** 2 for c, y in pairs) / len(pairs)
    lines = []
    for lo in (0.0, 0.2, 0.4, 0.6, 0.8):
        bucket = [(c, y) for c, y in pairs if lo <= c < lo + 0.2 or (lo == 0.8 and c == 1.0)]
        if bucket:
            mean_c = sum(c for c, _ in bucket) / len(bucket)
            mean_y = sum(y for _, y in bucket) / len(bucket)
            lines.append(f"  {lo:.1f}-{lo + 0.2:.1f}: n={len(bucket):3d}  confidence {mean_c:.2f}"
                         f"  accuracy {mean_y:.2f}")
    return brier, lines


def out_of_fold(runs: list[Run], folds: int = 5) -> list[tuple[Run, float]]:
    """Each dev question's confidence from a calibration fitted without it (5 folds)."""
    scored = [r for r in runs if r.decision.features is not None]
    found: list[tuple[Run, float]] = []
    for k in range(folds):
        held = [r for i, r in enumerate(scored) if i % folds == k]
        fitted = fit([r for i, r in enumerate(scored) if i % folds != k])
        found += [(r, fitted.confidence(r.decision.features)) for r in held
                  if r.decision.features is not None]
    return found


def cross_validated(runs: list[Run], folds: int = 5) -> float:
    """Brier score of out-of-fold confidences."""
    pairs = out_of_fold(runs, folds)
    return sum((c - (1.0 if _right(r) else 0.0)) ** 2 for r, c in pairs) / len(pairs)


def _right(r: Run) -> bool:
    return bool(r.item.topics) and bool(r.retrieved[:1]) and r.retrieved[0] in r.item.topics


def sweep(runs: list[Run]) -> list[str]:
    """Abstention at each threshold, with out-of-fold confidences (an honest estimate)."""
    pairs = out_of_fold(runs)
    unscored_in = sum(1 for r in runs if r.decision.features is None and r.item.topics)
    unscored_out = sum(1 for r in runs if r.decision.features is None and not r.item.topics)
    inside = [c for r, c in pairs if r.item.topics]
    outside = [c for r, c in pairs if not r.item.topics]
    lines = []
    for step in range(5, 96, 5):
        t = step / 100
        false = (sum(c < t for c in inside) + unscored_in) / (len(inside) + unscored_in)
        right = (sum(c < t for c in outside) + unscored_out) / (len(outside) + unscored_out)
        lines.append(f"  threshold {t:.2f}: correct abstention {right:.3f}"
                     f"  false abstention {false:.3f}")
    return lines


def report(figures: dict[str, Figures]) -> str:
    lines = [f"{'':6} {'n':>4} {'oos':>4} {'top1':>6} {'top3':>6} {'ret@1':>6} "
             f"{'abst+':>6} {'abst-':>6} {'clar':>6}"]
    for half, fig in figures.items():
        s = fig.summary()
        lines.append(f"{half:6} {s['questions']:4d} {s['out_of_scope']:4d} {s['top1']:6.3f} "
                     f"{s['top3']:6.3f} {s['retrieval_top1']:6.3f} {s['correct_abstention']:6.3f}"
                     f" {s['false_abstention']:6.3f} {s['clarified']:6.3f}")
    lines.append("top1: reply's first article acceptable (abstaining counts as a miss); top3 and"
                 " ret@1: retrieval only;")
    lines.append("abst+: out-of-scope questions abstained; abst-: in-scope questions abstained;"
                 " clar: \"did you mean\" asked")
    return "\n".join(lines)


def misses(fig: Figures) -> list[str]:
    out = []
    for r in fig.runs:
        wrong = (r.item.abstain and r.outcome.kind != "abstain") or (
            not r.item.abstain and not r.correct)
        if wrong or r.outcome.kind == "clarify":
            f = r.decision.features
            feats = (f"score={math.expm1(f.log_score):.1f} cov={f.coverage:.2f} named={f.named:.0f}"
                     f" margin={f.margin:.2f}" if f else "")
            out.append(f"  {r.outcome.kind:9} conf={r.outcome.confidence:.2f} got={r.retrieved[:3]}"
                       f" want={sorted(r.item.topics) or 'abstain'} {feats} :: {r.item.question}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calibrate", action="store_true")
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--threshold", type=float)
    parser.add_argument("--half", choices=HALVES, help="Only this half (default: both).")
    parser.add_argument("--content", type=Path, help="Another content folder (default: ours).")
    args = parser.parse_args()
    qa = service(args.threshold, args.content)
    halves = load_eval()
    if args.calibrate:
        dev = evaluate(qa, halves["dev"])
        fitted = fit(dev.runs)
        brier, table = reliability(dev.runs, fitted)
        print(f"CALIBRATION = {fitted!r}")
        print(f"dev Brier score {brier:.3f} (5-fold cross-validated"
              f" {cross_validated(dev.runs):.3f}); reliability:")
        print("\n".join(table))
        print("threshold sweep on dev, out-of-fold confidences:")
        print("\n".join(sweep(dev.runs)))
        return 0
    figures = {h: evaluate(qa, halves[h]) for h in HALVES if args.half in (None, h)}
    if args.json:
        print(json.dumps({h: f.summary() for h, f in figures.items()}, indent=2))
        return 0
    print(f"threshold {qa.policy.threshold}")
    print(report(figures))
    if args.misses:
        for half, fig in figures.items():
            print(f"{half} misses and clarifications:")
            print("\n".join(misses(fig)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
