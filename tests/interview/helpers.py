"""Shared builders for the interview tests: the real content, an engine, a turn harness."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from bot.store import Store
from bot.turns import TurnRunner
from dialogs.content import ContentStore, load_content
from dialogs.interview import Engine, InterviewFeature, ProfileFeature, build_engine
from dialogs.interview.checker import load_definition
from dialogs.interview.session import Session
from dialogs.messages import (
    Card,
    Choices,
    Form,
    FormSubmit,
    Origin,
    Post,
    Press,
    Reply,
    Sender,
    Text,
    TextMessage,
    Token,
)
from dialogs.router import Core

ROOT = Path(__file__).resolve().parents[2]
CONTENT_DIR = ROOT / "content"
_ids = itertools.count(1)


@lru_cache(maxsize=1)
def content() -> ContentStore:
    return load_content(CONTENT_DIR)


@lru_cache(maxsize=1)
def engine() -> Engine:
    return build_engine(content(), load_definition(CONTENT_DIR))


def new_session(org: str = "acme", user: str = "ana") -> Session:
    session = Session(id=1, org_id=org, user_id=user)
    engine().begin(session)
    return session


def texts(replies: list[Reply]) -> str:
    """Every reply as plain text, joined (Posts contribute their messages and note)."""
    out: list[str] = []
    for reply in replies:
        if isinstance(reply, Post):
            out += [m.fallback_text() for m in reply.messages]
            if reply.note is not None:
                out.append(reply.note.fallback_text())
            continue
        out.append(reply.fallback_text())
    return "\n\n".join(out)


def last_token(replies: list[Reply]) -> Token | None:
    for reply in reversed(replies):
        if isinstance(reply, Choices | Form):
            return reply.token
        if isinstance(reply, Card) and reply.actions:
            return reply.actions[0].token
    return None


@dataclass
class Chat:
    """One person talking to a core over the real store and turn runner."""

    runner: TurnRunner
    org: str = "acme"
    user: str = "ana"
    direct: bool = True
    clock: list[datetime] = field(
        default_factory=lambda: [datetime(2026, 11, 27, 9, 0, tzinfo=UTC)]
    )
    replies: list[Reply] = field(default_factory=list)

    @property
    def origin(self) -> Origin:
        conversation = f"dm:{self.user}" if self.direct else "channel:general"
        return Origin("teams", self.org, conversation, is_direct=self.direct)

    @property
    def sender(self) -> Sender:
        return Sender(self.user, self.user.title(), f"29:{self.user}")

    async def say(self, text: str) -> str:
        return await self._run(TextMessage(f"m{next(_ids)}", self.origin, self.sender, text))

    async def press(self, *values: str, token: Token | None = None) -> str:
        tok = token or last_token(self.replies)
        assert tok is not None, "nothing to press"
        return await self._run(Press(f"p{next(_ids)}", self.origin, self.sender, tok, values))

    async def submit(self, value: str, token: Token | None = None) -> str:
        tok = token or last_token(self.replies)
        assert tok is not None, "nothing to submit"
        event = FormSubmit(f"f{next(_ids)}", self.origin, self.sender, tok, {"answer": value})
        return await self._run(event)

    async def _run(self, event: TextMessage | Press | FormSubmit) -> str:
        self.clock[0] += timedelta(minutes=1)
        result = await self.runner.run(event)
        assert not result.failed, "the turn failed"
        self.replies = result.replies
        return texts(result.replies)


def runner(store: Store, clock: list[datetime] | None = None) -> TurnRunner:
    """A turn runner over the interview and profile features only."""
    eng = engine()
    interview = InterviewFeature(eng)
    core = Core([interview, ProfileFeature(eng)], [interview])
    stamp = clock or [datetime(2026, 11, 27, 9, 0, tzinfo=UTC)]
    return TurnRunner(store, core, clock=lambda: stamp[0])


def chat(store: Store, user: str = "ana", org: str = "acme", direct: bool = True) -> Chat:
    clock = [datetime(2026, 11, 27, 9, 0, tzinfo=UTC)]
    return Chat(runner(store, clock), org, user, direct, clock)


def only_text(replies: list[Reply]) -> list[str]:
    return [r.markdown for r in replies if isinstance(r, Text)]
