"""The index cache: built once per content hash, reopened, rebuilt when unreadable."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from dialogs.content import ContentStore
from dialogs.qa import cache
from dialogs.qa.cache import PREFIX, cache_key, load_index


def ranking(index, question: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [h.article.id for h in index.search(index.parse(question), 5)]


def test_the_index_is_cached_and_reopened_without_rebuilding(
    content: ContentStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = load_index(content, tmp_path)
    [folder] = tmp_path.iterdir()
    assert folder.name == PREFIX + cache_key(content.content_hash)
    assert (folder / "stats.json").is_file() and (folder / "tantivy").is_dir()

    def no_rebuild(*args: object) -> None:
        raise AssertionError("rebuilt although cached")

    monkeypatch.setattr(cache, "documents", no_rebuild)
    opened = load_index(content, tmp_path)
    assert ranking(opened, "how does SAM relate to FinOps?") == ranking(
        built, "how does SAM relate to FinOps?")
    assert opened.stats == built.stats


def test_an_unreadable_cache_is_rebuilt(content: ContentStore, tmp_path: Path) -> None:
    load_index(content, tmp_path)
    [folder] = tmp_path.iterdir()
    (folder / "stats.json").write_text("{not json")
    index = load_index(content, tmp_path)
    assert ranking(index, "what is FOCUS")[0] == "focus"
    assert (folder / "stats.json").read_text().startswith("{")
    assert [p.name for p in tmp_path.iterdir()] == [folder.name]  # no temporary left behind


def test_new_content_gets_a_new_folder_and_the_old_one_goes(
    content: ContentStore, tmp_path: Path
) -> None:
    load_index(content, tmp_path)
    changed = dataclasses.replace(content, content_hash="0" * 64)
    load_index(changed, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [PREFIX + cache_key("0" * 64)]


def test_an_unwritable_cache_falls_back_to_memory(content: ContentStore, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    index = load_index(content, blocker / "cache")
    assert ranking(index, "what is FOCUS")[0] == "focus"


def test_no_cache_dir_builds_in_memory(content: ContentStore) -> None:
    assert ranking(load_index(content, None), "what is FOCUS")[0] == "focus"
