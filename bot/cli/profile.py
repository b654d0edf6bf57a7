"""``crosswalk profile``: the organisation's profile and its versions (show, history, diff,
export, import)."""

from __future__ import annotations

import getpass
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
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
def profile() -> None:
    """The organisation's profile: what the interview found, with every version kept."""


def _run(org: str, work: Callable[[Any], Awaitable[Any]], write: bool = False) -> Any:
    """Open the store, run ``work(repo)`` in one transaction, close it."""
    from bot.store import Store
    from bot.store.interview import interview_repo

    settings = load()

    async def run() -> Any:
        store = await Store.open(settings.database_url)
        try:
            async with interview_repo(store, org, datetime.now(UTC), write=write) as repo:
                return await work(repo)
        finally:
            await store.close()

    with database_errors():
        return run_async(run())


def _plain(markdown: str) -> str:
    from dialogs.text import strip_markdown

    return strip_markdown(markdown)


def _stamp(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _by(by: str | None) -> str:
    if by:
        return by
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):
        return "cli"


# --------------------------------------------------------------------------- show


@profile.command("show")
@click.option("--org", required=True, help="Organisation id.")
@click.option("--version", "number", type=click.IntRange(min=1), help="An earlier version.")
@format_options
def show(org: str, number: int | None, fmt: str, as_json: bool) -> None:
    """The latest version of the profile (or --version N), with who saved it and when."""
    from dialogs.interview.profile_io import dump, export_data

    async def work(repo: Any) -> Any:
        if number is not None:
            return await repo.profile_version(number), len(await repo.profile_versions())
        versions = await repo.profile_versions()
        return (versions[-1] if versions else None), len(versions)

    found, count = _run(org, work)
    if found is None:
        what = f"version {number}" if number is not None else "profile yet"
        fail(f"organisation '{org}' has no {what}; run the interview or `crosswalk profile import`")
    if output_format(fmt, as_json) == "json":
        print_json(export_data(found.profile))
        return
    click.echo(
        f"# version {found.version} of {count}, saved {_stamp(found.created_at)}"
        f" by {found.created_by} ({found.source})"
    )
    click.echo(dump(found.profile, "yaml"), nl=False)


# --------------------------------------------------------------------------- history


@profile.command("history")
@click.option("--org", required=True, help="Organisation id.")
@format_options
def history(org: str, fmt: str, as_json: bool) -> None:
    """Every version: when, by whom, how, and how many fields changed."""
    from dialogs.interview.versions import changes

    versions = _run(org, lambda repo: repo.profile_versions())
    rows = []
    previous = None
    for v in versions:
        current = v.profile.stripped()
        diff = changes(previous, current)
        rows.append((v, len(diff)))
        previous = current
    if output_format(fmt, as_json) == "json":
        print_json([
            {"version": v.version, "updated": v.created_at.isoformat(), "by": v.created_by,
             "source": v.source, "changes": n}
            for v, n in rows
        ])  # fmt: skip
        return
    if not rows:
        click.echo(f"organisation '{org}' has no profile yet")
        return
    for v, n in rows:
        click.echo(
            f"v{v.version:<4} {_stamp(v.created_at)}  {v.created_by} ({v.source}),"
            f" {n} change{'s' if n != 1 else ''}"
        )


# --------------------------------------------------------------------------- diff


@profile.command("diff")
@click.option("--org", required=True, help="Organisation id.")
@click.option("--from", "old", type=click.IntRange(min=1), help="Default: the one before --to.")
@click.option("--to", "new", type=click.IntRange(min=1), help="Default: the latest version.")
@format_options
def diff(org: str, old: int | None, new: int | None, fmt: str, as_json: bool) -> None:
    """What changed between two versions (by default the last two)."""
    from dialogs.interview.versions import changes, describe

    versions = {v.version: v for v in _run(org, lambda repo: repo.profile_versions())}
    if not versions:
        fail(f"organisation '{org}' has no profile yet")
    to = new if new is not None else max(versions)
    start = old if old is not None else to - 1
    for number in (to, start):
        if number != 0 and number not in versions:
            fail(f"organisation '{org}' has no version {number} (latest is {max(versions)})")
    before = versions[start].profile.stripped() if start else None
    found = changes(before, versions[to].profile.stripped())
    if output_format(fmt, as_json) == "json":
        print_json({"org": org, "from": start or None, "to": to,
                    "changes": [c.to_json() for c in found]})  # fmt: skip
        return
    click.echo(f"{org}: version {start or '(none)'} → version {to}")
    for change in found:
        click.echo(f"  {_plain(describe(change))}")
    if not found:
        click.echo("  no differences")


# --------------------------------------------------------------------------- export / import


@profile.command("export")
@click.option("--org", required=True, help="Organisation id.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (.json for JSON, otherwise YAML).")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default=None,
              help="Default: from the file name, else YAML.")  # fmt: skip
def export(org: str, output: Path | None, fmt: str | None) -> None:
    """The latest profile in the stable YAML/JSON format (documented in the README)."""
    from dialogs.interview.profile_io import dump

    versions = _run(org, lambda repo: repo.profile_versions())
    if not versions:
        fail(f"organisation '{org}' has no profile yet")
    chosen = fmt or ("json" if output is not None and output.suffix == ".json" else "yaml")
    text = dump(versions[-1].profile, "json" if chosen == "json" else "yaml")
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
    click.echo(f"wrote version {versions[-1].version} of '{org}' to {output}", err=True)


@profile.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--org", required=True, help="Organisation id (must equal the file's org).")
@click.option("--by", default=None, help="Recorded as the author (default: cli:<login>).")
def import_(file: Path, org: str, by: str | None) -> None:
    """Save a profile file as the organisation's next version (nothing is written if invalid)."""
    from dialogs.interview.profile_io import parse

    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read {file}: {getattr(exc, 'strerror', None) or exc}")
    found, problems = parse(text, org, "json" if file.suffix == ".json" else "yaml")
    if found is None:
        lines = "\n".join(f"  {p}" for p in problems)
        fail(f"{file} is not a valid profile; nothing was written:\n{lines}")
    author = _by(by)

    async def work(repo: Any) -> Any:
        latest = await repo.latest_profile()
        expected = (latest.version if latest is not None else 0) + 1
        return await repo.add_profile_version(found, author, "import", None, expected)

    version = _run(org, work, write=True)
    if version is None:
        fail("someone saved a version at the same moment; run the import again")
    click.echo(f"imported {file} as version {version} of '{org}'")
