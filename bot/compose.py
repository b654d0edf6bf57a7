"""Builds the channel-neutral core from its parts; shared by the server, the console and the CLI."""

from __future__ import annotations

from pathlib import Path

from bot.settings import Settings
from dialogs.router import Core

REPO_CONTENT = Path(__file__).resolve().parent.parent / "content"


def content_dir(settings: Settings) -> Path:
    return settings.content_dir or REPO_CONTENT


def build_core(settings: Settings) -> Core:
    """The core with every feature that exists, wired to the content store."""
    return Core()
