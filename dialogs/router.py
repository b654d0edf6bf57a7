"""Routes one inbound event to the feature that owns it, in the order the command table sets.

Order for text: global command → (active step: navigation word, then the step's answer) → other
command → question. Presses go to the feature named by their token's kind; a press nobody owns
is answered as stale and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from dialogs.commands import BY_NAME, NAVIGATION, Command, help_markdown, parse
from dialogs.messages import FormSubmit, Joined, Press, Text, TextMessage
from dialogs.turn import Answerer, Feature, Replies, StepOwner, TurnContext

WELCOME = (
    "Hi, I'm **Crosswalk**. I help you connect FinOps with the frameworks your organisation "
    "already runs: IT financial management and TBM, asset and licence management, service "
    "management, security, sustainability, architecture, DevOps and procurement.\n\n"
    "Ask me a question, type `interview` to describe your frameworks, or `help` for the commands."
)
STALE = "That button belongs to a message that is out of date, so I changed nothing."
NOTHING_TO_CANCEL = "There is nothing in progress to cancel."
COMING_SOON = "`{name}` is coming soon. Here is what works today:"
NO_ANSWERS = "I can't answer questions yet: the question-answering part is coming soon."


class Core:
    """The channel-neutral bot: one ``handle`` per turn."""

    def __init__(
        self,
        features: Sequence[Feature] = (),
        step_owners: Sequence[StepOwner] = (),
        answerer: Answerer | None = None,
    ) -> None:
        self._features = {f.name: f for f in features}
        self._by_command = {c: f for f in features for c in f.commands}
        self._steps = list(step_owners)
        self._answerer = answerer

    async def handle(self, ctx: TurnContext) -> Replies:
        event = ctx.event
        if isinstance(event, Joined):
            return self._welcome(ctx)
        if isinstance(event, Press | FormSubmit):
            return await self._press(ctx, event)
        assert isinstance(event, TextMessage)
        return await self._text(ctx, event.text)

    # ------------------------------------------------------------------ events

    def _welcome(self, ctx: TurnContext) -> Replies:
        if ctx.state.welcomed:
            return []
        ctx.state.welcomed = True
        return [Text(WELCOME)]

    async def _press(self, ctx: TurnContext, event: Press | FormSubmit) -> Replies:
        feature = self._features.get(event.token.kind)
        if feature is None:
            return [Text(STALE)]
        return await feature.press(ctx, event)

    async def _text(self, ctx: TurnContext, text: str) -> Replies:
        if not text.strip():
            return [Text("I got an empty message. Type `help` to see what I can do.")]
        cmd = parse(text)
        if cmd is not None and cmd.spec.group == "global":
            return await self._global(ctx, cmd)
        step = self._active_step(ctx)
        if step is not None:
            if cmd is not None and cmd.name in NAVIGATION:
                return await step.navigate(ctx, cmd.name)
            replies = await step.step_input(ctx, text)
            if replies is not None:
                return replies
            if text.rstrip().endswith("?") and self._answerer is not None:
                return await self._answerer.answer(ctx, text) + await step.reprompt(ctx)
            return await step.not_understood(ctx, text)
        if cmd is not None:
            if cmd.name in NAVIGATION:
                return [
                    Text(
                        f"`{cmd.name}` works during the interview. Type `interview` to "
                        "start or resume it."
                    )
                ]
            return await self._command(ctx, cmd)
        return await self._question(ctx, text)

    # ------------------------------------------------------------------ commands

    async def _global(self, ctx: TurnContext, cmd: Command) -> Replies:
        if cmd.name == "help":
            return [Text(help_markdown())]
        if cmd.name == "cancel":
            step = self._active_step(ctx)
            if step is None:
                ctx.state.active = None
                return [Text(NOTHING_TO_CANCEL)]
            return await step.cancel(ctx)
        if cmd.name == "status":
            return [Text(await self._status(ctx))]
        return await self._command(ctx, cmd)

    async def _command(self, ctx: TurnContext, cmd: Command) -> Replies:
        if cmd.spec.args == "required" and not cmd.args:
            return [Text(f"Usage: `{cmd.spec.usage}` — {cmd.spec.summary}")]
        if cmd.name == "ask":
            return await self._question(ctx, cmd.args)
        feature = self._by_command.get(cmd.name)
        if feature is None:
            return [Text(COMING_SOON.format(name=cmd.spec.usage) + "\n\n" + help_markdown())]
        return await feature.command(ctx, cmd)

    async def _question(self, ctx: TurnContext, text: str) -> Replies:
        if self._answerer is None:
            return [Text(NO_ANSWERS + " Type `help` for what works today.")]
        return await self._answerer.answer(ctx, text)

    async def _status(self, ctx: TurnContext) -> str:
        origin = ctx.event.origin
        where = "this direct chat" if origin.is_direct else "this channel"
        lines = [f"**Status** for {where} ({origin.channel})"]
        for name in ("interview", "profile", "plan", "nudge"):
            feature = self._features.get(name)
            section = await feature.status(ctx) if feature is not None else None
            label = {"nudge": "Nudges"}.get(name, name.capitalize())
            lines.append(f"- **{label}**: {section or 'not available yet'}")
        return "\n".join(lines)

    # ------------------------------------------------------------------ helpers

    def _active_step(self, ctx: TurnContext) -> StepOwner | None:
        active = ctx.state.active
        if not active:
            return None
        for step in self._steps:
            if step.owns(active):
                return step
        ctx.state.active = None  # owner no longer exists: forget it rather than trap the user
        return None


def command_names() -> list[str]:
    """Every command word, for platform manifests."""
    return list(BY_NAME)
