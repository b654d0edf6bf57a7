"""What the index stores for each article (its fields) and the passages an answer quotes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dialogs.content import Article, ContentStore
from dialogs.qa.analysis import Analyzer
from dialogs.qa.lexicon import Lexicon, article_concepts, article_synonyms

FIELDS: tuple[str, ...] = ("title", "questions", "summary", "body", "taxonomy")
"""Indexed fields; ``taxonomy`` holds the article's taxonomy names and concept tokens."""

_HEADING = re.compile(r"^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_BOLD_LINE = re.compile(r"^\*\*([^*]+)\*\*:?$")
_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
_MARKUP = re.compile(r"[*_`]")


@dataclass(frozen=True)
class Passage:
    """A paragraph or list of an article body, with the heading above it."""

    heading: str
    markdown: str  # the block as written (Markdown subset)

    @property
    def text(self) -> str:
        """Plain words for analysis: links reduced to their titles, markup dropped."""
        return _MARKUP.sub("", _LINK.sub(r"\1", f"{self.heading}\n{self.markdown}"))

    @property
    def items(self) -> list[str]:
        """List items (one per line starting with a marker); empty for a paragraph."""
        lines = self.markdown.split("\n")
        if not lines or not all(_ITEM.match(line) or line.startswith("  ") for line in lines):
            return []
        items: list[str] = []
        for line in lines:
            if _ITEM.match(line) or not items:
                items.append(line)
            else:
                items[-1] += "\n" + line
        return items


def passages(body: str) -> list[Passage]:
    """Split a body into paragraphs and lists; headings (``##`` or a bold line) label them."""
    found: list[Passage] = []
    heading = ""
    block: list[str] = []

    def flush() -> None:
        if block:
            found.append(Passage(heading, "\n".join(block).strip()))
            block.clear()

    for line in body.splitlines():
        stripped = line.strip()
        title = _HEADING.match(line) or _BOLD_LINE.match(stripped)
        if title:
            flush()
            heading = title.group(1).strip()
        elif not stripped:
            flush()
        else:
            block.append(line.rstrip())
    flush()
    return found


def plain(markdown: str) -> str:
    """Text for analysis: links reduced to their titles (markup is not a word anyway)."""
    return _LINK.sub(r"\1", markdown)


def analyze(
    article: Article,
    content: ContentStore,
    analyzer: Analyzer,
    lexicon: Lexicon,
    shared: dict[tuple[str, ...], list[str]] | None = None,
) -> dict[str, list[str]]:
    """The article's index terms per field: stems of its words plus canonical names.

    ``shared`` caches the taxonomy field, which depends only on the primary topic and the
    disciplines, across the articles of one build.
    """
    texts = {
        "title": article.title,
        "questions": "\n".join(article.questions),
        "summary": plain(article.summary),
        "body": plain(article.body),
    }
    terms: dict[str, list[str]] = {}
    for name, text in texts.items():
        content_stems, stems = analyzer.index_terms(text)
        terms[name] = content_stems
        if name != "body":  # canonical names in bodies did not help on the eval, and cost
            terms[name] += lexicon.canonical(stems)
    key = (article.primary_topic, *article.disciplines)
    taxonomy = shared.get(key) if shared is not None else None
    if taxonomy is None:
        content_stems, stems = analyzer.index_terms("\n".join(article_synonyms(article, content)))
        taxonomy = content_stems + lexicon.canonical(stems) + article_concepts(article, content)
        if shared is not None:
            shared[key] = taxonomy
    terms["taxonomy"] = taxonomy
    return terms
