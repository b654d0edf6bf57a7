"""The Teams app package: the official v1.22 schema, icon sizes and transparency, the zip."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft4Validator
from PIL import Image

from bot.cli import main
from bot.teams.manifest import (
    MANIFEST_DIR,
    ManifestError,
    build_manifest,
    command_lists,
    load_template,
    png_size,
    write_package,
)
from dialogs.commands import BY_NAME

SCHEMA = Path(__file__).parents[1] / "schemas" / "teams-manifest-v1.22.schema.json"
APP_ID = "8C1F4E0A-5B7D-4C2E-9F3A-1D6B0E2C4A7F"
SITE = "https://crosswalk.contoso.com"


def schema_errors(manifest: dict[str, Any]) -> list[str]:
    validator = Draft4Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    return [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(manifest)]


def test_the_template_is_valid_and_current() -> None:
    template = load_template()
    assert schema_errors(template) == []
    assert template["manifestVersion"] == "1.22"
    assert template["$schema"].endswith("/teams/v1.22/MicrosoftTeams.schema.json")
    assert template["bots"][0]["scopes"] == ["personal", "team", "groupChat"]
    assert template["bots"][0]["commandLists"] == command_lists()  # regenerate when it fails


def test_the_built_manifest_is_valid() -> None:
    manifest = build_manifest(load_template(), app_id=APP_ID, website_url=SITE,
                              privacy_url=f"{SITE}/privacy")
    assert schema_errors(manifest) == []
    assert manifest["id"] == manifest["bots"][0]["botId"] == APP_ID.lower()
    assert manifest["developer"]["privacyUrl"] == f"{SITE}/privacy"
    assert manifest["developer"]["termsOfUseUrl"] == SITE
    assert len(manifest["name"]["short"]) <= 30 and len(manifest["description"]["short"]) <= 80


def test_command_lists_come_from_the_command_table() -> None:
    for command_list in command_lists():
        assert len(command_list["commands"]) <= 10
        for command in command_list["commands"]:
            spec = BY_NAME[command["title"]]
            assert command["description"].startswith(spec.summary)
            assert len(command["title"]) <= 32


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"app_id": "not-a-guid"}, "GUID"),
        ({"website_url": "http://insecure.example.org"}, "https URL"),
        ({"website_url": "https://example.com/crosswalk"}, "placeholder"),
        ({"terms_url": "ftp://x"}, "termsOfUseUrl must be an https URL"),
    ],
)
def test_bad_options_are_refused(options: dict[str, str], message: str) -> None:
    values = {"app_id": APP_ID, "website_url": SITE} | options
    with pytest.raises(ManifestError, match=message):
        build_manifest(load_template(), **values)


def load(name: str) -> Image.Image:
    with Image.open(MANIFEST_DIR / name) as image:
        image.load()
        return image


def test_icons_have_the_right_sizes_and_transparency() -> None:
    color = load("color.png")
    assert color.format == "PNG" and color.size == (192, 192)
    outline = load("outline.png")
    assert outline.format == "PNG" and outline.size == (32, 32) and outline.mode == "RGBA"
    pixels = [outline.getpixel((x, y)) for x in range(32) for y in range(32)]
    alphas = [p[3] for p in pixels]
    assert all(p[:3] == (255, 255, 255) for p in pixels if p[3] > 0), "white only"
    assert alphas.count(0) > 200 and alphas.count(255) > 50  # transparent ground, solid mark


def test_the_icons_are_what_the_generator_draws() -> None:
    from manifest.teams.icons import color_icon, outline_icon

    for name, image in (("color.png", color_icon()), ("outline.png", outline_icon())):
        stored = load(name)
        assert stored.convert("RGBA").tobytes() == image.convert("RGBA").tobytes()


def test_the_package_holds_the_manifest_and_both_icons(tmp_path: Path) -> None:
    manifest = build_manifest(load_template(), app_id=APP_ID, website_url=SITE)
    path = write_package(manifest, tmp_path / "out" / "crosswalk-teams.zip")
    with zipfile.ZipFile(path) as package:
        assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]
        assert json.loads(package.read("manifest.json")) == manifest
        with Image.open(io.BytesIO(package.read("outline.png"))) as outline:
            assert outline.size == (32, 32)
    again = write_package(manifest, tmp_path / "again.zip")
    assert again.read_bytes() == path.read_bytes()  # reproducible


def test_a_wrong_icon_size_is_refused(tmp_path: Path) -> None:
    (tmp_path / "color.png").write_bytes((MANIFEST_DIR / "outline.png").read_bytes())
    (tmp_path / "outline.png").write_bytes((MANIFEST_DIR / "outline.png").read_bytes())
    manifest = build_manifest(load_template(), app_id=APP_ID, website_url=SITE)
    with pytest.raises(ManifestError, match="192×192"):
        write_package(manifest, tmp_path / "x.zip", folder=tmp_path)
    with pytest.raises(ManifestError, match="not a PNG"):
        png_size(b"GIF89a" + b"\0" * 30)


def test_cli_builds_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MICROSOFT_APP_ID", raising=False)
    monkeypatch.delenv("CROSSWALK_BASE_URL", raising=False)
    out = tmp_path / "pkg.zip"
    runner = CliRunner()
    result = runner.invoke(main, ["manifest", "build", "--app-id", APP_ID, "--website-url", SITE,
                                  "--terms-url", f"{SITE}/terms", "-o", str(out)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as package:
        built = json.loads(package.read("manifest.json"))
    assert built["bots"][0]["botId"] == APP_ID.lower() and schema_errors(built) == []
    missing = runner.invoke(main, ["manifest", "build", "--website-url", SITE])
    assert missing.exit_code == 2 and "--app-id" in missing.output
    bad = runner.invoke(main, ["manifest", "build", "--app-id", "x", "--website-url", SITE])
    assert bad.exit_code == 2 and "GUID" in bad.output
    monkeypatch.setenv("CROSSWALK_BASE_URL", SITE)
    monkeypatch.setenv("MICROSOFT_APP_ID", APP_ID)
    from_env = runner.invoke(main, ["manifest", "build", "-o", str(tmp_path / "env.zip")])
    assert from_env.exit_code == 0, from_env.output
