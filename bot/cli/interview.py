"""``crosswalk interview``: a person's interview session as stored."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import click

from bot.cli.common import (
    database_errors,
    fail,
    format_options,
    load,
    output_format,
    print_json,
    run_async,
)


@click.group()
def interview() -> None:
    """The guided interview's sessions."""


@interview.command("show")
@click.option("--org", required=True, help="Organisation id.")
@click.option("--user", required=True, help="User id within the organisation.")
@format_options
def show(org: str, user: str, fmt: str, as_json: bool) -> None:
    """The person's latest session: status, step, answers and what awaits confirmation."""
    from bot.store import Store
    from bot.store.interview import interview_repo

    settings = load()

    async def run() -> Any:
        store = await Store.open(settings.database_url)
        try:
            async with interview_repo(store, org, datetime.now(UTC)) as repo:
                return await repo.latest_session(user)
        finally:
            await store.close()

    with database_errors():
        session = run_async(run())
    if session is None:
        fail(f"no interview for user '{user}' in organisation '{org}'")
    data = session.show_json()
    if output_format(fmt, as_json) == "json":
        print_json(data)
        return
    click.echo(f"{org} / {user}: {data['status']}, at step {data['step']}")
    for key, value in data["answers"].items():
        shown = ", ".join(value) if isinstance(value, list) else value
        click.echo(f"  {key}: {shown}")
    pending = data["pending"]
    if pending["disciplines"]:
        tools = ", ".join(f"{t['name']} ({t['discipline']})" for t in pending["tools"])
        names = ", ".join(pending["disciplines"])
        click.echo(f"  pending: {names}" + (f"; {tools}" if tools else ""))
