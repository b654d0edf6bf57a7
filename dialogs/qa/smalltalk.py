"""Greetings, thanks and "who are you": short friendly replies instead of a miss."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["greeting", "thanks", "identity", "wellbeing", "bye", "ack"]

_NAME = r"(?:\s+(?:there|all|team|everyone|folks|crosswalk|bot))?"
_PATTERNS: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    (
        "greeting",
        re.compile(
            rf"^(?:hi|hello|hey|hiya|heya|howdy|yo|greetings|good\s+(?:morning|afternoon|evening|day)"
            rf"|morning|afternoon|evening){_NAME}$"
        ),
    ),
    (
        "thanks",
        re.compile(
            r"^(?:(?:ok(?:ay)?|great|cool|perfect|brilliant|awesome|nice|lovely|super)\s+)?"
            r"(?:thanks|thank\s+you|thx|ty|cheers|ta|many\s+thanks|much\s+appreciated|appreciated)"
            r"(?:\s+(?:a\s+lot|so\s+much|very\s+much|loads|heaps|again|mate|crosswalk))*$"
        ),
    ),
    (
        "identity",
        re.compile(
            r"^(?:who|what)\s+(?:are|r)\s+(?:you|u)(?:\s+(?:exactly|again|anyway|then))?$"
            r"|^what(?:\s+is|s)\s+your\s+name$|^introduce\s+yourself$"
            r"|^are\s+(?:you|u)\s+(?:a\s+|an\s+)?(?:bot|robot|human|person|real|ai|chatgpt)\b"
            r"|^who\s+(?:made|built|created|wrote)\s+(?:you|u|this\s+bot)$"
        ),
    ),
    (
        "wellbeing",
        re.compile(
            r"^how\s+(?:are|r)\s+(?:you|u)(?:\s+doing|\s+today)?$|^how(?:s|\s+is)\s+it\s+going$"
            r"|^you\s+ok$"
        ),
    ),
    (
        "bye",
        re.compile(
            r"^(?:bye|goodbye|bye\s+bye|see\s+(?:you|ya)(?:\s+later)?|cya|later"
            r"|good\s*night|have\s+a\s+good\s+(?:one|day|weekend))$"
        ),
    ),
    (
        "ack",
        re.compile(
            r"^(?:ok|okay|k|cool|great|nice|got\s+it|perfect|awesome|sounds\s+good"
            r"|makes\s+sense|understood|noted|fine|sure|lol|haha|wow|yes|no|yep|nope)$"
        ),
    ),
)

REPLIES: dict[Kind, str] = {
    "greeting": (
        "Hi! Ask me how FinOps fits with the frameworks you run — for example "
        "_how does SAM relate to FinOps?_ or _what is TBM?_ Type `help` for the commands."
    ),
    "thanks": "You're welcome! Ask me anything else about FinOps and your frameworks.",
    "identity": (
        "I'm **Crosswalk**, a bot that helps you connect FinOps with the frameworks your "
        "organisation already runs: ITFM and TBM, ITAM and SAM, ITSM, security, sustainability, "
        "architecture, DevOps and procurement. My answers come from curated articles, each with "
        "its sources. Type `help` to see what else I can do."
    ),
    "wellbeing": "All good here, thanks! What would you like to know about FinOps?",
    "bye": "Bye for now! I'm here whenever you have another question.",
    "ack": "👍 Anything else I can help with?",
}

_STRIP = re.compile(r"[^\w\s']+")
_LEAD = re.compile(
    rf"^(?:(?:hi|hello|hey|hiya|good\s+(?:morning|afternoon|evening)){_NAME}"
    r"|(?:ok(?:ay)?\s+)?(?:thanks|thank\s+you|cheers)(?:\s+(?:a\s+lot|so\s+much))?|ok(?:ay)?|so)"
    r"[\s,.!:;—–-]+",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SmallTalk:
    kind: Kind

    @property
    def reply(self) -> str:
        return REPLIES[self.kind]


def normalise(text: str) -> str:
    return " ".join(_STRIP.sub(" ", text.casefold().replace("’", "'")).split()).replace("'", "")


def small_talk(text: str) -> SmallTalk | None:
    """The kind of small talk a whole message is, or ``None`` for anything else."""
    norm = normalise(text)
    if not norm or len(norm) > 60:
        return None
    for kind, pattern in _PATTERNS:
        if pattern.search(norm):
            return SmallTalk(kind)
    return None


def strip_lead(text: str) -> str:
    """A question without a leading greeting or thanks ("hi, what is TBM?" → "what is TBM?")."""
    stripped = text.strip()
    while True:
        match = _LEAD.match(stripped)
        if match is None or match.end() >= len(stripped):
            return stripped
        stripped = stripped[match.end() :].lstrip()
