"""Memory: peak RSS of ``crosswalk serve`` idle and under the load of module 1 (edges).

Read from ``/proc/<pid>/status`` of the server process: ``VmHWM`` (peak resident set) after
start-up and a short idle, then again after one run of module 1's Teams and Slack loads. Idle is
compared with the bare aiohttp server of module 1 (the ceiling) idle in the same run; the peak
under load with the same process idle. Each repetition starts fresh processes.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from bench.edges import SLACK, TEAMS, Bench
from bench.harness import Figure

IDLE_S = 2.0


async def _once(quick: bool) -> tuple[float, float, float, float]:
    """(bare aiohttp idle peak, crosswalk idle peak, crosswalk peak under load, current) MiB."""
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        async with Bench(Path(tmp), quick) as bench:
            ceiling = await bench.start_peer("ceiling")
            ours = await bench.start_crosswalk()
            await asyncio.sleep(IDLE_S)
            _, bare_idle = ceiling.rss_mib()
            _, idle = ours.rss_mib()
            for target in (bench.teams(TEAMS, ours), bench.slack_target(SLACK, ours)):
                await bench.run(target)
            current, loaded = ours.rss_mib()
    return bare_idle, idle, loaded, current


async def run_async(quick: bool = False) -> list[Figure]:
    samples = [await _once(quick) for _ in range(2 if quick else 3)]
    bare, idle, loaded, current = (list(column) for column in zip(*samples, strict=True))
    return [
        Figure("memory", "crosswalk serve: peak RSS idle", "MiB", idle,
               baseline="bare aiohttp server: peak RSS idle", baseline_runs=bare,
               note="content, Q&A index, botbuilder, Bolt and the store loaded; VmHWM"),
        Figure("memory", "crosswalk serve: peak RSS under the edges load", "MiB", loaded,
               baseline="crosswalk serve: peak RSS idle", baseline_runs=idle,
               note=f"one run of the Teams and Slack loads of module 1 (acks first: the turns "
                    f"queue in memory); RSS after it {sorted(current)[len(current) // 2]:.0f} MiB"),
    ]


def run(quick: bool = False) -> list[Figure]:
    return asyncio.run(run_async(quick))
