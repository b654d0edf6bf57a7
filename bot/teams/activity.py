"""Checks on a raw activity before the SDK sees it (the SDK answers 500 to malformed input)."""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

MAX_ID = 1024  # longest id we accept (Teams ids are well under 300 characters)
# ids go into URLs and the x-ms-conversation-id header: a control character there made the reply
# fail inside aiohttp (issue 12)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class BadActivity(ValueError):
    """The request body is not an activity we can read; the message is the 400 reason."""


def parse_body(body: bytes) -> dict[str, Any]:
    """UTF-8 JSON object, or ``BadActivity`` with the reason."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadActivity("body is not UTF-8") from None
    try:
        payload = json.loads(text)
    except (ValueError, RecursionError):
        raise BadActivity("body is not valid JSON") from None
    if not isinstance(payload, dict):
        raise BadActivity("an activity must be a JSON object")
    return payload


def check_activity(payload: Mapping[str, Any]) -> None:
    """The fields every activity needs before it can be authenticated or answered."""
    for key in ("type", "id", "channelId"):
        value = payload.get(key)
        if not isinstance(value, str) or not value or len(value) > MAX_ID:
            raise BadActivity(f"activity needs a string {key}")
        if _CONTROL.search(value):
            raise BadActivity(f"activity {key} has control characters")
    if not is_http_url(payload.get("serviceUrl")):
        raise BadActivity("activity needs an http(s) serviceUrl")
    conversation = payload.get("conversation")
    conv_id = conversation.get("id") if isinstance(conversation, dict) else None
    if not isinstance(conv_id, str) or not conv_id or len(conv_id) > MAX_ID:
        raise BadActivity("activity needs a conversation.id")
    if _CONTROL.search(conv_id):
        raise BadActivity("activity conversation.id has control characters")
    for key in ("from", "recipient", "channelData"):
        if key in payload and payload[key] is not None and not isinstance(payload[key], dict):
            raise BadActivity(f"activity {key} must be an object")


def is_http_url(value: object) -> bool:
    if not isinstance(value, str) or len(value) > 2048:
        return False
    try:
        parts = urlsplit(value)
        _ = parts.port  # raises on a malformed port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def is_loopback_url(value: object) -> bool:
    """An http(s) URL whose host is literally ``localhost``, in 127.0.0.0/8 or ``::1``."""
    if not is_http_url(value):
        return False
    assert isinstance(value, str)
    host = urlsplit(value).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
