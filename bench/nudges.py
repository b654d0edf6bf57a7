"""Nudges: fan-out of one weekly run to 10,000 Slack channels across 10 workspaces.

A fake Slack Web API runs in its own process and enforces Slack's limits: 1 message/s per
channel (burst 3) and 50 messages/s per workspace, answering 429 with ``Retry-After: 1``
beyond. Every channel is due at the same minute. The scheduler runs for real (SQLite store,
claims, leases, the Slack sender with client-side pacing) and must post each nudge once.

Floor: 1,000 posts per workspace at 50/s = 20 s (workspaces run in parallel). Target ≤ 22 s,
zero duplicates, memory growth < 50 MB. Each nudge is one message here (no plan and no tip, so no
thread follow-up), which is what the floor counts.
"""

from __future__ import annotations

import asyncio
import gc
import json
import multiprocessing
import socket
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bench.harness import Figure

WORKSPACES = 10
CHANNEL_RATE, CHANNEL_BURST = 1.0, 3.0
WORKSPACE_RATE, WORKSPACE_BURST = 50.0, 50.0
DUE = datetime.fromisoformat("2026-11-30T09:00:00+00:00")
TOKEN = "xoxb-bench"


# --------------------------------------------------------------------------- the fake Slack


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _serve(port: int, ready: Any) -> None:
    """The rate-limited fake Web API (``chat.postMessage``, ``/stats``), in its own process."""
    from aiohttp import web

    buckets: dict[str, list[float]] = {}
    posts: dict[str, int] = {}
    stats = {"posts": 0, "limited": 0}

    def take(key: str, rate: float, burst: float, now: float) -> bool:
        tokens, at = buckets.get(key, (burst, now))
        tokens = min(burst, tokens + (now - at) * rate)
        if tokens < 1:
            buckets[key] = [tokens, now]
            return False
        buckets[key] = [tokens - 1, now]
        return True

    async def post(request: web.Request) -> web.Response:
        if request.content_type == "application/json":
            body = await request.json()
        else:
            body = dict(await request.post())
        channel = str(body.get("channel", "")) if isinstance(body, dict) else ""
        workspace = channel[1:3]
        now = time.monotonic()
        if not (take(f"w{workspace}", WORKSPACE_RATE, WORKSPACE_BURST, now)
                and take(channel, CHANNEL_RATE, CHANNEL_BURST, now)):
            stats["limited"] += 1
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                     headers={"Retry-After": "1"})
        posts[channel] = posts.get(channel, 0) + 1
        stats["posts"] += 1
        return web.json_response({"ok": True, "channel": channel,
                                  "ts": f"{time.time():.6f}"})

    async def get_stats(request: web.Request) -> web.Response:
        dupes = sum(1 for n in posts.values() if n > 1)
        return web.json_response({**stats, "channels": len(posts), "duplicates": dupes})

    async def reset(request: web.Request) -> web.Response:
        buckets.clear()
        posts.clear()
        stats.update(posts=0, limited=0)
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/api/chat.postMessage", post)
    app.router.add_get("/stats", get_stats)
    app.router.add_post("/reset", reset)
    ready.set()
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None,
                handle_signals=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --------------------------------------------------------------------------- the run


async def _seed(store: Any, channels: int) -> None:
    """``channels`` Slack conversations across the workspaces, all subscribed for ``DUE``."""
    per = channels // WORKSPACES
    async with store.backend.write() as conn:
        for w in range(WORKSPACES):
            team = f"T{w:02d}"
            await store.ensure_org(conn, team, DUE)
            for start in range(0, per, 500):
                ids = [f"C{w:02d}{n:05d}" for n in range(start, min(start + 500, per))]
                values = ", ".join("(?, ?, ?, ?, ?, ?, ?, ?)" for _ in ids)
                args: list[Any] = []
                for cid in ids:
                    ref = json.dumps({"team_id": team, "channel_id": cid, "is_direct": False})
                    args += [team, "slack", cid, False, ref, DUE, DUE, "bench"]
                await conn.execute(
                    "INSERT INTO conversations (org_id, channel, id, is_direct, reference,"
                    f" created_at, updated_at, updated_by) VALUES {values}", *args)
                values = ", ".join("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" for _ in ids)
                args = []
                for cid in ids:
                    args += [team, "slack", cid, 0, "10:00", "Europe/Lisbon", "active", DUE,
                             f"slack:{team}", DUE, "bench", DUE, "bench"]
                await conn.execute(
                    "INSERT INTO nudge_subscriptions (org_id, channel, conversation_id,"
                    " weekday, local_time, zone, status, next_run_at, lane, created_at,"
                    f" created_by, updated_at, updated_by) VALUES {values}", *args)


async def _replica(store: Any, url: str) -> tuple[Any, float]:
    """One scheduler process: its own HTTP session, limiter and database pool."""
    import aiohttp

    from bot.metrics import Metrics
    from bot.nudges.limits import Limiter
    from bot.nudges.runtime import build_scheduler
    from bot.nudges.slack import NudgeSlackSender, SlackNudges
    from bot.store.slack import SlackStore, TokenCipher

    connector = aiohttp.TCPConnector(limit=0, limit_per_host=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.monotonic()

        def clock() -> datetime:
            return DUE + timedelta(seconds=30 + time.monotonic() - started)

        sender = NudgeSlackSender(
            store=store, slack_store=SlackStore(store, TokenCipher("")),
            session=session, base_url=f"{url}/api/", bot_token=TOKEN, clock=clock,
        )
        nudges = SlackNudges(sender, Limiter(time.monotonic, asyncio.sleep))
        scheduler = build_scheduler(store, {"slack": nudges}, None, Metrics(), clock=clock)
        report = await scheduler.run_due()
        return report, time.monotonic() - started


async def _fan_out(url: str, channels: int, db_url: str, replicas: int = 1) -> dict[str, Any]:
    import aiohttp

    from bot.nudges.scheduler import Report
    from bot.store import Store
    from bot.store.nudges import NudgeStore

    stores = [await Store.open(db_url) for _ in range(replicas)]
    try:
        await _seed(stores[0], channels)
        gc.collect()
        before = _rss_mb()
        results = await asyncio.gather(*(_replica(store, url) for store in stores))
        gc.collect()
        after = _rss_mb()
        counts = await NudgeStore(stores[0]).counts()
    finally:
        for store in stores:
            await store.close()
    report = Report()
    for part, _seconds in results:
        report.add(part)
    async with aiohttp.ClientSession() as session, session.get(f"{url}/stats") as response:
        stats = await response.json()
    return {"seconds": max(seconds for _report, seconds in results),
            "memory_mb": after - before, "report": report.as_dict(), "counts": counts, **stats}


def _run_once(channels: int, engine: str = "sqlite", replicas: int = 1) -> dict[str, Any] | None:
    port = _free_port()
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    server = ctx.Process(target=_serve, args=(port, ready), daemon=True)
    server.start()
    try:
        if not ready.wait(30):
            raise RuntimeError("the fake Slack API did not start")
        url = f"http://127.0.0.1:{port}"
        _wait_listening(port)
        return asyncio.run(_on_engine(url, channels, engine, replicas))
    finally:
        server.terminate()
        server.join(10)


async def _on_engine(url: str, channels: int, engine: str, replicas: int) -> dict[str, Any] | None:
    if engine == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            return await _fan_out(url, channels, f"sqlite:///{Path(tmp) / 'nudges.db'}")
    from bench.store import _drop, _pg_url

    pg = await _pg_url()
    if pg is None:
        return None
    db_url, schema = pg
    try:
        return await _fan_out(url, channels, db_url, replicas)
    finally:
        await _drop(schema)


def _wait_listening(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the fake Slack API is not listening")


def run(quick: bool = False) -> list[Figure]:
    channels = 1_000 if quick else 10_000
    floor = channels / WORKSPACES / WORKSPACE_RATE
    figures: list[Figure] = []
    setups = [("sqlite", 1, 1 if quick else 2), ("postgresql", 2, 1)]
    for engine, replicas, times in setups:
        runs = [r for r in (_run_once(channels, engine, replicas) for _ in range(times)) if r]
        who = f"{engine}, {replicas} replica{'s' if replicas > 1 else ''}"
        if not runs:
            figures.append(Figure("nudges", f"{who}: skipped", "-", [0.0],
                                  note="PostgreSQL not reachable"))
            continue
        for r in runs:
            if r["counts"] != {"sent": channels}:
                raise RuntimeError(f"{who}: not every nudge was sent once: {r['counts']}")
        label = f"{who}, {channels:,} Slack channels / {WORKSPACES} workspaces"
        note = (f"429s {[r['limited'] for r in runs]}; floor = {channels // WORKSPACES:,} posts"
                f" per workspace at {WORKSPACE_RATE:.0f}/s")
        figures += [
            Figure("nudges", f"{label}: fan-out time", "s", [r["seconds"] for r in runs],
                   baseline="floor (workspace cap)", baseline_runs=[floor],
                   target=f"value <= {floor * 1.1:.1f}" if replicas == 1 else None, note=note),
            Figure("nudges", f"{label}: duplicate posts", "posts",
                   [float(r["duplicates"]) for r in runs], target="value <= 0",
                   note="channels that received the nudge more than once"),
            Figure("nudges", f"{label}: memory growth", "MB", [r["memory_mb"] for r in runs],
                   target="value <= 50" if replicas == 1 else None,
                   note="RSS after the run minus RSS before (after seeding)"),
        ]
    return figures


if __name__ == "__main__":
    import sys

    for figure in run(quick="--quick" in sys.argv):
        print(figure.name, [round(v, 2) for v in figure.runs], figure.target_met(), figure.note)
