"""``crosswalk chat``: the console channel."""

from __future__ import annotations

import sys

import click

from bot.cli.common import load, run_async


@click.command()
@click.option("--org", default="local", show_default=True, help="Organisation id.")
@click.option("--user", default="me", show_default=True, help="Your user id.")
def chat(org: str, user: str) -> None:
    """Chat with Crosswalk in the terminal (reads one message per line when piped)."""
    from bot import logs
    from bot.console.chat import chat as run_chat

    settings = load()
    logs.configure("WARNING", "text", settings.secret_values())
    sys.exit(run_async(run_chat(settings, org=org, user=user)))
