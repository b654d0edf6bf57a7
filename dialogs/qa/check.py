"""The Q&A's content checker, run by ``crosswalk content check`` through ``register_checker``.

A taxonomy term points questions that name it at its topics ("what is HAM?" →
``itam.overview``), with a strong boost. If the article of such a topic never mentions the
term, the user is sent to an article that does not answer them, so the check warns: name the
term (or one of its synonyms) in the article, or point the term at the article that explains
it. Matching uses the Q&A's own analysis (spellings folded, stems), so "licences" in an
article covers the term "licence".
"""

from __future__ import annotations

from dialogs.content.checker import TAXONOMY_FILE, CheckContext, register_checker
from dialogs.content.diagnostic import Diagnostic
from dialogs.qa.analysis import Analyzer


@register_checker
def check_term_topics(ctx: CheckContext) -> list[Diagnostic]:
    """A warning for each term whose topic's articles never mention it."""
    if ctx.taxonomy is None:
        return []
    tax = ctx.taxonomy.model
    analyzer = Analyzer(tax.spellings)

    def spelled(text: str) -> str:
        return f" {' '.join(analyzer.stems(analyzer.words(text)))} "

    texts: dict[str, list[str]] = {}
    for article in ctx.articles.values():
        text = spelled("\n".join((article.title, article.summary, article.body)))
        texts.setdefault(article.primary_topic, []).append(text)
    where = ctx.path(ctx.root / TAXONOMY_FILE)
    found: list[Diagnostic] = []
    for i, term in enumerate(tax.terms):
        names = [spelled(name) for name in (term.term, *term.synonyms)]
        for j, topic in enumerate(term.topics):
            articles = texts.get(topic)
            if not articles or any(name in text for name in names for text in articles):
                continue
            line = ctx.taxonomy.doc.line_of(("terms", i, "topics", j))
            message = (
                f"term '{term.term}' points at topic '{topic}', whose article never mentions it "
                "or a synonym; mention it there or point the term elsewhere"
            )
            found.append(Diagnostic(where, line, "warning", message))
    return found
