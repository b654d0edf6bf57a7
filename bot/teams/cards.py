"""Core messages → Bot Framework message fields and Adaptive Cards 1.5 (plain dicts, no SDK).

User text never reaches a field that Teams parses as Markdown: it goes into ``TextRun``s of a
``RichTextBlock`` (shown literally), into input titles and values, with ``<`` and ``>`` replaced
by the look-alikes ``‹`` and ``›`` so no raw tag ever appears in the JSON. Trusted paragraphs
without user runs stay ``TextBlock``s, whose Markdown subset (bold, italic, lists, links) matches
ours.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from dialogs.markdown import Paragraph, Run, has_user, parse, runs, safe_url
from dialogs.messages import (
    Action,
    Card,
    Choices,
    Fact,
    Form,
    FormField,
    Link,
    Outbound,
    Section,
    Text,
    Token,
)
from dialogs.text import plain, segments, truncate

JSON = dict[str, Any]

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
TOKEN_KEY = "crosswalk"  # noqa: S105 (a data key, not a secret)
KIND_KEY = "kind"
CHOICE_ID = "choice"
FIELD_PREFIX = "field."
EXPANDED_MAX = 5
SUMMARY_MAX = 200

_LOOKALIKES = str.maketrans({"<": "‹", ">": "›"})
_STYLES = {"primary": "positive", "danger": "destructive"}


# --------------------------------------------------------------------------- public


def render(message: Outbound) -> JSON:
    """Activity fields for a message: Markdown text when nothing needs a card, else a card."""
    if isinstance(message, Text) and not has_user(message.markdown):
        return {"type": "message", "text": message.markdown, "textFormat": "markdown"}
    return _activity(card(message), message.fallback_text())


def card(message: Outbound) -> JSON:
    """The Adaptive Card 1.5 for a message."""
    if isinstance(message, Text):
        return _card(_blocks(message.markdown), [], message.fallback_text())
    if isinstance(message, Choices):
        return _card(
            [*_blocks(message.prompt), _choice_set(message)],
            [_submit(message.submit_label, message.token, "choice")],
            message.fallback_text(),
        )
    if isinstance(message, Form):
        return _card(
            [_line(message.title, size="medium", weight="bolder"), *_fields(message.fields)],
            [_submit(message.submit_label, message.token, "form")],
            message.fallback_text(),
        )
    actions = [_action(a) for a in message.actions]
    links = [_open_url(ln) for ln in message.links if safe_url(ln.url)]
    unsafe = [ln for ln in message.links if not safe_url(ln.url)]
    body = [*_card_body(message, collapsible=True), *_link_lines(unsafe)]
    return _card(body, [*actions, *links], message.fallback_text())


def answered(message: Outbound, answer_label: str) -> JSON:
    """Activity fields for ``update_activity``: the prompt and "✓ answer", nothing to press."""
    body: list[JSON]
    if isinstance(message, Text):
        body = _blocks(message.markdown)
    elif isinstance(message, Choices):
        body = _blocks(message.prompt)
    elif isinstance(message, Form):
        body = [_line(message.title, size="medium", weight="bolder")]
    else:
        body = [*_card_body(message, collapsible=False), *_link_lines(message.links)]
    check = _rich(
        [_run("✓ ", weight="bolder", color="good"), _run(inert(answer_label), weight="bolder")]
    )
    fallback = f"{message.fallback_text()}\n✓ {plain(answer_label)}"
    return _activity(_card([*body, check], [], fallback), fallback)


def parse_submit(value: object) -> tuple[Token, tuple[str, ...] | dict[str, str]] | None:
    """The token and the chosen values (or form values) of an ``Action.Submit``; None if foreign."""
    if not isinstance(value, Mapping):
        return None
    token = Token.decode(value.get(TOKEN_KEY))
    if token is None:
        return None
    kind = value.get(KIND_KEY)
    if kind == "form":
        return token, {
            key.removeprefix(FIELD_PREFIX): raw
            for key, raw in value.items()
            if isinstance(key, str) and key.startswith(FIELD_PREFIX) and isinstance(raw, str)
        }
    if kind == "choice":
        raw = value.get(CHOICE_ID)
        chosen = raw.split(",") if isinstance(raw, str) else []
        return token, tuple(v for v in chosen if v)
    if kind == "action":
        raw = value.get("value")
        return token, (raw,) if isinstance(raw, str) and raw else ()
    return None


def inert(text: str) -> str:
    """Trusted text as is, user runs with ``<``/``>`` replaced by look-alikes; marks removed."""
    return "".join(
        s.text.translate(_LOOKALIKES) if s.kind == "user" else s.text for s in segments(text)
    )


# --------------------------------------------------------------------------- card and activity


def _activity(content: JSON, fallback: str) -> JSON:
    return {
        "type": "message",
        "summary": truncate(" ".join(fallback.translate(_LOOKALIKES).split()), SUMMARY_MAX),
        "attachments": [{"contentType": CONTENT_TYPE, "content": content}],
    }


def _card(body: list[JSON], actions: list[JSON], fallback: str) -> JSON:
    content: JSON = {
        "$schema": SCHEMA,
        "type": "AdaptiveCard",
        "version": VERSION,
        "fallbackText": fallback.translate(_LOOKALIKES),
        "body": body,
    }
    if actions:
        content["actions"] = actions
    return content


def _card_body(card: Card, *, collapsible: bool) -> list[JSON]:
    body = [_line(card.title, size="large", weight="bolder")]
    if card.subtitle:
        body.append(_line(card.subtitle, subtle=True, spacing="none"))
    body += _blocks(card.body)
    body += _facts(card.facts)
    for n, section in enumerate(card.sections, 1):
        body += _section(section, n, collapsible=collapsible and section.collapsed)
    return body


def _section(section: Section, n: int, *, collapsible: bool) -> list[JSON]:
    content = [*_blocks(section.body), *_facts(section.facts)]
    if not collapsible:
        title = _line(section.title, weight="bolder", separator=True, spacing="medium")
        return [title, *content]
    body_id, more_id, less_id = f"section-{n}-body", f"section-{n}-more", f"section-{n}-less"
    chevrons = [
        {"type": "TextBlock", "id": more_id, "text": "▸", "weight": "bolder"},
        {"type": "TextBlock", "id": less_id, "text": "▾", "weight": "bolder", "isVisible": False},
    ]
    header = {
        "type": "ColumnSet",
        "id": f"section-{n}",
        "separator": True,
        "spacing": "medium",
        "selectAction": {
            "type": "Action.ToggleVisibility",
            "title": "Show or hide",
            "targetElements": [body_id, more_id, less_id],
        },
        "columns": [
            {"type": "Column", "width": "auto", "items": chevrons},
            {
                "type": "Column",
                "width": "stretch",
                "items": [_line(section.title, weight="bolder")],
            },
        ],
    }
    return [header, {"type": "Container", "id": body_id, "isVisible": False, "items": content}]


# --------------------------------------------------------------------------- inputs and actions


def _choice_set(message: Choices) -> JSON:
    expanded = not message.multi and len(message.options) <= EXPANDED_MAX
    choice_set: JSON = {
        "type": "Input.ChoiceSet",
        "id": CHOICE_ID,
        "style": "expanded" if expanded else "compact",
        "isMultiSelect": message.multi,
        "wrap": True,
        "choices": [
            {
                "title": inert(o.label) + (f" — {inert(o.description)}" if o.description else ""),
                "value": o.value,
            }
            for o in message.options
        ],
    }
    if not expanded:
        choice_set["placeholder"] = "Choose…"
    if message.selected:
        choice_set["value"] = ",".join(message.selected)
    if not message.multi:
        choice_set |= {"isRequired": True, "errorMessage": "Please choose an option."}
    return choice_set


def _fields(fields: Sequence[FormField]) -> list[JSON]:
    names = [f.name for f in fields]
    if len(set(names)) != len(names):
        raise ValueError(f"form field names must be unique: {names}")
    out: list[JSON] = []
    for f in fields:
        field: JSON = {
            "type": "Input.Text",
            "id": FIELD_PREFIX + f.name,
            "isMultiline": f.kind == "multiline",
            "maxLength": f.max_length,
        }
        if has_user(f.label):
            out.append(_rich([_run(inert(f.label), weight="bolder")]))
        else:
            field["label"] = f.label
        if f.placeholder:
            field["placeholder"] = inert(f.placeholder)
        if f.value:
            field["value"] = inert(f.value)
        if f.required:
            field |= {"isRequired": True, "errorMessage": "This field is required."}
        out.append(field)
    return out


def _submit(title: str, token: Token, kind: str) -> JSON:
    return {
        "type": "Action.Submit",
        "title": inert(title),
        "style": "positive",
        "data": {TOKEN_KEY: token.encode(), KIND_KEY: kind},
    }


def _action(action: Action) -> JSON:
    out: JSON = {
        "type": "Action.Submit",
        "title": inert(action.label),
        "data": {TOKEN_KEY: action.token.encode(), KIND_KEY: "action", "value": action.value},
    }
    if action.style in _STYLES:
        out["style"] = _STYLES[action.style]
    return out


def _open_url(link: Link) -> JSON:
    return {"type": "Action.OpenUrl", "title": inert(link.title) or link.url, "url": link.url}


def _link_lines(links: Iterable[Link]) -> list[JSON]:
    """Links as text lines: clickable when the URL is safe, shown literally otherwise."""
    out = []
    for link in links:
        title = inert(link.title) or link.url
        if safe_url(link.url):
            out.append(_rich([_run(title, url=link.url)]))
        else:
            out.append(_rich([_run(f"{title}: {link.url.translate(_LOOKALIKES)}")]))
    return out


# --------------------------------------------------------------------------- text


def _blocks(markdown: str) -> list[JSON]:
    """Our Markdown as TextBlocks (trusted only) or RichTextBlocks (with user or code runs)."""
    out: list[JSON] = []
    for block in parse(markdown):
        if isinstance(block, Paragraph):
            out.append(_text(block.runs))
        elif not any(_needs_rich(item) for item in block.items):
            lines = [
                f"{block.start + i}. " if block.ordered else "- " for i in range(len(block.items))
            ]
            text = "\n".join(
                m + _markdown(item) for m, item in zip(lines, block.items, strict=True)
            )
            out.append({"type": "TextBlock", "text": text, "wrap": True})
        else:
            for i, item in enumerate(block.items):
                marker = f"{block.start + i}. " if block.ordered else "• "
                rich = _rich([_run(marker), *(_text_run(r) for r in item)])
                out.append(rich | ({"spacing": "small"} if i else {}))
    return out


def _line(markdown: str, **style: Any) -> JSON:
    """One line of our Markdown (a title) with element or run styles applied."""
    element = {k: style.pop(k) for k in ("spacing", "separator") if k in style}
    return _text(runs(markdown), **style) | element


def _text(items: Sequence[Run], **style: Any) -> JSON:
    if _needs_rich(items):
        return _rich([_text_run(r, **style) for r in items])
    block_style = {("isSubtle" if k == "subtle" else k): v for k, v in style.items()}
    # Teams breaks a TextBlock line only at "\n\n" outside lists.
    text = _markdown(items).replace("\n", "\n\n")
    return {"type": "TextBlock", "text": text, "wrap": True, **block_style}


def _needs_rich(items: Sequence[Run]) -> bool:
    return any(r.user or r.code for r in items)


def _markdown(items: Sequence[Run]) -> str:
    """Trusted runs back to the Adaptive Card Markdown subset (no code spans there)."""
    out: list[str] = []
    for r in items:
        core = r.text.strip()
        if core:
            core = f"_{core}_" if r.italic else core
            core = f"**{core}**" if r.bold else core
            core = f"[{core}]({r.url})" if r.url else core
        lead = r.text[: len(r.text) - len(r.text.lstrip())]
        trail = r.text[len(r.text.rstrip()) :] if core else ""
        out.append(lead + core + trail)
    return "".join(out)


def _rich(inlines: list[JSON]) -> JSON:
    return {"type": "RichTextBlock", "inlines": inlines}


def _text_run(r: Run, **style: Any) -> JSON:
    text = r.text.translate(_LOOKALIKES) if r.user else r.text
    weight = "bolder" if r.bold else style.pop("weight", None)
    return _run(
        text,
        weight=weight,
        italic=r.italic,
        code=r.code,
        url=r.url,
        **style,
    )


def _run(
    text: str,
    *,
    weight: str | None = None,
    italic: bool = False,
    code: bool = False,
    url: str = "",
    size: str | None = None,
    subtle: bool = False,
    color: str | None = None,
) -> JSON:
    run: JSON = {"type": "TextRun", "text": text}
    if weight:
        run["weight"] = weight
    if size:
        run["size"] = size
    if italic:
        run["italic"] = True
    if subtle:
        run["isSubtle"] = True
    if color:
        run["color"] = color
    if code:
        run["fontType"] = "monospace"
    if url:
        run["selectAction"] = {"type": "Action.OpenUrl", "url": url}
    return run


def _facts(facts: Sequence[Fact]) -> list[JSON]:
    """A FactSet when all is trusted; else rows of label and RichTextBlock value (inert)."""
    if not facts:
        return []
    if not any(has_user(f.label) or _needs_rich(runs(f.value)) for f in facts):
        return [
            {
                "type": "FactSet",
                "facts": [{"title": f.label, "value": _markdown(runs(f.value))} for f in facts],
            }
        ]
    rows = []
    for i, f in enumerate(facts):
        label = _rich([_run(inert(f.label), weight="bolder")])
        value = _rich([_text_run(r) for r in runs(f.value)] or [_run(" ")])
        row: JSON = {
            "type": "ColumnSet",
            "columns": [
                {"type": "Column", "width": 1, "items": [label]},
                {"type": "Column", "width": 2, "items": [value]},
            ],
        }
        rows.append(row | ({"spacing": "small"} if i else {}))
    return rows
