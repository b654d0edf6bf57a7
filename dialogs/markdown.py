"""The Markdown subset parsed into blocks and styled runs, and rendered back for export files.

Every renderer (Teams, Slack, console, Markdown) starts from ``parse()``: it splits a string
into paragraphs and lists of ``Run``s, each run trusted text or inert user text (``user=True``)
carrying the styles our markup put around it. Markup around a user run (``**{user(x)}**``)
styles it; markup inside a user run is never seen, because user runs are opaque to the parser.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from dialogs.messages import Card, Choices, Fact, Form, Link, Outbound, Section, Text
from dialogs.text import escape_markdown, plain, segments, to_markdown

_HOLE = "\ue002"  # stands for one user run while the trusted markup is parsed


@dataclass(frozen=True)
class Run:
    """A stretch of text with one style; ``user`` runs must be shown literally."""

    text: str
    user: bool = False
    bold: bool = False
    italic: bool = False
    code: bool = False
    url: str = ""


@dataclass(frozen=True)
class Paragraph:
    runs: tuple[Run, ...]


@dataclass(frozen=True)
class ListBlock:
    ordered: bool
    items: tuple[tuple[Run, ...], ...]
    start: int = 1


Block = Paragraph | ListBlock

_BULLET = re.compile(r"^\s*[-*] +(.*)$")
_NUMBER = re.compile(r"^\s*(\d{1,9})[.)] +(.*)$")
_INLINE = re.compile(
    r"`(?P<code>[^`]+)`"
    r"|\[(?P<title>[^\]]+)\]\((?P<url>https?://[^)\s\ue002]+)\)"
    r"|\*\*(?P<bold>.+?)\*\*"
    r"|(?<![\w\\])_(?P<italic>.+?)_(?!\w)",
    re.DOTALL,
)
_SAFE_URL = re.compile(r"^https?://[^\s<>\"'()\\\ue000-\uf8ff]+$")


def safe_url(url: str) -> str | None:
    """The URL when it is a plain http(s) URL that every target can show as a link."""
    return url if len(url) <= 2000 and _SAFE_URL.match(url) else None


def parse(markdown: str) -> tuple[Block, ...]:
    """Paragraphs and lists of styled runs; blank lines separate blocks."""
    holed, users = _hole(markdown)
    fill = iter(users)
    blocks: list[Block] = []
    para: list[str] = []
    items: list[str] = []
    ordered = False
    start = 1

    def flush() -> None:
        nonlocal items
        if para:
            blocks.append(Paragraph(_inline("\n".join(para), fill)))
            para.clear()
        if items:
            runs = tuple(_inline(item, fill) for item in items)
            blocks.append(ListBlock(ordered, runs, start))
            items = []

    for line in holed.split("\n"):
        bullet, number = _BULLET.match(line), _NUMBER.match(line)
        if not line.strip():
            flush()
        elif bullet or number:
            is_ordered = number is not None
            if para or (items and is_ordered != ordered):
                flush()
            if not items:
                ordered, start = is_ordered, int(number[1]) if number else 1
            items.append(number[2] if number else bullet[1] if bullet else "")
        elif items:
            items[-1] += " " + line.strip()
        else:
            para.append(line.rstrip())
    flush()
    return tuple(blocks)


def runs(markdown: str) -> tuple[Run, ...]:
    """All runs of a one-line string (a title), ignoring block structure."""
    holed, users = _hole(markdown)
    return _inline(" ".join(holed.split()), iter(users))


def has_user(markdown: str) -> bool:
    return any(s.kind == "user" for s in segments(markdown))


def _hole(markdown: str) -> tuple[str, list[str]]:
    parts: list[str] = []
    users: list[str] = []
    for seg in segments(markdown):
        if seg.kind == "user":
            users.append(seg.text)
            parts.append(_HOLE)
        else:
            parts.append(seg.text.replace(_HOLE, ""))
    return "".join(parts), users


def _inline(text: str, fill: Iterator[str]) -> tuple[Run, ...]:
    out: list[Run] = []
    for run in _styled(text, Run("")):
        pieces = run.text.split(_HOLE)
        for i, piece in enumerate(pieces):
            if i:
                _append(out, replace(run, text=next(fill, ""), user=True))
            if piece:
                _append(out, replace(run, text=piece))
    return tuple(out)


def _styled(text: str, style: Run) -> Iterator[Run]:
    pos = 0
    for m in _INLINE.finditer(text):
        if m.start() > pos:
            yield replace(style, text=text[pos : m.start()])
        if m["code"] is not None:
            yield replace(style, text=m["code"], code=True)
        elif m["title"] is not None:
            yield from _styled(m["title"], replace(style, url=m["url"]))
        elif m["bold"] is not None:
            yield from _styled(m["bold"], replace(style, bold=True))
        else:
            yield from _styled(m["italic"], replace(style, italic=True))
        pos = m.end()
    if pos < len(text):
        yield replace(style, text=text[pos:])


def _append(out: list[Run], run: Run) -> None:
    if not run.text:
        return
    if out and replace(out[-1], text="") == replace(run, text=""):
        out[-1] = replace(run, text=out[-1].text + run.text)
    else:
        out.append(run)


# --------------------------------------------------------------------------- export renderer


def render(message: Outbound) -> str:
    """A Markdown document for export files; user text is escaped, actions are omitted."""
    if isinstance(message, Text):
        return to_markdown(message.markdown).strip() + "\n"
    if isinstance(message, Choices):
        return _choices(message)
    if isinstance(message, Form):
        return _form(message)
    return _card(message)


def literal(label: str) -> str:
    """A label (trusted or user text, never Markdown) escaped so Markdown shows it as typed."""
    return escape_markdown(plain(label))


def _choices(message: Choices) -> str:
    lines = [to_markdown(message.prompt).strip(), ""]
    for i, option in enumerate(message.options, 1):
        chosen = option.value in message.selected
        mark = ("[x] " if chosen else "[ ] ") if message.multi else ""
        bullet = "-" if message.multi else f"{i}."
        suffix = " _(selected)_" if chosen and not message.multi else ""
        described = f" — {literal(option.description)}" if option.description else ""
        lines.append(f"{bullet} {mark}{literal(option.label)}{described}{suffix}")
    return "\n".join(lines) + "\n"


def _form(message: Form) -> str:
    lines = [f"## {_title(message.title)}", ""]
    for f in message.fields:
        value = f": {literal(f.value)}" if f.value else ""
        lines.append(f"- **{literal(f.label)}**{value}")
    return "\n".join(lines) + "\n"


def _card(card: Card) -> str:
    parts = [f"## {_title(card.title)}"]
    if card.subtitle:
        parts.append(f"*{_title(card.subtitle)}*")
    if card.body:
        parts.append(to_markdown(card.body).strip())
    if card.facts:
        parts.append(_facts(card.facts))
    parts += [_section(s) for s in card.sections]
    if card.links:
        parts.append(_links(card.links))
    return "\n\n".join(parts) + "\n"


def _section(section: Section) -> str:
    parts = [f"### {_title(section.title)}"]
    if section.body:
        parts.append(to_markdown(section.body).strip())
    if section.facts:
        parts.append(_facts(section.facts))
    return "\n\n".join(parts)


def _facts(facts: Sequence[Fact]) -> str:
    return "\n".join(f"- **{literal(f.label)}:** {_title(f.value)}" for f in facts)


def _links(links: Sequence[Link]) -> str:
    lines = []
    for link in links:
        url = safe_url(link.url)
        title = literal(link.title) or escape_markdown(link.url)
        # "*" bullets, so a facts list ("-") just before stays a separate list
        lines.append(f"* [{title}]({url})" if url else f"* {title}: {escape_markdown(link.url)}")
    return "\n".join(lines)


def _title(markdown: str) -> str:
    """One line of our Markdown with user runs escaped (headings cannot span lines)."""
    return " ".join(to_markdown(markdown).split())
