"""Outcomes as messages: an answer card with sources and buttons, a choice, or a short text."""

from __future__ import annotations

from dialogs.content import Article
from dialogs.messages import Action, Card, Choices, Link, Option, Reply, Text, Token
from dialogs.qa.outcome import Outcome
from dialogs.text import truncate

MAX_LINKS = 3
LABEL_CHARS = 60

FOLLOW = "follow"  # answer the article named by the token: qa:<article id>|follow
HELPFUL = "up"  # 👍 on the article named by the token
UNHELPFUL = "down"  # 👎
PICK = "pick"  # qa:clarify|pick with the chosen article id as the value
CLARIFY_SUBJECT = "qa:clarify"

NO_ANSWER = (
    "I don't have a curated answer for that yet, so I've noted the question for the people "
    "who write Crosswalk's content."
)
NO_WORDS = "I couldn't find a question in that. Try asking in a few words, or type `help`."
CLOSEST = "These are the closest topics I have:"
REPHRASE = "Try rephrasing it, or type `help` to see what I can do."
THANKS_HELPFUL = "Thanks for the 👍! Glad that helped."
THANKS_UNHELPFUL = (
    "Thanks for telling me. I've noted that this answer didn't help so the content can be "
    "improved. You can also try asking in other words."
)
GONE = "That article is no longer available. Ask your question again and I'll find the best one."
STALE = "That button belongs to a message that is out of date, so I changed nothing."


def subject(article_id: str) -> str:
    return f"qa:{article_id}"


def follow_action(article: Article) -> Action:
    return Action(truncate(article.title, LABEL_CHARS), Token(subject(article.id), FOLLOW))


def replies(outcome: Outcome) -> list[Reply]:
    """The messages for an outcome."""
    if outcome.kind == "smalltalk":
        return [Text(outcome.reply)]
    if outcome.kind == "clarify":
        return [clarify_choices(outcome)]
    if outcome.kind == "abstain":
        return [abstain_card(outcome)] if outcome.suggestions else [Text(_no_answer(outcome))]
    return [answer_card(outcome)]


def answer_card(outcome: Outcome) -> Card:
    """Summary and passage, 1–3 sources, follow-up buttons and 👍/👎."""
    article = outcome.article
    assert article is not None
    links = tuple(Link(s.title, s.url) for s in article.sources[:MAX_LINKS])
    actions = tuple(follow_action(a) for a in outcome.suggestions)
    actions += (
        Action("👍 Helpful", Token(subject(article.id), HELPFUL)),
        Action("👎 Not helpful", Token(subject(article.id), UNHELPFUL)),
    )
    return Card(title=article.title, body=outcome.answer_markdown(), links=links, actions=actions)


def clarify_choices(outcome: Outcome) -> Choices:
    """ "Did you mean A or B?" — the answer arrives as a press."""
    options = tuple(Option(a.id, truncate(a.title, 80)) for a in outcome.articles)
    return Choices(
        prompt=outcome.reply,
        options=options,
        token=Token(CLARIFY_SUBJECT, PICK),
        submit_label="Show me",
    )


def abstain_card(outcome: Outcome) -> Card:
    """No curated answer: say so, and offer the closest topics as buttons."""
    return Card(
        title="No curated answer yet",
        body=f"{NO_ANSWER}\n\n{CLOSEST}",
        actions=tuple(follow_action(a) for a in outcome.suggestions),
    )


def _no_answer(outcome: Outcome) -> str:
    if not outcome.gap:
        return NO_WORDS
    return f"{NO_ANSWER} {REPHRASE}"
