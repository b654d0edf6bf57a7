"""``crosswalk db``: database maintenance."""

from __future__ import annotations

import click

from bot.cli.common import database_errors, load, run_async


@click.group()
def db() -> None:
    """Database maintenance."""


@db.command("migrate")
def migrate() -> None:
    """Apply pending migrations."""
    from bot.store import Store

    settings = load()

    async def run() -> int:
        store = await Store.open(settings.database_url, migrate_now=False)
        try:
            return await store.migrate()
        finally:
            await store.close()

    with database_errors():
        applied = run_async(run())
    click.echo(f"applied {applied} migration(s)" if applied else "database is up to date")
