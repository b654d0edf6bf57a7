"""``crosswalk content``: check the content store, see its coverage, feedback and gaps."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
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
def content() -> None:
    """Check the curated content and see how it is used."""


@content.command("check")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Date for the review-age "
              "checks (default: today, UTC).")
def check(today: datetime | None) -> None:
    """Validate every content file; exit 1 on any error (warnings do not fail)."""
    import dialogs.interview.checker
    import dialogs.plan.check
    import dialogs.qa.check  # noqa: F401  (importing registers the interview, plan and Q&A checkers)
    from bot.compose import content_dir
    from dialogs.content import check_content

    root = content_dir(load())
    day = today.date() if today else datetime.now(UTC).date()
    found = check_content(root, day)
    for diagnostic in found:
        if diagnostic.level == "warning":
            click.echo(f"{diagnostic.path}:{diagnostic.line}: warning: {diagnostic.message}")
        else:
            click.echo(str(diagnostic))
    errors = sum(1 for d in found if d.level == "error")
    click.echo(f"{root}: {errors} error(s), {len(found) - errors} warning(s)", err=True)
    sys.exit(1 if errors else 0)


@content.command("stats")
@click.option("--org", help="Feedback of one organisation only.")
@format_options
def stats(org: str | None, fmt: str, as_json: bool) -> None:
    """Articles, words and sources per topic and discipline, and 👍/👎 per article."""
    from dialogs.content import content_stats

    settings = load()
    store = _content(settings)
    counts = content_stats(store)
    feedback, problem = run_async(_feedback(settings.database_url, org))
    if output_format(fmt, as_json) == "json":
        print_json({
            "total": _stat(counts.total),
            "topics": {k: _stat(v) for k, v in counts.topics.items()},
            "disciplines": {k: _stat(v) for k, v in counts.disciplines.items()},
            "feedback": {f.article_id: {"helpful": f.helpful, "unhelpful": f.unhelpful}
                         for f in feedback},
            "feedback_problem": problem,
        })
        return
    total = counts.total
    click.echo(f"{total.articles} articles, {total.words} words, {total.sources} sources\n")
    click.echo(f"{'discipline':28} {'articles':>8} {'words':>7} {'sources':>7}")
    for key, stat in counts.disciplines.items():
        click.echo(f"{key:28} {stat.articles:8d} {stat.words:7d} {stat.sources:7d}")
    click.echo(f"\n{'topic':28} {'articles':>8} {'words':>7} {'sources':>7}")
    for key, stat in counts.topics.items():
        click.echo(f"{key:28} {stat.articles:8d} {stat.words:7d} {stat.sources:7d}")
    click.echo(f"\n{'feedback per article':40} {'👍':>5} {'👎':>5}")
    if problem:
        click.echo(f"  (not available: {problem})")
    elif not feedback:
        click.echo("  (no feedback yet)")
    for f in feedback:
        click.echo(f"{f.article_id:40} {f.helpful:5d} {f.unhelpful:5d}")


@content.command("gaps")
@click.option("--days", type=click.IntRange(1, 90), default=30, show_default=True,
              help="Only questions asked in the last DAYS days (gaps are kept "
              "CROSSWALK_QA_RETENTION_DAYS, at most 90).")
@click.option("--org", help="One organisation only.")
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
@format_options
def gaps(days: int, org: str | None, limit: int, fmt: str, as_json: bool) -> None:
    """Questions Crosswalk had no curated answer for, most frequent first."""
    from bot.store import Store
    from bot.store.qa import gap_report

    settings = load()
    since = datetime.now(UTC) - timedelta(days=days)

    async def run() -> list[Any] | None:
        store = await Store.open(settings.database_url, migrate_now=False)
        try:
            if await store.pending_migrations():
                return None
            return await gap_report(store, since, org, limit)
        finally:
            await store.close()

    with database_errors():
        found = run_async(run())
    if found is None:
        fail("the database needs migrating: run `crosswalk db migrate`")
    if output_format(fmt, as_json) == "json":
        print_json([{"org": g.org_id, "question": g.question, "count": g.count,
                     "first_asked": g.first_asked.isoformat(),
                     "last_asked": g.last_asked.isoformat(), "channels": list(g.channels)}
                    for g in found])
        return
    if not found:
        click.echo(f"No unanswered questions in the last {days} days.")
        return
    click.echo(f"{'count':>5}  {'last asked':10}  {'org':16}  question")
    for g in found:
        click.echo(f"{g.count:5d}  {g.last_asked.date().isoformat():10}  {g.org_id[:16]:16}  "
                   f"{g.question}")


@content.command("purge")
@format_options
def purge(fmt: str, as_json: bool) -> None:
    """Delete content gaps and feedback older than CROSSWALK_QA_RETENTION_DAYS (default 90)."""
    from bot.retention import purge_expired
    from bot.store import Store

    settings = load()

    async def run() -> tuple[int, int] | None:
        store = await Store.open(settings.database_url, migrate_now=False)
        try:
            if await store.pending_migrations():
                return None
            return await purge_expired(store, settings, datetime.now(UTC))
        finally:
            await store.close()

    with database_errors():
        done = run_async(run())
    if done is None:
        fail("the database needs migrating: run `crosswalk db migrate`")
    gaps, feedback = done
    if output_format(fmt, as_json) == "json":
        print_json({"gaps": gaps, "feedback": feedback,
                    "retention_days": settings.qa_retention_days})
        return
    click.echo(f"Deleted {gaps} content gaps and {feedback} feedback rows older than "
               f"{settings.qa_retention_days} days.")


# --------------------------------------------------------------------------- helpers


def _content(settings: Any) -> Any:
    from bot.compose import content_dir
    from dialogs.content import ContentError, load_content

    try:
        return load_content(content_dir(settings))
    except ContentError as exc:
        fail(f"content has {len(exc.diagnostics)} error(s); run `crosswalk content check`")
    except OSError as exc:
        fail(f"cannot read the content: {exc.strerror or exc}")


async def _feedback(url: str, org: str | None) -> tuple[list[Any], str | None]:
    """Feedback per article, or why it cannot be read (stats still print)."""
    from bot.store import DatabaseUrlError, Store
    from bot.store.qa import feedback_report

    try:
        store = await Store.open(url, migrate_now=False)
    except DatabaseUrlError as exc:
        return [], str(exc)
    except OSError as exc:
        return [], f"cannot open the database: {exc.strerror or exc}"
    try:
        if await store.pending_migrations():
            return [], "the database needs migrating: run `crosswalk db migrate`"
        return await feedback_report(store, org), None
    finally:
        await store.close()


def _stat(stat: Any) -> dict[str, int]:
    return {"articles": stat.articles, "words": stat.words, "sources": stat.sources}
