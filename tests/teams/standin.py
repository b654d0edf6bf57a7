"""A small stand-in feature, so the edge's card, thread and private-chat paths are tested
deterministically while the real interview and plan features are being built."""

from __future__ import annotations

from typing import Any

from dialogs.commands import Command
from dialogs.messages import (
    Action,
    Card,
    Choices,
    Form,
    FormField,
    FormSubmit,
    Option,
    Post,
    Press,
    Text,
    Token,
)
from dialogs.router import STALE, Core
from dialogs.text import user
from dialogs.turn import Replies, TurnContext

QUIZ = Token("quiz:1", "owner", 1)
DEEP_LINK = "https://teams.microsoft.com/l/chat/0/0?users=28:8c1f4e0a-5b7d-4c2e-9f3a-1d6b0e2c4a7f"


class StandIn:
    """Answers "quiz", "form", "private" and "post plan [channel]"; takes the quiz's presses."""

    name = "quiz"
    commands = frozenset({"post plan"})

    async def answer(self, ctx: TurnContext, question: str) -> Replies:
        asked = question.strip().lower()
        if asked == "quiz":
            return [Choices("Who owns the **cloud budget**?",
                            (Option("finance", "Finance"), Option("eng", "Engineering")), QUIZ)]
        if asked == "form":
            return [Form("Your **tools**", (FormField("tool", "Cost tool", required=True),),
                         QUIZ)]
        if asked == "actions":
            return [Card("Next step", "Pick one.",
                         actions=(Action("Start", QUIZ, "start", "primary"),))]
        if asked == "private":
            return [Post(
                "direct",
                (Text("Let's continue here, just the two of us."),),
                fallback=(Text(f"[Open a private chat with Crosswalk]({DEEP_LINK})"),),
                note=Text("I sent you a private message."),
                record="interview:1",
            )]
        return [Text(f"You asked: {user(question)}")]

    async def command(self, ctx: TurnContext, cmd: Command) -> Replies:
        return [Post(
            "channel" if cmd.args else "thread",
            (Card("Alignment plan", "Three actions for this quarter."),
             Text("Details follow in this thread.")),
            channel_ref=cmd.args,
            fallback=(Text("The plan, here instead."),),
            note=Text("Posted the plan."),
            record="plan:7",
        )]

    async def press(self, ctx: TurnContext, event: Press | FormSubmit) -> Replies:
        if event.token != QUIZ:
            return [Text(STALE)]
        if isinstance(event, FormSubmit):
            return [Text(f"Saved {user(event.values.get('tool', ''))}.")]
        return [Text(f"Saved: {user(', '.join(event.values))}.")]

    async def status(self, ctx: TurnContext) -> str | None:
        return None


def standin_core() -> Core:
    feature: Any = StandIn()
    return Core([feature], [], feature)
