"""A small valid content tree under tmp_path, and helpers to break it one way at a time."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml

from dialogs.content import DISCIPLINE_IDS, REQUIRED_TOPICS, Diagnostic, check_content

TODAY = date(2026, 11, 27)
LONG_FORM = (".overlap", ".first-steps")


def words(count: int) -> str:
    """A body of exactly ``count`` words."""
    return " ".join(f"word{i}" for i in range(count)) + "\n"


def taxonomy_data() -> dict[str, Any]:
    """A minimal valid taxonomy: the nine disciplines, the required topics, one term and tool."""
    return {
        "version": 1,
        "disciplines": [
            {
                "id": d,
                "label": f"{d} label",
                "short": d.upper(),
                "description": f"What {d} is.",
                "synonyms": [f"{d} synonym"],
            }
            for d in DISCIPLINE_IDS
        ],
        "topics": [{"id": t, "label": f"{t} label"} for t in sorted(REQUIRED_TOPICS)],
        "terms": [
            {
                "id": "sam",
                "term": "SAM",
                "expansion": "software asset management",
                "topics": ["sam.overview"],
                "disciplines": ["sam"],
            },
        ],
        "tools": [
            {
                "id": "flexera-one",
                "name": "Flexera One",
                "vendor": "Flexera",
                "kind": "tool",
                "disciplines": ["sam"],
                "aliases": ["Flexera"],
            },
        ],
        "spellings": [["licence", "license"]],
    }


def front(article_id: str, **fields: Any) -> dict[str, Any]:
    """Valid front matter for ``article_id``; ``fields`` override or (with None) remove keys."""
    data: dict[str, Any] = {
        "id": article_id,
        "title": f"About {article_id}",
        "summary": f"The short answer about {article_id}.",
        "topics": [article_id],
        "disciplines": [],
        "questions": ["what is it?", "how does it work?", "why care?"],
        "sources": [{"title": "FinOps Foundation", "url": "https://www.finops.org/framework/"}],
        "reviewed": "2026-11-01",
        "related": [],
    }
    for key, value in fields.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def article_text(article_id: str, body: str | None = None, **fields: Any) -> str:
    data = front(article_id, **fields)
    dumped = yaml.safe_dump(data, sort_keys=False, width=1000, allow_unicode=True)
    if body is None:
        body = words(250 if article_id.endswith(LONG_FORM) else 40)
    return f"---\n{dumped}---\n\n{body}"


class Tree:
    """A content root under tmp_path with one valid article per required topic."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.root = base / "content"
        self.write("taxonomy.yaml", yaml.safe_dump(taxonomy_data(), sort_keys=False, width=1000))
        for topic in sorted(REQUIRED_TOPICS):
            self.article(topic)

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def article_path(self, article_id: str, folder: str | None = None) -> str:
        return f"articles/{folder or article_id.split('.')[0]}/{article_id}.md"

    def article(
        self, article_id: str, body: str | None = None, folder: str | None = None, **fields: Any
    ) -> str:
        """Write an article; returns its repo-relative path as diagnostics show it."""
        rel = self.article_path(article_id, folder)
        self.write(rel, article_text(article_id, body, **fields))
        return f"content/{rel}"

    def taxonomy(self, data: dict[str, Any]) -> None:
        self.write("taxonomy.yaml", yaml.safe_dump(data, sort_keys=False, width=1000))

    def line(self, shown: str, needle: str, nth: int = 1) -> int:
        """1-based line of the ``nth`` line containing ``needle`` in a file shown as ``shown``."""
        lines = (self.base / shown).read_text(encoding="utf-8").splitlines()
        hits = [i + 1 for i, line in enumerate(lines) if needle in line]
        return hits[nth - 1]

    def check(self, today: date = TODAY) -> list[Diagnostic]:
        return check_content(self.root, today, checkers=[])

    def shown(self, today: date = TODAY) -> list[str]:
        return [str(d) for d in self.check(today)]
