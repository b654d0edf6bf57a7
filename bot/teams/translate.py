"""Teams activity (raw JSON) → the core's inbound types, through one dispatch table.

Unknown activity types are skipped on purpose, in ``DISPATCH``'s default. No SDK here: the
payload has already passed ``activity.check_activity``.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from bot.teams.cards import parse_submit
from dialogs.messages import FormSubmit, Inbound, Joined, Origin, Press, Sender, TextMessage

CHANNEL_THREAD = ";messageid="
DEV_ORG = "local"  # org of dev-mode activities without a tenant (e.g. the Bot Framework Emulator)
_MENTION = re.compile(r"<at(?:\s[^>]*)?>(.*?)</at>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Address:
    """Where an activity came from and how to answer there (plain data, no SDK objects)."""

    service_url: str
    channel_id: str  # the Bot Framework channel, "msteams"
    conversation_id: str  # as Teams sent it: a channel thread ends with ";messageid=<root>"
    conversation_type: str  # "personal", "groupChat", "channel" (or "" when Teams omits it)
    tenant_id: str
    bot_id: str
    bot_name: str
    user_id: str  # from.id, needed to open a 1:1 chat
    user_name: str = ""
    user_aad_id: str = ""
    activity_id: str | None = None  # the message to reply to
    team_id: str | None = None
    team_channel_id: str | None = None  # the channel ("19:…@thread.tacv2") of a channel message

    @property
    def base_conversation_id(self) -> str:
        """The conversation without its thread: the channel itself for channel messages."""
        return self.conversation_id.split(CHANNEL_THREAD, 1)[0]

    @property
    def in_channel(self) -> bool:
        return self.conversation_type == "channel"


@dataclass(frozen=True)
class Skip:
    reason: str


@dataclass(frozen=True)
class Reject:
    reason: str


@dataclass(frozen=True)
class Unsupported:
    """An invoke we do not handle: answered with a 4xx invoke response."""

    name: str


@dataclass(frozen=True)
class Turn:
    event: Inbound
    address: Address
    card_id: str | None = None  # the card a press came from (``replyToId``), to update it


@dataclass(frozen=True)
class Uninstall:
    """The bot left a team, chat or personal scope: deactivate what it can no longer reach."""

    org_id: str
    address: Address
    scope: Literal["team", "conversation"]
    reason: str


Translation = Skip | Reject | Unsupported | Turn | Uninstall
Handler = Callable[[Mapping[str, Any], bool], Translation]


def translate(payload: Mapping[str, Any], dev_mode: bool = False) -> Translation:
    """What one activity means to Crosswalk."""
    kind = payload["type"]
    handler = DISPATCH.get(kind)
    if handler is None:
        return Skip(f"activity type {kind[:40]!r} is not handled")
    return handler(payload, dev_mode)


# --------------------------------------------------------------------------- handlers


def _message(payload: Mapping[str, Any], dev_mode: bool) -> Translation:
    found = _context(payload, dev_mode)
    if isinstance(found, Reject):
        return found
    origin, sender, address = found
    inbound_id = _inbound_id(payload)
    value = payload.get("value")
    if value is not None:
        submitted = parse_submit(value)
        if submitted is None:
            return Skip("card submit without a Crosswalk token")
        token, values = submitted
        card_id = _str(payload, "replyToId") or None
        event: Inbound
        if isinstance(values, dict):
            event = FormSubmit(inbound_id, origin, sender, token, values)
        else:
            event = Press(inbound_id, origin, sender, token, values)
        return Turn(event, address, card_id)
    text = clean_text(_str(payload, "text"), payload, address.bot_id, address.bot_name)
    return Turn(TextMessage(inbound_id, origin, sender, text), address)


def _conversation_update(payload: Mapping[str, Any], dev_mode: bool) -> Translation:
    bot_id = _str(payload, "recipient", "id")
    added = _member_ids(payload.get("membersAdded"))
    removed = _member_ids(payload.get("membersRemoved"))
    if bot_id and bot_id in removed:
        return _uninstall(payload, dev_mode, "removed from the conversation")
    if not bot_id or bot_id not in added:
        return Skip("conversationUpdate without the bot joining")
    return _joined(payload, dev_mode)


def _installation_update(payload: Mapping[str, Any], dev_mode: bool) -> Translation:
    action = _str(payload, "action")
    if action == "remove":
        return _uninstall(payload, dev_mode, "app uninstalled")
    if action == "add":
        return _joined(payload, dev_mode)
    return Skip(f"installationUpdate action {action[:40]!r} is not handled")


def _invoke(payload: Mapping[str, Any], dev_mode: bool) -> Translation:
    return Unsupported(_str(payload, "name")[:100] or "(unnamed)")


DISPATCH: dict[str, Handler] = {
    "message": _message,
    "conversationUpdate": _conversation_update,
    "installationUpdate": _installation_update,
    "invoke": _invoke,
}


# --------------------------------------------------------------------------- helpers


def _joined(payload: Mapping[str, Any], dev_mode: bool) -> Translation:
    found = _context(payload, dev_mode)
    if isinstance(found, Reject):
        return found
    origin, sender, address = found
    return Turn(Joined(_inbound_id(payload), origin, sender), _without_reply(address))


def _uninstall(payload: Mapping[str, Any], dev_mode: bool, reason: str) -> Translation:
    found = _context(payload, dev_mode, need_sender=False)
    if isinstance(found, Reject):
        return found
    origin, _sender, address = found
    scope: Literal["team", "conversation"] = "team" if address.team_id else "conversation"
    return Uninstall(origin.org_id, address, scope, reason)


def _without_reply(address: Address) -> Address:
    """Joined events are answered as new messages, not as replies."""
    return Address(**{**address.__dict__, "activity_id": None})


def _context(
    payload: Mapping[str, Any], dev_mode: bool, need_sender: bool = True
) -> tuple[Origin, Sender, Address] | Reject:
    tenant = tenant_id(payload) or (DEV_ORG if dev_mode else "")
    if not tenant:
        return Reject("activity has no tenant id")
    from_id = _str(payload, "from", "id")
    if need_sender and not from_id:
        return Reject("activity has no from.id")
    conversation_id = _str(payload, "conversation", "id")
    conversation_type = _str(payload, "conversation", "conversationType")
    base, _, thread = conversation_id.partition(CHANNEL_THREAD)
    is_channel = conversation_type == "channel"
    team_channel = _str(payload, "channelData", "channel", "id") or (base if is_channel else "")
    address = Address(
        service_url=_str(payload, "serviceUrl"),
        channel_id=_str(payload, "channelId"),
        conversation_id=conversation_id,
        conversation_type=conversation_type,
        tenant_id=tenant,
        bot_id=_str(payload, "recipient", "id"),
        bot_name=_str(payload, "recipient", "name"),
        user_id=from_id,
        user_name=_str(payload, "from", "name"),
        user_aad_id=_str(payload, "from", "aadObjectId"),
        activity_id=_str(payload, "id") or None,
        team_id=_str(payload, "channelData", "team", "id") or None,
        team_channel_id=team_channel or None,
    )
    origin = Origin(
        channel="teams",
        org_id=tenant,
        conversation_id=base if is_channel else conversation_id,
        thread_id=(thread or None) if is_channel else None,
        is_direct=conversation_type == "personal",
    )
    sender = Sender(
        user_id=address.user_aad_id or from_id,
        display_name=address.user_name[:200],
        platform_user_id=from_id,
        time_zone=time_zone(payload.get("localTimezone")),
    )
    return origin, sender, address


def _inbound_id(payload: Mapping[str, Any]) -> str:
    return f"{_str(payload, 'conversation', 'id')}|{_str(payload, 'id')}"


def tenant_id(payload: Mapping[str, Any]) -> str:
    """Teams puts the tenant in ``channelData.tenant.id`` and ``conversation.tenantId``."""
    return (
        _str(payload, "channelData", "tenant", "id")
        or _str(payload, "conversation", "tenantId")
        or _str(payload, "conversation", "tenantID")
    )


def time_zone(value: object) -> str | None:
    """An IANA zone name Python knows, else None."""
    if not isinstance(value, str) or not value or len(value) > 64:
        return None
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None
    return value


def clean_text(text: str, payload: Mapping[str, Any], bot_id: str, bot_name: str) -> str:
    """The message without the bot's ``<at>`` mention; other mentions become ``@Name``."""
    for entity in payload.get("entities") or ():
        if not isinstance(entity, dict) or entity.get("type") != "mention":
            continue
        mentioned = entity.get("mentioned")
        mention_text = entity.get("text")
        if (
            isinstance(mentioned, dict)
            and mentioned.get("id") == bot_id
            and isinstance(mention_text, str)
            and mention_text
        ):
            text = text.replace(mention_text, " ")

    def other(match: re.Match[str]) -> str:
        name = match[1].strip()
        return " " if bot_name and name == bot_name else f"@{name}"

    text = _MENTION.sub(other, text).replace("&nbsp;", " ")
    return "\n".join(" ".join(line.split()) for line in text.splitlines()).strip()


def _member_ids(members: object) -> set[str]:
    if not isinstance(members, list):
        return set()
    return {m["id"] for m in members if isinstance(m, dict) and isinstance(m.get("id"), str)}


def _str(payload: Mapping[str, Any], *path: str) -> str:
    """A string found at ``path``, else ""."""
    node: Any = payload
    for key in path:
        if not isinstance(node, dict):
            return ""
        node = node.get(key)
    return node if isinstance(node, str) else ""
