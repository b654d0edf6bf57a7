"""Helpers shared by the CLI commands: errors, settings, output formats."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from typing import Any, NoReturn, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int = 1) -> NoReturn:
    """One clear line on stderr and a non-zero exit."""
    click.echo(f"crosswalk: {message}", err=True)
    sys.exit(code)


def load(**overrides: Any) -> Any:
    """Settings from the environment plus CLI overrides; exit 2 naming a bad variable."""
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


def run_async(coro: Any) -> Any:
    """Run a coroutine for a command; Ctrl-C exits 130 without a traceback."""
    try:
        return asyncio.run(coro)
    except KeyboardInterrupt:
        sys.exit(130)


@contextlib.contextmanager
def database_errors() -> Iterator[None]:
    """Database problems end the command with one line: a bad URL exits 2, an unreachable one 1."""
    from bot.store import DatabaseUrlError

    try:
        yield
    except DatabaseUrlError as exc:
        fail(str(exc), 2)
    except OSError as exc:
        fail(f"cannot open the database: {exc.strerror or exc}")
