"""Follow-up questions: "and the first steps?" or "what about SAM?" after an answer.

The conversation remembers the last answered article (``state.topic``) and what was offered
(``state.candidates``). A follow-up is completed with that context before it is searched:

- it names another discipline ("what about SAM?" after ITSM first steps): the last article's
  aspect is added ("first steps align"), so the same kind of article is found for SAM;
- it names no discipline ("and the first steps?" after an ITSM answer): the last article's
  discipline is added ("ITSM");
- it picks something offered ("the second one", "2"): that article is answered.
"""

from __future__ import annotations

import re

from dialogs.content import Article, ContentStore
from dialogs.qa.analysis import STOP_WORDS, Analyzer
from dialogs.qa.lexicon import Lexicon
from dialogs.qa.question import Question

_CUE = re.compile(
    r"^(?:(?:and|so|ok(?:ay)?|also|but|then|right)[\s,]+)?(?:what|how)\s+about\b"
    r"|^and\b|^what\s+of\b|^same\s+(?:for|with)\b|^(?:also|now)\s+for\b|^what\s+if\b",
    re.IGNORECASE,
)
_PRONOUNS = frozenset({"it", "that", "this", "them", "those", "these", "they", "there"})
_ORDINALS = {
    "1": 0,
    "first": 0,
    "1st": 0,
    "one": 0,
    "a": 0,
    "2": 1,
    "second": 1,
    "2nd": 1,
    "two": 1,
    "b": 1,
    "3": 2,
    "third": 2,
    "3rd": 2,
    "three": 2,
    "c": 2,
}
_PICK = re.compile(
    r"^(?:the\s+|option\s+|number\s+|no\.?\s*|#)?([a-c]|[1-3]|first|second|third|1st|2nd|3rd"
    r"|one|two|three)(?:\s+(?:one|option))?(?:\s+please)?[.!]?$",
    re.IGNORECASE,
)
MAX_FOLLOW_UP_WORDS = 4  # a pronoun question with more content words stands on its own


def is_follow_up(text: str, question: Question) -> bool:
    """Whether a message leans on the previous answer."""
    if _CUE.search(text.strip()):
        return True
    return bool(_PRONOUNS & set(question.words)) and len(question.typed) <= MAX_FOLLOW_UP_WORDS


def pick(text: str, candidates: list[str]) -> str | None:
    """The offered article a message picks by position ("the second one", "2"), if any."""
    match = _PICK.match(" ".join(text.split()))
    if match is None or not candidates:
        return None
    position = _ORDINALS.get(match.group(1).lower())
    if position is None or position >= len(candidates):
        return None
    return candidates[position]


def discipline_of(article: Article, content: ContentStore) -> str | None:
    """The discipline an article is about: its primary topic's, else its first."""
    topic = content.topics.get(article.primary_topic)
    if topic is not None and topic.discipline:
        return topic.discipline
    return article.disciplines[0] if article.disciplines else None


def aspect(article: Article, content: ContentStore, analyzer: Analyzer, lexicon: Lexicon) -> str:
    """What the article's topic is about besides its names: "first steps align", "overlaps"."""
    topic = content.topics.get(article.primary_topic)
    label = topic.label if topic is not None else article.title
    words = analyzer.words(label)
    stems = analyzer.stems(words)
    named = {i for m in lexicon.find(stems, names_only=True) for i in range(m.start, m.end)}
    return " ".join(w for i, w in enumerate(words) if i not in named and w not in STOP_WORDS)


def complete(
    text: str,
    question: Question,
    last: Article,
    content: ContentStore,
    analyzer: Analyzer,
    lexicon: Lexicon,
) -> str | None:
    """The follow-up with the last answer's context added, or ``None`` when none applies."""
    current = discipline_of(last, content)
    asked = question.disciplines()
    if asked and current not in asked:
        extra = aspect(last, content, analyzer, lexicon)
        return f"{text} {extra}" if extra else None
    if not asked and current is not None and current in content.disciplines:
        return f"{text} {content.disciplines[current].short}"
    return None
