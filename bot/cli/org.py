"""``crosswalk org``: everything stored for one organisation, exported or deleted (issue 12)."""

from __future__ import annotations

import json
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from bot.cli.common import database_errors, fail, load, run_async


@click.group()
def org() -> None:
    """Export or delete everything stored for an organisation."""


@org.command("export")
@click.option("--org", "org_id", required=True, help="Organisation id (Teams tenant, Slack "
              "team or enterprise id, console org).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the JSON here instead of to stdout.")
def export(org_id: str, output: Path | None) -> None:
    """Write everything stored for ORG as JSON (stored tokens are redacted)."""
    from bot.store.orgs import export_org

    data = _with_store(lambda store: export_org(store, org_id))
    if data is None:
        fail(f"no organisation {org_id!r} in the database")
    data = {"exported_at": datetime.now(UTC).isoformat(), **data}
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True, default=str)
    if output is None:
        click.echo(text)
        return
    try:
        output.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
    rows = sum(len(rows) for rows in data["tables"].values())
    click.echo(f"exported {rows} rows of {org_id} to {output}", err=True)


@org.command("delete")
@click.option("--org", "org_id", required=True, help="Organisation id.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def delete(org_id: str, yes: bool) -> None:
    """Delete everything stored for ORG (profiles, plans, conversations, subscriptions, …)."""
    from bot.store.orgs import delete_org

    if not yes:
        if not sys.stdin.isatty():
            fail("deleting an organisation cannot be undone: add --yes to confirm", 2)
        click.confirm(f"Delete everything stored for {org_id}? This cannot be undone",
                      abort=True)
    deleted = _with_store(lambda store: delete_org(store, org_id))
    if deleted is None:
        fail(f"no organisation {org_id!r} in the database")
    total = sum(deleted.values())
    click.echo(f"deleted {org_id}: {total} rows "
               f"({', '.join(f'{t} {n}' for t, n in sorted(deleted.items()) if n)})")


def _with_store(work: Callable[[Any], Awaitable[Any]]) -> Any:
    """Open the migrated database, run ``work(store)``, close it; one clear line on failure."""
    from bot.store import Store

    settings = load()

    async def run() -> tuple[bool, Any]:
        store = await Store.open(settings.database_url, migrate_now=False)
        try:
            if await store.pending_migrations():
                return False, None
            return True, await work(store)
        finally:
            await store.close()

    with database_errors():
        migrated, result = run_async(run())
    if not migrated:
        fail("the database needs migrating: run `crosswalk db migrate`")
    return result
