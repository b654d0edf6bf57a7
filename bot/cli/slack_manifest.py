"""``crosswalk slack-manifest``: the Slack app manifest with this deployment's URLs."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.common import fail, load


@click.command("slack-manifest")
@click.option("--base-url", default=None,
              help="Public https URL of Crosswalk (default: $CROSSWALK_BASE_URL).")
@click.option("--socket-mode", is_flag=True,
              help="For Socket Mode (no public URL): no request URLs, socket_mode_enabled.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the YAML here instead of printing it.")
def slack_manifest(base_url: str | None, socket_mode: bool, output: Path | None) -> None:
    """Render manifest/slack/manifest.yaml; paste it into "Create New App → From a manifest"."""
    from bot.slack.manifest import ManifestError, build, dump

    url = base_url or load().base_url
    if not url:
        if not socket_mode:
            fail("give --base-url https://your.host or set CROSSWALK_BASE_URL", 2)
        url = "https://crosswalk.example.com"  # only the OAuth redirect keeps it; edit if used
    try:
        text = dump(build(url, socket_mode=socket_mode))
    except ManifestError as exc:
        fail(str(exc), 2)
    except OSError as exc:
        fail(f"cannot read the manifest template: {exc.strerror}")
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror}")
    click.echo(f"wrote {output}", err=True)
