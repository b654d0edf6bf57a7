"""Taxonomy checks: schema, cross-references, unambiguous names; each at its line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.content.tree import Tree, taxonomy_data

TAX = "content/taxonomy.yaml"


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    return Tree(tmp_path)


@pytest.fixture
def data() -> dict[str, Any]:
    return taxonomy_data()


def shown(tree: Tree, data: dict[str, Any]) -> list[str]:
    tree.taxonomy(data)
    return tree.shown()


def test_missing_taxonomy(tree: Tree) -> None:
    (tree.root / "taxonomy.yaml").unlink()
    assert tree.shown() == [f"{TAX}:1: taxonomy file is missing"]


def test_yaml_error(tree: Tree) -> None:
    tree.write("taxonomy.yaml", "version: 1\ndisciplines: [\n  - a\n")
    assert tree.shown() == [
        f"{TAX}:3: YAML error: expected the node content, but found '-'",
    ]


def test_unknown_top_level_key(tree: Tree, data: dict[str, Any]) -> None:
    data["owner"] = "me"
    tree.taxonomy(data)
    allowed = "version, disciplines, topics, terms, tools, spellings"
    line = tree.line(TAX, "owner:")
    assert tree.shown() == [f"{TAX}:{line}: owner: unknown key (allowed: {allowed})"]


def test_unknown_key_in_an_entry(tree: Tree, data: dict[str, Any]) -> None:
    data["tools"][0]["url"] = "https://www.flexera.com/"
    tree.taxonomy(data)
    assert tree.shown() == [f"{TAX}:{tree.line(TAX, '  url:')}: tools[0].url: unknown key"]


def test_bad_tool_kind(tree: Tree, data: dict[str, Any]) -> None:
    data["tools"][0]["kind"] = "product"
    tree.taxonomy(data)
    line = tree.line(TAX, "kind: product")
    assert tree.shown() == [
        f"{TAX}:{line}: tools[0].kind: Input should be 'tool', 'framework' or 'standard'"
    ]


def test_missing_discipline(tree: Tree, data: dict[str, Any]) -> None:
    data["disciplines"] = [d for d in data["disciplines"] if d["id"] != "ea"]
    tree.taxonomy(data)
    line = tree.line(TAX, "disciplines:")
    assert tree.shown() == [f"{TAX}:{line}: discipline 'ea' is missing"]


def test_required_topic_missing_from_taxonomy(tree: Tree, data: dict[str, Any]) -> None:
    data["topics"] = [t for t in data["topics"] if t["id"] != "itsm.tools"]
    tree.taxonomy(data)
    path = "content/" + tree.article_path("itsm.tools")
    assert tree.shown() == [
        f"{path}:{tree.line(path, '- itsm.tools')}: unknown topic 'itsm.tools'",
        f"{TAX}:{tree.line(TAX, 'topics:')}: "
        "required topic 'itsm.tools' is missing from the taxonomy",
    ]


def test_topic_marked_required_in_data_needs_an_article(tree: Tree, data: dict[str, Any]) -> None:
    data["topics"].append({"id": "finops.scopes", "label": "Scopes", "required": True})
    tree.taxonomy(data)
    line = tree.line(TAX, "id: finops.scopes")
    assert tree.shown() == [
        f"{TAX}:{line}: required topic 'finops.scopes' is not covered by any article"
    ]


def test_duplicate_topic_id(tree: Tree, data: dict[str, Any]) -> None:
    data["topics"].append({"id": "focus", "label": "again"})
    tree.taxonomy(data)
    line = tree.line(TAX, "id: focus", nth=2)
    assert tree.shown() == [f"{TAX}:{line}: duplicate topic id 'focus'"]


def test_topic_with_unknown_discipline(tree: Tree, data: dict[str, Any]) -> None:
    data["topics"][0]["discipline"] = "finance"
    tree.taxonomy(data)
    assert tree.shown() == [
        f"{TAX}:{tree.line(TAX, 'discipline: finance')}: unknown discipline 'finance'"
    ]


def test_term_with_unknown_references(tree: Tree, data: dict[str, Any]) -> None:
    data["terms"][0].update(topics=["sam.nope"], tools=["nope-tool"])
    tree.taxonomy(data)
    assert tree.shown() == [
        f"{TAX}:{tree.line(TAX, '- sam.nope')}: unknown topic 'sam.nope'",
        f"{TAX}:{tree.line(TAX, '- nope-tool')}: unknown tool 'nope-tool'",
    ]


def test_tool_with_unknown_discipline(tree: Tree, data: dict[str, Any]) -> None:
    data["tools"][0]["disciplines"] = ["sam", "finops"]
    tree.taxonomy(data)
    assert tree.shown() == [f"{TAX}:{tree.line(TAX, '- finops')}: unknown discipline 'finops'"]


def test_tool_aliases_must_be_unambiguous(tree: Tree, data: dict[str, Any]) -> None:
    data["tools"].append(
        {
            "id": "snow-atlas",
            "name": "Snow Atlas",
            "vendor": "Flexera",
            "kind": "tool",
            "aliases": ["Snow", "flexera"],
        }
    )
    tree.taxonomy(data)
    line = tree.line(TAX, "aliases:", nth=2)
    assert tree.shown() == [
        f"{TAX}:{line}: 'flexera' is used by two tools entries; names must be unambiguous"
    ]


def test_discipline_synonyms_must_be_unambiguous(tree: Tree, data: dict[str, Any]) -> None:
    data["disciplines"][1]["synonyms"].append("ITFM synonym")
    tree.taxonomy(data)
    line = tree.line(TAX, "synonyms:", nth=2)
    assert tree.shown() == [
        f"{TAX}:{line}: 'itfm synonym' is used by two disciplines entries;"
        " names must be unambiguous"
    ]


def test_shared_term_needs_ambiguous_with(tree: Tree, data: dict[str, Any]) -> None:
    data["terms"].append({"id": "sam-2", "term": "sam", "expansion": "Uncle Sam"})
    tree.taxonomy(data)
    line = tree.line(TAX, "term: sam")
    assert tree.shown() == [
        f"{TAX}:{line}: 'sam' is shared by terms 'sam' and 'sam-2'; "
        "list each in the other's ambiguous_with"
    ]


def test_shared_term_with_ambiguous_with_is_fine(tree: Tree, data: dict[str, Any]) -> None:
    data["terms"][0]["ambiguous_with"] = ["sam-2"]
    data["terms"].append(
        {"id": "sam-2", "term": "SAM", "expansion": "Uncle Sam", "ambiguous_with": ["sam"]}
    )
    assert shown(tree, data) == []


def test_spelling_groups(tree: Tree, data: dict[str, Any]) -> None:
    data["spellings"] += [["colour"], ["License", "licenze"]]
    tree.taxonomy(data)
    assert tree.shown() == [
        f"{TAX}:{tree.line(TAX, '- - colour')}: spellings[1]: needs at least 2 spellings (found 1)",
    ]
    data["spellings"][1] = ["colour", "color"]
    tree.taxonomy(data)
    assert tree.shown() == [
        f"{TAX}:{tree.line(TAX, '- - License')}: "
        "'license' is used by two spellings entries; names must be unambiguous"
    ]


def test_empty_label(tree: Tree, data: dict[str, Any]) -> None:
    data["topics"][0]["label"] = "  "
    tree.taxonomy(data)
    line = tree.line(TAX, "label: '  '")
    assert tree.shown() == [f"{TAX}:{line}: topics[0].label: must not be empty"]


def test_an_invalid_taxonomy_skips_the_checks_that_need_it(tree: Tree) -> None:
    tree.write("taxonomy.yaml", "version: 2\n")
    assert tree.shown() == [
        f"{TAX}:1: disciplines: required key is missing",
        f"{TAX}:1: topics: required key is missing",
        f"{TAX}:1: version: Input should be 1",
    ]
