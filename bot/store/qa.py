"""Q&A storage: content gaps and answer feedback, org-scoped, with no user ids.

``QaRepo`` writes inside a turn's transaction (it is ``TurnTx.qa``, the core's ``QaLog``);
``gap_report`` and ``feedback_report`` read for ``crosswalk content gaps|stats``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.store.db import Conn
from dialogs.messages import Origin
from dialogs.text import clean

if TYPE_CHECKING:
    from bot.store.store import Store

GAP_RETENTION = timedelta(days=90)  # the most kept; older gaps go when a new one is logged
MAX_QUESTION_CHARS = 500
_TRAILING = re.compile(r"[\s?!.…]+$")


def normalize_question(question: str) -> str:
    """How gaps are grouped: case-folded, spaces collapsed, trailing punctuation dropped."""
    return _TRAILING.sub("", " ".join(question.casefold().split()))


class QaRepo:
    """Q&A writes for one turn's org and channel, on the turn's connection."""

    def __init__(self, conn: Conn, origin: Origin) -> None:
        self.conn = conn
        self.org_id = origin.org_id
        self.channel = origin.channel

    async def log_gap(self, question: str, at: datetime) -> None:
        text = " ".join(clean(question).split())[:MAX_QUESTION_CHARS]
        if not text:
            return
        await self.conn.execute(
            "DELETE FROM qa_gaps WHERE org_id = ? AND asked_at < ?",
            self.org_id, at - GAP_RETENTION,
        )
        await self.conn.execute(
            "INSERT INTO qa_gaps (org_id, channel, question, normalized, asked_at)"
            " VALUES (?, ?, ?, ?, ?)",
            self.org_id, self.channel, text, normalize_question(text), at,
        )

    async def record_feedback(self, article_id: str, helpful: bool, at: datetime) -> None:
        await self.conn.execute(
            "INSERT INTO qa_feedback (org_id, article_id, helpful, channel, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            self.org_id, article_id[:200], helpful, self.channel, at,
        )


@dataclass(frozen=True)
class Gap:
    """One unanswered question, grouped by its normalized text."""

    org_id: str
    question: str  # the most recent wording
    count: int
    first_asked: datetime
    last_asked: datetime
    channels: tuple[str, ...]


@dataclass(frozen=True)
class Feedback:
    """👍/👎 counts for one article."""

    article_id: str
    helpful: int
    unhelpful: int


async def gap_report(
    store: Store, since: datetime, org_id: str | None = None, limit: int = 50
) -> list[Gap]:
    """Unanswered questions asked since ``since``, most frequent first."""
    where = "asked_at >= ?" + (" AND org_id = ?" if org_id is not None else "")
    args: list[object] = [since] + ([org_id] if org_id is not None else [])
    async with store.backend.read() as conn:
        rows = await conn.fetch(
            "SELECT org_id, normalized, channel, question, asked_at FROM qa_gaps"
            f" WHERE {where} ORDER BY asked_at",
            *args,
        )
    groups: dict[tuple[str, str], list[dict[str, object]]] = {}
    for row in rows:
        groups.setdefault((row["org_id"], row["normalized"]), []).append(row)
    gaps = [
        Gap(
            org_id=org,
            question=str(found[-1]["question"]),
            count=len(found),
            first_asked=_when(found[0]["asked_at"]),
            last_asked=_when(found[-1]["asked_at"]),
            channels=tuple(sorted({str(r["channel"]) for r in found})),
        )
        for (org, _), found in groups.items()
    ]
    gaps.sort(key=lambda g: (-g.count, -g.last_asked.timestamp(), g.question))
    return gaps[:limit]


async def feedback_report(store: Store, org_id: str | None = None) -> list[Feedback]:
    """👍/👎 per article (all orgs unless ``org_id``), by article id."""
    where = " WHERE org_id = ?" if org_id is not None else ""
    async with store.backend.read() as conn:
        rows = await conn.fetch(
            "SELECT article_id, helpful, COUNT(*) AS n FROM qa_feedback"
            f"{where} GROUP BY article_id, helpful ORDER BY article_id",
            *([org_id] if org_id is not None else []),
        )
    counts: dict[str, list[int]] = {}
    for row in rows:
        pair = counts.setdefault(row["article_id"], [0, 0])
        pair[0 if row["helpful"] else 1] += int(row["n"])
    return [Feedback(a, up, down) for a, (up, down) in sorted(counts.items())]


async def purge_qa(store: Store, before: datetime) -> tuple[int, int]:
    """Delete gaps and feedback older than ``before`` (issue 12); returns (gaps, feedback).

    The server runs this hourly with ``CROSSWALK_QA_RETENTION_DAYS``; ``crosswalk content purge``
    runs it once for deployments without a server.
    """
    async with store.backend.write() as conn:
        gaps: int = await conn.execute("DELETE FROM qa_gaps WHERE asked_at < ?", before)
        feedback: int = await conn.execute(
            "DELETE FROM qa_feedback WHERE created_at < ?", before
        )
    return gaps, feedback


def _when(value: object) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))
