"""Structured logging with a request id, and a filter that redacts secret values."""

from __future__ import annotations

import json
import logging
import re
import sys
from contextvars import ContextVar
from datetime import UTC, datetime

request_id: ContextVar[str] = ContextVar("request_id", default="-")

REDACTED = "[redacted]"
# credentials that are not settings (issue 12): Slack workspace tokens from OAuth installs, which
# slack_sdk logs at DEBUG in the oauth.v2.access response, and bearer JWTs
TOKEN_PATTERN = re.compile(
    r"\b(?:xox[a-z](?:\.[a-z]+)?|xapp)-[A-Za-z0-9-]{6,}|\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*"
)


class RedactSecrets(logging.Filter):
    """Replace any secret value (and any token-shaped string) that reaches a log record."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        for secret in self.secrets:
            message = message.replace(secret, REDACTED)
            if record.exc_text:
                record.exc_text = record.exc_text.replace(secret, REDACTED)
        message = TOKEN_PATTERN.sub(REDACTED, message)
        if record.exc_text:
            record.exc_text = TOKEN_PATTERN.sub(REDACTED, record.exc_text)
        record.msg, record.args = message, None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "request_id": request_id.get(),
            "message": record.getMessage(),
        }
        if record.exc_info or record.exc_text:
            entry["exception"] = record.exc_text or self.formatException(record.exc_info)  # type: ignore[arg-type]
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        record.request_id = request_id.get()
        return super().format(record)


def configure(level: str, fmt: str, secrets: list[str]) -> None:
    """Set up the root handler once (called by the CLI, never at import)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
