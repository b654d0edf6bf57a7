"""The index cache: one folder per content hash, so a restart opens the index instead of
rebuilding it. A content change gives a new hash, a new folder, and the old one is removed.

Layout: ``<cache_dir>/qa-<key>/stats.json`` and ``…/tantivy/`` (tantivy's own files). A folder
is written under a temporary name and renamed into place, so readers never see half of one.
Anything unreadable is rebuilt; a cache that cannot be written is skipped (index in memory).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import uuid
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path

from dialogs.content import ContentStore
from dialogs.qa.engine import TantivyEngine
from dialogs.qa.index import QaIndex, Stats, analyzer_for, documents, stats_for
from dialogs.qa.lexicon import build_lexicon
from dialogs.qa.question import Weights

log = logging.getLogger("crosswalk.qa")

FORMAT = 2  # bump when analysis or the stored fields change
PREFIX = "qa-"


def cache_key(content_hash: str) -> str:
    """The folder key: the content hash, the cache format and the tantivy version."""
    try:
        engine = metadata.version("tantivy")
    except metadata.PackageNotFoundError:
        engine = "unknown"
    raw = f"{FORMAT}\0{engine}\0{content_hash}"
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def load_index(
    content: ContentStore, cache_dir: Path | None, weights: Weights | None = None
) -> QaIndex:
    """The index for ``content``: opened from the cache, or built (and cached when possible)."""
    if cache_dir is None:
        return QaIndex.build(content, weights)
    folder = cache_dir / f"{PREFIX}{cache_key(content.content_hash)}"
    opened = _open(folder, content, weights)
    if opened is not None:
        return opened
    analyzer = analyzer_for(content)
    lexicon = build_lexicon(content, analyzer)
    try:
        _write(folder, documents(content, analyzer, lexicon), lambda: stats_for(content, analyzer))
    except OSError as exc:
        log.warning("Q&A index cache not written (%s); building in memory", exc)
        return QaIndex.build(content, weights)
    _prune(cache_dir, keep=folder.name)
    opened = _open(folder, content, weights)
    return opened if opened is not None else QaIndex.build(content, weights)


def _open(folder: Path, content: ContentStore, weights: Weights | None) -> QaIndex | None:
    stats_file = folder / "stats.json"
    if not stats_file.is_file():
        return None
    try:
        data = json.loads(stats_file.read_text(encoding="utf-8"))
        stats = Stats(tuple(data["ids"]), dict(data["vocabulary"]))
        if data.get("format") != FORMAT or stats.ids != tuple(sorted(content.articles)):
            return None
        engine = TantivyEngine.open(folder / "tantivy")
        if engine.size != len(stats.ids):
            return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("Q&A index cache %s unreadable (%s); rebuilding", folder.name, exc)
        return None
    return QaIndex(content, engine, stats, weights=weights)


def _write(folder: Path, docs: Iterable[dict[str, list[str]]], stats: Callable[[], Stats]) -> None:
    if folder.exists():
        shutil.rmtree(folder, ignore_errors=True)  # unreadable: replace it
    temporary = folder.parent / f".{folder.name}.{uuid.uuid4().hex[:8]}"
    (temporary / "tantivy").mkdir(parents=True)
    try:
        TantivyEngine.build(docs, temporary / "tantivy")
        done = stats()
        data = {"format": FORMAT, "ids": list(done.ids), "vocabulary": done.vocabulary}
        (temporary / "stats.json").write_text(json.dumps(data), encoding="utf-8")
        try:
            os.rename(temporary, folder)
        except OSError:
            if not (folder / "stats.json").is_file():  # not another process winning the race
                raise
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def _prune(cache_dir: Path, keep: str) -> None:
    """Remove the folders of older content."""
    for old in cache_dir.glob(f"{PREFIX}*"):
        if old.name != keep and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
