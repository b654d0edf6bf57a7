"""Core messages → plain text for an 80-column terminal.

Markup is dropped, links are shown with their full URL, and every piece of text goes through
``clean()`` so user text cannot carry terminal control sequences. ``color=True`` makes titles
bold with plain ANSI codes.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from itertools import groupby

from dialogs.markdown import Paragraph, Run, parse, runs, safe_url
from dialogs.messages import Action, Card, Choices, Fact, Form, Link, Outbound, Section, Text
from dialogs.text import clean, plain

WIDTH = 80
_BOLD, _RESET = "\x1b[1m", "\x1b[0m"


def render(message: Outbound, *, color: bool = False) -> str:
    """The message as terminal text, wrapped to 80 columns."""
    if isinstance(message, Text):
        parts = [_blocks(message.markdown)]
    elif isinstance(message, Choices):
        parts = [_blocks(message.prompt), _options(message)]
    elif isinstance(message, Form):
        parts = [_title(message.title, color), _fields(message)]
    else:
        parts = _card(message, color)
    return "\n\n".join(p for p in parts if p) + "\n"


def _card(card: Card, color: bool) -> list[str]:
    head = _title(card.title, color)
    if card.subtitle:
        head += "\n" + _wrap(_line(card.subtitle))
    parts = [head, _blocks(card.body), _facts(card.facts, "  ")]
    parts += [_section(s, color) for s in card.sections]
    parts += [_links(card.links), _actions(card.actions)]
    return parts


def _section(section: Section, color: bool) -> str:
    lines = [_title(section.title, color)]
    if section.body:
        lines.append(_blocks(section.body, "  "))
    if section.facts:
        lines.append(_facts(section.facts, "  "))
    return "\n".join(lines)


def _options(message: Choices) -> str:
    lines = []
    for i, option in enumerate(message.options, 1):
        text = _label(option.label)
        if option.description:
            text += f" — {_label(option.description)}"
        if option.value in message.selected:
            text += " (selected)"
        lines.append(_wrap(text, f"  {i}. ", " " * (len(str(i)) + 4)))
    hint = "several numbers separated by commas" if message.multi else "a number or the label"
    lines.append(f"(Reply with {hint}.)")
    return "\n".join(lines)


def _fields(form: Form) -> str:
    lines = []
    for f in form.fields:
        text = _label(f.label) + (" (required)" if f.required else "")
        if f.value:
            text += f": {_label(f.value)}"
        elif f.placeholder:
            text += f" — {_label(f.placeholder)}"
        lines.append(_wrap(text, "  - ", "    "))
    return "\n".join(lines)


def _facts(facts: Sequence[Fact], indent: str) -> str:
    return "\n".join(
        _wrap(f"{_label(f.label)}: {_line(f.value)}", indent, indent + "  ") for f in facts
    )


def _links(links: Sequence[Link]) -> str:
    lines = []
    for link in links:
        url = clean(link.url)
        title = _label(link.title)
        text = f"{title}: {url}" if title and title != url else url
        if not safe_url(link.url):
            text += " (not a web link)"
        lines.append(_wrap(text, "  ", "    "))
    return "\n".join(lines)


def _actions(actions: Sequence[Action]) -> str:
    return "\n".join(
        _wrap(_label(a.label), f"  [{i}] ", " " * (len(str(i)) + 5))
        for i, a in enumerate(actions, 1)
    )


# --------------------------------------------------------------------------- text


def _blocks(markdown: str, indent: str = "") -> str:
    out = []
    for block in parse(markdown):
        if isinstance(block, Paragraph):
            out.append(_wrap(_plain(block.runs), indent, indent))
            continue
        items = []
        for i, item in enumerate(block.items):
            marker = f"{block.start + i}. " if block.ordered else "- "
            items.append(_wrap(_plain(item), indent + marker, indent + " " * len(marker)))
        out.append("\n".join(items))
    return "\n\n".join(out)


def _title(markdown: str, color: bool) -> str:
    text = _wrap(_line(markdown))
    if not color:
        return text
    return "\n".join(f"{_BOLD}{line}{_RESET}" for line in text.split("\n"))


def _line(markdown: str) -> str:
    return " ".join(_plain(runs(markdown)).split())


def _label(label: str) -> str:
    """A label (no Markdown) on one line."""
    return " ".join(clean(plain(label)).split())


def _plain(items: Sequence[Run]) -> str:
    """Runs as text: markup dropped, links as ``title (url)``, control characters removed."""
    out = []
    for url, group in groupby(items, key=lambda r: r.url):
        text = "".join(r.text for r in group)
        out.append(f"{text} ({url})" if url and text.strip() != url else text)
    return clean("".join(out))


def _wrap(text: str, first: str = "", rest: str = "") -> str:
    """Wrap each line to WIDTH; long words (URLs) are never broken."""
    lines: list[str] = []
    for i, line in enumerate(text.split("\n")):
        lead = first if i == 0 else rest
        wrapped = textwrap.wrap(
            line,
            WIDTH,
            initial_indent=lead,
            subsequent_indent=rest,
            break_long_words=False,
            break_on_hyphens=False,
        )
        lines += wrapped or [lead.rstrip()]
    return "\n".join(lines)
