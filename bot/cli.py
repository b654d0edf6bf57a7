"""The ``crosswalk`` command line. Each command imports only what it needs."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int = 1) -> NoReturn:
    """One clear line on stderr and a non-zero exit."""
    click.echo(f"crosswalk: {message}", err=True)
    sys.exit(code)


def _settings(**overrides: Any) -> Any:
    from pydantic import ValidationError

    from bot.settings import load_settings

    try:
        return load_settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = first.get("loc", ("?",))[0]
        fail(f"invalid setting {str(where).upper()}: {first.get('msg', 'invalid value')}", 2)


def format_options(func: F) -> F:
    """``--format text|json`` with ``--json`` as shorthand."""
    func = click.option("--json", "as_json", is_flag=True, help="Shorthand for --format json.")(
        func
    )
    return click.option(
        "--format", "fmt", type=click.Choice(["text", "json"]), default="text",
        show_default=True, help="Output format.",
    )(func)


def output_format(fmt: str, as_json: bool) -> str:
    return "json" if as_json else fmt


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="finops-crosswalk", prog_name="crosswalk")
def main() -> None:
    """Crosswalk: integrate FinOps with the frameworks your organisation already runs."""


# --------------------------------------------------------------------------- serve


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", type=int, default=None, help="Port (default: $PORT, else 3978).")
def serve(host: str, port: int | None) -> None:
    """Run the HTTP server (Teams, Slack, health and metrics endpoints)."""
    import ipaddress

    from aiohttp import web

    from bot import logs
    from bot.app import SHUTDOWN_WAIT_S, create_app
    from bot.settings import SettingsError

    settings = _settings(port=port)
    try:
        settings.validate_for_serve()
    except SettingsError as exc:
        fail(str(exc), 2)
    loopback = host == "localhost"
    with contextlib.suppress(ValueError):
        loopback = loopback or ipaddress.ip_address(host).is_loopback
    if settings.dev_mode and not loopback:
        fail("CROSSWALK_DEV_MODE=1 is only allowed when binding a loopback address", 2)
    logs.configure(settings.log_level, settings.log_format, settings.secret_values())
    channels = ", ".join(f"{k}: {v}" for k, v in settings.channels().items())
    click.echo(f"Crosswalk listening on http://{host}:{settings.port} ({channels})", err=True)
    web.run_app(
        create_app(settings), host=host, port=settings.port, print=None,
        shutdown_timeout=SHUTDOWN_WAIT_S, access_log=None,
    )


# --------------------------------------------------------------------------- chat


@main.command()
@click.option("--org", default="local", show_default=True, help="Organisation id.")
@click.option("--user", default="me", show_default=True, help="Your user id.")
def chat(org: str, user: str) -> None:
    """Chat with Crosswalk in the terminal (reads one message per line when piped)."""
    from bot import logs
    from bot.console.chat import chat as run_chat

    settings = _settings()
    logs.configure("WARNING", "text", settings.secret_values())
    try:
        code = asyncio.run(run_chat(settings, org=org, user=user))
    except KeyboardInterrupt:
        code = 130
    sys.exit(code)


# --------------------------------------------------------------------------- db


@main.group()
def db() -> None:
    """Database maintenance."""


@db.command("migrate")
def db_migrate() -> None:
    """Apply pending migrations."""
    from bot.store import DatabaseUrlError, Store

    settings = _settings()

    async def run() -> int:
        store = await Store.open(settings.database_url, migrate_now=False)
        try:
            return await store.migrate()
        finally:
            await store.close()

    try:
        applied = asyncio.run(run())
    except DatabaseUrlError as exc:
        fail(str(exc), 2)
    except OSError as exc:
        fail(f"cannot open the database: {exc.strerror or exc}")
    click.echo(f"applied {applied} migration(s)" if applied else "database is up to date")


def run() -> None:
    main(prog_name="crosswalk")
