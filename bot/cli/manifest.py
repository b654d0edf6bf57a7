"""``crosswalk manifest build``: app packages to upload to a chat platform.

Each platform is one entry in ``TARGETS`` and one flag that selects it (``--teams`` is the
default); adding another platform adds a flag and an entry, nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click

from bot.cli.common import fail, load


@dataclass(frozen=True)
class BuildRequest:
    """What ``manifest build`` was asked for; each target reads the options it needs."""

    app_id: str | None
    website_url: str | None
    privacy_url: str | None
    terms_url: str | None
    output: Path | None


def build_teams(request: BuildRequest) -> Path:
    """The Teams app package: manifest.json, color.png and outline.png in one zip."""
    from bot.teams.manifest import ManifestError, build_manifest, load_template, write_package

    settings = load()
    app_id = request.app_id or settings.microsoft_app_id
    if not app_id:
        fail("give --app-id GUID (the bot's Microsoft App ID) or set MICROSOFT_APP_ID", 2)
    website = request.website_url or settings.base_url
    if not website:
        fail("give --website-url https://… (or set CROSSWALK_BASE_URL)", 2)
    output = request.output or Path("crosswalk-teams.zip")
    try:
        manifest = build_manifest(
            load_template(), app_id=app_id, website_url=website,
            privacy_url=request.privacy_url, terms_url=request.terms_url,
        )
        return write_package(manifest, output)
    except ManifestError as exc:
        fail(str(exc), 2)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror}")


TARGETS: dict[str, Callable[[BuildRequest], Path]] = {"teams": build_teams}


@click.group()
def manifest() -> None:
    """App packages to upload to Teams."""


@manifest.command("build")
@click.option("--teams", "target", flag_value="teams", default=True,
              help="Build the Microsoft Teams app package (the default).")
@click.option("--app-id", default=None, metavar="GUID",
              help="The bot's Microsoft App ID (default: $MICROSOFT_APP_ID).")
@click.option("--website-url", default=None,
              help="https URL of your Crosswalk page (default: $CROSSWALK_BASE_URL).")
@click.option("--privacy-url", default=None,
              help="https URL of the privacy statement (default: the website URL).")
@click.option("--terms-url", default=None,
              help="https URL of the terms of use (default: the website URL).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the package (default: crosswalk-teams.zip).")
def build(target: str, app_id: str | None, website_url: str | None, privacy_url: str | None,
          terms_url: str | None, output: Path | None) -> None:
    """Build the app package to upload (Teams admin center → Manage apps → Upload)."""
    request = BuildRequest(app_id, website_url, privacy_url, terms_url, output)
    written = TARGETS[target](request)
    click.echo(f"wrote {written}")
