"""Crosswalk's small Markdown subset, with user-supplied text kept inert.

The core writes outbound text in a Markdown subset: paragraphs separated by blank lines, lines
starting with ``- `` or ``1. `` as list items, ``**bold**``, ``_italic_``, `` `code` `` and
``[title](https://url)``. That subset is ours: it comes from templates and curated content.

Text that comes from users (owner names, tool names, free-text answers, questions) must never
format, mention or link on any platform. The core does not escape it for one target; it wraps it
in two private-use characters (``user()``), and each renderer splits the string with
``segments()`` and renders user segments inert in its own way (Slack ``plain_text`` or escaped
mrkdwn, Teams ``TextRun``, backslash escapes in Markdown). ``plain()`` strips the marks for the
plain-text fallback.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

USER_OPEN = "\ue000"
USER_CLOSE = "\ue001"
_MARKS = str.maketrans("", "", USER_OPEN + USER_CLOSE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Trusted(str):
    """A string from our own content or templates, inserted into a template without marking."""


def clean(value: str) -> str:
    """Remove marker characters and control characters (keeping newlines and tabs)."""
    return _CONTROL.sub("", value.translate(_MARKS))


def user(value: object) -> str:
    """Wrap user-supplied text so every renderer keeps it inert."""
    text = clean(str(value))
    return f"{USER_OPEN}{text}{USER_CLOSE}" if text else ""


def plain(markdown: str) -> str:
    """The text with user marks removed and Markdown markup kept (a readable fallback)."""
    return markdown.translate(_MARKS)


SegmentKind = Literal["md", "user"]


@dataclass(frozen=True)
class Segment:
    """A run of trusted Markdown or of inert user text."""

    kind: SegmentKind
    text: str


def segments(markdown: str) -> Iterator[Segment]:
    """Split a string into trusted Markdown and user-text runs, in order."""
    pos = 0
    while pos < len(markdown):
        start = markdown.find(USER_OPEN, pos)
        if start < 0:
            yield Segment("md", markdown[pos:].replace(USER_CLOSE, ""))
            return
        if start > pos:
            yield Segment("md", markdown[pos:start].replace(USER_CLOSE, ""))
        end = markdown.find(USER_CLOSE, start + 1)
        if end < 0:
            end = len(markdown)
        body = markdown[start + 1 : end].replace(USER_OPEN, "")
        if body:
            yield Segment("user", body)
        pos = end + 1


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def escape_markdown(value: str) -> str:
    """Backslash-escape Markdown metacharacters and entity-escape ``& < >``."""
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", value)


def to_markdown(markdown: str) -> str:
    """Our Markdown with user runs escaped: safe for Markdown files and renderers."""
    return "".join(
        escape_markdown(s.text) if s.kind == "user" else s.text for s in segments(markdown)
    )


_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\w\\])_(.+?)_(?!\w)")
_CODE = re.compile(r"`([^`]+)`")
_HOLE_OPEN, _HOLE_CLOSE = "\ue002", "\ue003"
_HOLE = re.compile(f"{_HOLE_OPEN}(\\d+){_HOLE_CLOSE}")


def strip_markdown(markdown: str, *, show_urls: bool = True) -> str:
    """Plain text: markup removed, links as ``title (url)``, user text verbatim.

    User runs are replaced by placeholders while markup is stripped, so markup around them
    (``**`` + user text + ``**``) goes too and nothing inside them is touched.
    """
    held: list[str] = []

    def hold(text: str) -> str:
        held.append(text)
        return f"{_HOLE_OPEN}{len(held) - 1}{_HOLE_CLOSE}"

    text = "".join(s.text if s.kind == "md" else hold(s.text) for s in segments(markdown))
    text = _LINK.sub(lambda m: f"{m[1]} ({m[2]})" if show_urls else m[1], text)
    text = _BOLD.sub(r"\1", text)
    text = _ITALIC.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    return _HOLE.sub(lambda m: held[int(m[1])], text)


def truncate(value: str, limit: int, ellipsis: str = "…") -> str:
    """Shorten to at most ``limit`` characters, cutting at a word boundary when possible."""
    if len(value) <= limit:
        return value
    cut = value[: max(0, limit - len(ellipsis))]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + ellipsis
