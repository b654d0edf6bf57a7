"""The guided interview that builds the org profile.

Importing this package registers the interview file's content checker.
"""

from __future__ import annotations

from pathlib import Path

from dialogs.content import ContentStore
from dialogs.interview.checker import INTERVIEW_FILE, check_interview, load_definition
from dialogs.interview.definition import Definition, parse_definition
from dialogs.interview.engine import Engine
from dialogs.interview.feature import InterviewFeature, ProfileFeature
from dialogs.interview.options import Catalog
from dialogs.interview.ports import InterviewData, ProfileVersion
from dialogs.interview.session import Pending, Session
from dialogs.interview.understand import Lexicon, PendingTool, Understood


def build_engine(content: ContentStore, definition: Definition) -> Engine:
    return Engine(definition, Catalog(content), Lexicon(content))


def build(content: ContentStore, root: Path) -> tuple[InterviewFeature, ProfileFeature]:
    """The interview and profile features for a content root (raises ``ContentError``)."""
    engine = build_engine(content, load_definition(root))
    return InterviewFeature(engine), ProfileFeature(engine)


__all__ = [
    "INTERVIEW_FILE",
    "Catalog",
    "Definition",
    "Engine",
    "InterviewData",
    "InterviewFeature",
    "Lexicon",
    "Pending",
    "PendingTool",
    "ProfileFeature",
    "ProfileVersion",
    "Session",
    "Understood",
    "build",
    "build_engine",
    "check_interview",
    "load_definition",
    "parse_definition",
]
