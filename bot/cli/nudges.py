"""``crosswalk nudges``: see and drive weekly nudges (list, subscribe, pause, run-due)."""

from __future__ import annotations

import getpass
from collections.abc import Awaitable, Callable
from datetime import datetime
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

UNKNOWN_CONVERSATION = "unknown conversation; mention @Crosswalk there first"
CHANNEL_HELP = "teams:<conversation id> or slack:<team id>:<channel id>"


@click.group()
def nudges() -> None:
    """Weekly alignment nudges: subscriptions and deliveries."""


def split_channel(value: str) -> tuple[str, str, str | None]:
    """``teams:<conversation>`` or ``slack:<team>:<channel>`` → (platform, conversation, team).

    Splits on the first ``:`` only: Teams conversation ids contain ``:`` and ``;``.
    """
    platform, _, rest = value.partition(":")
    if platform == "teams" and rest:
        return "teams", rest, None
    if platform == "slack":
        team, _, channel = rest.partition(":")
        if team and channel:
            return "slack", channel, team
    raise click.BadParameter(f"expected {CHANNEL_HELP}, got {value!r}", param_hint="--channel")


def _by(by: str | None) -> str:
    if by:
        return by
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):
        return "cli"


def _run(work: Callable[[Any], Awaitable[Any]]) -> Any:
    """Open the store, run ``work(store)``, close it; database problems exit with one line."""
    from bot.store import Store

    settings = load()

    async def run() -> Any:
        store = await Store.open(settings.database_url)
        try:
            return await work(store)
        finally:
            await store.close()

    with database_errors():
        return run_async(run())


def _local(instant: datetime | None, zone: str) -> str:
    from dialogs.nudges.cadence import local_text

    return local_text(instant, zone) if instant is not None else "-"


# --------------------------------------------------------------------------- list


@nudges.command("list")
@click.option("--org", default=None, help="Only this organisation.")
@click.option("--unknown", is_flag=True, help="Deliveries whose outcome is unknown.")
@format_options
def list_(org: str | None, unknown: bool, fmt: str, as_json: bool) -> None:
    """Each subscription with its last delivery state and reason."""
    from bot.store.nudges import NudgeStore

    as_json = output_format(fmt, as_json) == "json"

    async def work(store: Any) -> Any:
        nudge_store = NudgeStore(store)
        if unknown:
            return await nudge_store.deliveries(org, "unknown")
        return await nudge_store.list_subscriptions(org)

    rows = _run(work)
    if unknown:
        if as_json:
            print_json(rows)
            return
        if not rows:
            click.echo("no deliveries with an unknown outcome")
        for r in rows:
            click.echo(f"{r['org_id']}  {r['channel']}:{r['conversation_id']}  "
                       f"run {r['occurrence_at']:%Y-%m-%d %H:%M}Z  unknown since "
                       f"{r['updated_at']:%Y-%m-%d %H:%M}Z  {r['reason'] or ''}")
        return
    if as_json:
        print_json([_sub_json(s) for s in rows])
        return
    if not rows:
        click.echo("no subscriptions")
    for s in rows:
        last = "none yet"
        if s.last is not None:
            last = f"{s.last.state} ({_local(s.last.occurrence_at, s.rule.zone)})"
            if s.last.reason:
                last += f": {s.last.reason}"
        why = f" ({s.inactive_reason})" if s.inactive_reason else ""
        click.echo(f"{s.org_id}  {s.channel}:{s.conversation_id}  {s.status}{why}  "
                   f"{s.rule.describe()}  next {_local(s.next_run_at, s.rule.zone)}  last {last}")


def _sub_json(s: Any) -> dict[str, Any]:
    last = None
    if s.last is not None:
        last = {"state": s.last.state, "occurrence_at": s.last.occurrence_at,
                "reason": s.last.reason, "platform_id": s.last.platform_id}
    return {
        "id": s.id, "org": s.org_id, "channel": s.channel, "conversation": s.conversation_id,
        "status": s.status, "inactive_reason": s.inactive_reason, "rule": s.rule.command(),
        "only_changed": s.only_changed, "next_run_at": s.next_run_at,
        "paused_until": s.paused_until, "updated_at": s.updated_at, "updated_by": s.updated_by,
        "last_delivery": last,
    }


# --------------------------------------------------------------------------- changes


def _change(org: str, channel: str, by: str | None, apply: Callable[..., Awaitable[str]]) -> None:
    """Find the known conversation, then apply a change inside one transaction."""
    from bot.store.nudges import nudge_repo

    platform, conversation_id, team = split_channel(channel)
    who = _by(by)

    async def work(store: Any) -> str | None:
        from bot.turns import utcnow

        conv = await store.get_conversation(org, platform, conversation_id)
        if conv is None:
            return None
        if team is not None:
            ref_team = (conv.reference or {}).get("team_id")
            if team not in (ref_team, org):
                return None
        async with store.backend.write() as conn:
            repo = nudge_repo(conn)
            result: str = await apply(repo, conv, who, utcnow())
            return result

    message = _run(work)
    if message is None:
        fail(UNKNOWN_CONVERSATION)
    click.echo(message)


def _common(func: Any) -> Any:
    func = click.option("--by", default=None, help="Who makes the change (default cli:<user>).")(
        func)
    func = click.option("--channel", required=True, help=CHANNEL_HELP)(func)
    return click.option("--org", required=True, help="Organisation id.")(func)


@nudges.command()
@_common
@click.option("--only-changed", is_flag=True, help="Skip weeks when nothing in the plan changed.")
@click.argument("rule", nargs=-1)
def subscribe(org: str, channel: str, by: str | None, only_changed: bool,
              rule: tuple[str, ...]) -> None:
    """Subscribe a conversation the bot knows to weekly nudges.

    RULE is what `subscribe` takes in chat, e.g. weekly on thursday 14:30 America/New_York;
    without it, Mondays at 09:00 UTC.
    """
    from dialogs.nudges.cadence import local_text, next_run
    from dialogs.nudges.rules import RuleError, parse_subscribe
    from dialogs.text import plain

    try:
        request = parse_subscribe(" ".join(rule))
    except RuleError as exc:
        fail(plain(str(exc)), 2)
    parsed = request.rule("UTC")

    async def apply(repo: Any, conv: Any, who: str, now: datetime) -> str:
        first = next_run(parsed, now)
        await repo.subscribe(conv.org_id, conv.channel, conv.id, parsed,
                             only_changed or request.only_changed, first, who, now)
        return f"subscribed: {parsed.describe()}; next {local_text(first, parsed.zone)}"

    _change(org, channel, by, apply)


@nudges.command()
@_common
def unsubscribe(org: str, channel: str, by: str | None) -> None:
    """Stop nudges in a conversation."""
    from dialogs.nudges import changes

    async def apply(repo: Any, conv: Any, who: str, now: datetime) -> str:
        sub = await repo.subscription(conv.org_id, conv.channel, conv.id)
        if sub is None or sub.status == "unsubscribed":
            return "not subscribed"
        await repo.change(sub, changes.unsubscribe(), who, now)
        return "unsubscribed"

    _change(org, channel, by, apply)


@nudges.command()
@_common
@click.option("--until", "until", default=None, help="YYYY-MM-DD (local to the subscription).")
def pause(org: str, channel: str, by: str | None, until: str | None) -> None:
    """Pause nudges, until a date or until resumed."""
    from dialogs.nudges import changes
    from dialogs.nudges.rules import RuleError, parse_until
    from dialogs.text import plain

    async def apply(repo: Any, conv: Any, who: str, now: datetime) -> str:
        sub = await repo.subscription(conv.org_id, conv.channel, conv.id)
        if sub is None or sub.status in ("unsubscribed", "inactive"):
            return "not subscribed (nothing to pause)"
        try:
            day = parse_until(until or "", changes.local_today(sub, now))
        except RuleError as exc:
            return f"not paused: {plain(str(exc))}"
        updated = await repo.change(sub, changes.pause(sub, day), who, now)
        if day is None:
            return "paused until resumed"
        return f"paused until {day.isoformat()}; next {_local(updated.next_run_at, sub.rule.zone)}"

    _change(org, channel, by, apply)


@nudges.command()
@_common
def resume(org: str, channel: str, by: str | None) -> None:
    """Resume paused nudges."""
    from dialogs.nudges import changes

    async def apply(repo: Any, conv: Any, who: str, now: datetime) -> str:
        sub = await repo.subscription(conv.org_id, conv.channel, conv.id)
        if sub is None or sub.status in ("unsubscribed", "inactive"):
            return "not subscribed (nothing to resume)"
        if sub.status == "active":
            return f"not paused; next {_local(sub.next_run_at, sub.rule.zone)}"
        updated = await repo.change(sub, changes.resume(sub, now), who, now)
        return f"resumed; next {_local(updated.next_run_at, sub.rule.zone)}"

    _change(org, channel, by, apply)


# --------------------------------------------------------------------------- run-due


def _content(root: Any) -> Any:
    """The content store for tips; nudges still go out (without a tip) when it fails to load."""
    from dialogs.content import ContentError, load_content

    try:
        return load_content(root)
    except (ContentError, OSError, ValueError) as exc:
        click.echo(f"crosswalk: content not loaded ({type(exc).__name__}); nudges go out "
                   "without a tip", err=True)
        return None


def parse_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not ISO-8601, e.g. 2026-11-30T09:00:00Z", param_hint="--now"
        ) from None
    if parsed.tzinfo is None:
        raise click.BadParameter(
            "give a UTC offset, e.g. 2026-11-30T09:00:00Z or 2026-11-30T10:00:00+01:00",
            param_hint="--now",
        )
    return parsed


@nudges.command("run-due")
@click.option("--now", "now_text", default=None, help="Act as if it were this instant (ISO-8601).")
@format_options
def run_due(now_text: str | None, fmt: str, as_json: bool) -> None:
    """Send everything due at this instant once, then exit (cron, operators, tests)."""
    import asyncio
    import time

    from bot import logs
    from bot.compose import content_dir
    from bot.metrics import Metrics
    from bot.nudges.limits import Limiter
    from bot.nudges.runtime import build_scheduler, cli_senders
    from bot.turns import utcnow

    start = parse_now(now_text)
    settings = load()
    logs.configure(settings.log_level, "text", settings.secret_values())
    started = time.monotonic()

    def clock() -> datetime:
        from datetime import timedelta

        if start is None:
            return utcnow()
        return start + timedelta(seconds=time.monotonic() - started)

    async def work(store: Any) -> Any:
        metrics = Metrics()
        content = await asyncio.to_thread(_content, content_dir(settings))
        limiter = Limiter(time.monotonic, asyncio.sleep)
        async with cli_senders(settings, store, metrics, limiter) as senders:
            scheduler = build_scheduler(store, senders, content, metrics, clock=clock)
            return await scheduler.run_due()

    report = _run(work)
    if output_format(fmt, as_json) == "json":
        print_json(report.as_dict())
        return
    counts = ", ".join(f"{k} {getattr(report, k)}" for k in
                       ("due", "sent", "late", "failed", "unknown", "missed", "skipped", "retried"))
    click.echo(counts)
    for lane, n in sorted(report.no_sender.items()):
        click.echo(f"{lane}: deliveries wait: that platform is not configured here ({n})",
                   err=True)
