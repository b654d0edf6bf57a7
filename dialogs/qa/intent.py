"""Question intent: which kind of article a question wants within a discipline.

Every discipline has an overview ("what is X"), an overlap ("how does X relate to FinOps") and
a first-steps article ("where do we start with X"); some have more (``itsm.tools``). The words
that name the discipline are the same in all of them, so BM25 alone often picks the wrong one.
A question's cue phrases ("first steps", "overlap with", "who owns") give its intents; each
intent names an *aspect*, the suffix of the topic id within a discipline (``sam.first-steps``).
The question then gets that topic's concept token (``p:sam.first-steps``), weighted like a
topic it names. When the question names several disciplines ("integrating FinOps with ITIL and
ITAM") the intent's cross-discipline topic (``intersecting.getting-started``) is used instead.

The cue lists are data: add a phrase to ``INTENTS`` rather than a rule to the code. Cues are
matched on whole folded words (``dialogs.qa.cues``), so plurals are listed where they matter.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dialogs.content import ContentStore
from dialogs.qa.analysis import Analyzer
from dialogs.qa.cues import Cues


@dataclass(frozen=True)
class Intent:
    """What kind of answer a question asks for, and the phrases that say so."""

    name: str
    aspects: tuple[str, ...]  # topic id suffixes within a discipline: "{discipline}.{aspect}"
    several: str  # the topic when the question names several disciplines ("" for none)
    alone: str  # the topic when it names none ("" for none: its words decide)
    cues: tuple[str, ...]  # phrases; "*" stands for one to six words
    bare: bool = False  # only when the question says nothing but names and cues


INTENTS: tuple[Intent, ...] = (
    Intent(
        "define",
        ("overview",),
        "intersecting.overview",
        "",
        (
            "what is",
            "what are",
            "stand for",
            "stands for",
            "what does * do",
            "what does * mean",
            "explain",
            "define",
            "definition",
            "meaning of",
            "in a nutshell",
            "overview",
            "at a glance",
            "introduction",
            "intro to",
            "basics",
            "101",
            "tell me about",
            "in plain english",
            "in simple terms",
            "part of finops",
            "part of the finops",
            "matter for",
            "matters for",
            "matter to",
            "does * matter",
        ),
        bare=True,  # "what is the carbon intensity of the grid" does not ask what carbon is
    ),
    Intent(
        "relate",
        ("overlap",),
        "intersecting.overview",
        "",
        (
            "relate",
            "relates",
            "related to",
            "relation",
            "relationship",
            "overlap",
            "overlaps",
            "overlapping",
            "intersect",
            "intersects",
            "intersection",
            "in common",
            "common ground",
            "meet",
            "link between",
            "connection between",
            "interplay",
            "vs finops",
            "finops vs",
            "versus finops",
            "finops versus",
            "compared to finops",
            "where does * come in",
            "where do * come in",
            "have to do with",
            "got to do with",
            "who owns",
            "who should own",
            "ownership",
            "who decides",
            "who pays",
            "who is responsible",
            "responsible for",
            "whose job",
            "or finops",
            "finops or",
            "work together",
            "working together",
            "collaborate",
            "interact",
            "interacts",
            "interaction",
            "line between",
            "draw the line",
            "boundary between",
            "split the work",
            "tie in",
            "ties in",
            "tie into",
            "ties into",
            "tied to",
            "cross paths",
            "join up",
            "line up with",
            # "why does the SAM team care about our cloud bill": why that team meets FinOps
            "care about * cost",
            "care about * costs",
            "care about * bill",
            "care about * spend",
            "cares about * cost",
            "cares about * costs",
            "cares about * bill",
            "cares about * spend",
            "interested in * cost",
            "interested in * costs",
            "interested in * bill",
            "interested in * spend",
        ),
    ),
    Intent(
        "fit",
        ("overview", "overlap"),
        "intersecting.overview",
        "",
        (
            "fit with",
            "fit into",
            "fit in",
            "fits with",
            "fits into",
            "fits in",
            "fit together",
            # "how is TBM different from FinOps" asks what TBM is as much as where they meet
            "difference between finops",
            "difference between * finops",
            "different from finops",
        ),
    ),
    Intent(
        "data",
        ("overlap",),
        "intersecting.data",
        "",  # "data" alone is too common a word to point anywhere
        (
            "data",
            "share with",
            "shared with",
            "swap",
            "send",
            "exchange",
            "feed",
            "columns",
            "fields",
            "give them",
            "hand over",
            "hand to",
        ),
    ),
    Intent(
        "start",
        ("first-steps",),
        "intersecting.getting-started",
        "intersecting.getting-started",
        (
            "where * start",
            "where * begin",
            "where to start",
            "where to begin",
            "how * start",
            "how * begin",
            "how to start",
            "how to begin",
            "get started",
            "getting started",
            "first step",
            "first steps",
            "first thing",
            "first things",
            "do first",
            "first move",
            "first priority",
            "quick win",
            "quick wins",
            "low hanging fruit",
            "roadmap",
            "crawl walk run",
            "kick off",
            "kicking off",
            "kick things off",
            "kickoff",
            "get going",
            "getting going",
            "pilot",
            "starting point",
            "start working",
            "start with",
            "begin with",
            "first 30 days",
            "first 90 days",
            "first month",
            "next step",
            "next steps",
            "action plan",
            "get * involved",
            "bring * in",
            "onboard",
            "onboarding",
        ),
    ),
    Intent(
        "measure",
        ("first-steps",),
        "intersecting.kpis",
        "",  # KPIs asked on their own: the taxonomy term already points at intersecting.kpis
        (
            "kpi",
            "metric",
            "metrics",
            "measure",
            "measures",
            "measuring",
            "target",
            "targets",
            "scorecard",
            "track",
            "tracking",
        ),
    ),
    Intent(
        "tools",
        ("tools",),
        "",
        "",
        (
            "tool",
            "tools",
            "tooling",
            "integration",
            "integrations",
            "integrate",
            "connector",
            "plugin",
            "plug in",
            "api",
        ),
    ),
)


class IntentCues:
    """The intents' cues, and each intent's topic per discipline."""

    def __init__(
        self, content: ContentStore, analyzer: Analyzer, intents: Iterable[Intent] = INTENTS
    ) -> None:
        self.intents = tuple(intents)
        self._cues = [(intent, Cues(intent.cues, analyzer)) for intent in self.intents]
        self._topics: dict[tuple[str, str], str] = {}
        for topic in content.topics.values():
            if topic.discipline and topic.id.startswith(f"{topic.discipline}."):
                aspect = topic.id[len(topic.discipline) + 1 :]
                self._topics[(topic.discipline, aspect)] = topic.id
        self._several = {i.name: i.several for i in self.intents if i.several in content.topics}
        self._alone = {i.name: i.alone for i in self.intents if i.alone in content.topics}

    def find(self, *texts: Sequence[str]) -> tuple[Intent, ...]:
        """The intents whose cues occur in a question's words (as typed or as corrected)."""
        return tuple(intent for intent, cues in self._cues if cues.found(*texts))

    def positions(self, words: Sequence[str]) -> set[int]:
        """The positions of the words that are part of any intent's cue."""
        return self.read(words)[1]

    def read(
        self, words: Sequence[str], typed: Sequence[str] | None = None
    ) -> tuple[tuple[Intent, ...], set[int]]:
        """``find`` and ``positions`` in one pass: the intents in the words (or as typed) and
        the positions of the cue words in ``words``."""
        text = " ".join(words)
        other = " ".join(typed) if typed is not None else text
        found: list[Intent] = []
        positions: set[int] = set()
        for intent, cues in self._cues:
            spans = cues.spans(text)
            if spans:
                found.append(intent)
                positions |= cues.spelled(words, spans)
            elif other != text and cues.search(other):
                found.append(intent)
        return tuple(found), positions

    def topics(
        self, intents: Iterable[Intent], disciplines: Sequence[str], bare: bool = True
    ) -> list[str]:
        """The topics the intents point at for the disciplines a question names.

        One discipline: its topic for each intent's aspect (when it has one). Several: the
        intent's ``several`` topic. None: its ``alone`` topic. Either may be absent. ``bare``
        says the question has no words but names and cues; a ``bare`` intent needs it.
        """
        out: list[str] = []
        for intent in intents:
            if intent.bare and not bare:
                continue
            if len(disciplines) == 1:
                found = [self._topics.get((disciplines[0], a)) for a in intent.aspects]
            elif disciplines:
                found = [self._several.get(intent.name)]
            else:
                found = [self._alone.get(intent.name)]
            out += [t for t in found if t is not None and t not in out]
        return out
