"""A small real feature for driving the Slack edge's interactive paths (choices, forms, posts).

The product's interview and plan features are built elsewhere; this one implements the same
``Feature`` protocol so the edge's press → update → reply path is tested on its own.
"""

from __future__ import annotations

from dialogs.commands import Command
from dialogs.messages import (
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
from dialogs.router import STALE
from dialogs.text import user
from dialogs.turn import Replies, TurnContext

QUESTION = Token("quiz:1", "q1", 1)
FORM = Token("quiz:1", "owner", 1)


def question() -> Choices:
    return Choices(
        "Does your organisation run **ITIL**?",
        (Option("yes", "Yes"), Option("no", "No")),
        QUESTION,
    )


def owner_form() -> Form:
    return Form("Who owns the cloud bill?", (FormField("owner", "Owner", required=True),), FORM)


class Quiz:
    """``interview`` asks one question, ``plan`` sends a form, ``post plan`` posts a thread."""

    name = "quiz"
    commands = frozenset({"interview", "plan", "post plan", "subscribe"})

    async def command(self, ctx: TurnContext, cmd: Command) -> Replies:
        if cmd.name == "interview":
            return [question()]
        if cmd.name == "plan":
            return [owner_form()]
        if cmd.name == "subscribe":
            return [Text("Subscribed: weekly nudges here.")]
        return [
            Post(
                "channel",
                (Text("**Alignment plan**"), Text("1. Tag every cloud account")),
                channel_ref=cmd.args,
                fallback=(Text("Here is the plan instead."),),
                note=Text("Posted the plan."),
                record="plan:1",
            )
        ]

    async def press(self, ctx: TurnContext, event: Press | FormSubmit) -> Replies:
        if isinstance(event, FormSubmit):
            if event.token != FORM:
                return [Text(STALE)]
            return [Text(f"Saved: the owner is {user(event.values.get('owner', ''))}.")]
        if event.token != QUESTION or ctx.state.extra.get("answered"):
            return [Text(STALE)]
        ctx.state.extra["answered"] = True
        return [Text(f"Noted: {user(', '.join(event.values))}."), Text("Next question soon.")]

    async def status(self, ctx: TurnContext) -> str | None:
        return None
