"""Article checks: each broken fixture yields exactly the expected diagnostic and line."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from dialogs.content import Diagnostic, word_count
from tests.content.tree import TODAY, Tree, article_text, words

TAX = "content/taxonomy.yaml"


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    return Tree(tmp_path)


def test_the_fixture_tree_is_clean(tree: Tree) -> None:
    assert tree.check() == []


def only(tree: Tree, path: str, needle: str, message: str, level: str = "error") -> None:
    """Assert the tree has exactly one diagnostic, at the first line holding ``needle``."""
    line = tree.line(path, needle) if needle else 1
    assert tree.check() == [Diagnostic(path, line, level, message)]  # type: ignore[arg-type]


# --------------------------------------------------------------------------- file shape


BROKEN = "articles/misc/broken.md"
SHOWN = f"content/{BROKEN}"


def test_missing_front_matter(tree: Tree) -> None:
    tree.write(BROKEN, "# no front matter\n")
    assert tree.shown() == [
        f"{SHOWN}:1: missing front matter: the file must start with a '---' line",
    ]


def test_unclosed_front_matter(tree: Tree) -> None:
    tree.write(BROKEN, "---\nid: broken\n")
    assert tree.shown() == [f"{SHOWN}:1: front matter is not closed by a '---' line"]


def test_yaml_syntax_error_points_at_its_line(tree: Tree) -> None:
    tree.write(BROKEN, "---\nid: broken\ntitle: [unclosed\nsummary: x\n---\nbody\n")
    assert tree.shown() == [f"{SHOWN}:4: YAML error: expected ',' or ']', but got ':'"]


def test_front_matter_must_be_a_mapping(tree: Tree) -> None:
    tree.write(BROKEN, "---\n- just\n- a list\n---\nbody\n")
    assert tree.shown() == [f"{SHOWN}:1: front matter must be a YAML mapping of keys to values"]


def test_not_utf8(tree: Tree) -> None:
    (tree.root / BROKEN).parent.mkdir(parents=True)
    (tree.root / BROKEN).write_bytes(b"---\nid: caf\xe9\n---\n")
    assert tree.shown() == [f"{SHOWN}:1: file is not valid UTF-8"]


def test_duplicate_key(tree: Tree) -> None:
    path = tree.article("finops.overview")
    file = tree.base / path
    text = file.read_text(encoding="utf-8").replace("title:", "title: First\ntitle:", 1)
    file.write_text(text, encoding="utf-8")
    assert tree.check() == [
        Diagnostic(path, tree.line(path, "title:", nth=2), "error", "duplicate key 'title'")
    ]


def test_file_outside_a_folder(tree: Tree) -> None:
    tree.write("articles/stray.md", "---\n---\n")
    assert tree.shown() == [
        "content/articles/stray.md:1: articles must be at articles/<folder>/<id>.md",
    ]


# --------------------------------------------------------------------------- model errors


def test_unknown_key_lists_the_allowed_keys(tree: Tree) -> None:
    path = tree.article("finops.overview", owner="me")
    allowed = (
        "id, title, summary, topics, disciplines, questions, sources, reviewed, related, maturity"
    )
    only(tree, path, "owner:", f"owner: unknown key (allowed: {allowed})")


def test_missing_key_is_reported_on_line_1(tree: Tree) -> None:
    path = tree.article("finops.overview", sources=None)
    only(tree, path, "", "sources: required key is missing")


def test_summary_over_the_limit(tree: Tree) -> None:
    path = tree.article("finops.overview", summary="x" * 301)
    only(tree, path, "summary:", "summary: has 301 characters; the limit is 300")


def test_summary_at_the_limit_is_fine(tree: Tree) -> None:
    tree.article("finops.overview", summary="x" * 300)
    assert tree.check() == []


def test_too_few_questions(tree: Tree) -> None:
    path = tree.article("finops.overview", questions=["one?", "two?"])
    only(tree, path, "questions:", "questions: needs at least 3 questions (found 2)")


def test_missing_sources(tree: Tree) -> None:
    path = tree.article("finops.overview", sources=[])
    only(tree, path, "sources:", "sources: needs at least 1 source (found 0)")


@pytest.mark.parametrize(
    "url", ["ftp://example.com/x", "https://", "www.finops.org", "https://a b"]
)
def test_malformed_source_url(tree: Tree, url: str) -> None:
    path = tree.article("finops.overview", sources=[{"title": "T", "url": url}])
    message = f"sources[0].url: '{url}' is not an http(s) URL with a host"
    only(tree, path, "url:", message)


def test_source_without_title(tree: Tree) -> None:
    path = tree.article("finops.overview", sources=[{"url": "https://www.finops.org/"}])
    only(tree, path, "- url:", "sources[0].title: required key is missing")


@pytest.mark.parametrize("value", ["27 Nov 2026", "2026-13-01", "soon"])
def test_reviewed_must_be_a_date(tree: Tree, value: str) -> None:
    path = tree.article("finops.overview", reviewed=value)
    only(tree, path, "reviewed:", f"reviewed: '{value}' is not a date written YYYY-MM-DD")


def test_maturity_must_be_crawl_walk_or_run(tree: Tree) -> None:
    path = tree.article("finops.overview", maturity="sprint")
    only(tree, path, "maturity:", "maturity: Input should be 'crawl', 'walk' or 'run'")


def test_id_must_be_a_slug(tree: Tree) -> None:
    rel = tree.article_path("finops.overview")
    path = tree.article("finops.overview", id="FinOps Overview")
    assert path == f"content/{rel}"
    message = "id: 'FinOps Overview' is not a valid id: use lower-case letters, digits, '.' and '-'"
    only(tree, path, "id:", message)


def test_a_number_where_text_is_expected(tree: Tree) -> None:
    path = tree.article("finops.overview", questions=["a?", "b?", 27001])
    only(
        tree,
        path,
        "- 27001",
        "questions[2]: should be text (quote it if it looks like a number, date or yes/no)",
    )


# --------------------------------------------------------------------------- store-level


def test_unknown_topic(tree: Tree) -> None:
    path = tree.article("finops.overview", topics=["finops.overview", "finops.nope"])
    only(tree, path, "- finops.nope", "unknown topic 'finops.nope'")


def test_unknown_discipline(tree: Tree) -> None:
    path = tree.article("finops.overview", disciplines=["itam", "other"])
    only(tree, path, "- other", "unknown discipline 'other'")


def test_id_must_match_the_file_name(tree: Tree) -> None:
    tree.write("articles/misc/wrong-name.md", article_text("extra", topics=["finops.overview"]))
    path = "content/articles/misc/wrong-name.md"
    only(tree, path, "id:", "id 'extra' does not match the file name 'wrong-name.md'")


def test_duplicate_article_ids(tree: Tree) -> None:
    first = "content/" + tree.article_path("finops.overview")
    second = tree.article("finops.overview", folder="zzz")
    message = f"duplicate article id 'finops.overview' (also in {first})"
    only(tree, second, "id:", message)


def test_broken_related_link(tree: Tree) -> None:
    path = tree.article("finops.overview", related=["finops.phases", "finops.missing"])
    only(tree, path, "- finops.missing", "related article 'finops.missing' does not exist")


def test_related_to_itself(tree: Tree) -> None:
    path = tree.article("finops.overview", related=["finops.overview"])
    line = tree.line(path, "- finops.overview", nth=2)
    assert tree.shown() == [f"{path}:{line}: an article cannot be related to itself"]


def test_an_invalid_article_does_not_cascade_into_broken_links(tree: Tree) -> None:
    path = tree.article("finops.overview", summary="x" * 301)
    tree.article("finops.phases", related=["finops.overview"])
    only(tree, path, "summary:", "summary: has 301 characters; the limit is 300")


def test_required_topic_not_covered(tree: Tree) -> None:
    (tree.root / tree.article_path("itsm.tools")).unlink()
    only(tree, TAX, "id: itsm.tools", "required topic 'itsm.tools' is not covered by any article")


def test_a_secondary_topic_covers_a_required_topic(tree: Tree) -> None:
    (tree.root / tree.article_path("itsm.tools")).unlink()
    tree.article("itsm.overview", topics=["itsm.overview", "itsm.tools"])
    assert tree.check() == []


def test_body_link_must_be_http(tree: Tree) -> None:
    body = "See [the docs](https://learn.microsoft.com/x).\n\nAnd [this](docs/local.md) too.\n"
    path = tree.article("finops.overview", body=body)
    only(tree, path, "[this]", "body link 'docs/local.md' is not an http(s) URL with a host")


def test_empty_body(tree: Tree) -> None:
    path = tree.article("finops.overview", body="\n\n")
    assert tree.shown() == [f"{path}:{tree.line(path, '---', nth=2) + 1}: the body is empty"]


def test_headings_are_a_warning(tree: Tree) -> None:
    body = "Intro words here.\n\n## One\n\nText.\n\n### Two\n\nMore text.\n"
    path = tree.article("finops.overview", body=body)
    message = (
        "2 Markdown heading(s), first here: chat renderers show them literally;"
        " use a line in **bold**"
    )
    only(tree, path, "## One", message, "warning")


# --------------------------------------------------------------------------- word counts


@pytest.mark.parametrize(("article_id", "count"), [("sam.overlap", 199), ("itam.first-steps", 601)])
def test_long_form_word_limits(tree: Tree, article_id: str, count: int) -> None:
    path = tree.article(article_id, body=f"\n{words(count)}")
    message = f"body has {count} words; overlap and first-steps articles need 200-600"
    only(tree, path, "word0", message)


@pytest.mark.parametrize("count", [200, 600])
def test_long_form_limits_are_inclusive(tree: Tree, count: int) -> None:
    tree.article("sam.overlap", body=words(count))
    assert tree.check() == []


def test_other_articles_have_no_word_limit(tree: Tree) -> None:
    tree.article("sam.overview", body=words(5))
    tree.article("sam.licensing", body=words(900))
    assert tree.check() == []


def test_word_count_ignores_markup_and_link_targets() -> None:
    body = "- **Bold** words and [a link](https://example.com/a-b-c) here.\n- — \n\n1. ITAM/SAM\n"
    assert word_count(body) == 8


# --------------------------------------------------------------------------- dates


def test_review_older_than_a_year_is_a_warning(tree: Tree) -> None:
    reviewed = TODAY - timedelta(days=366)
    path = tree.article("finops.overview", reviewed=reviewed.isoformat())
    message = "reviewed 366 days ago (limit 365); review the article"
    only(tree, path, "reviewed:", message, "warning")


def test_review_exactly_a_year_ago_is_fine(tree: Tree) -> None:
    tree.article("finops.overview", reviewed=(TODAY - timedelta(days=365)).isoformat())
    assert tree.check() == []


def test_review_in_the_future_is_an_error(tree: Tree) -> None:
    path = tree.article("finops.overview", reviewed="2026-11-28")
    only(tree, path, "reviewed:", "reviewed date 2026-11-28 is in the future")


def test_dates_depend_on_today(tree: Tree) -> None:
    tree.article("finops.overview", reviewed="2026-11-28")
    assert tree.check(date(2026, 11, 28)) == []
