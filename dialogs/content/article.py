"""Articles: Markdown files with YAML front matter, parsed into immutable values."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pydantic import ValidationError

from dialogs.content.models import ArticleMeta, Maturity, Source, error_messages, is_http_url
from dialogs.content.yamldoc import YamlDoc, parse_yaml

_LINK = re.compile(r"\[([^\]\n]*)\]\(([^)\n]*)\)")
_ALNUM = re.compile(r"\w")


@dataclass(frozen=True)
class Article:
    """One curated answer: the front matter fields plus the Markdown body."""

    id: str
    title: str
    summary: str
    topics: tuple[str, ...]
    disciplines: tuple[str, ...]
    questions: tuple[str, ...]
    sources: tuple[Source, ...]
    reviewed: date
    related: tuple[str, ...]
    maturity: Maturity | None
    body: str
    path: str  # relative to the repository root, forward slashes

    @property
    def primary_topic(self) -> str:
        return self.topics[0]

    @property
    def words(self) -> int:
        return word_count(self.body)


@dataclass(frozen=True)
class ParsedArticle:
    """An article file as read: its model, YAML positions and where the body starts."""

    path: str
    meta: ArticleMeta
    front: YamlDoc
    body: str
    body_line: int  # 1-based line of the first non-blank body line

    def article(self) -> Article:
        m = self.meta
        return Article(
            id=m.id,
            title=m.title,
            summary=m.summary,
            topics=m.topics,
            disciplines=m.disciplines,
            questions=m.questions,
            sources=m.sources,
            reviewed=m.reviewed,
            related=m.related,
            maturity=m.maturity,
            body=self.body.strip(),
            path=self.path,
        )


def word_count(markdown: str) -> int:
    """Words in a Markdown body: link targets dropped, tokens without a letter or digit skipped."""
    text = _LINK.sub(r"\1", markdown)
    return sum(1 for token in text.split() if _ALNUM.search(token))


def body_links(body: str, first_line: int) -> list[tuple[int, str]]:
    """Each ``[text](url)`` target in a body with its file line."""
    return [
        (first_line + body.count("\n", 0, match.start()), match.group(2).strip())
        for match in _LINK.finditer(body)
    ]


def parse_article(text: str, path: str) -> tuple[ParsedArticle | None, list[tuple[int, str]]]:
    """Split and validate one article; problems come back as (line, message)."""
    split = _split(text)
    if isinstance(split, str):
        return None, [(1, split)]
    lines, close = split
    doc, problems = parse_yaml("".join(lines[1:close]), offset=1)
    found = [(p.line, p.message) for p in problems]
    if doc is None:
        return None, found
    if not isinstance(doc.data, dict):
        return None, [*found, (1, "front matter must be a YAML mapping of keys to values")]
    try:
        meta = ArticleMeta.model_validate(doc.data)
    except ValidationError as exc:
        fields = tuple(ArticleMeta.model_fields)
        found += [(doc.line_of(loc), msg) for loc, msg in error_messages(exc, fields)]
        return None, found
    body_lines = lines[close + 1 :]
    blank = next((i for i, line in enumerate(body_lines) if line.strip()), 0)
    body = "".join(body_lines[blank:])
    parsed = ParsedArticle(path, meta, doc, body, close + 2 + blank)
    found += [
        (line, f"body link '{url}' is not an http(s) URL with a host")
        for line, url in body_links(body, parsed.body_line)
        if not is_http_url(url)
    ]
    return parsed, found


def peek(text: str) -> tuple[str | None, tuple[str, ...]]:
    """The id and topics of an invalid article, if readable, so its errors do not cascade."""
    split = _split(text)
    if isinstance(split, str):
        return None, ()
    lines, close = split
    doc, _ = parse_yaml("".join(lines[1:close]))
    data = doc.data if doc is not None else None
    if not isinstance(data, dict):
        return None, ()
    found_id = data.get("id")
    topics = data.get("topics")
    return (
        found_id if isinstance(found_id, str) else None,
        tuple(t for t in topics if isinstance(t, str)) if isinstance(topics, list) else (),
    )


def _split(text: str) -> tuple[list[str], int] | str:
    """The file's lines and the index of the closing ``---``, or what is wrong."""
    lines = text.removeprefix("\ufeff").splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return "missing front matter: the file must start with a '---' line"
    close = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if close is None:
        return "front matter is not closed by a '---' line"
    return lines, close
