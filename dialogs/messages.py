"""Channel-neutral message types: what reaches the core and what it answers with.

Edges translate platform payloads into the inbound types and render the outbound types; the core
never sees platform JSON. Outbound text uses the Markdown subset of ``dialogs.text`` and every
outbound message can be reduced to plain text with ``fallback_text()``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from dialogs.text import plain, strip_markdown

Channel = Literal["teams", "slack", "console"]
CHANNELS: tuple[Channel, ...] = ("teams", "slack", "console")


# --------------------------------------------------------------------------- tokens


@dataclass(frozen=True)
class Token:
    """Identifies the element pressed: which subject, which step or action, at which revision.

    A press whose token does not match the subject's current state is stale: the core answers
    with a polite note and changes nothing.
    """

    subject: str  # e.g. "interview:42", "plan:7", "nudge:15", "qa:sam.overlap"
    step: str  # step id or action id
    revision: int = 0

    SEP = "|"

    def encode(self) -> str:
        return f"{self.subject}{self.SEP}{self.step}{self.SEP}{self.revision}"

    @classmethod
    def decode(cls, raw: object) -> Token | None:
        """Parse an encoded token; ``None`` for anything malformed."""
        if not isinstance(raw, str) or len(raw) > 500:
            return None
        parts = raw.split(cls.SEP)
        if len(parts) != 3 or not parts[0] or not parts[1]:
            return None
        try:
            revision = int(parts[2])
        except ValueError:
            return None
        return cls(parts[0], parts[1], revision)

    @property
    def kind(self) -> str:
        return self.subject.split(":", 1)[0]


# --------------------------------------------------------------------------- inbound


@dataclass(frozen=True)
class Sender:
    """Who sent an event."""

    user_id: str  # stable id within the org (Teams AAD object id, Slack user id, console name)
    display_name: str = ""
    platform_user_id: str = ""  # id needed to open a 1:1 chat (Teams from.id, Slack user id)
    time_zone: str | None = None  # IANA zone when the platform tells us


@dataclass(frozen=True)
class Origin:
    """Where an event happened."""

    channel: Channel
    org_id: str  # Teams tenant id, Slack enterprise/team id, console --org
    conversation_id: str
    thread_id: str | None = None
    is_direct: bool = True  # 1:1 chat / DM

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.channel, self.org_id, self.conversation_id)


@dataclass(frozen=True)
class TextMessage:
    inbound_id: str
    origin: Origin
    sender: Sender
    text: str


@dataclass(frozen=True)
class Press:
    """A button or choice pressed; ``values`` holds the chosen option values (one or several)."""

    inbound_id: str
    origin: Origin
    sender: Sender
    token: Token
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class FormSubmit:
    inbound_id: str
    origin: Origin
    sender: Sender
    token: Token
    values: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Joined:
    """The bot was added to a conversation, or a member joined one the bot is in."""

    inbound_id: str
    origin: Origin
    sender: Sender


Inbound = TextMessage | Press | FormSubmit | Joined


# --------------------------------------------------------------------------- outbound


@dataclass(frozen=True)
class Text:
    """A message in the Markdown subset."""

    markdown: str

    def fallback_text(self) -> str:
        return strip_markdown(self.markdown)


@dataclass(frozen=True)
class Option:
    value: str  # no commas: Teams joins multi-select values with commas
    label: str  # trusted or user-marked text, no Markdown
    description: str = ""

    def __post_init__(self) -> None:
        if "," in self.value:
            raise ValueError(f"option value must not contain a comma: {self.value!r}")


@dataclass(frozen=True)
class Choices:
    """A prompt with options, single or multiple choice."""

    prompt: str  # Markdown subset
    options: tuple[Option, ...]
    token: Token
    multi: bool = False
    selected: tuple[str, ...] = ()  # values preselected (when editing an answer)
    submit_label: str = "Next"

    def fallback_text(self) -> str:
        lines = [strip_markdown(self.prompt)]
        lines += [f"  {i}. {plain(o.label)}" for i, o in enumerate(self.options, 1)]
        hint = "several numbers separated by commas" if self.multi else "a number or the label"
        lines.append(f"(Reply with {hint}.)")
        return "\n".join(lines)


FieldKind = Literal["text", "multiline"]


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: FieldKind = "text"
    required: bool = False
    placeholder: str = ""
    value: str = ""
    max_length: int = 200


@dataclass(frozen=True)
class Form:
    title: str
    fields: tuple[FormField, ...]
    token: Token
    submit_label: str = "Submit"

    def fallback_text(self) -> str:
        lines = [strip_markdown(self.title)]
        lines += [f"  - {plain(f.label)}" for f in self.fields]
        return "\n".join(lines)


@dataclass(frozen=True)
class Fact:
    label: str
    value: str  # Markdown subset (may contain user marks)


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class Section:
    """A titled part of a card; renderers may show it collapsed."""

    title: str
    body: str  # Markdown subset
    facts: tuple[Fact, ...] = ()
    collapsed: bool = True


ActionStyle = Literal["default", "primary", "danger"]


@dataclass(frozen=True)
class Action:
    label: str
    token: Token
    value: str = ""
    style: ActionStyle = "default"


@dataclass(frozen=True)
class Card:
    title: str
    body: str = ""  # Markdown subset
    subtitle: str = ""
    facts: tuple[Fact, ...] = ()
    sections: tuple[Section, ...] = ()
    actions: tuple[Action, ...] = ()
    links: tuple[Link, ...] = ()

    def fallback_text(self) -> str:
        lines = [strip_markdown(self.title)]
        if self.subtitle:
            lines.append(strip_markdown(self.subtitle))
        if self.body:
            lines.append(strip_markdown(self.body))
        lines += [f"{plain(f.label)}: {strip_markdown(f.value)}" for f in self.facts]
        for s in self.sections:
            lines.append(f"\n{strip_markdown(s.title)}")
            if s.body:
                lines.append(strip_markdown(s.body))
            lines += [f"  {plain(f.label)}: {strip_markdown(f.value)}" for f in s.facts]
        lines += [f"{plain(ln.title)}: {ln.url}" for ln in self.links]
        return "\n".join(lines)


Outbound = Text | Choices | Form | Card


def fallback_text(message: Outbound) -> str:
    """Plain-text form of any outbound message."""
    return message.fallback_text()


PostTarget = Literal["direct", "thread", "channel"]


@dataclass(frozen=True)
class Post:
    """Messages the core wants delivered somewhere other than a plain reply here.

    ``direct``: a 1:1 chat with the sender (the interview started in a channel). ``thread``: a new
    thread in the current channel (a posted plan, a nudge). ``channel``: another channel the user
    named in ``channel_ref``. The edge does the platform work; when it cannot (no permission, bot
    not a member, 1:1 refused), it replies here with ``fallback`` and the reason.
    """

    target: PostTarget
    messages: tuple[Outbound, ...]
    channel_ref: str = ""
    fallback: tuple[Outbound, ...] = ()
    note: Outbound | None = None  # a short note for the current conversation when it succeeds
    record: str = ""  # what the post is ("plan:7"), so the runtime can record where it went

    def fallback_text(self) -> str:
        return "\n\n".join(m.fallback_text() for m in self.messages)


Reply = Outbound | Post
