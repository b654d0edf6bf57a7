"""The Q&A feature: answers free text (the router's ``Answerer``) and handles its presses."""

from __future__ import annotations

from dialogs.commands import Command
from dialogs.messages import FormSubmit, Press, Text
from dialogs.qa.outcome import Outcome
from dialogs.qa.replies import (
    CLARIFY_SUBJECT,
    FOLLOW,
    GONE,
    HELPFUL,
    PICK,
    STALE,
    THANKS_HELPFUL,
    THANKS_UNHELPFUL,
    UNHELPFUL,
    replies,
)
from dialogs.qa.service import QaService
from dialogs.state import ConversationState
from dialogs.turn import Replies, TurnContext


def remember(state: ConversationState, outcome: Outcome) -> None:
    """Keep what a follow-up can refer to: the answered article and what was offered."""
    if outcome.kind == "answer" and outcome.article is not None:
        state.topic = outcome.article.id
        state.candidates = [a.id for a in outcome.suggestions]
    elif outcome.kind == "clarify":
        state.candidates = [a.id for a in outcome.articles]
    elif outcome.kind == "abstain":
        state.candidates = [a.id for a in outcome.suggestions]


class QaFeature:
    """Question answering with sources, "did you mean", follow-ups, feedback and gaps."""

    name = "qa"
    commands: frozenset[str] = frozenset()  # `ask` is routed to ``answer`` by the core

    def __init__(self, service: QaService) -> None:
        self.service = service

    async def answer(self, ctx: TurnContext, question: str) -> Replies:
        state = ctx.state
        outcome = self.service.ask(question, state.topic, state.candidates)
        remember(state, outcome)
        if outcome.gap:
            await ctx.data.qa.log_gap(outcome.question, ctx.now)
        ids = ",".join(a.id for a in outcome.articles)
        ctx.notes.append(f"qa {outcome.kind} confidence={outcome.confidence:.2f} articles={ids}")
        return replies(outcome)

    async def command(self, ctx: TurnContext, cmd: Command) -> Replies:
        return await self.answer(ctx, cmd.args)

    async def press(self, ctx: TurnContext, event: Press | FormSubmit) -> Replies:
        token = event.token
        if not isinstance(event, Press):
            return [Text(STALE)]
        if token.subject == CLARIFY_SUBJECT:
            if token.step != PICK or not event.values:
                return [Text(STALE)]
            return self._show(ctx, event.values[0])
        article_id = token.subject.partition(":")[2]
        if token.step == FOLLOW:
            return self._show(ctx, article_id)
        if token.step in (HELPFUL, UNHELPFUL):
            if article_id not in self.service.content.articles:
                return [Text(GONE)]
            helpful = token.step == HELPFUL
            await ctx.data.qa.record_feedback(article_id, helpful, ctx.now)
            ctx.notes.append(f"qa feedback {token.step} {article_id}")
            return [Text(THANKS_HELPFUL if helpful else THANKS_UNHELPFUL)]
        return [Text(STALE)]

    async def status(self, ctx: TurnContext) -> str | None:
        return None

    def _show(self, ctx: TurnContext, article_id: str) -> Replies:
        if article_id not in self.service.content.articles:
            return [Text(GONE)]
        outcome = self.service.explain(article_id)
        remember(ctx.state, outcome)
        ctx.notes.append(f"qa shown {article_id}")
        return replies(outcome)
