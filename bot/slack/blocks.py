"""Core messages → Slack Block Kit, built with ``slack_sdk.models`` (which checks field limits).

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
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RichTextBlock,
    RichTextElement,
    RichTextElementParts,
    RichTextListElement,
    RichTextSectionElement,
    StaticMultiSelectElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

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
_STYLES = {"primary": "primary", "danger": "danger"}


# --------------------------------------------------------------------------- public


def render(message: Outbound) -> JSON:
    """``chat.postMessage`` arguments: ``text`` (escaped fallback) and ``blocks``."""
    blocks: list[Block]
    if isinstance(message, Text):
        blocks = _rich_blocks(message.markdown)
    elif isinstance(message, Choices):
        blocks = [*_rich_blocks(message.prompt), *_choices(message)]
    elif isinstance(message, Form):
        button = ButtonElement(
            text="Open form", action_id=FORM, value=_value(message.token), style="primary"
        )
        blocks = [*_bold_line(message.title), ActionsBlock(elements=[button])]
    else:
        blocks = [*_card(message), *_actions(message.actions)]
    return _message(message.fallback_text(), blocks)


def answered(message: Outbound, answer_label: str) -> JSON:
    """``chat.update`` arguments: the prompt and "✓ answer", no interactive elements."""
    blocks: list[Block]
    if isinstance(message, Text):
        blocks = _rich_blocks(message.markdown)
    elif isinstance(message, Choices):
        blocks = _rich_blocks(message.prompt)
    elif isinstance(message, Form):
        blocks = _bold_line(message.title)
    else:
        blocks = _card(message)
    check = RichTextSectionElement(
        elements=[_text("✓ ", bold=True), _text(plain(answer_label), bold=True)]
    )
    blocks.append(RichTextBlock(elements=[check]))
    return _message(f"{message.fallback_text()}\n✓ {plain(answer_label)}", blocks)


def modal(form: Form) -> JSON:
    """The ``views.open`` view for a form; the token rides in ``private_metadata``."""
    names = [f.name for f in form.fields]
    if len(set(names)) != len(names):
        raise ValueError(f"form field names must be unique: {names}")
    title = " ".join(strip_markdown(form.title, show_urls=False).split()) or "Form"
    blocks: list[Block] = []
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
    groups: list[list[JSON]] = []
    current: list[JSON] = []
    size = 0
    for block in blocks:
        length = len(json.dumps(block, ensure_ascii=False, separators=(",", ":")))
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


def _message(fallback: str, blocks: Sequence[Block]) -> JSON:
    return {
        "text": truncate(escape(fallback), FALLBACK_MAX),
        "blocks": [b.to_dict() for b in blocks],
    }


def _card(card: Card) -> list[Block]:
    title = " ".join(strip_markdown(card.title, show_urls=False).split())
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=truncate(title, HEADER_MAX)))]
    if card.subtitle:
        subtitle = strip_markdown(card.subtitle, show_urls=False)
        blocks.append(ContextBlock(elements=[PlainTextObject(text=truncate(subtitle, 2000))]))
    blocks += _rich_blocks(card.body)
    blocks += _facts(card.facts)
    for section in card.sections:
        blocks.append(DividerBlock())
        blocks += _bold_line(section.title)
        blocks += _rich_blocks(section.body)
        blocks += _facts(section.facts)
    blocks += _links(card.links)
    return blocks


def _choices(message: Choices) -> list[Block]:
    options = message.options
    if not message.multi and len(options) <= BUTTONS_MAX:
        blocks: list[Block] = []
        if any(o.description for o in options):
            blocks.append(RichTextBlock(elements=[_descriptions(options)]))
        buttons = [
            ButtonElement(
                text=truncate(plain(o.label), BUTTON_MAX),
                action_id=f"{PRESS}{i}",
                value=_value(message.token, o.value),
                style="primary" if o.value in message.selected else None,
            )
            for i, o in enumerate(options)
        ]
        return [*blocks, ActionsBlock(elements=buttons)]
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
    submit = ButtonElement(
        text=truncate(plain(message.submit_label), BUTTON_MAX),
        action_id=NEXT,
        value=_value(message.token),
        style="primary",
    )
    return [ActionsBlock(elements=[picker]), ActionsBlock(elements=[submit])]


def _option(value: str, label: str, description: str) -> Option:
    return Option(
        value=value,
        text=PlainTextObject(text=truncate(plain(label), OPTION_MAX)),
        description=(
            PlainTextObject(text=truncate(plain(description), OPTION_MAX)) if description else None
        ),
    )


def _descriptions(options: Iterable[Any]) -> RichTextListElement:
    items = [
        RichTextSectionElement(
            elements=[
                _text(plain(o.label), bold=True),
                *([_text(" — " + plain(o.description))] if o.description else []),
            ]
        )
        for o in options
    ]
    return RichTextListElement(style="bullet", elements=items)


def _actions(actions: Sequence[Action]) -> list[Block]:
    buttons = [
        ButtonElement(
            text=truncate(plain(a.label), BUTTON_MAX),
            action_id=f"{ACTION}{i}",
            value=_value(a.token, a.value),
            style=_STYLES.get(a.style),
        )
        for i, a in enumerate(actions)
    ]
    return [
        ActionsBlock(elements=buttons[i : i + ACTIONS_PER_BLOCK])
        for i in range(0, len(buttons), ACTIONS_PER_BLOCK)
    ]


def _facts(facts: Sequence[Fact]) -> list[Block]:
    """Facts as "label: value" lines in one rich_text section (user text stays literal)."""
    if not facts:
        return []
    parts: list[RichTextElement] = []
    for i, f in enumerate(facts):
        if i:
            parts.append(_text("\n"))
        parts.append(_text(f"{plain(f.label)}: ", bold=True))
        parts += [_part(r) for r in runs(f.value)]
    return [RichTextBlock(elements=[RichTextSectionElement(elements=parts)])]


def _links(links: Sequence[Link]) -> list[Block]:
    if not links:
        return []
    parts: list[RichTextElement] = []
    for i, link in enumerate(links):
        if i:
            parts.append(_text("\n"))
        title = plain(link.title) or link.url
        if safe_url(link.url):
            parts.append(RichTextElementParts.Link(url=link.url, text=title))
        else:
            parts.append(_text(f"{title}: {link.url}"))
    return [RichTextBlock(elements=[RichTextSectionElement(elements=parts)])]


# --------------------------------------------------------------------------- rich text


def _rich_blocks(markdown: str) -> list[Block]:
    elements = list(_rich_elements(markdown))
    return [RichTextBlock(elements=elements)] if elements else []


def _rich_elements(markdown: str) -> Iterator[RichTextElement]:
    blocks = parse(markdown)
    for i, block in enumerate(blocks):
        if isinstance(block, Paragraph):
            parts = [_part(r) for r in block.runs]
            if i + 1 < len(blocks) and isinstance(blocks[i + 1], Paragraph):
                parts.append(_text("\n"))
            yield RichTextSectionElement(elements=parts)
        else:
            yield _list(block)


def _list(block: ListBlock) -> RichTextListElement:
    items = [RichTextSectionElement(elements=[_part(r) for r in item]) for item in block.items]
    offset = block.start - 1 if block.ordered and block.start > 1 else None
    return RichTextListElement(
        style="ordered" if block.ordered else "bullet", elements=items, offset=offset
    )


def _part(run: Run) -> RichTextElement:
    if run.url:
        return RichTextElementParts.Link(url=run.url, text=run.text, style=_style(run))
    return RichTextElementParts.Text(text=run.text, style=_style(run))


def _style(run: Run) -> RichTextElementParts.TextStyle | None:
    if not (run.bold or run.italic or run.code):
        return None
    return RichTextElementParts.TextStyle(
        bold=run.bold or None, italic=run.italic or None, code=run.code or None
    )


def _text(text: str, *, bold: bool = False) -> RichTextElementParts.Text:
    style = RichTextElementParts.TextStyle(bold=True) if bold else None
    return RichTextElementParts.Text(text=text, style=style)


def _bold_line(markdown: str) -> list[Block]:
    """A title: one bold line of our Markdown."""
    parts = [_part(replace(r, bold=True)) for r in runs(markdown)]
    return [RichTextBlock(elements=[RichTextSectionElement(elements=parts)])] if parts else []


# --------------------------------------------------------------------------- payloads


def _value(token: Token, value: str | None = None) -> str:
    data = {"token": token.encode()} if value is None else {"token": token.encode(), "value": value}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


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
