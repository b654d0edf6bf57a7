"""The file schemas: article front matter and the taxonomy, as strict pydantic models."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, ValidationError

SUMMARY_LIMIT = 300
MIN_QUESTIONS = 3
MIN_SOURCES = 1

Maturity = Literal["crawl", "walk", "run"]
ToolKind = Literal["tool", "framework", "standard"]

_ID = re.compile(r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$")


def _id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError(
            f"'{value}' is not a valid id: use lower-case letters, digits, '.' and '-'"
        )
    return value


def _text(value: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise ValueError("must not be empty")
    return value


def _url(value: str) -> str:
    if not is_http_url(value):
        raise ValueError(f"'{value}' is not an http(s) URL with a host")
    return value


def _date(value: object) -> object:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"'{value}' is not a date written YYYY-MM-DD")


def is_http_url(value: str) -> bool:
    """True for an absolute http(s) URL with a host and no whitespace."""
    if any(ch.isspace() for ch in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


Id = Annotated[str, AfterValidator(_id)]
Text = Annotated[str, AfterValidator(_text)]
Url = Annotated[str, AfterValidator(_url)]
Day = Annotated[date, BeforeValidator(_date)]


def _at_least(count: int, what: str) -> AfterValidator:
    def check(value: Sequence[object]) -> Sequence[object]:
        if len(value) < count:
            raise ValueError(f"needs at least {count} {what} (found {len(value)})")
        return value

    return AfterValidator(check)


def _at_most_chars(limit: int) -> AfterValidator:
    def check(value: str) -> str:
        if len(value) > limit:
            raise ValueError(f"has {len(value)} characters; the limit is {limit}")
        return value

    return AfterValidator(check)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


# --------------------------------------------------------------------------- articles


class Source(_Model):
    """A citation: where a fact in the article comes from."""

    title: Text
    url: Url


class ArticleMeta(_Model):
    """An article's front matter."""

    id: Id
    title: Text
    summary: Annotated[Text, _at_most_chars(SUMMARY_LIMIT)]
    topics: Annotated[tuple[Id, ...], _at_least(1, "topic id; the first is the primary topic")]
    disciplines: tuple[Id, ...] = ()
    questions: Annotated[tuple[Text, ...], _at_least(MIN_QUESTIONS, "questions")]
    sources: Annotated[tuple[Source, ...], _at_least(MIN_SOURCES, "source")]
    reviewed: Day
    related: tuple[Id, ...] = ()
    maturity: Maturity | None = None


# --------------------------------------------------------------------------- taxonomy


class Discipline(_Model):
    """A framework or discipline FinOps intersects with (ITAM, ITSM, ...)."""

    id: Id
    label: Text
    short: Text
    description: Text
    synonyms: tuple[Text, ...] = ()


class Topic(_Model):
    """Something people ask about; articles name the topics they answer."""

    id: Id
    label: Text
    discipline: Id | None = None
    required: bool = False
    synonyms: tuple[Text, ...] = ()


class Term(_Model):
    """An acronym or phrase with its expansion and the topics it points to."""

    id: Id
    term: Text
    expansion: Text
    synonyms: tuple[Text, ...] = ()
    topics: tuple[Id, ...] = ()
    disciplines: tuple[Id, ...] = ()
    tools: tuple[Id, ...] = ()
    ambiguous_with: tuple[Id, ...] = ()
    note: str = ""


class Tool(_Model):
    """A product, framework or standard people name when they describe their estate."""

    id: Id
    name: Text
    vendor: Text
    kind: ToolKind
    disciplines: tuple[Id, ...] = ()
    finops: bool = False
    aliases: tuple[Text, ...] = ()


class Taxonomy(_Model):
    """The whole of ``content/taxonomy.yaml``."""

    version: Literal[1]
    disciplines: Annotated[tuple[Discipline, ...], _at_least(1, "discipline")]
    topics: Annotated[tuple[Topic, ...], _at_least(1, "topic")]
    terms: tuple[Term, ...] = ()
    tools: tuple[Tool, ...] = ()
    spellings: tuple[Annotated[tuple[Text, ...], _at_least(2, "spellings")], ...] = ()


# --------------------------------------------------------------------------- messages


def error_messages(
    exc: ValidationError, fields: Sequence[str] = ()
) -> list[tuple[tuple[str | int, ...], str]]:
    """Each validation error as (location, readable message)."""
    out: list[tuple[tuple[str | int, ...], str]] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        kind = err["type"]
        if kind == "missing":
            msg = "required key is missing"
        elif kind == "extra_forbidden":
            allowed = f" (allowed: {', '.join(fields)})" if fields and len(loc) == 1 else ""
            msg = f"unknown key{allowed}"
        elif kind == "string_type":
            msg = "should be text (quote it if it looks like a number, date or yes/no)"
        elif kind in ("tuple_type", "list_type"):
            msg = "should be a list"
        elif kind == "value_error":
            msg = str(err["msg"]).removeprefix("Value error, ")
        else:
            msg = str(err["msg"])
        out.append((loc, f"{dotted(loc)}: {msg}" if loc else msg))
    return out


def dotted(loc: Sequence[str | int]) -> str:
    """``('sources', 0, 'url')`` → ``sources[0].url``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text
