"""``crosswalk serve``."""

from __future__ import annotations

import ipaddress

import click

from bot.cli.common import fail, load


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", type=int, default=None, help="Port (default: $PORT, else 3978).")
def serve(host: str, port: int | None) -> None:
    """Run the HTTP server (Teams, Slack, health and metrics endpoints)."""
    from aiohttp import web

    from bot import logs
    from bot.app import SHUTDOWN_WAIT_S, create_app
    from bot.settings import SettingsError

    settings = load(port=port)
    try:
        settings.validate_for_serve()
    except SettingsError as exc:
        fail(str(exc), 2)
    if settings.dev_mode and not is_loopback(host):
        fail("CROSSWALK_DEV_MODE=1 is only allowed when binding a loopback address", 2)
    logs.configure(settings.log_level, settings.log_format, settings.secret_values())
    channels = ", ".join(f"{k}: {v}" for k, v in settings.channels().items())
    click.echo(f"Crosswalk listening on http://{host}:{settings.port} ({channels})", err=True)
    web.run_app(
        create_app(settings), host=host, port=settings.port, print=None,
        shutdown_timeout=SHUTDOWN_WAIT_S, access_log=None,
    )


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
