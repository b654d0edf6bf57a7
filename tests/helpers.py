"""Small builders shared by tests."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from dialogs.messages import Origin, Press, Sender, TextMessage, Token
from dialogs.state import ConversationState
from dialogs.turn import TurnContext

_ids = itertools.count(1)
ORIGIN = Origin("console", "acme", "console:u1")
SENDER = Sender("u1", "Ana")
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


class NoData:
    """TurnData with no storage, for core tests that need none."""


def text(body: str, origin: Origin = ORIGIN) -> TextMessage:
    return TextMessage(f"m{next(_ids)}", origin, SENDER, body)


def press(token: Token, *values: str) -> Press:
    return Press(f"p{next(_ids)}", ORIGIN, SENDER, token, values)


def ctx_for(event, state: ConversationState | None = None, data=None) -> TurnContext:  # type: ignore[no-untyped-def]
    return TurnContext(event=event, state=state or ConversationState(), now=NOW,
                       data=data or NoData())
