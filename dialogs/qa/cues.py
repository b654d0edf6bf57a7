"""Cue phrases: short word lists that say what a question is (an intent, a helpdesk request).

A cue is matched on a question's folded words (lower-case, accents and spellings folded), as
whole words; ``*`` in a cue stands for one to six words ("where do * start").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from dialogs.qa.analysis import Analyzer

GAP = r" \S+(?: \S+){0,5} "


class Cues:
    """A set of cue phrases compiled into one pattern."""

    def __init__(self, cues: Iterable[str], analyzer: Analyzer) -> None:
        cues = tuple(cues)
        compiled = {_compile(cue, analyzer) for cue in cues} - {""}
        self._words = frozenset(w for cue in cues for w in analyzer.words(cue.replace("*", " ")))
        alternatives = "|".join(sorted(compiled, key=len, reverse=True))
        self._pattern = re.compile(rf"(?<!\S)(?:{alternatives})(?!\S)") if compiled else None

    def search(self, text: str) -> bool:
        """Whether any cue occurs in space-joined words."""
        return self._pattern is not None and self._pattern.search(text) is not None

    def found(self, *texts: Sequence[str]) -> bool:
        """Whether any cue occurs in any of the word sequences."""
        return any(self.search(text) for text in dict.fromkeys(" ".join(w) for w in texts))

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where the cues occur in space-joined words (character offsets)."""
        if self._pattern is None:
            return []
        return [match.span() for match in self._pattern.finditer(text)]

    def positions(self, words: Sequence[str]) -> set[int]:
        """The positions of the words a cue spells out (not those a ``*`` stands for)."""
        return self.spelled(words, self.spans(" ".join(words)))

    def spelled(self, words: Sequence[str], spans: Sequence[tuple[int, int]]) -> set[int]:
        """The positions of the cue words inside ``spans`` of ``words`` joined by spaces."""
        found: set[int] = set()
        at = 0
        for i, word in enumerate(words):
            if word in self._words and any(start <= at < end for start, end in spans):
                found.add(i)
            at += len(word) + 1
        return found


def _compile(cue: str, analyzer: Analyzer) -> str:
    pieces = [" ".join(re.escape(w) for w in analyzer.words(piece)) for piece in cue.split("*")]
    return GAP.join(p for p in pieces if p)
