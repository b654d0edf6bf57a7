"""Text analysis shared by the index and the questions: fold, split, stem.

Articles and questions go through the same steps, so a question matches whatever spelling the
article used: lower-case, British and American spellings folded to one (the taxonomy's
``spellings`` plus the regular -ize/-yze endings), acronym plurals folded (``KPIs`` → ``kpi``),
then Snowball English stemming (PyStemmer). Stop words are kept in ``words`` (phrases such as
"IT finance" need them) and dropped from ``terms``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple, TypeVar

import Stemmer

_SEPARATORS = str.maketrans(
    {chr(c): " " for c in range(128) if not (chr(c).isascii() and chr(c).isalnum())}
)  # every ASCII character but a-z, A-Z and 0-9 separates words
_APOSTROPHE = re.compile(r"['’](?:s\b)?")  # "what's" → "what", "don't" → "dont"
_COMBINING = re.compile(r"[\u0300-\u036f]")
MAX_TABLE = 500_000
T = TypeVar("T")
_IZE = re.compile(r"(?<=[a-z]{2})([iy])z(e|ed|es|er|ers|ing|ation|ations|ational)$")

STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are aren as at be because been
    before being below between both but by can could did didn do does doesn doing don done down
    during each either else even ever every few for from further get gets getting got had has
    have having he her here hers him his how i if in into is isn it its itself just let like ll
    me might mine more most much must my myself no nor not now of off on once only or other our
    ours out over own please pls plz re really same shall she should so some such than that the
    their theirs them then there these they this those through to too under until up upon us ve
    very was we were what whats when where whether which while who whom whose why will with
    would yes yet you your yours yourself s t d m o y hi hello hey thanks thank cheers ok okay
    tell explain mean means meaning know want wondering wonder quick question questions anyone
    somebody someone something thing things actually basically kind sort lot lots bit define
    definition describe
    """.split()  # noqa: SIM905 - a word list reads better as text
)
"""Words that carry no topic: dropped from index terms and question terms alike."""


def fold_accents(text: str) -> str:
    """Lower-case and strip accents (``Café`` → ``cafe``)."""
    low = text.casefold()
    if low.isascii():
        return low
    return _COMBINING.sub("", unicodedata.normalize("NFKD", low))


class Token(NamedTuple):
    """A word as typed, folded (spelling), stemmed, and whether it is a stop word."""

    word: str
    stem: str
    stop: bool


class _Table(dict[str, T]):
    """raw word → its analysis, computed on first sight (bounded, so odd input cannot grow it)."""

    def __init__(self, make: Callable[[str], T]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, raw: str) -> T:
        value = self._make(raw)
        if len(self) < MAX_TABLE:
            self[raw] = value
        return value


class Analyzer:
    """Turns text into folded words and index terms; one per content store.

    Every distinct raw word is analysed once (fold, stem, stop) and remembered, so analysing a
    large corpus is one regex pass and one dictionary lookup per word.
    """

    def __init__(
        self, spellings: Iterable[Sequence[str]] = (), acronyms: Iterable[str] = ()
    ) -> None:
        self._fold: dict[str, str] = {}
        for group in spellings:
            words = [fold_accents(w) for w in group]
            for variant in words[1:]:
                self._fold[variant] = words[0]
        self._acronyms = frozenset(fold_accents(a) for a in acronyms)
        self._stemmer = Stemmer.Stemmer("english")
        self._table: _Table[Token] = _Table(self._analyse)
        self._all: _Table[str] = _Table(lambda raw: self._table[raw].stem)
        self._content: _Table[str] = _Table(
            lambda raw: "" if self._table[raw].stop else self._table[raw].stem
        )
        self._stems: dict[str, str] = {}

    def _analyse(self, raw: str) -> Token:
        word = self.word(raw)
        return Token(word, self.stem(word), word in STOP_WORDS)

    def word(self, raw: str) -> str:
        """One lower-case token with its spelling folded."""
        word = self._fold.get(raw, raw)
        if word == raw and len(raw) > 5:
            word = _IZE.sub(r"\1s\2", raw)
        if raw.endswith("s") and raw[:-1] in self._acronyms:
            word = raw[:-1]
        return word

    def raw(self, text: str) -> list[str]:
        """The lower-case words of a text (runs of a-z and 0-9), before folding."""
        low = fold_accents(text)
        if "'" in low or "’" in low:
            low = _APOSTROPHE.sub("", low)
        if not low.isascii():
            low = low.encode("ascii", "replace").decode("ascii")
        return low.translate(_SEPARATORS).split()

    def tokens(self, text: str) -> list[Token]:
        """Every word of a text, analysed, in order."""
        table = self._table
        return [table[raw] for raw in self.raw(text)]

    def index_terms(self, text: str) -> tuple[list[str], list[str]]:
        """(stems of the non-stop words, stems of every word): the fast path for corpora."""
        raw = self.raw(text)
        content = list(filter(None, map(self._content.__getitem__, raw)))
        return content, list(map(self._all.__getitem__, raw))

    def words(self, text: str) -> list[str]:
        """Folded words in order, stop words included."""
        return [t.word for t in self.tokens(text)]

    def stem(self, word: str) -> str:
        """The Snowball stem of a folded word (cached)."""
        stem = self._stems.get(word)
        if stem is None:
            stem = self._stemmer.stemWord(word)
            if len(self._stems) < MAX_TABLE:
                self._stems[word] = stem
        return stem

    def stems(self, words: Iterable[str]) -> list[str]:
        return [self.stem(w) for w in words]

    def terms(self, text: str) -> list[str]:
        """Index terms: stems of the non-stop words, in order, repeats kept."""
        return [t.stem for t in self.tokens(text) if not t.stop]

    def seen(self) -> dict[str, str]:
        """Every folded word analysed so far → its stem (the corpus vocabulary after a build)."""
        return {t.word: t.stem for t in self._table.values()}
