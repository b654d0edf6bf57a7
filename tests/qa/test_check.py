"""The Q&A's content check: a term must point at articles that mention it."""

from __future__ import annotations

from pathlib import Path

from dialogs.content import check_content
from dialogs.qa.check import check_term_topics
from tests.content.tree import TODAY, Tree, taxonomy_data
from tests.qa.conftest import CONTENT


def _found(tree: Tree) -> list[tuple[str, int, str, str]]:
    found = check_content(tree.root, TODAY, checkers=[check_term_topics])
    return [(d.path, d.line, d.level, d.message) for d in found]


def test_a_term_whose_article_never_mentions_it_is_a_warning(tmp_path: Path) -> None:
    tree = Tree(tmp_path)
    data = taxonomy_data()
    data["terms"].append(
        {"id": "ham", "term": "HAM", "expansion": "hardware asset management",
         "synonyms": ["hardware asset management"], "topics": ["itam.overview"],
         "disciplines": ["itam"]}
    )
    tree.taxonomy(data)
    lines = (tree.root / "taxonomy.yaml").read_text(encoding="utf-8").splitlines()
    term = lines.index("- id: ham")
    line = lines.index("  - itam.overview", term) + 1
    message = (
        "term 'HAM' points at topic 'itam.overview', whose article never mentions it or a "
        "synonym; mention it there or point the term elsewhere"
    )
    assert _found(tree) == [("content/taxonomy.yaml", line, "warning", message)]
    # a synonym in another spelling and form counts: "Hardware Asset Managers" stems alike
    tree.article("itam.overview", body="Hardware asset managers look after laptops.\n")
    assert _found(tree) == []


def test_the_shipped_content_has_no_misdirected_terms() -> None:
    assert check_content(CONTENT, TODAY, checkers=[check_term_topics]) == []
