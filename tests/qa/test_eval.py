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


# The targets. Measured on the test half (threshold 0.4, 2026-11-27, session 2: richer
# curated questions, intent and scope cues, a recalibration on the enlarged dev half): top-1
# 0.928 (103 of 111), top-3 0.982, correct abstention 0.952, false abstention 0.018.
# docs/qa.md has every run's figures.


def test_top1_topic_accuracy_on_test(test_figures: Figures) -> None:
    assert test_figures.top1 >= 0.90, test_figures.summary()


def test_out_of_scope_questions_are_abstained_on_test(test_figures: Figures) -> None:
    assert test_figures.correct_abstention >= 0.90, test_figures.summary()


def test_few_in_scope_questions_are_abstained_on_test(test_figures: Figures) -> None:
    assert test_figures.false_abstention <= 0.05, test_figures.summary()


def test_top3_holds_near_the_measured_figure(test_figures: Figures) -> None:
    """A floor a little under the top-3 measured when this was written (0.982)."""
    assert test_figures.top3 >= 0.95, test_figures.summary()
