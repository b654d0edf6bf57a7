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
        compiled = {_compile(cue, analyzer) for cue in cues} - {""}
        alternatives = "|".join(sorted(compiled, key=len, reverse=True))
        self._pattern = re.compile(rf"(?<!\S)(?:{alternatives})(?!\S)") if compiled else None

    def found(self, words: Sequence[str]) -> bool:
        """Whether any cue occurs in the words."""
        return self._pattern is not None and self._pattern.search(" ".join(words)) is not None


def _compile(cue: str, analyzer: Analyzer) -> str:
    pieces = [" ".join(re.escape(w) for w in analyzer.words(piece)) for piece in cue.split("*")]
    return GAP.join(p for p in pieces if p)
