"""Typo tolerance: unknown words are corrected against the content's vocabulary (rapidfuzz)."""

from __future__ import annotations

from collections.abc import Callable, Collection

from rapidfuzz import process
from rapidfuzz.distance import OSA

MIN_LENGTH = 4  # shorter words are acronyms or noise: never corrected
MAX_CACHE = 50_000


def max_edits(word: str) -> int:
    """Edits allowed: one for words of 4-6 letters, two from 7 (transpositions count once)."""
    return 1 if len(word) < 7 else 2


class Speller:
    """Corrects a word to the closest vocabulary word, preferring more common ones.

    With ``stem`` and the corpus ``stems``, a word whose stem is a corpus stem is another form
    of a known word ("days" when the corpus has "day") and is left alone: correcting it would
    turn an ordinary word into a different one ("days" → "says").
    """

    def __init__(
        self,
        vocabulary: Collection[str],
        frequency: Callable[[str], int],
        stem: Callable[[str], str] | None = None,
        stems: Collection[str] = (),
    ) -> None:
        self._vocabulary = vocabulary
        self._frequency = frequency
        self._stem = stem
        self._stems = frozenset(stems)
        self._by_length: dict[int, list[str]] = {}
        for word in vocabulary:
            if len(word) >= MIN_LENGTH - 1 and not word.isdigit():
                self._by_length.setdefault(len(word), []).append(word)
        self._cache: dict[str, str | None] = {}

    def known(self, word: str) -> bool:
        return word in self._vocabulary

    def correct(self, word: str) -> str | None:
        """The intended word for an unknown one, or ``None`` when nothing is close enough."""
        if word in self._cache:
            return self._cache[word]
        found = self._lookup(word)
        if len(self._cache) < MAX_CACHE:
            self._cache[word] = found
        return found

    def _lookup(self, word: str) -> str | None:
        if len(word) < MIN_LENGTH or word.isdigit() or word in self._vocabulary:
            return None
        if self._stem is not None and self._stem(word) in self._stems:
            return None  # another form of a corpus word ("days", "relationship"): not a typo
        edits = max_edits(word)
        best: tuple[int, int, str] | None = None  # (distance, -frequency, word)
        for length in range(len(word) - edits, len(word) + edits + 1):
            choices = self._by_length.get(length)
            if not choices:
                continue
            for match, distance, _ in process.extract(
                word, choices, scorer=OSA.distance, score_cutoff=edits, limit=5
            ):
                key = (int(distance), -self._frequency(match), match)
                if best is None or key < best:
                    best = key
        return best[2] if best is not None else None
