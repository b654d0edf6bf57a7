"""Loading the store, its hash, stats, the error type and extra checkers."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest

from dialogs.content import (
    REQUIRED_TOPICS,
    CheckContext,
    ContentError,
    Diagnostic,
    check_content,
    content_stats,
    load_content,
    register_checker,
)
from tests.content.tree import TODAY, Tree, words


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    return Tree(tmp_path)


def test_load_content(tree: Tree) -> None:
    store = load_content(tree.root)
    assert set(store.articles) == set(REQUIRED_TOPICS)
    article = store.articles["sam.overlap"]
    assert article.primary_topic == "sam.overlap"
    assert article.path == "content/articles/sam/sam.overlap.md"
    assert article.words == 250
    assert article.sources[0].url == "https://www.finops.org/framework/"
    assert len(store.disciplines) == 9
    assert store.tools["flexera-one"].aliases == ("Flexera",)
    assert store.terms["sam"].topics == ("sam.overview",)
    assert store.spellings == (("licence", "license"),)
    assert store.articles_for_topic("sam.overlap") == (article,)
    with pytest.raises(TypeError):
        store.articles["x"] = article  # type: ignore[index]


def test_articles_for_topic_and_discipline(tree: Tree) -> None:
    tree.article("itsm.tools", topics=["itsm.tools", "itsm.overview"], disciplines=["itsm"])
    store = load_content(tree.root)
    ids = [a.id for a in store.articles_for_topic("itsm.overview")]
    assert ids == ["itsm.overview", "itsm.tools"]
    assert [a.id for a in store.articles_for_topic("itsm.overview", primary_only=True)] == [
        "itsm.overview"
    ]
    assert [a.id for a in store.articles_for_discipline("itsm")] == ["itsm.tools"]


def test_content_hash_follows_the_bytes(tree: Tree) -> None:
    first = load_content(tree.root).content_hash
    assert load_content(tree.root).content_hash == first
    tree.article("focus", body=words(41))
    changed = load_content(tree.root).content_hash
    assert changed != first
    tree.article("focus")
    assert load_content(tree.root).content_hash == first


def test_content_hash_covers_the_taxonomy(tree: Tree) -> None:
    first = load_content(tree.root).content_hash
    path = tree.root / "taxonomy.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# comment\n", encoding="utf-8")
    assert load_content(tree.root).content_hash != first


def test_invalid_store_raises_with_every_error(tree: Tree) -> None:
    tree.article("focus", summary="x" * 301)
    tree.article("bot.help", related=["nowhere"])
    with pytest.raises(ContentError) as caught:
        load_content(tree.root)
    bot = "content/articles/bot/bot.help.md"
    assert [str(d) for d in caught.value.diagnostics] == [
        f"{bot}:{tree.line(bot, '- nowhere')}: related article 'nowhere' does not exist",
        "content/articles/focus/focus.md:4: summary: has 301 characters; the limit is 300",
    ]
    assert "2 error(s)" in str(caught.value)


def test_loading_ignores_dates_and_warnings(tree: Tree) -> None:
    tree.article("focus", reviewed="2099-01-01", body="## A heading\n\nwords\n")
    assert load_content(tree.root).articles["focus"].reviewed.year == 2099


def test_stats(tree: Tree) -> None:
    tree.article("sam.licensing", disciplines=["sam"], topics=["sam.licensing", "sam.overview"])
    stats = content_stats(load_content(tree.root))
    assert stats.total.articles == len(REQUIRED_TOPICS)
    assert stats.topics["sam.overview"].articles == 2
    assert stats.topics["sam.overview"].words == 80
    assert stats.topics["sam.overview"].sources == 2
    assert stats.disciplines["sam"].articles == 1
    assert stats.disciplines["ea"].articles == 0


def test_diagnostic_str() -> None:
    d = Diagnostic("content/a.md", 3, "warning", "something")
    assert str(d) == "content/a.md:3: something"


# --------------------------------------------------------------------------- extra checkers


def check_interview(ctx: CheckContext) -> Iterable[Diagnostic]:
    """An example extra checker: validates content/interview.yaml with line numbers."""
    file = ctx.root / "interview.yaml"
    if not file.exists():
        return [Diagnostic(ctx.path(file), 1, "error", "interview file is missing")]
    doc, found = ctx.read_yaml(file)
    if doc is not None and isinstance(doc.data, dict):
        for i, step in enumerate(doc.data.get("steps", [])):
            if step.get("topic") not in {t.id for t in ctx.taxonomy.model.topics}:  # type: ignore[union-attr]
                found.append(
                    Diagnostic(
                        ctx.path(file),
                        doc.line_of(("steps", i, "topic")),
                        "error",
                        f"unknown topic '{step.get('topic')}'",
                    )
                )
    return found


def test_extra_checker_gets_context_and_lines(tree: Tree) -> None:
    tree.write(
        "interview.yaml", "steps:\n  - id: a\n    topic: focus\n  - id: b\n    topic: nope\n"
    )
    found = check_content(tree.root, TODAY, checkers=[check_interview])
    assert [str(d) for d in found] == ["content/interview.yaml:5: unknown topic 'nope'"]


def test_extra_checker_reports_yaml_errors(tree: Tree) -> None:
    tree.write("interview.yaml", "steps: [\n")
    found = check_content(tree.root, TODAY, checkers=[check_interview])
    assert [str(d) for d in found] == [
        "content/interview.yaml:2: YAML error: expected the node content, but found '<stream end>'"
    ]


def test_registered_checkers_run_by_default(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("dialogs.content.checker.CHECKERS", [])
    from dialogs.content import checker

    assert register_checker(check_interview) is check_interview
    register_checker(check_interview)
    assert checker.CHECKERS == [check_interview]  # noqa: SIM300
    found = check_content(tree.root, TODAY)
    assert [str(d) for d in found] == ["content/interview.yaml:1: interview file is missing"]
    assert check_content(tree.root, TODAY, checkers=[]) == []


# --------------------------------------------------------------------------- imports

ALLOWED_ROOTS = {"dialogs", "pydantic", "yaml", "__future__"}


def test_content_package_imports_only_stdlib_pydantic_and_yaml() -> None:
    package = Path(__file__).resolve().parents[2] / "dialogs" / "content"
    bad = []
    for file in sorted(package.glob("*.py")):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for name in names:
                root = name.split(".")[0]
                if root not in ALLOWED_ROOTS and root not in sys.stdlib_module_names:
                    bad.append(f"{file.name}: {name}")
                if root == "dialogs" and not name.startswith("dialogs.content"):
                    bad.append(f"{file.name}: {name}")
    assert bad == []
