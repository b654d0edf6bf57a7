"""Named validators the interview file may list: ``not_blank`` or ``{max_length: 200}``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Answer = str | bool | list[str]
Check = Callable[[Answer, int], str | None]


def _not_blank(value: Answer, _: int) -> str | None:
    if isinstance(value, str) and not value.strip():
        return "Please type an answer (or `skip`)."
    return None


def _max_length(value: Answer, limit: int) -> str | None:
    items = value if isinstance(value, list) else [value] if isinstance(value, str) else []
    for item in items:
        if len(item) > limit:
            return f"Please keep each answer under {limit} characters (that one has {len(item)})."
    return None


def _min_items(value: Answer, limit: int) -> str | None:
    if isinstance(value, list) and len(value) < limit:
        return "Please pick at least one." if limit == 1 else f"Please pick at least {limit}."
    return None


def _max_items(value: Answer, limit: int) -> str | None:
    if isinstance(value, list) and len(value) > limit:
        return f"Please pick at most {limit} (you gave {len(value)})."
    return None


# name -> (check, takes a number)
VALIDATORS: dict[str, tuple[Check, bool]] = {
    "not_blank": (_not_blank, False),
    "max_length": (_max_length, True),
    "min_items": (_min_items, True),
    "max_items": (_max_items, True),
}


@dataclass(frozen=True)
class ValidatorSpec:
    """A validator named in the file, with its number when it takes one."""

    name: str
    arg: int = 0

    def check(self, value: Answer) -> str | None:
        """A message for the user when ``value`` fails, else ``None``."""
        check, _ = VALIDATORS[self.name]
        return check(value, self.arg)


def check_spec(raw: str | dict[str, int]) -> tuple[ValidatorSpec, str | None]:
    """Resolve ``not_blank`` / ``{max_length: 200}``; the second item is a problem, if any."""
    known = ", ".join(VALIDATORS)
    if isinstance(raw, str):
        name, arg, given = raw, 0, False
    elif len(raw) == 1:
        name, arg = next(iter(raw.items()))
        given = True
    else:
        return ValidatorSpec("not_blank"), "a validator is a name or {name: number}"
    entry = VALIDATORS.get(name)
    if entry is None:
        return ValidatorSpec("not_blank"), f"unknown validator '{name}' (known: {known})"
    if entry[1] and not given:
        return ValidatorSpec("not_blank"), f"validator '{name}' needs a number: {{{name}: N}}"
    if not entry[1] and given:
        return ValidatorSpec("not_blank"), f"validator '{name}' takes no number"
    if entry[1] and arg < 1:
        return ValidatorSpec("not_blank"), f"validator '{name}' needs a positive number"
    return ValidatorSpec(name, arg), None
