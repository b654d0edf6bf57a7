"""The load generator for the HTTP benchmarks: Debian's ``wrk``, driven by ``bench/load.lua``.

wrk runs as its own process on loopback only, with 32 connections over 2 threads. Each request
comes from a file written here (so every real-work request carries a fresh id and, for Slack, a
fresh signature); a run is bounded in requests (the quota: each thread stops once its share is
answered) and in seconds (``wrk -d``). Latency is wrk's (request written to response read).
"""

from __future__ import annotations

import asyncio
import json
import math
import shutil
import signal
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

SCRIPT = Path(__file__).with_name("load.lua")
CONNECTIONS = 32
THREADS = 2
TIMEOUT_S = 10


class LoadError(RuntimeError):
    """wrk is missing or did not report."""


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Load:
    """What one wrk run saw."""

    sent: int
    completed: int
    started: float  # time.monotonic() of the first request
    seconds: float  # first request sent to last answer read
    p50_ms: float
    p99_ms: float
    max_ms: float
    errors: dict[str, int]

    @property
    def per_second(self) -> float:
        return self.completed / self.seconds if self.seconds else 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def generator() -> str:
    """What generates the load (for figure notes)."""
    return f"wrk (Debian), {CONNECTIONS} connections, {THREADS} threads, loopback"


def wrk_path() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise LoadError("the HTTP benchmarks need Debian's wrk: apt-get install wrk")
    return found


def write_requests(path: Path, requests: Iterable[Request]) -> int:
    """One request per line, as ``load.lua`` reads them; returns how many."""
    count = 0
    with path.open("wb") as out:
        for r in requests:
            for text in (r.path, *r.headers, *r.headers.values()):
                if any(c in text for c in "\t\n\r"):
                    raise ValueError("tabs and newlines cannot be sent through the request file")
            if b"\t" in r.body or b"\n" in r.body:
                raise ValueError("the body must be one line without tabs")
            head = "\t".join([r.path, *(f"{k}: {v}" for k, v in r.headers.items())])
            out.write(head.encode() + b"\t" + r.body + b"\n")
            count += 1
    return count


async def run(base_url: str, requests_file: Path, quota: int, seconds: float) -> Load:
    """Send ``quota`` requests from the file (cycled if it is shorter), within ``seconds``."""
    host = urlsplit(base_url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise LoadError(f"load is generated on loopback only, not {host}")
    if quota < THREADS:
        raise ValueError(f"the quota must be at least {THREADS}")
    proc = await asyncio.create_subprocess_exec(
        wrk_path(), f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{max(1, math.ceil(seconds))}s",
        f"--timeout={TIMEOUT_S}s", "-s", str(SCRIPT), base_url, "--",
        str(requests_file), str(quota), str(THREADS),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None

    async def finished() -> str:
        """Stop wrk once every thread has all its answers (wrk would sleep out ``-d``)."""
        assert proc.stderr is not None
        lines, threads = [], 0
        async for raw in proc.stderr:
            line = raw.decode(errors="replace")
            if line.startswith("FINISHED "):
                threads += 1
                if threads == THREADS and proc.returncode is None:
                    proc.send_signal(signal.SIGINT)
            else:
                lines.append(line)
        return "".join(lines)

    try:
        out, err = await asyncio.wait_for(
            asyncio.gather(proc.stdout.read(), finished()), seconds + TIMEOUT_S + 30
        )
        await proc.wait()
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise LoadError("wrk did not finish") from None
    for line in out.decode().splitlines():
        if line.startswith("BENCH "):
            data = json.loads(line[6:])
            return Load(
                sent=data["sent"], completed=data["completed"], started=data["started"],
                seconds=max(0.0, data["ended"] - data["started"]),
                p50_ms=data["p50_us"] / 1000, p99_ms=data["p99_us"] / 1000,
                max_ms=data["max_us"] / 1000,
                errors={k: data[k] for k in ("connect", "read", "write", "status", "timeout")},
            )
    raise LoadError(f"wrk reported nothing (exit {proc.returncode}): {err[-500:]}")
