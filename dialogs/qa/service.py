"""Question answering without a channel: small talk, follow-ups, retrieval, the decision."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dialogs.content import Article
from dialogs.qa.confidence import CALIBRATION, Calibration, Features, features
from dialogs.qa.followup import complete, is_follow_up, pick
from dialogs.qa.index import Hit, QaIndex
from dialogs.qa.outcome import Outcome
from dialogs.qa.passage import ArticleTerms, best_passage
from dialogs.qa.question import Question
from dialogs.qa.smalltalk import small_talk, strip_lead
from dialogs.text import clean

MAX_QUESTION_CHARS = 1000
SEARCH_DEPTH = 8


@dataclass(frozen=True)
class Policy:
    """When to answer, ask, or abstain; ``threshold`` comes from ``CROSSWALK_QA_THRESHOLD``."""

    threshold: float = 0.4
    clarify_ratio: float = 0.9  # second score ≥ this share of the best: "did you mean"
    suggestions: int = 3
    closest: int = 3


@dataclass(frozen=True)
class Decision:
    """The retrieval result behind an outcome (kept for the eval and the bench)."""

    hits: tuple[Hit, ...]
    features: Features | None
    confidence: float


class QaService:
    """Answers questions from an index; one instance per content store, shared by all turns."""

    def __init__(
        self,
        index: QaIndex,
        policy: Policy | None = None,
        calibration: Calibration = CALIBRATION,
    ) -> None:
        self.index = index
        self.content = index.content
        self.policy = policy or Policy()
        self.calibration = calibration
        self.terms = ArticleTerms(index)

    # ------------------------------------------------------------------ questions

    def ask(self, text: str, topic: str | None = None, candidates: Sequence[str] = ()) -> Outcome:
        """Decide what to reply to a free-text message, given the last answer's context."""
        return self.run(text, topic, candidates)[0]

    def run(
        self, text: str, topic: str | None = None, candidates: Sequence[str] = ()
    ) -> tuple[Outcome, Decision]:
        """``ask`` with the retrieval result behind the outcome."""
        text = " ".join(clean(text).split())[:MAX_QUESTION_CHARS]
        talk = small_talk(text)
        if talk is not None:
            return Outcome("smalltalk", text, 1.0, reply=talk.reply), Decision((), None, 1.0)
        asked = strip_lead(text)
        chosen = pick(asked, list(candidates))
        if chosen is not None and chosen in self.content.articles:
            return self.explain(chosen, text), Decision((), None, 1.0)
        if not any(ch.isalpha() for ch in asked):  # "4", "??", an emoji: not a question
            return Outcome("abstain", text, 0.0), Decision((), None, 0.0)
        question = self.index.parse(asked)
        last = self.content.articles.get(topic) if topic else None
        if last is not None and is_follow_up(asked, question):
            completed = complete(
                asked, question, last, self.content, self.index.analyzer, self.index.lexicon
            )
            if completed is not None:
                question = self.index.parse(completed)
        return self.decide(text, question)

    def decide(self, text: str, question: Question) -> tuple[Outcome, Decision]:
        """Search, score the confidence, then answer, clarify or abstain."""
        hits = tuple(self.index.search(question, SEARCH_DEPTH))
        if not hits:
            return Outcome("abstain", text, 0.0, gap=bool(question.typed)), Decision((), None, 0.0)
        if question.operational:  # a helpdesk request: no article answers it, however close
            closest = tuple(h.article for h in hits[: self.policy.closest])
            outcome = Outcome("abstain", text, 0.0, suggestions=closest, gap=True)
            return outcome, Decision(hits, None, 0.0)
        found = self.features(question, hits)
        confidence = self.calibration.confidence(found)
        decision = Decision(hits, found, confidence)
        policy = self.policy
        if confidence < policy.threshold:
            closest = tuple(h.article for h in hits[: policy.closest])
            return Outcome("abstain", text, confidence, suggestions=closest, gap=True), decision
        best = hits[0]
        senses = self._senses(question, hits)
        if senses is not None:
            return Outcome("clarify", text, confidence, senses[0], reply=senses[1]), decision
        if len(hits) > 1 and self._close(best, hits[1]):
            pair = (best.article, hits[1].article)
            prompt = f"Did you mean **{pair[0].title}** or **{pair[1].title}**?"
            return Outcome("clarify", text, confidence, pair, reply=prompt), decision
        passage = best_passage(question, self.terms.get(best.article), self.index)
        suggestions = self.suggestions(best.article, [h.article for h in hits[1:]])
        outcome = Outcome("answer", text, confidence, (best.article,), passage, suggestions)
        return outcome, decision

    def features(self, question: Question, hits: Sequence[Hit]) -> Features:
        index = self.index
        generic = index.weights.generic
        idf = {t: index.idf(t) for t in question.typed if index.share(t) < generic}
        second = hits[1].score if len(hits) > 1 else 0.0
        terms = self.terms.get(hits[0].article).terms
        return features(question, (hits[0].score, second), terms, idf)

    def _senses(
        self, question: Question, hits: Sequence[Hit]
    ) -> tuple[tuple[Article, ...], str] | None:
        """For an ambiguous name asked on its own, the best article for each meaning."""
        senses = question.ambiguous()
        if not senses:
            return None
        picked: list[Article] = []
        for sense in senses:
            article = next(
                (h.article for h in hits if h.article.primary_topic in sense.topics), None
            )
            if article is None or article in picked:
                return None
            picked.append(article)
        meanings = " or ".join(f"**{s.meaning}**" for s in senses)
        return tuple(picked), f"Did you mean {meanings}?"

    def _close(self, best: Hit, second: Hit) -> bool:
        """Two articles about different things, scored almost the same."""
        if second.score < self.policy.clarify_ratio * best.score:
            return False
        a, b = best.article, second.article
        return a.id not in b.related and b.id not in a.related

    # ------------------------------------------------------------------ articles

    def explain(self, article_id: str, question: str = "") -> Outcome:
        """Answer a chosen article (a pressed suggestion or "did you mean" option)."""
        article = self.content.articles[article_id]
        passage = best_passage(None, self.terms.get(article), self.index)
        suggestions = self.suggestions(article, [])
        return Outcome("answer", question or article.title, 1.0, (article,), passage, suggestions)

    def suggestions(self, article: Article, others: Sequence[Article]) -> tuple[Article, ...]:
        """Related articles first, then the next search hits; never the article itself."""
        found: list[Article] = []
        for candidate in [*(self.content.articles.get(r) for r in article.related), *others]:
            if candidate is None or candidate.id == article.id or candidate in found:
                continue
            found.append(candidate)
            if len(found) == self.policy.suggestions:
                break
        return tuple(found)
