"""Per-conversation state: what the core remembers between turns in one conversation."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass
class ConversationState:
    """Loaded at the start of a turn, saved once at its end.

    ``active`` names the subject that owns the next free-text answer (e.g. ``"interview:12"``).
    ``numbers`` maps the numbers shown in the last plan or nudge to action ids. ``topic`` is the
    last Q&A article, for follow-ups. ``extra`` keeps keys written by newer code, so an older
    replica never drops them.
    """

    welcomed: bool = False
    active: str | None = None
    numbers: dict[str, str] = field(default_factory=dict)
    topic: str | None = None
    candidates: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "extra"}
        data.update(self.extra)
        return json.dumps(data, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | None) -> ConversationState:
        """Parse stored state; unknown keys go to ``extra``, wrong types fall back to defaults."""
        if not raw:
            return cls()
        try:
            data = json.loads(raw)
        except ValueError:
            return cls()
        if not isinstance(data, dict):
            return cls()
        state = cls()
        known = {f.name: f for f in fields(cls) if f.name != "extra"}
        for key, value in data.items():
            if key not in known:
                state.extra[key] = value
                continue
            default = getattr(state, key)
            text_ok = default is None and (value is None or isinstance(value, str))
            flag_ok = isinstance(default, bool) and isinstance(value, bool)
            if text_ok or flag_ok:
                setattr(state, key, value)
            elif isinstance(default, dict) and isinstance(value, dict):
                setattr(state, key, {str(k): str(v) for k, v in value.items()})
            elif isinstance(default, list) and isinstance(value, list):
                setattr(state, key, [str(v) for v in value])
        return state
