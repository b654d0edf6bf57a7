"""``crosswalk plan show|export|diff``: the alignment plan of an organisation, in every format."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from bot.cli.common import fail, load, print_json, run_async

FORMATS = ("md", "json", "text", "slack", "teams")
EXPORT_FORMATS = ("md", "json", "text")
BY = "cli"


class PlanCliError(Exception):
    """Something the user must fix; the message is the one line ``fail`` prints."""


@dataclass(frozen=True)
class Loaded:
    view: Any  # dialogs.plan.PlanView
    kit: Any  # dialogs.plan.PlanKit
    templates: Any  # dialogs.plan.Templates


@click.group()
def plan() -> None:
    """The alignment plan: show it, export it, compare it with the last posted version."""


@plan.command("show")
@click.option("--org", required=True, help="Organisation id.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="md, text, json (the documented contract), slack (chat.postMessage payloads), "
                   "teams (the Bot Framework activity).")
@click.option("--version", "version", type=click.IntRange(min=1),
              help="A stored plan version (default: the current plan, built if needed).")
def show(org: str, fmt: str, version: int | None) -> None:
    """Print the plan (builds a new version when the profile or the library changed)."""
    now = datetime.now(UTC)
    loaded = _run(org, version, now)
    click.echo(render(loaded, fmt, now), nl=False)


@plan.command("export")
@click.option("--org", required=True, help="Organisation id.")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False,
              path_type=Path), help="File to write.")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS),
              help="Default: from the file name (.json, .txt), else md.")
def export(org: str, output: Path, fmt: str | None) -> None:
    """Write the plan to a file (Markdown by default)."""
    chosen = fmt or {".json": "json", ".txt": "text"}.get(output.suffix.lower(), "md")
    now = datetime.now(UTC)
    loaded = _run(org, None, now)
    try:
        output.write_text(render(loaded, chosen, now), encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
    click.echo(f"Wrote plan version {loaded.view.plan.version} of {org} to {output} ({chosen}).",
               err=True)


@plan.command("diff")
@click.option("--org", required=True, help="Organisation id.")
@click.option("--format", "fmt", type=click.Choice(("text", "md", "json")), default="text",
              show_default=True, help="Output format.")
@click.option("--json", "as_json", is_flag=True, help="Shorthand for --format json.")
def diff(org: str, fmt: str, as_json: bool) -> None:
    """What changed since the last posted plan (or the previous version when none was posted)."""
    from dialogs.plan import diff_json, diff_markdown
    from dialogs.text import strip_markdown, to_markdown

    now = datetime.now(UTC)
    templates, found = _run_diff(org, now)
    chosen = "json" if as_json else fmt
    if chosen == "json":
        print_json(diff_json(found))
        return
    text = diff_markdown(templates, found)
    click.echo(to_markdown(text) if chosen == "md" else strip_markdown(text), nl=False)


# --------------------------------------------------------------------------- rendering


def render(loaded: Loaded, fmt: str, now: datetime) -> str:
    """The plan in one of ``FORMATS`` as the text the CLI prints."""
    from dialogs.plan import plan_json, plan_markdown, plan_messages, plan_text

    view = loaded.view
    if fmt == "md":
        return str(plan_markdown(loaded.templates, view, now))
    if fmt == "text":
        return str(plan_text(loaded.templates, view, now))
    if fmt == "json":
        return _dump(plan_json(view))
    if fmt == "teams":
        from bot.compose import teams_card_size
        from bot.teams.cards import render as teams_render
        from dialogs.plan.messages import teams_card

        return _dump(teams_render(teams_card(view, now, teams_card_size)))
    if fmt == "slack":
        return _dump(slack_payloads(plan_messages(view, "slack", now)))
    raise PlanCliError(f"unknown format {fmt!r}")


def slack_payloads(messages: Any) -> list[dict[str, Any]]:
    """``chat.postMessage`` arguments: the summary, then thread follow-ups (no ``thread_ts``:
    the sender fills it with the summary's ``ts``). A message over Slack's limits is split."""
    from bot.slack import blocks

    out: list[dict[str, Any]] = []
    for message in messages:
        rendered = blocks.render(message)
        for group in blocks.split(rendered["blocks"]):
            out.append({"text": rendered["text"], "blocks": group, "unfurl_links": False,
                        "unfurl_media": False})
    return out


def _dump(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- loading


def _run(org: str, version: int | None, now: datetime) -> Loaded:
    try:
        loaded: Loaded = run_async(_load(org, version, now))
    except PlanCliError as exc:
        fail(str(exc))
    return loaded


def _run_diff(org: str, now: datetime) -> tuple[Any, Any]:
    try:
        result: tuple[Any, Any] = run_async(_load_diff(org, now))
    except PlanCliError as exc:
        fail(str(exc))
    return result


def _kit() -> tuple[Any, Any, Any]:
    from bot.compose import content_dir
    from dialogs.content import ContentError, load_content
    from dialogs.plan import Templates, load_kit

    settings = load()
    root = content_dir(settings)
    try:
        content = load_content(root)
        kit = load_kit(root, content)
    except ContentError as exc:
        raise PlanCliError(
            f"content has {len(exc.diagnostics)} error(s); run `crosswalk content check`"
        ) from None
    except OSError as exc:
        raise PlanCliError(f"cannot read content under {root}: {exc}") from None
    return settings, kit, Templates(root)


async def _open(settings: Any) -> Any:
    from bot.store import DatabaseUrlError, Store

    try:
        return await Store.open(settings.database_url)
    except DatabaseUrlError as exc:
        raise PlanCliError(str(exc)) from None
    except OSError as exc:
        raise PlanCliError(f"cannot open the database: {exc}") from None


def _no_profile(org: str) -> PlanCliError:
    return PlanCliError(
        f"organisation {org!r} has no profile yet: run the interview in chat, or "
        f"`crosswalk profile import FILE --org {org}`"
    )


async def _load(org: str, version: int | None, now: datetime) -> Loaded:
    from bot.store.plan import plan_repo
    from dialogs.plan import current_plan, view_of

    settings, kit, templates = _kit()
    store = await _open(settings)
    try:
        async with plan_repo(store, write=True) as repo:
            if version is not None:
                stored = await repo.get_plan_version(org, version)
                if stored is None:
                    raise PlanCliError(f"organisation {org!r} has no plan version {version}")
            else:
                stored = await current_plan(repo, kit, org, now, BY)
                if stored is None:
                    raise _no_profile(org)
            view = await view_of(repo, kit, stored)
    finally:
        await store.close()
    return Loaded(view, kit, templates)


async def _load_diff(org: str, now: datetime) -> tuple[Any, Any]:
    from bot.store.plan import plan_repo
    from dialogs.plan import plan_diff

    settings, kit, templates = _kit()
    store = await _open(settings)
    try:
        async with plan_repo(store, write=True) as repo:
            found = await plan_diff(repo, kit, org, now, BY)
    finally:
        await store.close()
    if found is None:
        raise _no_profile(org)
    return templates, found
