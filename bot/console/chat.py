"""The console channel: chat with Crosswalk in a terminal, or script it through stdin."""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TextIO

from bot.compose import load_components
from bot.settings import Settings
from bot.store import Store
from bot.turns import TurnRunner
from dialogs.messages import (
    Action,
    Card,
    Choices,
    Inbound,
    Joined,
    Origin,
    Outbound,
    Post,
    Press,
    Reply,
    Sender,
    TextMessage,
)

EXIT_WORDS = frozenset({"exit", "quit", ":q"})


@dataclass
class Pressables:
    """The options and buttons of the last message, so typing a number or label presses them."""

    choices: Choices | None = None
    actions: tuple[Action, ...] = ()

    def remember(self, replies: list[Reply]) -> None:
        """Keep only the options of this turn's last question; anything else forgets them."""
        if not replies:
            return
        self.choices, self.actions = None, ()
        for message in replies:
            if isinstance(message, Choices):
                self.choices, self.actions = message, ()
            elif isinstance(message, Card) and message.actions:
                self.choices, self.actions = None, message.actions

    def match(self, text: str, make: Callable[..., Press]) -> Press | None:
        """A press for a typed option number or label (or a card button's number), else None."""
        choices = self.choices
        if choices is None:
            pick = text.strip()
            if self.actions and pick.isdigit() and 1 <= int(pick) <= len(self.actions):
                action = self.actions[int(pick) - 1]
                return make(token=action.token, values=(action.value,) if action.value else ())
            return None
        picked: list[str] = []
        for part in (p.strip() for p in text.split(",")) if choices.multi else [text.strip()]:
            option = None
            if part.isdigit() and 1 <= int(part) <= len(choices.options):
                option = choices.options[int(part) - 1]
            else:
                option = next((o for o in choices.options
                               if o.label.strip().lower() == part.lower()), None)
            if option is None:
                return None  # not a pick: the core reads it as typed text
            picked.append(option.value)
        return make(token=choices.token, values=tuple(picked))


def _render(message: Outbound) -> str:
    from bot.console.render import render

    rendered: str = render(message)
    return rendered


async def _read_line(stream: TextIO, prompt: str | None) -> str | None:
    def read() -> str | None:
        if prompt is not None:
            try:
                return input(prompt)
            except EOFError:
                return None
        line = stream.readline()
        return line.rstrip("\n") if line else None

    return await asyncio.to_thread(read)


async def chat(
    settings: Settings,
    org: str,
    user: str,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    interactive: bool | None = None,
) -> int:
    """Run the console until end of input; returns an exit code."""
    interactive = stdin.isatty() if interactive is None else interactive
    store = await Store.open(settings.database_url)
    components = await asyncio.to_thread(load_components, settings)
    if components.content_problem:
        stdout.write(f"Warning: {components.content_problem}; answers are limited.\n")
    runner = TurnRunner(store, components.core)
    origin = Origin("console", org, conversation_id=f"console:{user}", is_direct=True)
    sender = Sender(user_id=user, display_name=user, platform_user_id=user)
    pressables = Pressables()

    def show(replies: list[Reply]) -> None:
        for message in replies:
            if isinstance(message, Post):
                where = {"direct": "a direct chat", "thread": "a new thread in this channel",
                         "channel": f"channel {message.channel_ref}"}[message.target]
                stdout.write(f"(In Teams or Slack this goes to {where}.)\n\n")
                for inner in message.messages:
                    stdout.write(_render(inner).rstrip() + "\n\n")
                continue
            stdout.write(_render(message).rstrip() + "\n\n")
        stdout.flush()
        pressables.remember(replies)

    try:
        if interactive:
            stdout.write(f"Crosswalk console — org {org}, user {user}. Type 'exit' to leave.\n\n")
            welcome = await runner.run(Joined(f"welcome:{user}", origin, sender))
            show(welcome.replies)
        while True:
            line = await _read_line(stdin, "you> " if interactive else None)
            if line is None or (interactive and line.strip().lower() in EXIT_WORDS):
                break
            if not line.strip():
                continue
            inbound_id = uuid.uuid4().hex
            event: Inbound | None = pressables.match(line, partial(
                Press, inbound_id=inbound_id, origin=origin, sender=sender))
            if event is None:
                event = TextMessage(inbound_id, origin, sender, line)
            result = await runner.run(event)
            show(result.replies)
    finally:
        await store.close()
    return 0
