"""The Slack app manifest: ``manifest/slack/manifest.yaml`` with the deployment's URLs."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from bot.slack.events import EVENTS, METHODS, SLASH_COMMAND_SCOPE

MANIFEST = Path(__file__).resolve().parent.parent.parent / "manifest" / "slack" / "manifest.yaml"
EVENTS_PATH = "/slack/events"
REDIRECT_PATH = "/slack/oauth_redirect"


class ManifestError(ValueError):
    """The manifest or the base URL cannot be used."""


def bot_scopes() -> list[str]:
    """Every bot scope the listeners and the Web API calls need (the manifest's, exactly)."""
    needed = {SLASH_COMMAND_SCOPE}
    for scopes in (*EVENTS.values(), *METHODS.values()):
        needed |= scopes
    return sorted(needed)


def load(path: Path = MANIFEST) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ManifestError(f"{path} is not a YAML mapping")
    return data


def base_url_problem(base_url: str) -> str | None:
    parts = urlsplit(base_url)
    if parts.scheme != "https" or not parts.hostname:
        return "the base URL must be https://host[/path] (Slack only calls https URLs)"
    if parts.query or parts.fragment:
        return "the base URL must not have a query or fragment"
    return None


def build(base_url: str, *, socket_mode: bool = False, path: Path = MANIFEST) -> dict[str, Any]:
    """The manifest with every URL on ``base_url``; Socket Mode drops the request URLs."""
    problem = base_url_problem(base_url)
    if problem:
        raise ManifestError(problem)
    base = base_url.rstrip("/")
    manifest = copy.deepcopy(load(path))
    try:
        settings = manifest["settings"]
        commands = manifest["features"]["slash_commands"]
        settings["event_subscriptions"]["request_url"] = base + EVENTS_PATH
        settings["interactivity"]["request_url"] = base + EVENTS_PATH
        for command in commands:
            command["url"] = base + EVENTS_PATH
        manifest["oauth_config"]["redirect_urls"] = [base + REDIRECT_PATH]
    except (KeyError, TypeError) as exc:
        raise ManifestError(f"{path} lacks a section the builder fills in: {exc}") from None
    if socket_mode:
        settings["socket_mode_enabled"] = True
        settings["event_subscriptions"].pop("request_url", None)
        settings["interactivity"].pop("request_url", None)
        for command in commands:
            command.pop("url", None)
    return manifest


def dump(manifest: dict[str, Any]) -> str:
    return yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True, width=100)
