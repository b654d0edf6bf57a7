"""Builds the channel-neutral core from its parts; shared by the server, the console and the CLI.

Feature issues add their feature to ``build_core``; nothing here runs at import time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from bot.settings import Settings
from dialogs.content import ContentError, ContentStore, load_content
from dialogs.router import Core
from dialogs.turn import Answerer, Feature, StepOwner

log = logging.getLogger("crosswalk.compose")

REPO_CONTENT = Path(__file__).resolve().parent.parent / "content"


def content_dir(settings: Settings) -> Path:
    return settings.content_dir or REPO_CONTENT


@dataclass(frozen=True)
class Components:
    """What the runtime builds once at start-up."""

    core: Core
    content: ContentStore | None
    content_problem: str | None = None


def build_core(settings: Settings, content: ContentStore) -> Core:
    """The core with every feature that exists, wired to the content store."""
    features: list[Feature] = []
    steps: list[StepOwner] = []
    answerer: Answerer | None = None
    return Core(features, steps, answerer)


def load_components(settings: Settings) -> Components:
    """Load content and build the core (blocking: call it from a thread in async code)."""
    try:
        content = load_content(content_dir(settings))
    except ContentError as exc:
        log.error("content failed to load: %s", exc)
        return Components(Core(), None, f"content not loaded ({len(exc.diagnostics)} errors)")
    except (OSError, ValueError) as exc:
        log.error("content failed to load: %s", exc)
        return Components(Core(), None, f"content not loaded ({exc.__class__.__name__})")
    return Components(build_core(settings, content), content)
