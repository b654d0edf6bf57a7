"""Q&A storage on SQLite and PostgreSQL: gaps by frequency, retention, feedback, no user ids."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.store import Store
from bot.store.qa import GAP_RETENTION, feedback_report, gap_report, normalize_question
from dialogs.messages import Origin, Sender

TEAMS = Origin("teams", "org-a", "conv-1", is_direct=False)
SLACK = Origin("slack", "org-a", "C1", is_direct=False)
OTHER = Origin("teams", "org-b", "conv-9")
SENDER = Sender("u1", "Ana")


async def gap(store: Store, origin: Origin, question: str, at: datetime) -> None:
    async with store.turn(origin, SENDER, at) as tx:
        await tx.qa.log_gap(question, at)


async def test_gaps_are_grouped_and_ordered_by_frequency(store: Store, now: datetime) -> None:
    await gap(store, TEAMS, "How do I reset my laptop?", now - timedelta(days=2))
    await gap(store, SLACK, "how do i reset   my laptop", now - timedelta(days=1))
    await gap(store, TEAMS, "What is the canteen menu", now)
    await gap(store, OTHER, "how do I reset my laptop", now)
    found = await gap_report(store, now - timedelta(days=30), "org-a")
    assert [(g.question, g.count) for g in found] == [
        ("how do i reset my laptop", 2), ("What is the canteen menu", 1)]
    top = found[0]
    assert top.channels == ("slack", "teams") and top.org_id == "org-a"
    assert top.first_asked == now - timedelta(days=2) and top.last_asked == now - timedelta(days=1)
    every = await gap_report(store, now - timedelta(days=30))
    assert {g.org_id for g in every} == {"org-a", "org-b"}


async def test_the_window_and_the_limit_apply(store: Store, now: datetime) -> None:
    await gap(store, TEAMS, "old question", now - timedelta(days=20))
    await gap(store, TEAMS, "new question", now)
    assert [g.question for g in await gap_report(store, now - timedelta(days=7))] == [
        "new question"]
    assert len(await gap_report(store, now - timedelta(days=30), limit=1)) == 1


async def test_gaps_older_than_the_retention_are_deleted(store: Store, now: datetime) -> None:
    await gap(store, TEAMS, "ancient", now - GAP_RETENTION - timedelta(days=1))
    await gap(store, OTHER, "ancient elsewhere", now - GAP_RETENTION - timedelta(days=1))
    await gap(store, TEAMS, "fresh", now)
    async with store.backend.read() as conn:
        rows = await conn.fetch("SELECT org_id, question FROM qa_gaps ORDER BY question")
    # the new gap purges its own org's expired rows only
    assert [(r["org_id"], r["question"]) for r in rows] == [
        ("org-b", "ancient elsewhere"), ("org-a", "fresh")]


async def test_gap_text_is_cleaned_and_bounded(store: Store, now: datetime) -> None:
    await gap(store, TEAMS, "  what\x00 is\x1b[31m this? " + "x" * 1000, now)
    await gap(store, TEAMS, " \x00 ", now)
    [found] = await gap_report(store, now - timedelta(days=1))
    assert "\x00" not in found.question and "\x1b" not in found.question
    assert len(found.question) == 500 and found.question.startswith("what is")


async def test_no_user_id_is_stored(store: Store, now: datetime) -> None:
    await gap(store, TEAMS, "anything", now)
    async with store.backend.read() as conn:
        row = await conn.fetchrow("SELECT * FROM qa_gaps")
        assert row is not None
        assert set(row) == {"id", "org_id", "channel", "question", "normalized", "asked_at"}
        assert "u1" not in {str(v) for v in row.values()}


async def test_feedback_is_counted_per_article(store: Store, now: datetime) -> None:
    votes = [(TEAMS, "sam.overlap", True), (SLACK, "sam.overlap", True),
             (TEAMS, "sam.overlap", False), (TEAMS, "focus", False), (OTHER, "focus", True)]
    for origin, article, helpful in votes:
        async with store.turn(origin, SENDER, now) as tx:
            await tx.qa.record_feedback(article, helpful, now)
    org_a = await feedback_report(store, "org-a")
    assert [(f.article_id, f.helpful, f.unhelpful) for f in org_a] == [
        ("focus", 0, 1), ("sam.overlap", 2, 1)]
    every = await feedback_report(store)
    assert [(f.article_id, f.helpful, f.unhelpful) for f in every] == [
        ("focus", 1, 1), ("sam.overlap", 2, 1)]


async def test_writes_roll_back_with_the_turn(store: Store, now: datetime) -> None:
    with pytest.raises(RuntimeError):
        async with store.turn(TEAMS, SENDER, now) as tx:
            await tx.qa.log_gap("lost with the turn", now)
            await tx.qa.record_feedback("focus", True, now)
            raise RuntimeError("turn failed")
    assert await gap_report(store, now - timedelta(days=1)) == []
    assert await feedback_report(store) == []


async def test_deleting_an_org_deletes_its_gaps_and_feedback(store: Store, now: datetime) -> None:
    await gap(store, TEAMS, "mine", now)
    await gap(store, OTHER, "theirs", now)
    async with store.turn(TEAMS, SENDER, now) as tx:
        await tx.qa.record_feedback("focus", True, now)
    assert await store.delete_org("org-a")
    assert [g.org_id for g in await gap_report(store, now - timedelta(days=1))] == ["org-b"]
    assert await feedback_report(store) == []


def test_questions_are_grouped_case_and_punctuation_insensitively() -> None:
    assert normalize_question("  How DO I reset my laptop?!  ") == "how do i reset my laptop"
