"""The content store: taxonomy and articles loaded once, validated, and hashed for caching."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

from dialogs.content.article import Article
from dialogs.content.checker import scan_content
from dialogs.content.diagnostic import ContentError, errors
from dialogs.content.models import Discipline, Term, Tool, Topic

T = TypeVar("T")


@dataclass(frozen=True, eq=False)
class ContentStore:
    """Validated content, read-only: look things up by id; ``content_hash`` keys derived indexes."""

    articles: Mapping[str, Article]
    topics: Mapping[str, Topic]
    disciplines: Mapping[str, Discipline]
    terms: Mapping[str, Term]
    tools: Mapping[str, Tool]
    spellings: tuple[tuple[str, ...], ...]
    required_topics: frozenset[str]
    content_hash: str

    def articles_for_topic(self, topic_id: str, primary_only: bool = False) -> tuple[Article, ...]:
        """Articles listing a topic (or having it first), in id order."""
        return tuple(
            a
            for _, a in sorted(self.articles.items())
            if (a.primary_topic == topic_id if primary_only else topic_id in a.topics)
        )

    def articles_for_discipline(self, discipline_id: str) -> tuple[Article, ...]:
        """Articles tagged with a discipline, in id order."""
        return tuple(a for _, a in sorted(self.articles.items()) if discipline_id in a.disciplines)


def load_content(root: Path) -> ContentStore:
    """Load and validate the store under ``root``; raise ``ContentError`` listing every error.

    Date checks (``reviewed`` too old or in the future) need today's date and belong to
    ``check_content``; loading does not fail on them.
    """
    scan = scan_content(root)
    found = errors(scan.diagnostics)
    if found or scan.taxonomy is None:
        raise ContentError(sorted(found))
    tax = scan.taxonomy.model
    return ContentStore(
        articles=_by_id((p.article() for p in scan.articles), lambda a: a.id),
        topics=_by_id(tax.topics, lambda t: t.id),
        disciplines=_by_id(tax.disciplines, lambda d: d.id),
        terms=_by_id(tax.terms, lambda t: t.id),
        tools=_by_id(tax.tools, lambda t: t.id),
        spellings=tax.spellings,
        required_topics=scan.taxonomy.required_topics(),
        content_hash=content_hash(scan.files),
    )


def content_hash(files: Iterable[tuple[str, bytes]]) -> str:
    """sha256 over each file's repo-relative path and bytes, in path order."""
    digest = hashlib.sha256()
    for name, data in sorted(files):
        digest.update(name.encode("utf-8") + b"\0" + data + b"\0")
    return digest.hexdigest()


def _by_id(items: Iterable[T], key: Callable[[T], str]) -> Mapping[str, T]:
    return MappingProxyType({key(item): item for item in items})
