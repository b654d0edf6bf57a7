"""The taxonomy as a phrase lexicon: acronyms, synonyms and tool names → concepts.

A concept is a token the index stores next to an article's words (``p:sam.overview`` for its
primary topic, ``s:…`` for its other topics, ``d:sam`` for its disciplines). A question that
names a term ("AHB"), a discipline synonym ("licence management"), a topic synonym ("crawl walk
run") or a tool alias ("SCCM") gets the matching concept tokens and its canonical name, so it
finds the article even when the article spells the idea out differently.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from dialogs.content import Article, ContentStore
from dialogs.qa.analysis import STOP_WORDS, Analyzer

_PARENTHESIS = re.compile(r"\s*\([^)]*\)")


@dataclass(frozen=True)
class Concept:
    """What a phrase means for search."""

    name: str  # the taxonomy entry, e.g. "term:ahb", "discipline:sam", "tool:servicenow"
    topics: tuple[str, ...] = ()  # p:/s: tokens it adds
    disciplines: tuple[str, ...] = ()  # d: tokens it adds
    canonical: tuple[str, ...] = ()  # stems of its canonical name, added wherever it is named
    meaning: str = ""  # a term's expansion, to ask which meaning of an ambiguous name
    ambiguous: bool = False  # a term that shares its name with another (ambiguous_with)


@dataclass(frozen=True)
class Match:
    """A phrase found in a question: where, and the concepts it names."""

    start: int
    end: int  # exclusive, in word positions
    concepts: tuple[Concept, ...]


@dataclass
class Lexicon:
    """Phrases (tuples of stems, stop words kept) → concepts."""

    phrases: dict[tuple[str, ...], list[Concept]] = field(default_factory=dict)
    longest: dict[str, int] = field(default_factory=dict)  # first stem → longest phrase
    # index side: phrase → canonical stems it adds (only phrases that add something)
    _expands: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    _expands_longest: dict[str, int] = field(default_factory=dict)
    _follows: dict[str, set[str]] = field(default_factory=dict)  # first stem → second stems

    def add(self, stems: Sequence[str], concept: Concept) -> None:
        key = tuple(stems)
        if not key or all(s in STOP_WORDS for s in key):
            return
        found = self.phrases.setdefault(key, [])
        if concept not in found:
            found.append(concept)
        self.longest[key[0]] = max(self.longest.get(key[0], 0), len(key))
        adds = tuple(dict.fromkeys(s for c in found for s in c.canonical if s not in key))
        if adds:
            self._expands[key] = adds
            first = self._expands_longest.get(key[0], 0)
            self._expands_longest[key[0]] = max(first, len(key))
            if len(key) > 1:
                self._follows.setdefault(key[0], set()).add(key[1])

    def find(self, stems: Sequence[str], names_only: bool = False) -> list[Match]:
        """Longest phrases first, left to right, without overlaps.

        ``names_only`` skips topic labels and synonyms: only terms, disciplines and tools.
        """
        longest = self.longest
        starts = [i for i, stem in enumerate(stems) if stem in longest]
        matches: list[Match] = []
        free = 0  # the first position not inside an earlier match
        for i in starts:
            if i < free:
                continue
            size = min(longest[stems[i]], len(stems) - i)
            while size:
                concepts = self.phrases.get(tuple(stems[i : i + size]))
                if concepts and names_only:
                    concepts = [c for c in concepts if not c.name.startswith("topic:")]
                if concepts:
                    matches.append(Match(i, i + size, tuple(concepts)))
                    free = i + size
                    break
                size -= 1
        return matches

    def canonical(self, stems: Sequence[str]) -> list[str]:
        """The canonical names a text adds (index-side synonyms): "IT asset management" adds
        "itam". Names that are their own canonical form add nothing.

        Faster than ``find`` for long texts: only phrases that add a name are tried, longest
        first, without overlaps among them.
        """
        longest = self._expands_longest
        expands = self._expands
        follows = self._follows
        last = len(stems) - 1
        out: list[str] = []
        free = 0
        for i in [i for i, stem in enumerate(stems) if stem in longest]:
            if i < free:
                continue
            stem = stems[i]
            if i == last or stems[i + 1] not in follows.get(stem, ()):
                adds = expands.get((stem,))  # no longer phrase can start here
                if adds:
                    out += adds
                    free = i + 1
                continue
            size = min(longest[stem], len(stems) - i)
            while size:
                adds = expands.get(tuple(stems[i : i + size]))
                if adds:
                    out += adds
                    free = i + size
                    break
                size -= 1
        return out


def build_lexicon(content: ContentStore, analyzer: Analyzer) -> Lexicon:
    """Every term, discipline, topic and tool name in the taxonomy."""
    lexicon = Lexicon()

    def phrase(name: str) -> list[str]:
        return analyzer.stems(analyzer.words(name))

    def canonical(name: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(analyzer.terms(name)))

    for term in content.terms.values():
        topics = tuple(t for t in term.topics if t in content.topics)
        concept = Concept(
            f"term:{term.id}",
            topics=topics,
            disciplines=term.disciplines,
            canonical=canonical(term.term),
            meaning=term.expansion,
            ambiguous=bool(term.ambiguous_with),
        )
        for name in (term.term, *term.synonyms):
            lexicon.add(phrase(name), concept)
    for disc in content.disciplines.values():
        concept = Concept(
            f"discipline:{disc.id}",
            disciplines=(disc.id,),
            canonical=canonical(disc.id),
        )
        for name in (disc.id, disc.short, disc.label, *disc.synonyms):
            lexicon.add(phrase(name), concept)
    for topic in content.topics.values():
        concept = Concept(
            f"topic:{topic.id}",
            topics=(topic.id,),
            disciplines=(topic.discipline,) if topic.discipline else (),
        )
        for name in (topic.label, *topic.synonyms):
            lexicon.add(phrase(name), concept)
    for tool in content.tools.values():
        concept = Concept(
            f"tool:{tool.id}",
            disciplines=tool.disciplines,
            canonical=canonical(_PARENTHESIS.sub("", tool.name)),
        )
        for name in (tool.id, tool.name, *tool.aliases):
            lexicon.add(phrase(name), concept)
    return lexicon


def article_concepts(article: Article, content: ContentStore) -> list[str]:
    """The concept tokens an article is indexed with.

    ``p:`` its primary topic, ``s:`` its other topics, ``d:`` the discipline it is about (its
    primary topic's, else its only one) and ``e:`` the other disciplines it mentions. Keeping
    ``d:`` to one discipline stops overview articles that list six disciplines from matching
    every question that names one.
    """
    tokens = [f"p:{article.primary_topic}"]
    tokens += [f"s:{t}" for t in article.topics[1:]]
    primary = content.topics.get(article.primary_topic)
    main = primary.discipline if primary is not None else None
    if main is None and len(article.disciplines) == 1:
        main = article.disciplines[0]
    if main is not None:
        tokens.append(f"d:{main}")
    tokens += [f"e:{d}" for d in article.disciplines if d != main]
    return tokens


def article_synonyms(article: Article, content: ContentStore) -> list[str]:
    """Taxonomy names that describe an article: its topics, disciplines and terms."""
    names: list[str] = []
    topic = content.topics.get(article.primary_topic)
    if topic is not None:
        names += [topic.label, *topic.synonyms]
    for disc_id in article.disciplines:
        disc = content.disciplines.get(disc_id)
        if disc is not None:
            names += [disc.short, *disc.synonyms]
    names += _term_names(content).get(article.primary_topic, ())
    return names


_TERM_NAMES: dict[int, tuple[ContentStore, dict[str, list[str]]]] = {}


def _term_names(content: ContentStore) -> dict[str, list[str]]:
    """topic id → names of the terms pointing at it (computed once per content store)."""
    cached = _TERM_NAMES.get(id(content))
    if cached is not None and cached[0] is content:
        return cached[1]
    names: dict[str, list[str]] = {}
    for term in content.terms.values():
        for topic in term.topics:
            names.setdefault(topic, []).extend([term.term, term.expansion, *term.synonyms])
    _TERM_NAMES.clear()
    _TERM_NAMES[id(content)] = (content, names)
    return names
