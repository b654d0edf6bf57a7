"""The eval: figures on the held-out ``test`` half, which is pinned and never tuned on."""

from __future__ import annotations

import re

import pytest

from bot.settings import Settings
from dialogs.content import ContentStore
from dialogs.qa.index import QaIndex
from dialogs.qa.service import Policy, QaService
from tests.qa.evaluation import HALVES, Figures, evaluate, half_hash, load_eval

TEST_HALF_SHA256 = "dac2a6c0405191495505bf7b25d69f97b9231dd1442d13e93ee8401ab20464fa"
"""The test half as first run (2026-11-27). Editing it invalidates the eval: add to dev."""


def _norm(question: str) -> str:
    return re.sub(r"[\s?.!]+$", "", " ".join(question.casefold().split()))


@pytest.fixture(scope="module")
def test_figures(index: QaIndex) -> Figures:
    default = Settings.model_fields["qa_threshold"].default
    return evaluate(QaService(index, Policy(threshold=default)), load_eval()["test"])


def test_the_test_half_is_unchanged() -> None:
    assert half_hash("test") == TEST_HALF_SHA256


def test_the_eval_is_big_enough_and_labelled_with_real_topics(content: ContentStore) -> None:
    halves = load_eval()
    items = [item for half in HALVES for item in halves[half]]
    assert sum(1 for i in items if not i.abstain) >= 150
    assert sum(1 for i in items if i.abstain) >= 30
    for half in HALVES:
        assert any(i.abstain for i in halves[half]) and any(not i.abstain for i in halves[half])
    unknown = {t for i in items for t in i.topics} - set(content.topics)
    assert not unknown
    kinds = {k for i in items for k in i.kinds}
    assert {"paraphrase", "typo", "acronym", "spelling", "chatty", "one-word"} <= kinds
    questions = [_norm(i.question) for i in items]
    assert len(questions) == len(set(questions)), "a question appears twice"


def test_no_eval_question_is_an_article_question(content: ContentStore) -> None:
    curated = {_norm(q) for a in content.articles.values() for q in a.questions}
    copied = [i.question for half in load_eval().values() for i in half
              if _norm(i.question) in curated]
    assert not copied


# The targets. Measured on the test half (threshold 0.4, 2026-11-28, after the intent,
# scope and own-words work): top-1 0.883, correct abstention 0.952, false abstention 0.036.
# Top-1 is below target, so it is a strict xfail: the day it passes, the marker must go.
# docs/qa.md has every run's figures.
SHORT_OF_TARGET = "below the issue's target on the held-out test half; see docs/qa.md"


@pytest.mark.xfail(strict=True, reason=SHORT_OF_TARGET)
def test_top1_topic_accuracy_on_test(test_figures: Figures) -> None:
    assert test_figures.top1 >= 0.90, test_figures.summary()


def test_out_of_scope_questions_are_abstained_on_test(test_figures: Figures) -> None:
    assert test_figures.correct_abstention >= 0.90, test_figures.summary()


def test_few_in_scope_questions_are_abstained_on_test(test_figures: Figures) -> None:
    assert test_figures.false_abstention <= 0.05, test_figures.summary()


def test_no_regression_below_the_measured_figures(test_figures: Figures) -> None:
    """Floors a little under the figures measured when this was written (top-1 is short)."""
    assert test_figures.top1 >= 0.87, test_figures.summary()
    assert test_figures.top3 >= 0.95, test_figures.summary()
