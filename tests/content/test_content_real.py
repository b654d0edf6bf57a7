"""The repository's own content passes the checker."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from dialogs.content import REQUIRED_TOPICS, check_content, load_content

CONTENT = Path(__file__).resolve().parents[2] / "content"


def test_real_content_has_no_errors() -> None:
    found = check_content(CONTENT, date.today())
    errors = [str(d) for d in found if d.level == "error"]
    assert not errors, "content errors:\n" + "\n".join(errors)


def test_real_content_loads_and_covers_the_required_topics() -> None:
    store = load_content(CONTENT)
    covered = {topic for article in store.articles.values() for topic in article.topics}
    assert covered >= REQUIRED_TOPICS
    assert len(store.disciplines) == 9
    assert len(store.content_hash) == 64
