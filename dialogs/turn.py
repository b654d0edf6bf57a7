"""What one turn hands to the core, and the small protocols features implement."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from dialogs.commands import Command
from dialogs.messages import FormSubmit, Inbound, Press, Reply
from dialogs.state import ConversationState

if TYPE_CHECKING:
    from dialogs.interview.ports import InterviewData
    from dialogs.nudges.ports import NudgeData
    from dialogs.plan.ports import PlanData
    from dialogs.qa.ports import QaLog


class TurnData(Protocol):
    """Storage reachable from a turn, inside the turn's transaction.

    Each feature declares the narrower protocol it needs in its own ``ports`` module; the
    runtime's transaction object implements all of them. Members are read-only properties so an
    implementation may hold a more specific type.
    """

    @property
    def nudges(self) -> NudgeData:
        """Subscriptions, deliveries and the plan as the nudges see it."""

    @property
    def interview(self) -> InterviewData:
        """Interview sessions and profile versions."""

    @property
    def qa(self) -> QaLog:
        """Content gaps and answer feedback."""

    @property
    def plans(self) -> PlanData:
        """Plan versions, action statuses and postings."""


@dataclass
class TurnContext:
    """One inbound event with the conversation's state, the clock reading and storage."""

    event: Inbound
    state: ConversationState
    now: datetime
    data: TurnData
    notes: list[str] = field(default_factory=list)  # log lines for the runtime

    @property
    def org_id(self) -> str:
        return self.event.origin.org_id

    @property
    def user_id(self) -> str:
        return self.event.sender.user_id


Replies = list[Reply]


class Feature(Protocol):
    """A slice of the product: its commands, its button presses and its line in ``status``."""

    name: str  # also the token kind of its presses, e.g. "interview", "plan", "nudge", "qa"
    commands: frozenset[str]

    async def command(self, ctx: TurnContext, cmd: Command) -> Replies: ...

    async def press(self, ctx: TurnContext, event: Press | FormSubmit) -> Replies: ...

    async def status(self, ctx: TurnContext) -> str | None: ...


class StepOwner(Protocol):
    """A feature that can hold the conversation in a step (the interview)."""

    name: str

    def owns(self, active: str) -> bool: ...

    async def navigate(self, ctx: TurnContext, word: str) -> Replies: ...

    async def step_input(self, ctx: TurnContext, text: str) -> Replies | None:
        """Apply typed input to the active step; ``None`` when it fits no option."""
        ...

    async def not_understood(self, ctx: TurnContext, text: str) -> Replies: ...

    async def reprompt(self, ctx: TurnContext) -> Replies: ...

    async def cancel(self, ctx: TurnContext) -> Replies: ...


class Answerer(Protocol):
    """Answers free-text questions."""

    async def answer(self, ctx: TurnContext, question: str) -> Replies: ...


def as_list(replies: Sequence[Reply]) -> Replies:
    return list(replies)
