"""Core messages → Slack Block Kit, as the plain dicts ``slack_sdk.models`` would produce.

Messages are built directly as JSON-ready dicts: key for key, and in the same key order, what
``slack_sdk.models``' ``to_dict()`` returns for the same blocks, with the same field-limit checks
(``SlackObjectFormationError``). The validating model classes cost about a millisecond per
answer on the hot path; the rare select and checkbox pickers and the form modal still use them.

Text goes into ``rich_text`` blocks, where a user run is a literal ``text`` element: it cannot
mention, link or format. Headers, buttons, options and inputs take ``plain_text``, which Slack
shows literally too. Slack ``mrkdwn`` is never used for message content; only the top-level
``text`` fallback is mrkdwn, and there ``&``, ``<`` and ``>`` are escaped.

Every interactive element's ``action_id`` starts with ``crosswalk.`` and says what a press
means (``PRESS``, ``ACTION``, ``NEXT``, ``FORM``); a click on a ``PICK`` element (checkbox,
select) only changes the selection: acknowledge it and do nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    CheckboxesElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticMultiSelectElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from dialogs.markdown import Block as MarkdownBlock
from dialogs.markdown import ListBlock, Paragraph, Run, parse, runs, safe_url
from dialogs.messages import Action, Card, Choices, Fact, Form, Link, Outbound, Text, Token
from dialogs.text import plain, strip_markdown, truncate

JSON = dict[str, Any]

PREFIX = "crosswalk."
PRESS = PREFIX + "press."  # + index: a single-choice button; value carries token and option
ACTION = PREFIX + "action."  # + index: a card action button; value carries token and value
PICK = PREFIX + "pick"  # checkboxes or select: read from state.values when NEXT is pressed
NEXT = PREFIX + "next"  # submits the PICK selection; value carries the token
FORM = PREFIX + "form"  # opens the form's modal; value carries the token
FORM_CALLBACK = PREFIX + "form"
FIELD_PREFIX = "field."
FIELD_ACTION = "value"

BUTTONS_MAX = 5
CHECKBOXES_MAX = 10
ACTIONS_PER_BLOCK = 25
HEADER_MAX = 150
BUTTON_MAX = 75
OPTION_MAX = 75
TITLE_MAX = 24
FALLBACK_MAX = 3000
ACTION_ID_MAX = 255  # slack_sdk's limits for buttons
BUTTON_VALUE_MAX = 2000
# json.dumps(…, ensure_ascii=False, separators=(",", ":")) without building an encoder each call
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
CACHED = 512  # parsed strings kept per cache: answers come from a fixed body of content
_STYLES = {"primary": "primary", "danger": "danger"}


# --------------------------------------------------------------------------- public


def render(message: Outbound) -> JSON:
    """``chat.postMessage`` arguments: ``text`` (escaped fallback) and ``blocks``."""
    blocks: list[JSON]
    if isinstance(message, Text):
        blocks = _rich_blocks(message.markdown)
    elif isinstance(message, Choices):
        blocks = [*_rich_blocks(message.prompt), *_choices(message)]
    elif isinstance(message, Form):
        button = _button("Open form", FORM, _value(message.token), "primary")
        blocks = [*_bold_line(message.title), _actions_block([button])]
    else:
        blocks = [*_card(message), *_actions(message.actions)]
    return _message(message.fallback_text(), blocks)


def answered(message: Outbound, answer_label: str) -> JSON:
    """``chat.update`` arguments: the prompt and "✓ answer", no interactive elements."""
    blocks: list[JSON]
    if isinstance(message, Text):
        blocks = _rich_blocks(message.markdown)
    elif isinstance(message, Choices):
        blocks = _rich_blocks(message.prompt)
    elif isinstance(message, Form):
        blocks = _bold_line(message.title)
    else:
        blocks = _card(message)
    check = _section([_text("✓ ", bold=True), _text(plain(answer_label), bold=True)])
    blocks.append(_rich_block([check]))
    return _message(f"{message.fallback_text()}\n✓ {plain(answer_label)}", blocks)


def modal(form: Form) -> JSON:
    """The ``views.open`` view for a form; the token rides in ``private_metadata``."""
    names = [f.name for f in form.fields]
    if len(set(names)) != len(names):
        raise ValueError(f"form field names must be unique: {names}")
    title = " ".join(strip_markdown(form.title, show_urls=False).split()) or "Form"
    blocks: list[Block | JSON] = []  # View parses the dicts back into blocks
    if len(title) > TITLE_MAX:
        blocks += _bold_line(form.title)
    for f in form.fields:
        element = PlainTextInputElement(
            action_id=FIELD_ACTION,
            multiline=f.kind == "multiline",
            max_length=f.max_length,
            placeholder=truncate(plain(f.placeholder), 150) if f.placeholder else None,
            initial_value=plain(f.value)[: f.max_length] or None,
        )
        blocks.append(
            InputBlock(
                block_id=FIELD_PREFIX + f.name,
                label=PlainTextObject(text=truncate(plain(f.label), 2000)),
                element=element,
                optional=not f.required,
            )
        )
    view = View(
        type="modal",
        callback_id=FORM_CALLBACK,
        private_metadata=form.token.encode(),
        title=PlainTextObject(text=truncate(title, TITLE_MAX)),
        submit=PlainTextObject(text=truncate(plain(form.submit_label), TITLE_MAX)),
        close=PlainTextObject(text="Cancel"),
        blocks=blocks,
    )
    return view.to_dict()


def parse_action(payload: Mapping[str, Any]) -> tuple[Token, tuple[str, ...]] | None:
    """Token and chosen values of a ``block_actions`` press; None for PICK clicks and others."""
    action = _first_action(payload)
    if action is None:
        return None
    action_id = action.get("action_id", "")
    if not isinstance(action_id, str):
        return None
    if action_id.startswith((PRESS, ACTION)):
        return _decode_value(action.get("value"))
    if action_id == NEXT:
        decoded = _decode_value(action.get("value"))
        return (decoded[0], _picked(payload)) if decoded else None
    return None


def parse_form_open(payload: Mapping[str, Any]) -> tuple[Token, str] | None:
    """Token and ``trigger_id`` when a FORM button was pressed (the edge then opens ``modal``)."""
    action = _first_action(payload)
    if action is None or action.get("action_id") != FORM:
        return None
    decoded = _decode_value(action.get("value"))
    trigger_id = payload.get("trigger_id")
    return (decoded[0], trigger_id) if decoded and isinstance(trigger_id, str) else None


def parse_view_submission(payload: Mapping[str, Any]) -> tuple[Token, dict[str, str]] | None:
    """Token and field values of a ``view_submission`` of our form modal."""
    if payload.get("type") != "view_submission":
        return None
    view = payload.get("view")
    if not isinstance(view, Mapping) or view.get("callback_id") != FORM_CALLBACK:
        return None
    token = Token.decode(view.get("private_metadata"))
    if token is None:
        return None
    values: dict[str, str] = {}
    for block_id, actions in _state_values(view):
        if block_id.startswith(FIELD_PREFIX) and isinstance(actions.get(FIELD_ACTION), Mapping):
            raw = actions[FIELD_ACTION].get("value")
            values[block_id.removeprefix(FIELD_PREFIX)] = raw if isinstance(raw, str) else ""
    return token, values


def split(
    blocks: Sequence[JSON], limit_blocks: int = 50, limit_chars: int = 12000
) -> list[list[JSON]]:
    """Consecutive groups of blocks within Slack's per-message limits, for threading the rest.

    Sizes are measured as compact JSON; a single block larger than ``limit_chars`` gets a group
    of its own.
    """
    if not blocks:
        return []
    if len(blocks) <= limit_blocks:  # usually all fit: one encoding instead of one per block
        joined = len(_COMPACT.encode(list(blocks))) - len(blocks) - 1  # less "[", "]" and commas
        if joined <= limit_chars:
            return [list(blocks)]
    groups: list[list[JSON]] = []
    current: list[JSON] = []
    size = 0
    for block in blocks:
        length = len(_COMPACT.encode(block))
        if current and (len(current) >= limit_blocks or size + length > limit_chars):
            groups.append(current)
            current, size = [], 0
        current.append(block)
        size += length
    if current:
        groups.append(current)
    return groups


def escape(text: str) -> str:
    """Escape ``&``, ``<`` and ``>`` for Slack mrkdwn (no mention, link or command can form)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --------------------------------------------------------------------------- message parts
#
# Each builder returns what the matching ``slack_sdk.models`` object's ``to_dict()`` returns:
# keys in sorted order, ``None`` and empty values left out (rich text sections and lists keep an
# empty ``elements``), a text style's keys in ``TextStyle`` order, and ``emoji: true`` on text
# given to a button as a plain string.


def _message(fallback: str, blocks: list[JSON]) -> JSON:
    return {"text": truncate(escape(fallback), FALLBACK_MAX), "blocks": blocks}


def _plain_text(text: str, *, emoji: bool = False) -> JSON:
    """``PlainTextObject(text=…)`` (``emoji`` as ``PlainTextObject.from_str`` sets it)."""
    out: JSON = {"emoji": True} if emoji else {}
    if text:
        out["text"] = text
    out["type"] = "plain_text"
    return out


def _header(text: str) -> JSON:
    if len(text) > HEADER_MAX:
        raise SlackObjectFormationError(f"text attribute cannot exceed {HEADER_MAX} characters")
    return {"text": _plain_text(text), "type": "header"}


def _button(text: str, action_id: str, value: str, style: str | None = None) -> JSON:
    """``ButtonElement(text=…, action_id=…, value=…, style=…)`` with its limits checked."""
    if len(action_id) > ACTION_ID_MAX:
        raise SlackObjectFormationError(
            f"action_id attribute cannot exceed {ACTION_ID_MAX} characters"
        )
    if len(text) > BUTTON_MAX:
        raise SlackObjectFormationError(f"text attribute cannot exceed {BUTTON_MAX} characters")
    if len(value) > BUTTON_VALUE_MAX:
        raise SlackObjectFormationError(
            f"value attribute cannot exceed {BUTTON_VALUE_MAX} characters"
        )
    out: JSON = {"action_id": action_id} if action_id else {}
    if style is not None:
        if style not in _STYLES:
            raise SlackObjectFormationError(
                "style attribute must be one of the following values: danger, primary"
            )
        out["style"] = style
    if text:  # slack_sdk leaves the text out when it is empty
        out["text"] = _plain_text(text, emoji=True)
    out["type"] = "button"
    if value:
        out["value"] = value
    return out


def _actions_block(elements: list[JSON]) -> JSON:
    if len(elements) > ACTIONS_PER_BLOCK:
        raise SlackObjectFormationError(
            f"elements attribute cannot exceed {ACTIONS_PER_BLOCK} elements"
        )
    return {"elements": elements, "type": "actions"} if elements else {"type": "actions"}


def _rich_block(elements: list[JSON]) -> JSON:
    return {"elements": elements, "type": "rich_text"} if elements else {"type": "rich_text"}


def _section(elements: list[JSON]) -> JSON:
    return {"elements": elements, "type": "rich_text_section"}


def _card(card: Card) -> list[JSON]:
    title = " ".join(_stripped(card.title).split())
    blocks: list[JSON] = [_header(truncate(title, HEADER_MAX))]
    if card.subtitle:
        subtitle = _stripped(card.subtitle)
        blocks.append({"elements": [_plain_text(truncate(subtitle, 2000))], "type": "context"})
    blocks += _rich_blocks(card.body)
    blocks += _facts(card.facts)
    for section in card.sections:
        blocks.append({"type": "divider"})
        blocks += _bold_line(section.title)
        blocks += _rich_blocks(section.body)
        blocks += _facts(section.facts)
    blocks += _links(card.links)
    return blocks


def _choices(message: Choices) -> list[JSON]:
    options = message.options
    if not message.multi and len(options) <= BUTTONS_MAX:
        blocks: list[JSON] = []
        if any(o.description for o in options):
            blocks.append(_rich_block([_descriptions(options)]))
        buttons = [
            _button(
                truncate(plain(o.label), BUTTON_MAX),
                f"{PRESS}{i}",
                _value(message.token, o.value),
                "primary" if o.value in message.selected else None,
            )
            for i, o in enumerate(options)
        ]
        return [*blocks, _actions_block(buttons)]
    # the pickers are rare: built with slack_sdk's models, which check the option limits
    slack_options = [_option(o.value, o.label, o.description) for o in options]
    chosen = [
        so for so, o in zip(slack_options, options, strict=True) if o.value in message.selected
    ]
    picker: CheckboxesElement | StaticSelectElement | StaticMultiSelectElement
    if not message.multi:
        picker = StaticSelectElement(
            action_id=PICK,
            placeholder="Choose…",
            options=slack_options,
            initial_option=chosen[0] if chosen else None,
        )
    elif len(options) <= CHECKBOXES_MAX:
        picker = CheckboxesElement(
            action_id=PICK, options=slack_options, initial_options=chosen or None
        )
    else:
        picker = StaticMultiSelectElement(
            action_id=PICK,
            placeholder="Choose…",
            options=slack_options,
            initial_options=chosen or None,
        )
    submit = _button(
        truncate(plain(message.submit_label), BUTTON_MAX), NEXT, _value(message.token), "primary"
    )
    return [ActionsBlock(elements=[picker]).to_dict(), _actions_block([submit])]


def _option(value: str, label: str, description: str) -> Option:
    return Option(
        value=value,
        text=PlainTextObject(text=truncate(plain(label), OPTION_MAX)),
        description=(
            PlainTextObject(text=truncate(plain(description), OPTION_MAX)) if description else None
        ),
    )


def _descriptions(options: Iterable[Any]) -> JSON:
    items = [
        _section([
            _text(plain(o.label), bold=True),
            *([_text(" — " + plain(o.description))] if o.description else []),
        ])
        for o in options
    ]
    return {"elements": items, "style": "bullet", "type": "rich_text_list"}


def _actions(actions: Sequence[Action]) -> list[JSON]:
    buttons = [
        _button(
            truncate(plain(a.label), BUTTON_MAX),
            f"{ACTION}{i}",
            _value(a.token, a.value),
            _STYLES.get(a.style),
        )
        for i, a in enumerate(actions)
    ]
    return [
        _actions_block(buttons[i : i + ACTIONS_PER_BLOCK])
        for i in range(0, len(buttons), ACTIONS_PER_BLOCK)
    ]


def _facts(facts: Sequence[Fact]) -> list[JSON]:
    """Facts as "label: value" lines in one rich_text section (user text stays literal)."""
    if not facts:
        return []
    parts: list[JSON] = []
    for i, f in enumerate(facts):
        if i:
            parts.append(_text("\n"))
        parts.append(_text(f"{plain(f.label)}: ", bold=True))
        parts += [_part(r) for r in _runs(f.value)]
    return [_rich_block([_section(parts)])]


def _links(links: Sequence[Link]) -> list[JSON]:
    if not links:
        return []
    parts: list[JSON] = []
    for i, link in enumerate(links):
        if i:
            parts.append(_text("\n"))
        title = plain(link.title) or link.url
        if safe_url(link.url):
            parts.append(_link(link.url, title, None))
        else:
            parts.append(_text(f"{title}: {link.url}"))
    return [_rich_block([_section(parts)])]


# --------------------------------------------------------------------------- rich text


def _rich_blocks(markdown: str) -> list[JSON]:
    elements = list(_rich_elements(markdown))
    return [_rich_block(elements)] if elements else []


def _rich_elements(markdown: str) -> Iterator[JSON]:
    blocks = _parsed(markdown)
    for i, block in enumerate(blocks):
        if isinstance(block, Paragraph):
            parts = [_part(r) for r in block.runs]
            if i + 1 < len(blocks) and isinstance(blocks[i + 1], Paragraph):
                parts.append(_text("\n"))
            yield _section(parts)
        else:
            yield _list(block)


def _list(block: ListBlock) -> JSON:
    items = [_section([_part(r) for r in item]) for item in block.items]
    out: JSON = {"elements": items}
    if block.ordered and block.start > 1:
        out["offset"] = block.start - 1
    out["style"] = "ordered" if block.ordered else "bullet"
    out["type"] = "rich_text_list"
    return out


def _part(run: Run) -> JSON:
    if run.url:
        return _link(run.url, run.text, _style(run))
    return _styled_text(run.text, _style(run))


def _style(run: Run) -> JSON | None:
    """``TextStyle(bold=…, italic=…, code=…).to_dict()``: its own key order, not sorted."""
    if not (run.bold or run.italic or run.code):
        return None
    style: JSON = {}
    if run.bold:
        style["bold"] = True
    if run.italic:
        style["italic"] = True
    if run.code:
        style["code"] = True
    return style


def _styled_text(text: str, style: JSON | None) -> JSON:
    out: JSON = {"style": style} if style is not None else {}
    if text:
        out["text"] = text
    out["type"] = "text"
    return out


def _link(url: str, text: str, style: JSON | None) -> JSON:
    out: JSON = {"style": style} if style is not None else {}
    if text:
        out["text"] = text
    out["type"] = "link"
    if url:
        out["url"] = url
    return out


def _text(text: str, *, bold: bool = False) -> JSON:
    return _styled_text(text, {"bold": True} if bold else None)


def _bold_line(markdown: str) -> list[JSON]:
    """A title: one bold line of our Markdown."""
    parts = [_part(r) for r in _bold_runs(markdown)]
    return [_rich_block([_section(parts)])] if parts else []


# --------------------------------------------------------------------------- cached parsing
#
# The same answers are rendered again and again, so the pure, immutable results of parsing our
# Markdown are kept (least recently used first out); the dicts are built fresh every time.


@lru_cache(maxsize=CACHED)
def _parsed(markdown: str) -> tuple[MarkdownBlock, ...]:
    return parse(markdown)


@lru_cache(maxsize=CACHED)
def _runs(markdown: str) -> tuple[Run, ...]:
    return runs(markdown)


@lru_cache(maxsize=CACHED)
def _bold_runs(markdown: str) -> tuple[Run, ...]:
    return tuple(replace(r, bold=True) for r in runs(markdown))


@lru_cache(maxsize=CACHED)
def _stripped(markdown: str) -> str:
    return strip_markdown(markdown, show_urls=False)




# --------------------------------------------------------------------------- payloads


def _value(token: Token, value: str | None = None) -> str:
    data = {"token": token.encode()} if value is None else {"token": token.encode(), "value": value}
    return _COMPACT.encode(data)


def _decode_value(raw: object) -> tuple[Token, tuple[str, ...]] | None:
    if not isinstance(raw, str):
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    token = Token.decode(data.get("token"))
    value = data.get("value")
    if token is None:
        return None
    return token, (value,) if isinstance(value, str) and value else ()


def _first_action(payload: Mapping[str, Any]) -> Mapping[str, Any] | None:
    if payload.get("type") != "block_actions":
        return None
    actions = payload.get("actions")
    if not isinstance(actions, list) or not actions or not isinstance(actions[0], Mapping):
        return None
    return actions[0]


def _state_values(container: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    state = container.get("state")
    values = state.get("values") if isinstance(state, Mapping) else None
    if isinstance(values, Mapping):
        for block_id, actions in values.items():
            if isinstance(block_id, str) and isinstance(actions, Mapping):
                yield block_id, actions


def _picked(payload: Mapping[str, Any]) -> tuple[str, ...]:
    for _block_id, actions in _state_values(payload):
        picker = actions.get(PICK)
        if not isinstance(picker, Mapping):
            continue
        options = picker.get("selected_options")
        if options is None and isinstance(picker.get("selected_option"), Mapping):
            options = [picker["selected_option"]]
        if isinstance(options, list):
            return tuple(
                o["value"]
                for o in options
                if isinstance(o, Mapping) and isinstance(o.get("value"), str)
            )
    return ()
