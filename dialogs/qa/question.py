"""A question as the index sees it: repaired words, weighted terms and taxonomy concepts."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from dialogs.qa.analysis import STOP_WORDS, Analyzer
from dialogs.qa.intent import IntentCues
from dialogs.qa.lexicon import Concept, Lexicon, Match
from dialogs.qa.scope import Scope
from dialogs.qa.spelling import Speller

MAX_WORDS = 80  # longer messages are cut: nobody asks a 300-word question


@dataclass(frozen=True)
class Weights:
    """How much each kind of evidence counts; tuned on the eval's dev half."""

    fields: Mapping[str, float] = field(
        default_factory=lambda: {
            "title": 2.0,
            "questions": 2.0,
            "summary": 1.5,
            "body": 0.6,
            "taxonomy": 1.5,
        }
    )
    corrected: float = 0.8  # a word the speller fixed
    expansion: float = 1.0  # a canonical name added for an acronym or synonym
    named: float = 0.3  # the words of a phrase replaced by its canonical name
    primary_topic: float = 1.5  # p:<topic> named by a term or topic synonym
    other_topic: float = 0.4  # s:<topic>
    discipline: float = 1.0  # d:<discipline>, the discipline an article is about
    other_discipline: float = 0.3  # e:<discipline>, one it mentions
    in_context: float = 0.1  # a name's topic boost when the question says more than it
    generic: float = 0.8  # a word in at least this share of articles says nothing
    intent: float = 2.5  # p:<topic> of the article kind the question's intent asks for


@dataclass(frozen=True)
class Question:
    """What was asked, after analysis."""

    text: str
    words: tuple[str, ...]  # folded, joined and corrected
    corrections: Mapping[str, str]  # typed word → vocabulary word
    terms: Mapping[str, float]  # stem → weight (1, or less when corrected or expanded)
    typed: frozenset[str]  # stems of the words actually typed (not expansions)
    concepts: Mapping[str, float]  # concept token → weight
    matches: tuple[Match, ...]
    residual: tuple[str, ...] = ()  # informative typed stems not part of a taxonomy name
    own: tuple[str, ...] = ()  # ... nor of an intent cue, unknown words included
    intents: tuple[str, ...] = ()  # the intents its cue phrases express ("start", ...)
    routed: tuple[str, ...] = ()  # the topics those intents point at
    operational: bool = False  # a helpdesk request that says nothing about FinOps

    @property
    def empty(self) -> bool:
        return not self.terms and not self.concepts

    def ambiguous(self) -> tuple[Concept, ...]:
        """The senses of an ambiguous name the question consists of ("what is EA?")."""
        if self.residual:
            return ()
        for match in self.matches:
            senses = tuple(c for c in match.concepts if c.ambiguous and c.topics)
            if len(senses) > 1:
                return senses
        return ()

    def disciplines(self) -> set[str]:
        """Disciplines the question names (by acronym, synonym or tool)."""
        return {c[2:] for c in self.concepts if c.startswith("d:")}


def repair(words: Sequence[str], speller: Speller) -> tuple[list[str], dict[str, str]]:
    """Join words split by a space ("Fin Ops") and correct unknown ones ("managment")."""
    out: list[str] = []
    corrections: dict[str, str] = {}
    i = 0
    while i < len(words):
        word = words[i]
        if i + 1 < len(words):
            joined = word + words[i + 1]
            unknown = not speller.known(word) or not speller.known(words[i + 1])
            if unknown and speller.known(joined) and len(joined) >= 4:
                corrections[f"{word} {words[i + 1]}"] = joined
                out.append(joined)
                i += 2
                continue
        if word not in STOP_WORDS and not speller.known(word):
            fixed = speller.correct(word)
            if fixed is not None:
                corrections[word] = fixed
                word = fixed
        out.append(word)
        i += 1
    return out, corrections


def named_disciplines(matches: Sequence[Match]) -> list[str]:
    """The disciplines a question names, one per name, in order.

    A name that belongs to a discipline counts as that one; a term or tool that lists several
    ("true-up": SAM and procurement) counts as its first.
    """
    out: list[str] = []
    for match in matches:
        own = [c.disciplines[0] for c in match.concepts if c.name.startswith("discipline:")]
        listed = [c.disciplines[0] for c in match.concepts if c.disciplines]
        found = (own or listed)[:1]
        out += [d for d in found if d not in out]
    return out


def parse_question(
    text: str,
    analyzer: Analyzer,
    lexicon: Lexicon,
    speller: Speller,
    weights: Weights,
    share: Callable[[str], float],
    cues: IntentCues | None = None,
    scope: Scope | None = None,
) -> Question:
    """Analyse a question the way articles were analysed, then add taxonomy concepts.

    A name asked on its own ("SAM", "what is AHB?", "service management") points at its
    topic, or at the discipline's overview. When the question says more ("how do SAM and FinOps
    overlap"), those other words decide the topic and the name's topic boost is damped.
    ``share`` is the fraction of articles containing a stem.
    """
    typed_words = analyzer.words(text)[:MAX_WORDS]
    words, corrections = repair(typed_words, speller)
    stems = analyzer.stems(words)
    fixed = set(corrections.values())
    terms: dict[str, float] = {}
    for word, stem in zip(words, stems, strict=True):
        if word in STOP_WORDS:
            continue
        weight = weights.corrected if word in fixed else 1.0
        terms[stem] = max(terms.get(stem, 0.0), weight)
    typed = frozenset(terms)
    matches = tuple(lexicon.find(stems))
    covered = {stems[i] for m in matches for i in range(m.start, m.end)}
    residual = [t for t in typed if t not in covered and 0 < share(t) < weights.generic]
    damped = 1.0 if not residual else weights.in_context
    concepts: dict[str, float] = {}

    def add(token: str, weight: float) -> None:
        concepts[token] = max(concepts.get(token, 0.0), weight)

    for match in matches:
        has_topic = any(c.topics for c in match.concepts)
        for concept in match.concepts:
            topics = concept.topics
            if concept.name.startswith("discipline:") and not residual and not has_topic:
                topics = tuple(f"{d}.overview" for d in concept.disciplines)
            # a topic's label or several-word synonym ("crawl walk run") names it precisely; a
            # single word ("FinOps") or a term or discipline ("SAM") says what it is about
            precise = concept.name.startswith("topic:") and match.end - match.start > 1
            factor = 1.0 if precise else damped
            for topic in topics:
                add(f"p:{topic}", weights.primary_topic * factor)
                add(f"s:{topic}", weights.other_topic * factor)
            for discipline in concept.disciplines:
                add(f"d:{discipline}", weights.discipline)
                add(f"e:{discipline}", weights.other_discipline)
            for stem in concept.canonical:
                terms[stem] = max(terms.get(stem, 0.0), weights.expansion)
    intents, positions = cues.read(words, typed_words) if cues is not None else ((), set())
    cued = {stems[i] for i in positions}
    own = [t for t in typed if t not in covered and t not in cued and share(t) < weights.generic]
    routed = cues.topics(intents, named_disciplines(matches), not own) if cues else []
    for topic in routed:
        add(f"p:{topic}", weights.intent)
    canonical = {s for m in matches for c in m.concepts for s in c.canonical}
    for stem in covered - canonical:
        if stem in terms:
            terms[stem] = min(terms[stem], weights.named)
    return Question(
        text=text,
        words=tuple(words),
        corrections=corrections,
        terms=terms,
        typed=typed,
        concepts=concepts,
        matches=matches,
        residual=tuple(residual),
        own=tuple(own),
        intents=tuple(i.name for i in intents),
        routed=tuple(routed),
        operational=(
            scope.operational(typed_words, words, guidance=any(i.name == "start" for i in intents))
            if scope is not None
            else False
        ),
    )
