"""Fixtures for the Q&A tests: the real content store and one index built from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest

from dialogs.content import ContentStore, load_content
from dialogs.qa.index import QaIndex
from dialogs.qa.service import Policy, QaService

CONTENT = Path(__file__).resolve().parent.parent.parent / "content"


@pytest.fixture(scope="session")
def content() -> ContentStore:
    return load_content(CONTENT)


@pytest.fixture(scope="session")
def index(content: ContentStore) -> QaIndex:
    return QaIndex.build(content)


@pytest.fixture(scope="session")
def service(index: QaIndex) -> QaService:
    return QaService(index, Policy(threshold=0.35))


@dataclass
class FakeQaLog:
    """Records what the feature writes (the runtime writes it to the database)."""

    gaps: list[tuple[str, datetime]] = field(default_factory=list)
    votes: list[tuple[str, bool, datetime]] = field(default_factory=list)

    async def log_gap(self, question: str, at: datetime) -> None:
        self.gaps.append((question, at))

    async def record_feedback(self, article_id: str, helpful: bool, at: datetime) -> None:
        self.votes.append((article_id, helpful, at))


@dataclass
class FakeData:
    qa: FakeQaLog = field(default_factory=FakeQaLog)
