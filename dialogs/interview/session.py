"""An interview session: one person's answers in one organisation, and where they are."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from dialogs.interview.understand import PendingTool
from dialogs.interview.validators import Answer

Status = Literal["in_progress", "complete", "cancelled"]
STATUSES: tuple[Status, ...] = ("in_progress", "complete", "cancelled")
REVIEW = "review"
SUBJECT = "interview"
HISTORY_LIMIT = 200

# what the session waits for on top of its step
Awaiting = Literal["understood", "remove", "restart", "edit", "conflict"]
AWAITING: tuple[Awaiting, ...] = ("understood", "remove", "restart", "edit", "conflict")


@dataclass(frozen=True)
class Pending:
    """Disciplines (and tools) understood or chosen but not confirmed yet."""

    disciplines: tuple[str, ...]
    tools: tuple[PendingTool, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "disciplines": list(self.disciplines),
            "tools": [
                {"name": t.name, "catalogue_id": t.catalogue_id, "discipline": t.discipline}
                for t in self.tools
            ],
        }

    @classmethod
    def from_json(cls, data: object) -> Pending | None:
        """Parse stored pending data; ``None`` for anything malformed."""
        if not isinstance(data, dict):
            return None
        disciplines = data.get("disciplines")
        tools = data.get("tools", [])
        if not isinstance(disciplines, list) or not isinstance(tools, list):
            return None
        parsed: list[PendingTool] = []
        for item in tools:
            if not isinstance(item, dict):
                return None
            values = [item.get(k) for k in ("name", "catalogue_id", "discipline")]
            if not all(isinstance(v, str) for v in values):
                return None
            parsed.append(PendingTool(str(values[0]), str(values[1]), str(values[2])))
        return cls(tuple(str(d) for d in disciplines), tuple(parsed))


@dataclass
class Session:
    """The stored interview; ``revision`` changes with every change, for button tokens."""

    id: int
    org_id: str
    user_id: str
    status: Status = "in_progress"
    step: str = ""
    awaiting: Awaiting | None = None
    answers: dict[str, Answer] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    pending: Pending | None = None
    history: list[str] = field(default_factory=list)
    base_version: int | None = None  # the profile version the session started from
    seen_version: int | None = None  # the latest version the person has seen the changes of
    revision: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None
    completed_at: datetime | None = None

    @property
    def subject(self) -> str:
        return f"{SUBJECT}:{self.id}"

    @property
    def state_key(self) -> str:
        """The step a token names: the step, plus what is awaited (``disciplines!understood``)."""
        return f"{self.step}!{self.awaiting}" if self.awaiting else self.step

    def go(self, step: str) -> None:
        """Move to ``step``, remembering where we were for ``back``."""
        if self.step and self.step != step:
            self.history.append(self.step)
            del self.history[:-HISTORY_LIMIT]
        self.step = step
        self.awaiting = None

    def show_json(self) -> dict[str, Any]:
        """What ``crosswalk interview show --json`` prints."""
        pending = self.pending or Pending(())
        return {
            "org": self.org_id,
            "user": self.user_id,
            "status": self.status,
            "step": self.step,
            "answers": dict(self.answers),
            "pending": pending.to_json(),
        }


def parse_answers(data: object) -> dict[str, Answer]:
    """Stored answers, keeping only well-typed values."""
    out: dict[str, Answer] = {}
    if not isinstance(data, dict):
        return out
    for key, value in data.items():
        if isinstance(value, bool | str):
            out[str(key)] = value
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            out[str(key)] = [str(v) for v in value]
    return out


def parse_steps(data: object) -> list[str]:
    return [str(v) for v in data] if isinstance(data, list) else []
