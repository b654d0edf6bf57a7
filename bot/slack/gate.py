"""What a Slack request must pass before Bolt sees it: signature, encoding, shape.

Bolt parses the body before it checks the signature and answers 500 to malformed input, so the
edge checks first, on the raw bytes, and rejects with a 4xx and a reason. The parsing here makes
the same JSON-or-form decision as Bolt's ``parse_body``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from slack_sdk.signature import Clock, SignatureVerifier

MAX_SKEW_S = 300


@dataclass(frozen=True)
class Rejection:
    status: int
    reason: str


@dataclass(frozen=True)
class Accepted:
    text: str  # the body as verified, decoded
    payload: dict[str, Any]  # what Bolt will see as ``body``


def is_ssl_check(body: bytes) -> bool:
    """Slack's certificate check: a form post with ``ssl_check=1``, answered 200 as Bolt does."""
    if body[:1] == b"{" or len(body) > 2048:
        return False
    try:
        fields = dict(parse_qsl(body.decode("ascii"), keep_blank_values=True))
    except (UnicodeDecodeError, ValueError):
        return False
    return fields.get("ssl_check") == "1"


def verify_signature(
    secret: str, headers: Mapping[str, str], body: bytes, clock: Callable[[], float] = time.time
) -> bool:
    """Slack's v0 HMAC over ``v0:{timestamp}:{body}``, at most five minutes old, constant time."""
    timestamp = headers.get("X-Slack-Request-Timestamp", "")
    signature = headers.get("X-Slack-Signature", "")
    if not timestamp or not signature or not timestamp.isdigit():
        return False
    verifier = SignatureVerifier(secret, clock=_Clock(clock))
    try:
        return verifier.is_valid(body=body, timestamp=timestamp, signature=signature)
    except UnicodeDecodeError:
        # slack_sdk decodes the body before hashing; sign the raw bytes so that a correctly
        # signed non-UTF-8 body is told apart (400) from a forged one (401)
        if abs(clock() - int(timestamp)) > MAX_SKEW_S:
            return False
        digest = hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body,
                          hashlib.sha256).hexdigest()
        return hmac.compare_digest(f"v0={digest}", signature)


class _Clock(Clock):
    """slack_sdk's verifier asks a clock object for ``now()``."""

    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now

    def now(self) -> float:
        return self._now()


def parse(body: bytes, content_type: str) -> Accepted | Rejection:
    """Decode and parse a verified body; a 400 with a reason for anything malformed."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return Rejection(400, "request body is not UTF-8")
    if not text.strip():
        return Rejection(400, "request body is empty")
    try:
        if content_type == "application/json" or text.startswith("{"):
            payload: Any = json.loads(text)
        else:
            fields = dict(parse_qsl(text, keep_blank_values=True, strict_parsing=True))
            payload = json.loads(fields["payload"]) if "payload" in fields else fields
    except (ValueError, RecursionError):
        return Rejection(400, "request body is not valid JSON or form data")
    if not isinstance(payload, dict):
        return Rejection(400, "request body must be a JSON object")
    return Accepted(text, payload)


def check(
    secret: str, headers: Mapping[str, str], body: bytes, content_type: str,
    clock: Callable[[], float] = time.time,
) -> Accepted | Rejection | None:
    """``None`` for an ssl_check (answer 200), else the accepted payload or the rejection."""
    if not verify_signature(secret, headers, body, clock):
        if is_ssl_check(body):
            return None
        return Rejection(401, "invalid or expired Slack signature")
    return parse(body, content_type)
