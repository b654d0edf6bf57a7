"""Builds the channel-neutral core from its parts; shared by the server, the console and the CLI.

Feature issues add their feature to ``build_core``; nothing here runs at import time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.settings import Settings
from dialogs.content import ContentError, ContentStore, load_content
from dialogs.messages import Card
from dialogs.router import Core
from dialogs.turn import Answerer, Feature, StepOwner

if TYPE_CHECKING:
    from dialogs.qa import QaFeature

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
    from dialogs.nudges.feature import NudgeFeature  # issue 10

    features.append(NudgeFeature(content))
    from dialogs.interview import build as build_interview  # issue 6

    try:
        interview, profile = build_interview(content, content_dir(settings))
    except ContentError as exc:
        log.error("the interview is off: %s", exc)
    else:
        features += [interview, profile]
        steps.append(interview)
    from dialogs.plan import PlanFeature, load_kit  # issue 7

    try:
        plan_kit = load_kit(content_dir(settings), content)
    except ContentError as exc:
        log.error("the plan is off: %s", exc)
        plan_kit = None
    features.append(PlanFeature(plan_kit, teams_card_size))
    qa = build_qa(settings, content)  # issue 5
    if qa is not None:
        features.append(qa)
        answerer = qa
    return Core(features, steps, answerer)


def teams_card_size(card: Card) -> int:
    """Characters of the Teams activity for a card (issue 7: the plan card fits Teams' limit)."""
    import json

    from bot.teams.cards import render

    return len(json.dumps(render(card), ensure_ascii=False, separators=(",", ":")))


QA_CACHE_DIR = Path(".data") / "cache"  # issue 5: the Q&A index, keyed by the content hash


def build_qa(settings: Settings, content: ContentStore) -> QaFeature | None:
    """The Q&A feature with its index opened from the cache or built once (issue 5)."""
    from dialogs.qa import Policy, QaFeature, QaService, load_index

    try:
        index = load_index(content, QA_CACHE_DIR)
    except (OSError, ValueError, RuntimeError):
        log.exception("the Q&A index could not be built; questions are not answered")
        return None
    return QaFeature(QaService(index, Policy(threshold=settings.qa_threshold)))


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
