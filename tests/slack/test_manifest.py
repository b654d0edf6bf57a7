"""The app manifest asks for exactly what the listeners use, and its URLs follow the base URL."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.cli import main
from bot.slack import events
from bot.slack.listeners import SlackListeners
from bot.slack.manifest import MANIFEST, ManifestError, bot_scopes, build, load

SLACK_SOURCES = Path(events.__file__).parent


def urls(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [u for v in node.values() for u in urls(v)]
    if isinstance(node, list):
        return [u for v in node for u in urls(v)]
    return [node] if isinstance(node, str) and node.startswith("http") else []


def test_every_manifest_event_has_a_listener_and_the_reverse() -> None:
    manifest = load()
    subscribed = manifest["settings"]["event_subscriptions"]["bot_events"]
    assert sorted(subscribed) == sorted(events.EVENTS)
    sender = SimpleNamespace(store=None)
    listeners = SlackListeners(runner=None, sender=sender, slack_store=None,  # type: ignore[arg-type]
                               people=None, clock=None)  # type: ignore[arg-type]
    assert sorted(listeners.events) == sorted(subscribed)
    bolt = AsyncApp(client=AsyncWebClient(token="xoxb-x"), signing_secret="s")
    listeners.register(bolt)
    # one Bolt listener per event type (message.im arrives as "message"), plus the slash
    # command, block actions and the form modal's submission
    assert len(bolt._async_listeners) == len(events.bolt_event_types()) + 3
    assert sorted(events.bolt_event_types()) == sorted({e.split(".")[0] for e in subscribed})


def test_every_manifest_scope_is_used_and_every_used_scope_is_asked_for() -> None:
    manifest = load()
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == bot_scopes()
    assert "user" not in manifest["oauth_config"]["scopes"]


def test_every_web_api_method_in_the_scope_table_is_called() -> None:
    source = "\n".join(p.read_text() for p in SLACK_SOURCES.glob("*.py"))
    called = set(re.findall(r"\.(\w+)\(", source))
    for method in events.METHODS:
        snake = method.replace(".", "_")
        if method in ("auth.test", "oauth.v2.access"):
            continue  # called by Bolt: authorization and the OAuth redirect
        assert snake in called, f"{method} is in events.METHODS but never called"
    for name in called:
        if name.startswith(("chat_", "conversations_", "users_", "views_")):
            method = name.replace("_", ".", 1)
            assert method in events.METHODS, f"{method} is called but has no scope entry"


def test_the_manifest_declares_the_command_interactivity_and_app_home() -> None:
    manifest = load()
    commands = manifest["features"]["slash_commands"]
    assert [c["command"] for c in commands] == ["/crosswalk"]
    assert commands[0]["should_escape"] is True  # #channel arrives as <#C…|name>
    home = manifest["features"]["app_home"]
    assert home == {"home_tab_enabled": True, "messages_tab_enabled": True,
                    "messages_tab_read_only_enabled": False}
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["features"]["bot_user"]["display_name"] == "Crosswalk"
    assert len(manifest["display_information"]["description"]) <= 140
    assert 175 <= len(manifest["display_information"]["long_description"]) <= 4000


def test_every_url_comes_from_the_base_url() -> None:
    built = build("https://bot.acme.example/crosswalk/")
    found = urls(built)
    assert len(found) == 4
    assert all(u.startswith("https://bot.acme.example/crosswalk/slack/") for u in found)
    assert built["settings"]["event_subscriptions"]["request_url"].endswith("/slack/events")
    assert built["oauth_config"]["redirect_urls"] == [
        "https://bot.acme.example/crosswalk/slack/oauth_redirect"
    ]
    assert load() != built  # the template itself is untouched


def test_socket_mode_drops_the_request_urls() -> None:
    built = build("https://bot.acme.example", socket_mode=True)
    assert built["settings"]["socket_mode_enabled"] is True
    assert urls(built) == ["https://bot.acme.example/slack/oauth_redirect"]


@pytest.mark.parametrize("bad", ["http://bot.example", "bot.example", "https://", "https://x/?a=1"])
def test_bad_base_urls_are_refused(bad: str) -> None:
    with pytest.raises(ManifestError):
        build(bad)


def test_the_cli_renders_the_manifest(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["slack-manifest", "--base-url", "https://bot.acme.example"])
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(result.output) == build("https://bot.acme.example")
    out = tmp_path / "slack.yaml"
    result = runner.invoke(main, ["slack-manifest", "--base-url", "https://bot.acme.example",
                                  "-o", str(out)])
    assert result.exit_code == 0 and yaml.safe_load(out.read_text())["_metadata"]
    result = runner.invoke(main, ["slack-manifest", "--base-url", "http://insecure.example"])
    assert result.exit_code == 2 and "https" in result.output


def test_the_template_is_where_the_builder_looks() -> None:
    assert MANIFEST.is_file() and MANIFEST.parts[-3:] == ("manifest", "slack", "manifest.yaml")
