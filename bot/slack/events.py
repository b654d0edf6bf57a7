"""Which Slack events Crosswalk handles, in one table; everything else is skipped on purpose.

``EVENTS`` maps a subscription name (as in the app manifest, e.g. ``message.im``) to the bot
scopes it needs; ``METHODS`` maps each Web API method the edge calls to its scope. The manifest
test checks both against ``manifest/slack/manifest.yaml`` in each direction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

EVENTS: dict[str, frozenset[str]] = {
    "app_mention": frozenset({"app_mentions:read"}),
    "message.im": frozenset({"im:history"}),
    "app_home_opened": frozenset(),
    "member_joined_channel": frozenset({"channels:read", "groups:read"}),
    "channel_left": frozenset({"channels:read"}),
    "group_left": frozenset({"groups:read"}),
    "app_uninstalled": frozenset(),
    "tokens_revoked": frozenset(),
}

METHODS: dict[str, frozenset[str]] = {
    "auth.test": frozenset(),
    "chat.postMessage": frozenset({"chat:write"}),
    "chat.update": frozenset({"chat:write"}),
    "conversations.open": frozenset({"im:write"}),
    "conversations.info": frozenset({"channels:read", "groups:read"}),
    "users.info": frozenset({"users:read"}),
    "views.open": frozenset(),
    "views.publish": frozenset(),
    "oauth.v2.access": frozenset(),
}

SLASH_COMMAND_SCOPE = "commands"

# message subtypes, named so the log says why a message was skipped
_SUBTYPES = {
    "message_changed": "an edit",
    "message_deleted": "a deletion",
    "message_replied": "a thread notification",
    "bot_message": "a bot's message",
    "me_message": "a /me message",
    "channel_join": "a join notice",
    "channel_leave": "a leave notice",
    "file_share": "a file share",
    "thread_broadcast": "a thread broadcast",
}


def bolt_event_types() -> list[str]:
    """The ``type`` values Bolt must route to the edge (``message.im`` arrives as ``message``)."""
    return sorted({name.split(".", 1)[0] for name in EVENTS})


def classify(event: Mapping[str, Any], bot_user_id: str | None) -> tuple[str | None, str]:
    """The ``EVENTS`` key that handles an event, or ``None`` with the reason it is skipped."""
    kind = event.get("type")
    if not isinstance(kind, str) or not kind:
        return None, "no event type"
    if kind == "message":
        return _message(event, bot_user_id)
    if kind == "member_joined_channel":
        return (kind, "") if _is_bot(event, bot_user_id) else (None, "another member joined")
    if kind == "app_mention" and (
        event.get("subtype") or event.get("bot_id") or _is_bot(event, bot_user_id)
    ):
        return None, "a bot's or edited mention"
    if kind in EVENTS:
        return kind, ""
    return None, f"event type {kind!r} is not handled"


def _message(event: Mapping[str, Any], bot_user_id: str | None) -> tuple[str | None, str]:
    subtype = event.get("subtype")
    if subtype:
        return None, _SUBTYPES.get(str(subtype), f"message subtype {subtype!r}")
    if event.get("bot_id") or _is_bot(event, bot_user_id):
        return None, "a bot's message"
    if event.get("channel_type") != "im":
        return None, f"a message in a {event.get('channel_type') or 'unknown'} conversation"
    return "message.im", ""


def _is_bot(event: Mapping[str, Any], bot_user_id: str | None) -> bool:
    return bool(bot_user_id) and event.get("user") == bot_user_id
