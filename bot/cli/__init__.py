"""The ``crosswalk`` command line.

Subcommands live in their own modules and are imported only when run, so ``crosswalk ask`` never
imports the Teams or Slack SDKs. Add a command by adding a line to ``COMMANDS``.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

# name -> "module:attribute" of a click command or group
COMMANDS: dict[str, str] = {
    "serve": "bot.cli.serve:serve",
    "chat": "bot.cli.chat:chat",
    "db": "bot.cli.db:db",
    "ask": "bot.cli.ask:ask",
    "content": "bot.cli.content:content",
    "nudges": "bot.cli.nudges:nudges",
    "profile": "bot.cli.profile:profile",  # issue 6
    "interview": "bot.cli.interview:interview",  # issue 6
    "plan": "bot.cli.plan:plan",  # issue 7
    "slack-manifest": "bot.cli.slack_manifest:slack_manifest",  # issue 9
    "manifest": "bot.cli.manifest:manifest",  # issue 8
    "org": "bot.cli.org:org",  # issue 12
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attr = target.partition(":")
        command: Any = getattr(importlib.import_module(module), attr)
        return command  # type: ignore[no-any-return]


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="finops-crosswalk", prog_name="crosswalk")
def main() -> None:
    """Crosswalk: integrate FinOps with the frameworks your organisation already runs."""
