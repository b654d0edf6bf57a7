"""Sent cards as JSON, so a press can update the card it came from, and the answer's label.

Teams sends only the pressed action's data back, never the card, so the edge keeps what it sent
(``bot/store/teams.py``) and renders ``cards.answered(message, label)`` from it.
"""

from __future__ import annotations

import json
from typing import Any

from dialogs.messages import (
    Action,
    Card,
    Choices,
    Fact,
    Form,
    FormField,
    FormSubmit,
    Link,
    Option,
    Outbound,
    Press,
    Section,
    Text,
    Token,
)
from dialogs.text import truncate, user

LABEL_MAX = 300
ANSWERED = "Answered"


def has_token(message: Outbound) -> bool:
    """Whether the message can be pressed (and so may need updating later)."""
    if isinstance(message, Choices | Form):
        return True
    return isinstance(message, Card) and bool(message.actions)


def dumps(message: Outbound) -> str:
    return json.dumps(_encode(message), separators=(",", ":"), ensure_ascii=False)


def loads(raw: str) -> Outbound:
    """The message back; ``ValueError`` when the JSON is not one we wrote."""
    try:
        data = json.loads(raw)
        return _decode(data)
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"stored card is unreadable: {exc.__class__.__name__}") from None


def answer_label(message: Outbound, event: Press | FormSubmit) -> str:
    """What the user answered, as shown under "✓" on the updated card."""
    label = ""
    if isinstance(message, Choices) and isinstance(event, Press):
        by_value = {o.value: o.label for o in message.options}
        label = ", ".join(by_value.get(v) or user(v) for v in event.values)
    elif isinstance(message, Form) and isinstance(event, FormSubmit):
        parts = [
            f"{f.label}: {user(truncate(event.values[f.name], 80))}"
            for f in message.fields
            if event.values.get(f.name, "").strip()
        ]
        label = "; ".join(parts)
    elif isinstance(message, Card) and isinstance(event, Press):
        chosen = event.values[0] if event.values else ""
        for action in message.actions:
            if action.token == event.token and action.value == chosen:
                label = action.label
                break
    return truncate(label, LABEL_MAX) if label else ANSWERED


# --------------------------------------------------------------------------- encode / decode


def _token(token: Token) -> list[Any]:
    return [token.subject, token.step, token.revision]


def _untoken(raw: list[Any]) -> Token:
    subject, step, revision = raw
    return Token(str(subject), str(step), int(revision))


def _facts(facts: tuple[Fact, ...]) -> list[list[str]]:
    return [[f.label, f.value] for f in facts]


def _unfacts(raw: list[list[str]]) -> tuple[Fact, ...]:
    return tuple(Fact(str(label), str(value)) for label, value in raw)


def _encode(message: Outbound) -> dict[str, Any]:
    if isinstance(message, Text):
        return {"kind": "text", "markdown": message.markdown}
    if isinstance(message, Choices):
        return {
            "kind": "choices",
            "prompt": message.prompt,
            "options": [[o.value, o.label, o.description] for o in message.options],
            "token": _token(message.token),
            "multi": message.multi,
            "selected": list(message.selected),
            "submit_label": message.submit_label,
        }
    if isinstance(message, Form):
        return {
            "kind": "form",
            "title": message.title,
            "fields": [
                [f.name, f.label, f.kind, f.required, f.placeholder, f.value, f.max_length]
                for f in message.fields
            ],
            "token": _token(message.token),
            "submit_label": message.submit_label,
        }
    return {
        "kind": "card",
        "title": message.title,
        "body": message.body,
        "subtitle": message.subtitle,
        "facts": _facts(message.facts),
        "sections": [[s.title, s.body, _facts(s.facts), s.collapsed] for s in message.sections],
        "actions": [[a.label, _token(a.token), a.value, a.style] for a in message.actions],
        "links": [[ln.title, ln.url] for ln in message.links],
    }


def _decode(data: dict[str, Any]) -> Outbound:
    kind = data["kind"]
    if kind == "text":
        return Text(str(data["markdown"]))
    if kind == "choices":
        return Choices(
            prompt=str(data["prompt"]),
            options=tuple(Option(str(v), str(label), str(d)) for v, label, d in data["options"]),
            token=_untoken(data["token"]),
            multi=bool(data["multi"]),
            selected=tuple(str(v) for v in data["selected"]),
            submit_label=str(data["submit_label"]),
        )
    if kind == "form":
        return Form(
            title=str(data["title"]),
            fields=tuple(
                FormField(str(n), str(label), "multiline" if k == "multiline" else "text",
                          bool(req), str(ph), str(val), int(ml))
                for n, label, k, req, ph, val, ml in data["fields"]
            ),
            token=_untoken(data["token"]),
            submit_label=str(data["submit_label"]),
        )
    if kind == "card":
        return Card(
            title=str(data["title"]),
            body=str(data["body"]),
            subtitle=str(data["subtitle"]),
            facts=_unfacts(data["facts"]),
            sections=tuple(
                Section(str(t), str(b), _unfacts(f), bool(c)) for t, b, f, c in data["sections"]
            ),
            actions=tuple(
                Action(str(label), _untoken(tok), str(v), _style(s))
                for label, tok, v, s in data["actions"]
            ),
            links=tuple(Link(str(t), str(u)) for t, u in data["links"]),
        )
    raise KeyError(kind)


def _style(raw: object) -> Any:
    return raw if raw in ("default", "primary", "danger") else "default"
