"""Content statistics per topic and per discipline, for the CLI and for spotting thin areas."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from dialogs.content.article import Article
from dialogs.content.store import ContentStore


@dataclass(frozen=True)
class Stat:
    """How much content covers one topic or discipline."""

    articles: int = 0
    words: int = 0
    sources: int = 0

    def add(self, article: Article) -> Stat:
        return Stat(
            self.articles + 1, self.words + article.words, self.sources + len(article.sources)
        )


@dataclass(frozen=True)
class ContentStats:
    """Totals, per topic and per discipline (every taxonomy id present, zeros included)."""

    total: Stat
    topics: Mapping[str, Stat]
    disciplines: Mapping[str, Stat]


def content_stats(store: ContentStore) -> ContentStats:
    """Count articles, body words and sources; an article counts for each topic it lists."""
    articles = [store.articles[k] for k in sorted(store.articles)]
    return ContentStats(
        total=_sum(articles),
        topics=MappingProxyType(
            {t: _sum(a for a in articles if t in a.topics) for t in store.topics}
        ),
        disciplines=MappingProxyType(
            {d: _sum(a for a in articles if d in a.disciplines) for d in store.disciplines}
        ),
    )


def _sum(articles: Iterable[Article]) -> Stat:
    stat = Stat()
    for article in articles:
        stat = stat.add(article)
    return stat
