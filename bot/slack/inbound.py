"""Slack payloads → core inbound types, plus where the replies go (a ``Place``)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from bot.slack.blocks import NEXT
from dialogs.messages import (
    Channel,
    FormSubmit,
    Joined,
    Origin,
    Press,
    Sender,
    TextMessage,
    Token,
)

CHANNEL: Channel = "slack"


@dataclass(frozen=True)
class Workspace:
    """The installation an event belongs to (from Bolt's context, i.e. ``authorizations``).

    In a Slack Connect channel the event's own ``team`` can be another company's; the
    installation's enterprise or team is the organisation Crosswalk works for.
    """

    enterprise_id: str | None
    team_id: str | None

    @property
    def org_id(self) -> str:
        return self.enterprise_id or self.team_id or ""


@dataclass(frozen=True)
class Place:
    """Where the replies to one inbound go."""

    workspace: Workspace
    channel_id: str
    thread_ts: str | None = None
    user_id: str = ""
    is_direct: bool = False
    response_url: str | None = None  # set: replies go through respond(), visible to the user only

    def reference(self) -> dict[str, Any]:
        """What proactive messages need later (stored with the conversation)."""
        return {
            "enterprise_id": self.workspace.enterprise_id,
            "team_id": self.workspace.team_id,
            "channel_id": self.channel_id,
            "user_id": self.user_id,
            "is_direct": self.is_direct,
        }

    def in_thread(self, thread_ts: str | None) -> Place:
        return replace(self, thread_ts=thread_ts)


def text_of(value: object) -> str:
    return value if isinstance(value, str) else ""


def mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def unescape(text: str) -> str:
    """Slack escapes ``&``, ``<`` and ``>`` in message text; the core wants what was typed."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def strip_mention(text: str, bot_user_id: str | None) -> str:
    """Drop the bot's own ``<@U…>`` mentions (with or without a ``|name``)."""
    if not bot_user_id:
        return text.strip()
    return " ".join(re.sub(rf"<@{re.escape(bot_user_id)}(\|[^>]*)?>", " ", text).split())


def is_direct_channel(channel_id: str) -> bool:
    return channel_id.startswith("D")


def _origin(ws: Workspace, channel_id: str, thread_ts: str | None, direct: bool) -> Origin:
    return Origin(CHANNEL, ws.org_id, channel_id, thread_id=thread_ts, is_direct=direct)


def _sender(user_id: str) -> Sender:
    return Sender(user_id=user_id, platform_user_id=user_id)


def _event_id(body: Mapping[str, Any], event: Mapping[str, Any]) -> str:
    event_id = text_of(body.get("event_id"))
    if event_id:
        return event_id
    ts = text_of(event.get("event_ts")) or text_of(event.get("ts"))
    return f"event:{text_of(event.get('channel'))}:{ts}" if ts else f"event:{uuid.uuid4().hex}"


def _trigger_id(body: Mapping[str, Any]) -> str:
    trigger = text_of(body.get("trigger_id"))
    return f"trigger:{trigger}" if trigger else f"trigger:{uuid.uuid4().hex}"


# --------------------------------------------------------------------------- events


def message(
    body: Mapping[str, Any], event: Mapping[str, Any], ws: Workspace, bot_user_id: str | None,
) -> tuple[TextMessage, Place]:
    """A DM (``message.im``) or a mention (``app_mention``, answered in its thread)."""
    channel_id = text_of(event.get("channel"))
    user_id = text_of(event.get("user"))
    direct = event.get("channel_type") == "im" or is_direct_channel(channel_id)
    thread_ts = text_of(event.get("thread_ts")) or None
    if event.get("type") == "app_mention":
        thread_ts = thread_ts or text_of(event.get("ts")) or None
    text = strip_mention(unescape(text_of(event.get("text"))), bot_user_id)
    origin = _origin(ws, channel_id, thread_ts, direct)
    place = Place(ws, channel_id, thread_ts, user_id, direct)
    return TextMessage(_event_id(body, event), origin, _sender(user_id), text), place


def joined(
    body: Mapping[str, Any], event: Mapping[str, Any], ws: Workspace
) -> tuple[Joined, Place]:
    """The bot joined a channel: the welcome goes to the channel; the sender is the inviter."""
    channel_id = text_of(event.get("channel"))
    user_id = text_of(event.get("inviter")) or text_of(event.get("user"))
    place = Place(ws, channel_id, None, user_id, is_direct_channel(channel_id))
    origin = _origin(ws, channel_id, None, place.is_direct)
    return Joined(_event_id(body, event), origin, _sender(user_id)), place


# --------------------------------------------------------------------------- commands


def command(body: Mapping[str, Any], ws: Workspace) -> tuple[TextMessage, Place]:
    """``/crosswalk <text>``; an empty command means ``help``. Replies go through respond()."""
    channel_id = text_of(body.get("channel_id"))
    user_id = text_of(body.get("user_id"))
    direct = is_direct_channel(channel_id) or body.get("channel_name") == "directmessage"
    text = unescape(text_of(body.get("text"))).strip() or "help"
    place = Place(ws, channel_id, None, user_id, direct, text_of(body.get("response_url")) or None)
    origin = _origin(ws, channel_id, None, direct)
    return TextMessage(_trigger_id(body), origin, _sender(user_id), text), place


# --------------------------------------------------------------------------- interactivity


@dataclass(frozen=True)
class Container:
    """The message a button sits on."""

    channel_id: str
    message_ts: str | None
    thread_ts: str | None
    ephemeral: bool


def container(body: Mapping[str, Any]) -> Container:
    box = mapping(body.get("container"))
    msg = mapping(body.get("message"))
    channel_id = text_of(box.get("channel_id")) or text_of(mapping(body.get("channel")).get("id"))
    return Container(
        channel_id=channel_id,
        message_ts=text_of(box.get("message_ts")) or text_of(msg.get("ts")) or None,
        thread_ts=text_of(box.get("thread_ts")) or text_of(msg.get("thread_ts")) or None,
        ephemeral=bool(box.get("is_ephemeral")),
    )


def user_of(body: Mapping[str, Any]) -> str:
    return text_of(mapping(body.get("user")).get("id")) or text_of(body.get("user_id"))


def press(
    body: Mapping[str, Any], ws: Workspace, token: Token, values: tuple[str, ...]
) -> tuple[Press, Place]:
    box = container(body)
    user_id = user_of(body)
    direct = is_direct_channel(box.channel_id)
    response_url = text_of(body.get("response_url")) if box.ephemeral else ""
    place = Place(ws, box.channel_id, box.thread_ts, user_id, direct, response_url or None)
    origin = _origin(ws, box.channel_id, box.thread_ts, direct)
    event = Press(_trigger_id(body), origin, _sender(user_id), token, values)
    return event, place


def submit(
    body: Mapping[str, Any], ws: Workspace, token: Token, values: Mapping[str, str],
    channel_id: str, thread_ts: str | None,
) -> tuple[FormSubmit, Place]:
    """A modal submitted; its conversation comes from the stored form."""
    user_id = user_of(body)
    direct = is_direct_channel(channel_id)
    place = Place(ws, channel_id, thread_ts, user_id, direct)
    origin = _origin(ws, channel_id, thread_ts, direct)
    return FormSubmit(_trigger_id(body), origin, _sender(user_id), token, dict(values)), place


def answer_label(body: Mapping[str, Any]) -> str:
    """What the user chose, as Slack showed it: the button's text or the picked options."""
    actions = body.get("actions")
    action = mapping(actions[0]) if isinstance(actions, list) and actions else {}
    labels: list[str] = []
    state = mapping(mapping(body.get("state")).get("values"))
    if action.get("action_id") == NEXT:
        for block in state.values():
            for element in mapping(block).values():
                element = mapping(element)
                chosen = element.get("selected_options")
                if chosen is None and element.get("selected_option"):
                    chosen = [element["selected_option"]]
                for option in chosen if isinstance(chosen, list) else []:
                    labels.append(text_of(mapping(mapping(option).get("text")).get("text")))
        return ", ".join(label for label in labels if label) or "Nothing selected"
    return text_of(mapping(action.get("text")).get("text"))
