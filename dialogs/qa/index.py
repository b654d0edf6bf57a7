"""The Q&A index: articles analysed once, searchable by question, with corpus statistics."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from dialogs.content import Article, ContentStore
from dialogs.qa.analysis import Analyzer
from dialogs.qa.documents import FIELDS, analyze
from dialogs.qa.engine import Clause, Engine, TantivyEngine
from dialogs.qa.intent import IntentCues
from dialogs.qa.lexicon import Lexicon, build_lexicon
from dialogs.qa.question import Question, Weights, parse_question
from dialogs.qa.scope import Scope
from dialogs.qa.spelling import Speller


@dataclass(frozen=True)
class Stats:
    """What the index keeps besides tantivy's postings (cached with it)."""

    ids: tuple[str, ...]  # article id by document number
    vocabulary: Mapping[str, str]  # every folded word of the corpus and taxonomy → its stem


@dataclass(frozen=True)
class Hit:
    article: Article
    score: float


def acronyms(content: ContentStore) -> list[str]:
    """One-word taxonomy names (KPI, RI, SKU...), whose plural ``s`` is folded away."""
    names = [t.term for t in content.terms.values()]
    names += [d.short for d in content.disciplines.values()]
    return [n for n in names if n.isalpha() and n.upper() == n and len(n) <= 5]


def analyzer_for(content: ContentStore) -> Analyzer:
    return Analyzer(content.spellings, acronyms(content))


MAX_CACHED = 100_000

EngineFactory = Callable[[Iterable[dict[str, list[str]]]], Engine]


def documents(
    content: ContentStore, analyzer: Analyzer, lexicon: Lexicon
) -> Iterator[dict[str, list[str]]]:
    """Every article's fields, in id order, analysed one at a time.

    tantivy indexes on its own thread, so feeding it lazily overlaps our analysis with its work.
    """
    shared: dict[tuple[str, ...], list[str]] = {}
    for article_id in sorted(content.articles):
        yield analyze(content.articles[article_id], content, analyzer, lexicon, shared)


def prepare(
    content: ContentStore, analyzer: Analyzer, lexicon: Lexicon
) -> tuple[list[dict[str, list[str]]], Stats]:
    """Every article's fields and the statistics, at once (for other engines)."""
    docs = list(documents(content, analyzer, lexicon))
    return docs, stats_for(content, analyzer)


def stats_for(content: ContentStore, analyzer: Analyzer) -> Stats:
    """Call after analysing: the typo vocabulary is every word the analyzer met."""
    return Stats(tuple(sorted(content.articles)), analyzer.seen())


class QaIndex:
    """Search over a content store; build once (or load from the cache), query many times."""

    def __init__(
        self,
        content: ContentStore,
        engine: Engine,
        stats: Stats,
        analyzer: Analyzer | None = None,
        lexicon: Lexicon | None = None,
        weights: Weights | None = None,
    ) -> None:
        self.content = content
        self.engine = engine
        self.stats = stats
        self.analyzer = analyzer or analyzer_for(content)
        self.lexicon = lexicon or build_lexicon(content, self.analyzer)
        self.weights = weights or Weights()
        self.cues = IntentCues(content, self.analyzer)
        self.scope = Scope(self.analyzer)
        self._df: dict[str, int] = {}
        vocabulary = stats.vocabulary
        self.speller = Speller(
            vocabulary,
            lambda word: self.df(vocabulary[word]),
            self.analyzer.stem,
            set(vocabulary.values()),
        )

    def df(self, term: str) -> int:
        """Documents containing a term (or concept token) in any field (cached)."""
        found = self._df.get(term)
        if found is None:
            found = self.engine.doc_freq(term)
            if len(self._df) < MAX_CACHED:
                self._df[term] = found
        return found

    def share(self, term: str) -> float:
        """The fraction of documents containing a term."""
        n = len(self.stats.ids)
        return self.df(term) / n if n else 0.0

    def idf(self, term: str) -> float:
        """BM25's idf; a term no document has gets the idf of a term only one has."""
        n = len(self.stats.ids)
        df = max(1, self.df(term))
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    @classmethod
    def build(
        cls,
        content: ContentStore,
        weights: Weights | None = None,
        engine: EngineFactory | None = None,
    ) -> QaIndex:
        """Analyse every article and index it (with tantivy in memory unless told otherwise)."""
        analyzer = analyzer_for(content)
        lexicon = build_lexicon(content, analyzer)
        built = (engine or TantivyEngine.build)(documents(content, analyzer, lexicon))
        return cls(content, built, stats_for(content, analyzer), analyzer, lexicon, weights)

    def parse(self, text: str) -> Question:
        return parse_question(
            text,
            self.analyzer,
            self.lexicon,
            self.speller,
            self.weights,
            self.share,
            self.cues,
            self.scope,
        )

    def groups(self, question: Question) -> list[list[Clause]]:
        """One group per term (its fields) and per concept."""
        boosts = self.weights.fields
        out = [
            [Clause(name, term, boosts[name] * weight) for name in FIELDS if boosts.get(name)]
            for term, weight in question.terms.items()
        ]
        out += [[Clause("taxonomy", token, weight)] for token, weight in question.concepts.items()]
        return out

    def search(self, question: Question, limit: int = 10) -> list[Hit]:
        """Articles best first; nothing for a question with no usable words."""
        if question.empty:
            return []
        found = self.engine.search(self.groups(question), limit)
        return [
            Hit(self.content.articles[self.stats.ids[n]], score)
            for n, score in found
            if 0 <= n < len(self.stats.ids) and self.stats.ids[n] in self.content.articles
        ]
