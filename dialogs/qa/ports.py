"""What Q&A needs from storage inside a turn (the runtime's transaction implements it)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class QaLog(Protocol):
    """Content gaps and answer feedback for the turn's org and channel; never a user id."""

    async def log_gap(self, question: str, at: datetime) -> None:
        """Record a question nobody curated an answer for."""
        ...

    async def record_feedback(self, article_id: str, helpful: bool, at: datetime) -> None:
        """Record a 👍 (``helpful``) or 👎 on an answered article."""
        ...
