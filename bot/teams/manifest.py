"""The Teams app package: ``manifest/teams/manifest.json`` filled in, zipped with both icons.

The command lists come from the foundation's command table, so the Teams command menu never
drifts from ``help``. No SDK here: building a package needs neither botbuilder nor the network.
"""

from __future__ import annotations

import json
import struct
import uuid
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from dialogs.commands import BY_NAME

MANIFEST_DIR = Path(__file__).resolve().parents[2] / "manifest" / "teams"
ICONS = {"color": (192, 192), "outline": (32, 32)}
PLACEHOLDER_HOST = "example.com"
# At most 10 commands per list (Teams' limit); the most useful for each kind of conversation.
PERSONAL_COMMANDS = ("help", "ask", "interview", "status", "plan", "edit", "subscribe",
                     "nudge now", "pause nudges", "cancel")
TEAM_COMMANDS = ("help", "ask", "status", "plan", "post plan", "subscribe", "unsubscribe",
                 "nudge now", "pause nudges", "resume nudges")
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # fixed, so the same inputs make the same zip


class ManifestError(ValueError):
    """The package cannot be built; the message says what to fix."""


def command_lists() -> list[dict[str, Any]]:
    """``bots[0].commandLists`` from ``dialogs.commands.COMMANDS``."""
    return [
        {"scopes": ["personal"], "commands": _commands(PERSONAL_COMMANDS)},
        {"scopes": ["team", "groupChat"], "commands": _commands(TEAM_COMMANDS)},
    ]


def _commands(names: Sequence[str]) -> list[dict[str, str]]:
    out = []
    for name in names:
        spec = BY_NAME[name]
        usage = f" Usage: {spec.usage}" if spec.args != "none" else ""
        out.append({"title": spec.name, "description": spec.summary + usage})
    return out


def load_template(folder: Path = MANIFEST_DIR) -> dict[str, Any]:
    try:
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ManifestError(f"cannot read {folder / 'manifest.json'}: {exc}") from None
    if not isinstance(data, dict):
        raise ManifestError("manifest.json must hold a JSON object")
    return data


def build_manifest(
    template: dict[str, Any], *, app_id: str, website_url: str, privacy_url: str | None = None,
    terms_url: str | None = None, version: str | None = None,
) -> dict[str, Any]:
    """The template with the bot's app id, the developer URLs and the command lists."""
    guid = parse_app_id(app_id)
    urls = {
        "websiteUrl": website_url,
        "privacyUrl": privacy_url or website_url,
        "termsOfUseUrl": terms_url or website_url,
    }
    for key, url in urls.items():
        check_url(key, url)
    manifest: dict[str, Any] = json.loads(json.dumps(template))
    manifest["id"] = guid
    manifest["developer"] = {**manifest.get("developer", {}), **urls}
    if version:
        manifest["version"] = version
    bots = manifest.get("bots")
    if not isinstance(bots, list) or not bots or not isinstance(bots[0], dict):
        raise ManifestError("manifest.json needs one entry in bots")
    bots[0]["botId"] = guid
    bots[0]["commandLists"] = command_lists()
    return manifest


def parse_app_id(app_id: str) -> str:
    """The Microsoft App ID as Teams wants it: a lowercase GUID with hyphens."""
    try:
        return str(uuid.UUID(app_id.strip()))
    except (ValueError, AttributeError):
        raise ManifestError(
            f"--app-id must be the bot's Microsoft App ID, a GUID (got {app_id!r})"
        ) from None


def check_url(key: str, url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise ManifestError(f"{key} must be an https URL (got {url!r})")
    if parts.hostname == PLACEHOLDER_HOST or parts.hostname.endswith("." + PLACEHOLDER_HOST):
        raise ManifestError(f"{key} is still the template's placeholder: give your own URL")


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG header; ``ManifestError`` for anything else."""
    if len(data) < 24 or data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ManifestError("icon is not a PNG file")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def write_package(manifest: dict[str, Any], output: Path, folder: Path = MANIFEST_DIR) -> Path:
    """Zip ``manifest.json`` and the icons it names, after checking the icons' sizes."""
    icons = manifest.get("icons", {})
    files: dict[str, bytes] = {}
    for kind, size in ICONS.items():
        name = icons.get(kind)
        if not isinstance(name, str) or "/" in name or "\\" in name:
            raise ManifestError(f"icons.{kind} must name a file next to manifest.json")
        try:
            data = (folder / name).read_bytes()
        except OSError as exc:
            raise ManifestError(f"cannot read icon {name}: {exc.strerror}") from None
        if png_size(data) != size:
            raise ManifestError(f"{name} must be {size[0]}×{size[1]} pixels")
        files[name] = data
    body = json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in {"manifest.json": body, **files}.items():
            package.writestr(zipfile.ZipInfo(name, _ZIP_TIME), data, zipfile.ZIP_DEFLATED)
    return output
