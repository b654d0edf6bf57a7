"""HTTP edges against their peers and the ceiling: requests/s, p50/p99, one server process each.

Servers, each its own process: a bare aiohttp handler (the ceiling), Microsoft's botbuilder echo
sample, a plain Bolt echo app (``bench/peers/``), and ``crosswalk serve`` (Teams in dev mode,
Slack signed). The fake Bot Connector and the fake Slack Web API (``tests/``) run in this
process; wrk (``bench/load.py``) generates the load at 32 connections.

Our edges acknowledge first and answer after (``TurnRunner.track``), and so does Bolt for
events, so their throughput is *completed deliveries per second at the fake*: replies the fake
received for the requests sent, over the time from the first request to the last reply. The
ack rate is reported too. Every real-work request carries a fresh activity/event id.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from bench import load
from bench.harness import ROOT, Figure
from bench.load import Load, Request
from tests.slack.conftest import SECRET, signed
from tests.slack.conftest import payload as slack_payload
from tests.slack.fake_slack import TOKEN, FakeSlack
from tests.teams.conftest import payload as teams_payload
from tests.teams.fakes import FakeConnector

BIN = Path(sys.executable).parent
QUESTIONS = ("How does SAM relate to FinOps?", "what is SAM?", "what is FOCUS?",
             "how do I tag cloud costs?")
CONVERSATIONS = 64  # distinct conversations (and users) the load spreads over
READY_S = 60.0
STALL_S = 15.0  # no new delivery for this long after the load ended: the rest are lost
CEILING, BOTBUILDER, TEAMS, BOLT, SLACK = (
    "bare aiohttp (ceiling)", "botbuilder echo sample", "Teams path", "Bolt echo app",
    "Slack path",
)


@dataclass(frozen=True)
class Plan:
    """How much load one run of a target gets: a request quota and a time cap."""

    quota: int
    seconds: float


PLANS = {  # full run, about 3 s each here; --quick divides the quotas by QUICK
    CEILING: Plan(60_000, 6), BOTBUILDER: Plan(400, 8), TEAMS: Plan(1_500, 8),
    BOLT: Plan(3_000, 8), SLACK: Plan(1_500, 8),
}
QUICK = 4


# --------------------------------------------------------------------------- servers


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[bytes]
    url: str
    log: Path

    @property
    def pid(self) -> int:
        return self.proc.pid

    def rss_mib(self) -> tuple[float, float]:
        """(current, peak) resident set size from /proc, in MiB."""
        values = {}
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024
        return values["VmRSS"], values["VmHWM"]

    async def errors(self, session: aiohttp.ClientSession) -> float:
        """The server's own error counter (``crosswalk serve`` only; 0 for peers)."""
        async with session.get(self.url + "/metrics") as response:
            if response.status != 200:
                return 0.0
            text = await response.text()
        return sum(float(m[1]) for m in re.finditer(
            r"^crosswalk_errors_total\{[^}]*\} ([0-9.e+]+)$", text, re.MULTILINE))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def start(name: str, argv: list[str], tmp: Path, env: dict[str, str] | None = None) -> Server:
    """Start a server process on a free loopback port and wait for ``/readyz``."""
    port = free_port()
    log = tmp / f"{re.sub(r'[^a-z]+', '-', name.lower())}.log"
    with log.open("wb") as out:
        proc = await asyncio.to_thread(
            subprocess.Popen, [*argv, "--port", str(port)], cwd=ROOT,
            env={**os.environ, **(env or {})}, stdout=out, stderr=subprocess.STDOUT,
        )
    server = Server(name, proc, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + READY_S
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited: {log.read_text()[-800:]}")
            try:
                async with session.get(server.url + "/readyz") as response:
                    if response.status == 200:
                        return server
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
    server.stop()
    raise RuntimeError(f"{name} was not ready in {READY_S:.0f} s: {log.read_text()[-800:]}")


# --------------------------------------------------------------------------- workloads


def teams_requests(service_url: str, count: int, tag: str) -> Iterator[Request]:
    """Personal-chat questions over ``CONVERSATIONS`` chats, each with a fresh activity id."""
    base = teams_payload("personal_message", service_url)
    for i in range(count):
        who = i % CONVERSATIONS
        body = {
            **base, "id": f"{tag}{i}", "text": QUESTIONS[i % len(QUESTIONS)],
            "from": {**base["from"], "id": f"29:bench-user-{who}"},
            "conversation": {**base["conversation"], "id": f"a:bench-chat-{who}"},
        }
        raw = json.dumps(body, separators=(",", ":")).encode()
        yield Request("/api/messages", {"Content-Type": "application/json"}, raw)


def slack_requests(count: int, tag: str) -> Iterator[Request]:
    """Signed ``message.im`` events over ``CONVERSATIONS`` DMs, each with a fresh event id."""
    base = slack_payload("event_message_im.json")
    now = int(time.time())
    for i in range(count):
        who = i % CONVERSATIONS
        text = QUESTIONS[i % len(QUESTIONS)]
        ts = f"{now}.{i:06d}"
        event = {
            **base["event"], "user": f"U0BENCH{who}", "channel": f"D0BENCH{who}", "text": text,
            "ts": ts, "event_ts": ts, "client_msg_id": str(uuid.uuid4()),
            "blocks": [{"type": "rich_text", "block_id": "b1", "elements": [
                {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}]}],
        }
        body = {**base, "event": event, "event_id": f"Ev{tag}{i}", "event_time": now}
        raw = json.dumps(body, separators=(",", ":")).encode()
        yield Request("/slack/events", {"Content-Type": "application/json", **signed(raw)}, raw)


class Deliveries:
    """Counts replies at a fake incrementally (the fakes keep every call in a list)."""

    def __init__(self, calls: list[Any], wanted: Callable[[Any], bool]) -> None:
        self._calls = calls
        self._wanted = wanted
        self._seen = len(calls)
        self.count = 0

    def poll(self) -> int:
        new = self._calls[self._seen:]
        self._seen += len(new)
        self.count += sum(1 for call in new if self._wanted(call))
        return self.count


@dataclass
class Sample:
    """One run of one target."""

    load: Load
    delivered: int
    delivery_s: float
    server_errors: float = 0.0

    @property
    def delivered_per_s(self) -> float:
        return self.delivered / self.delivery_s if self.delivery_s else 0.0

    @property
    def errors(self) -> int:
        return self.load.error_count + max(0, self.load.sent - self.delivered) + int(
            self.server_errors)


@dataclass
class Target:
    name: str
    server: Server
    requests: Callable[[int, str], Iterator[Request]]
    deliveries: Callable[[set[str]], Deliveries]
    plan: Plan
    samples: list[Sample] = field(default_factory=list)


class Bench:
    """The fakes, the servers and the runs; used by module 1 and module 6."""

    def __init__(self, tmp: Path, quick: bool) -> None:
        self.tmp = tmp
        self.quick = quick
        self.connector = FakeConnector()
        self.slack = FakeSlack()
        self.servers: list[Server] = []
        self.session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Bench:
        load.wrk_path()
        await self.connector.start()
        await self.slack.start()
        self.session = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        for server in self.servers:
            server.stop()
        if self.session is not None:
            await self.session.close()
        await self.slack.close()
        await self.connector.close()

    def plan(self, name: str) -> Plan:
        plan = PLANS[name]
        return Plan(max(200, plan.quota // QUICK), plan.seconds / 2) if self.quick else plan

    # ------------------------------------------------------------------ servers

    async def start_peer(self, module: str, *args: str) -> Server:
        server = await start(module, [sys.executable, "-m", f"bench.peers.{module}", *args],
                             self.tmp)
        self.servers.append(server)
        return server

    async def start_crosswalk(self) -> Server:
        env = {
            "CROSSWALK_DATABASE_URL": f"sqlite:///{self.tmp / f'edges-{uuid.uuid4().hex}.db'}",
            "CROSSWALK_DEV_MODE": "1", "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_BOT_TOKEN": TOKEN, "SLACK_API_URL": self.slack.api_url,
            # the throttle runs, with limits no benchmark reaches (it measures capacity);
            # the server applies the migrations to the fresh database itself
            **{f"CROSSWALK_THROTTLE_{who}_{what}": "1000000"
               for who in ("USER", "ORG") for what in ("PER_MINUTE", "BURST")},
        }
        server = await start("crosswalk serve", [str(BIN / "crosswalk"), "serve"], self.tmp, env)
        self.servers.append(server)
        return server

    # ------------------------------------------------------------------ targets

    def teams(self, name: str, server: Server) -> Target:
        url = self.connector.url

        def deliveries(ids: set[str]) -> Deliveries:
            return Deliveries(self.connector.calls,
                              lambda c: c.route == "reply" and c.activity_id in ids)

        return Target(name, server, lambda n, tag: teams_requests(url, n, tag), deliveries,
                      self.plan(name))

    def slack_target(self, name: str, server: Server) -> Target:
        def deliveries(ids: set[str]) -> Deliveries:
            return Deliveries(self.slack.calls,
                              lambda c: c.method == "chat.postMessage" and c.status == 200)

        return Target(name, server, slack_requests, deliveries, self.plan(name))

    def ceiling(self, server: Server) -> Target:
        body = next(teams_requests(self.connector.url, 1, "ceiling"))

        def requests(count: int, tag: str) -> Iterator[Request]:
            yield body

        return Target(CEILING, server, requests, lambda ids: Deliveries([], bool),
                      self.plan(CEILING))

    async def targets(self) -> list[Target]:
        ceiling = await self.start_peer("ceiling")
        botbuilder = await self.start_peer("echo_botbuilder")
        bolt = await self.start_peer("echo_bolt", "--api-url", self.slack.api_url,
                                     "--token", TOKEN, "--secret", SECRET)
        ours = await self.start_crosswalk()
        return [
            self.ceiling(ceiling), self.teams(BOTBUILDER, botbuilder), self.teams(TEAMS, ours),
            self.slack_target(BOLT, bolt), self.slack_target(SLACK, ours),
        ]

    # ------------------------------------------------------------------ runs

    async def run(self, target: Target, quota: int | None = None) -> Sample:
        """One bounded wrk run; waits for the replies to reach the fake."""
        assert self.session is not None
        tag = uuid.uuid4().hex[:10]
        quota = quota or target.plan.quota
        file = self.tmp / "requests.txt"
        is_ceiling = target.name == CEILING
        written = load.write_requests(file, target.requests(quota, tag))
        ids = set() if is_ceiling else {f"{tag}{i}" for i in range(written)}
        counter = target.deliveries(ids)
        errors_before = await target.server.errors(self.session) if target.name in (
            TEAMS, SLACK) else 0.0
        started = time.monotonic()
        last = started
        done: list[Load] = []

        async def watch() -> None:
            nonlocal last
            count = 0
            while True:
                if counter.poll() != count:
                    count, last = counter.count, time.monotonic()
                if done and (count >= done[0].sent or time.monotonic() - last > STALL_S):
                    return
                await asyncio.sleep(0.002)

        watcher = asyncio.create_task(watch())
        result = await load.run(target.server.url, file, quota, target.plan.seconds)
        if is_ceiling:
            watcher.cancel()
            return Sample(result, result.completed, result.seconds)
        done.append(result)
        await watcher
        errors_after = await target.server.errors(self.session) if target.name in (
            TEAMS, SLACK) else 0.0
        return Sample(result, counter.count, max(last - result.started, result.seconds),
                      errors_after - errors_before)

    async def warm(self, target: Target) -> None:
        """Every conversation once (welcomes, user look-ups, connections), not measured."""
        await self.run(target, quota=max(CONVERSATIONS, 100))


# --------------------------------------------------------------------------- figures


def _med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def figures(targets: dict[str, Target]) -> list[Figure]:
    def rate(name: str) -> list[float]:
        return [s.delivered_per_s for s in targets[name].samples]

    def acks(name: str) -> list[float]:
        return [s.load.per_second for s in targets[name].samples]

    def errors(name: str) -> int:
        return sum(s.errors for s in targets[name].samples)

    def p(name: str, which: str) -> list[float]:
        return [getattr(s.load, which) for s in targets[name].samples]

    gen = load.generator()
    ceiling = acks(CEILING)
    out = [Figure("edges", f"{CEILING}: req/s", "req/s", ceiling, higher_is_better=True,
                  note=f"parses the same Teams JSON body, answers 200; {gen}")]
    for name, peer_note in (
        (BOTBUILDER, "CloudAdapter + ActivityHandler echo; replies before answering"),
        (BOLT, "AsyncApp + aiohttp adapter, say() on slack_sdk's default client"),
    ):
        out.append(Figure(
            "edges", f"{name}: replies/s (fraction of ceiling)", "req/s", rate(name),
            baseline=f"{CEILING}: req/s", baseline_runs=ceiling, higher_is_better=True,
            note=f"{peer_note}; acks/s {_med(acks(name)):.0f}; errors {errors(name)}",
        ))
    out.append(Figure(
        "edges", f"{BOLT}: acks/s", "req/s", acks(BOLT), baseline=f"{CEILING}: req/s",
        baseline_runs=ceiling, higher_is_better=True,
        note="events are acknowledged before the listener runs",
    ))
    for name, peer, bound in ((TEAMS, BOTBUILDER, 3), (SLACK, BOLT, 1.5)):
        what = ("question answered by Q&A, state loaded and saved, reply at the fake Bot "
                "Connector" if name == TEAMS else
                "signed message.im, acked, answered by Q&A, reply at the fake Web API")
        out.append(Figure(
            "edges", f"{name}: replies/s vs {peer}", "req/s", rate(name),
            baseline=f"{peer}: replies/s", baseline_runs=rate(peer), higher_is_better=True,
            target=f"ratio >= {bound}",
            note=f"{what}; completed deliveries per second; errors {errors(name)}"
                 f" (peer {errors(peer)})",
        ))
        out.append(Figure(
            "edges", f"{name}: replies/s (fraction of ceiling)", "req/s", rate(name),
            baseline=f"{CEILING}: req/s", baseline_runs=ceiling, higher_is_better=True,
        ))
        out.append(Figure(
            "edges", f"{name}: acks/s", "req/s", acks(name),
            baseline=f"{peer}: acks/s", baseline_runs=acks(peer), higher_is_better=True,
            note="HTTP answers per second (the turn runs after the answer)",
        ))
    for name, base in ((CEILING, None), (BOTBUILDER, None), (BOLT, None),
                       (TEAMS, BOTBUILDER), (SLACK, BOLT)):
        for which, label in (("p50_ms", "p50"), ("p99_ms", "p99")):
            out.append(Figure(
                "edges", f"{name}: ack latency {label}", "ms", p(name, which),
                baseline=f"{base}: ack latency {label}" if base else None,
                baseline_runs=p(base, which) if base else [],
                note="" if name in (CEILING, BOTBUILDER) else
                "time to the HTTP answer; the reply follows",
            ))
    for name in (TEAMS, SLACK):
        if errors(name):
            out.append(Figure("edges", f"{name}: errors", "errors",
                              [float(s.errors) for s in targets[name].samples], target="value <= 0",
                              note="wrk errors + replies never delivered + server error counter"))
    return out


async def run_async(quick: bool = False) -> list[Figure]:
    rounds = 2 if quick else 3
    with tempfile.TemporaryDirectory(prefix="bench-edges-") as tmp:
        async with Bench(Path(tmp), quick) as bench:
            targets = await bench.targets()
            for target in targets:
                await bench.warm(target)
            for _ in range(rounds):  # interleaved, so drift hits every target alike
                for target in targets:
                    target.samples.append(await bench.run(target))
            by_name = {t.name: t for t in targets}
            for target in targets:
                s = target.samples[-1]
                print(f"   {target.name}: {s.delivered_per_s:.0f} replies/s, "
                      f"{s.load.per_second:.0f} acks/s, p50 {s.load.p50_ms:.1f} ms, "
                      f"errors {s.errors}", file=sys.stderr, flush=True)
            return figures(by_name)


def run(quick: bool = False) -> list[Figure]:
    return asyncio.run(run_async(quick))
