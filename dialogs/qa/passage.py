"""The passage of an article that best answers a question, and the article's term set."""

from __future__ import annotations

import math
import re
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from dialogs.content import Article
from dialogs.qa.analysis import STOP_WORDS
from dialogs.qa.documents import FIELDS, Passage, analyze, passages
from dialogs.qa.index import QaIndex
from dialogs.qa.question import Question

PASSAGE_CHARS = 700
MAX_ITEMS = 5
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


@dataclass(frozen=True)
class Analysed:
    """An article's passages with their terms, and every term it is indexed with."""

    passages: tuple[Passage, ...]
    passage_terms: tuple[Counter[str], ...]
    terms: frozenset[str]


class ArticleTerms:
    """Analyses articles on demand (the answer's article only) and keeps the most recent."""

    def __init__(self, index: QaIndex, size: int = 256) -> None:
        self._index = index
        self._size = size
        self._cache: OrderedDict[str, Analysed] = OrderedDict()

    def get(self, article: Article) -> Analysed:
        found = self._cache.get(article.id)
        if found is not None:
            self._cache.move_to_end(article.id)
            return found
        ix = self._index
        fields = analyze(article, ix.content, ix.analyzer, ix.lexicon)
        parts = tuple(passages(article.body))
        counts = tuple(Counter(self._terms(p)) for p in parts)
        found = Analysed(parts, counts, frozenset(t for f in FIELDS for t in fields[f]))
        self._cache[article.id] = found
        if len(self._cache) > self._size:
            self._cache.popitem(last=False)
        return found

    def _terms(self, passage: Passage) -> list[str]:
        ix = self._index
        words = ix.analyzer.words(passage.text)
        stems = ix.analyzer.stems(words)
        kept = [s for w, s in zip(words, stems, strict=True) if w not in STOP_WORDS]
        return kept + ix.lexicon.canonical(stems)


def best_passage(question: Question | None, analysed: Analysed, index: QaIndex) -> Passage | None:
    """The passage sharing the most (idf-weighted) words with the question; the first on a tie."""
    if not analysed.passages:
        return None
    best, best_score = 0, 0.0
    if question is not None:
        for i, counts in enumerate(analysed.passage_terms):
            score = sum(
                index.idf(t) * w * (1 + math.log(counts[t]))
                for t, w in question.terms.items()
                if counts.get(t)
            )
            if score > best_score + 1e-9:
                best, best_score = i, score
    return trim(analysed.passages[best], question, analysed.passage_terms[best], index)


def trim(
    passage: Passage, question: Question | None, counts: Counter[str], index: QaIndex
) -> Passage:
    """Keep a passage short: the matching items of a long list, or whole sentences."""
    if len(passage.markdown) <= PASSAGE_CHARS:
        return passage
    items = passage.items
    if items:
        return Passage(passage.heading, "\n".join(_best_items(items, question, index)))
    kept = ""
    for sentence in _SENTENCE_END.split(passage.markdown):
        if kept and len(kept) + len(sentence) + 1 > PASSAGE_CHARS:
            break
        kept = f"{kept} {sentence}".strip()
    return Passage(passage.heading, kept[: PASSAGE_CHARS * 2])


def _best_items(items: Sequence[str], question: Question | None, index: QaIndex) -> list[str]:
    if question is None:
        return list(items[:MAX_ITEMS])
    analyzer = index.analyzer
    scored = []
    for i, item in enumerate(items):
        stems = set(analyzer.terms(item))
        score = sum(index.idf(t) * w for t, w in question.terms.items() if t in stems)
        scored.append((score, i))
    keep = sorted(i for _, i in sorted(scored, key=lambda s: (-s[0], s[1]))[:MAX_ITEMS])
    return [items[i] for i in keep]
