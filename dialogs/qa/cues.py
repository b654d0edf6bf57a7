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

    def found(self, *texts: Sequence[str]) -> bool:
        """Whether any cue occurs in any of the word sequences."""
        if self._pattern is None:
            return False
        joined = dict.fromkeys(" ".join(words) for words in texts)  # usually one: no typos
        return any(self._pattern.search(text) is not None for text in joined)

    def positions(self, words: Sequence[str]) -> set[int]:
        """The positions of the words a cue spells out (not those a ``*`` stands for)."""
        if self._pattern is None:
            return set()
        text = " ".join(words)
        starts = [0]
        for word in words[:-1]:
            starts.append(starts[-1] + len(word) + 1)
        found: set[int] = set()
        for match in self._pattern.finditer(text):
            found.update(
                i
                for i, at in enumerate(starts)
                if match.start() <= at < match.end() and words[i] in self._words
            )
        return found


def _compile(cue: str, analyzer: Analyzer) -> str:
    pieces = [" ".join(re.escape(w) for w in analyzer.words(piece)) for piece in cue.split("*")]
    return GAP.join(p for p in pieces if p)
