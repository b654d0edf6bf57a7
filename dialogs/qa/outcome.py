"""What the Q&A service decided for one question, and its JSON form for ``crosswalk ask``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from dialogs.content import Article
from dialogs.qa.documents import Passage
from dialogs.text import strip_markdown

OutcomeKind = Literal["answer", "clarify", "abstain", "smalltalk"]


@dataclass(frozen=True)
class Outcome:
    """One decision: answer an article, ask which one, abstain, or reply to small talk.

    ``articles`` holds the answered article (answer), the candidates best first (clarify), or
    nothing (abstain, small talk). ``suggestions`` are follow-ups after an answer and the
    closest topics after an abstention.
    """

    kind: OutcomeKind
    question: str
    confidence: float
    articles: tuple[Article, ...] = ()
    passage: Passage | None = None
    suggestions: tuple[Article, ...] = ()
    reply: str = ""  # small talk reply, or the clarifying question (Markdown subset)
    gap: bool = False  # an unanswered question worth logging

    @property
    def article(self) -> Article | None:
        return self.articles[0] if self.articles and self.kind == "answer" else None

    def answer_markdown(self) -> str:
        """The answer text: the summary, then the passage under its heading."""
        article = self.article
        if article is None:
            return self.reply
        parts = [article.summary]
        if self.passage is not None:
            heading = f"**{self.passage.heading}**\n\n" if self.passage.heading else ""
            parts.append(heading + self.passage.markdown)
        return "\n\n".join(parts)

    def as_json(self) -> dict[str, Any]:
        """The ``crosswalk ask --json`` contract (docs/qa.md)."""
        answer: str | None
        if self.kind == "abstain":
            answer = None
        else:
            answer = strip_markdown(self.answer_markdown(), show_urls=False)
        return {
            "question": self.question,
            "abstained": self.kind == "abstain",
            "clarify": self.kind == "clarify",
            "answer": answer,
            "confidence": round(self.confidence, 4),
            "sources": [source_json(a) for a in self.articles],
            "suggestions": [{"id": a.id, "title": a.title} for a in self.suggestions],
        }


def source_json(article: Article) -> dict[str, Any]:
    citations = [{"title": s.title, "url": s.url} for s in article.sources]
    return {
        "id": article.id,
        "title": article.title,
        "topics": list(article.topics),
        "url": citations[0]["url"] if citations else None,
        "citations": citations,
    }
