"""Markdown export files and the shared parser of our Markdown subset."""

from __future__ import annotations

import pytest

from dialogs.markdown import ListBlock, Paragraph, Run, has_user, parse, render, runs, safe_url
from dialogs.messages import Text
from dialogs.text import user
from tests.render.cases import CASES
from tests.render.golden import check


@pytest.mark.parametrize("case", sorted(CASES))
def test_render_golden(case: str) -> None:
    check("markdown", case, "md", render(CASES[case]))


def test_parse_blocks_and_styles() -> None:
    source = (
        f"Hi **{user('*x*')}** and [a _b_](https://e.com/p) `c`\nnext\n\n"
        "- one\n- two\n  more\n\n3. three"
    )
    assert parse(source) == (
        Paragraph(
            (
                Run("Hi "),
                Run("*x*", user=True, bold=True),
                Run(" and "),
                Run("a ", url="https://e.com/p"),
                Run("b", italic=True, url="https://e.com/p"),
                Run(" "),
                Run("c", code=True),
                Run("\nnext"),
            )
        ),
        ListBlock(False, ((Run("one"),), (Run("two more"),))),
        ListBlock(True, ((Run("three"),),), start=3),
    )


def test_user_runs_never_form_structure_or_links() -> None:
    source = "x " + user("\n\n- item\n[t](https://e.com) **b**")
    assert parse(source) == (
        Paragraph((Run("x "), Run("\n\n- item\n[t](https://e.com) **b**", user=True))),
    )
    assert parse(f"[t]({user('https://evil')})") == (
        Paragraph((Run("[t]("), Run("https://evil", user=True), Run(")"))),
    )


def test_runs_joins_lines_and_has_user() -> None:
    assert runs("a\n\n**b**") == (Run("a "), Run("b", bold=True))
    assert has_user("a " + user("b")) and not has_user("a b")


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.com/a?b=c#d", True),
        ("http://e", True),
        ("javascript:alert(1)", False),
        ("https://e.com/a b", False),
        ("https://e.com/<x>", False),
        ("https://e.com/(x)", False),
        ("ftp://e.com", False),
    ],
)
def test_safe_url(url: str, ok: bool) -> None:
    assert (safe_url(url) == url) is ok


def test_text_export_escapes_user_text() -> None:
    assert render(Text("**Owner**: " + user("<b>*Sam*</b> & co"))) == (
        "**Owner**: &lt;b&gt;\\*Sam\\*&lt;/b&gt; &amp; co\n"
    )
