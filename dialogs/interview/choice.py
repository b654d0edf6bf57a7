"""Typed answers to a choice: the option's number, its label or an alias, or a close misspelling."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from dialogs.interview.options import Choice
from dialogs.text import clean, plain

YES = frozenset(
    {
        "yes", "y", "yeah", "yep", "yup", "sure", "correct", "right", "ok", "okay", "exactly",
        "confirm", "confirmed", "true", "yes please", "that's right", "thats right",
        "that is right", "looks good", "all good", "save", "yes save",
    }
)  # fmt: skip
NO = frozenset(
    {"no", "n", "nope", "nah", "wrong", "incorrect", "false", "not quite", "not really",
     "no thanks"}
)  # fmt: skip
NONE = frozenset({"none", "nothing", "no tools", "n/a", "na", "-", "no", "nil", "none yet"})
_PUNCT = re.compile(r"[^\w/+&'’-]+")
_SPLIT = re.compile(r"\s*(?:[,;\n]|\band\b|&|\bplus\b)\s*", re.IGNORECASE)
_NUMBERS = re.compile(r"^\d+(?:[\s,]+\d+)*$")
_WORD = re.compile(r"\w+")
_FILLER = frozenset(
    {"a", "an", "and", "the", "to", "of", "for", "in", "on", "our", "we", "my", "all", "with"}
)


def norm(text: str) -> str:
    """Lower-case, punctuation to spaces (keeping ``/ + & '``), spaces collapsed."""
    return " ".join(_PUNCT.sub(" ", clean(text).casefold().replace("’", "'")).split())


def allowed_typos(length: int) -> int:
    """How many edits a name of ``length`` characters tolerates."""
    if length < 5:
        return 0
    return 1 if length < 8 else 2


def yes_no(text: str) -> bool | None:
    value = norm(text).strip(" .!")
    if value in YES:
        return True
    if value in NO:
        return False
    return None


@dataclass(frozen=True)
class Picked:
    """What a typed answer picked: options, and (for free-text steps) the user's own entries."""

    choices: tuple[Choice, ...]
    own: tuple[str, ...] = ()

    @property
    def answers(self) -> list[str]:
        out: list[str] = []
        for item in [c.answer for c in self.choices] + list(self.own):
            if item not in out:
                out.append(item)
        return out


def _names(choice: Choice) -> list[str]:
    return [norm(plain(choice.label)), norm(choice.value), *(norm(a) for a in choice.aliases)]


def match(part: str, choices: Sequence[Choice], loose: bool = True) -> Choice | None:
    """The one option ``part`` names: number, label, value or alias, or (``loose``) a close
    misspelling or the only option holding its words."""
    key = norm(part)
    if not key:
        return None
    if key.isdigit():
        index = int(key)
        return choices[index - 1] if 1 <= index <= len(choices) else None
    exact = [c for c in choices if key in _names(c)]
    if exact:
        return exact[0] if len({c.value for c in exact}) == 1 else None
    if not loose:
        return None
    best: list[tuple[int, Choice]] = []
    limit = max(allowed_typos(len(key)), 1 if len(key) >= 4 else 0)  # "Wlak" → Walk
    if limit:
        for choice in choices:
            distances = [
                OSA.distance(key, name, score_cutoff=limit)
                for name in _names(choice)
                if abs(len(name) - len(key)) <= limit
            ]
            found = min(distances, default=limit + 1)
            if found <= limit:
                best.append((found, choice))
    if best:
        best.sort(key=lambda item: item[0])
        top = [c for d, c in best if d == best[0][0]]
        return top[0] if len({c.value for c in top}) == 1 else None
    return _by_words(key, choices)


def _by_words(key: str, choices: Sequence[Choice]) -> Choice | None:
    """An option whose label holds every longer word typed (``licences`` → licences option)."""
    words = [w for w in _WORD.findall(key) if w not in _FILLER]
    if not words or all(len(w) < 4 for w in words):
        return None
    hits = [c for c in choices if all(w in set(_WORD.findall(" ".join(_names(c)))) for w in words)]
    return hits[0] if len(hits) == 1 else None


def single(text: str, choices: Sequence[Choice]) -> Choice | None:
    """One option for a single-choice question."""
    return match(text, choices)


def multi(text: str, choices: Sequence[Choice], free_text: bool) -> Picked | None:
    """Several options (numbers, labels, separated by commas or "and"), or own entries.

    ``None`` when a part names no option and own entries are not allowed.
    """
    stripped = text.strip()
    if norm(stripped) in NONE:
        return Picked(())
    if _NUMBERS.match(stripped):
        parts = re.split(r"[\s,]+", stripped)
    else:
        parts = [p for p in _SPLIT.split(stripped) if p and p.strip(" .")]
    # the whole text may be one label with "and" in it; loosely only when it is one part
    whole = match(stripped, choices, loose=len(parts) == 1)
    if whole is not None:
        return Picked((whole,))
    picked: list[Choice] = []
    own: list[str] = []
    for part in parts:
        found = match(part, choices)
        if found is not None:
            if found not in picked:
                picked.append(found)
            continue
        entry = " ".join(clean(part).split()).strip(" .")
        if not free_text or not _WORD.search(entry):
            return None
        own.append(entry)
    return Picked(tuple(picked), tuple(own))
