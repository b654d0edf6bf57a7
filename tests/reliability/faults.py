"""A fault-injecting HTTP proxy in front of the existing fakes (Bot Connector, Slack Web API).

The fakes answer like the platforms; the proxy sits between the bot and a fake and, for the
requests a test picks, answers 429 with ``Retry-After``, a 5xx, resets the connection or holds
it past the client's timeout, either *before* forwarding (the platform never saw the request)
or *after* (it did: the outcome is ambiguous). Every other request is forwarded unchanged.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from dataclasses import dataclass, field

from aiohttp import ClientSession, web

KINDS = ("429", "500", "502", "503", "504", "reset", "timeout", "reset-after", "timeout-after")


@dataclass
class Seen:
    """One request that reached the proxy, with what the proxy did to it."""

    method: str
    path: str
    fault: str | None
    at: float
    body: bytes = b""


@dataclass
class Rule:
    pattern: re.Pattern[str]
    faults: list[str]
    retry_after: str = "1"
    body: bytes = b""  # and the request body contains this


@dataclass
class FaultProxy:
    upstream: str  # "http://127.0.0.1:port"
    hold: float = 2.0  # seconds a "timeout" keeps the connection open without answering
    rules: list[Rule] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    injected: int = 0
    _runner: web.AppRunner | None = None
    _session: ClientSession | None = None
    url: str = ""

    async def start(self) -> FaultProxy:
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        self._session = ClientSession()
        return self

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def inject(self, path_regex: str, *faults: str, retry_after: str = "1",
               body: str = "") -> None:
        """The next requests whose path matches (and body contains ``body``) get these faults."""
        assert all(f in KINDS for f in faults), faults
        self.rules.append(Rule(re.compile(path_regex), list(faults), retry_after,
                               body.encode()))

    def requests(self, path_regex: str) -> list[Seen]:
        pattern = re.compile(path_regex)
        return [s for s in self.seen if pattern.search(s.path)]

    def _next_fault(self, path: str, body: bytes) -> tuple[str | None, str]:
        for rule in self.rules:
            if rule.faults and rule.pattern.search(path) and rule.body in body:
                self.injected += 1
                return rule.faults.pop(0), rule.retry_after
        return None, "1"

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        fault, retry_after = self._next_fault(request.path, body)
        self.seen.append(Seen(request.method, request.path, fault, time.monotonic(), body))
        if fault == "429":
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                     headers={"Retry-After": retry_after})
        if fault in ("500", "502", "503", "504"):
            return web.json_response({"ok": False, "error": "injected"}, status=int(fault))
        if fault == "reset":
            return self._reset(request)
        if fault == "timeout":
            await asyncio.sleep(self.hold)
            return self._reset(request)
        forwarded = await self._forward(request, body)
        if fault == "reset-after":
            return self._reset(request)
        if fault == "timeout-after":
            await asyncio.sleep(self.hold)
            return self._reset(request)
        return forwarded

    @staticmethod
    def _reset(request: web.Request) -> web.StreamResponse:
        """Drop the connection without an answer (the client sees a disconnect)."""
        assert request.transport is not None
        request.transport.abort()
        return web.Response(status=499)  # never reaches the client

    async def _forward(self, request: web.Request, body: bytes) -> web.Response:
        assert self._session is not None
        headers = {k: v for k, v in request.headers.items()
                   if k.lower() not in ("host", "content-length", "transfer-encoding")}
        async with self._session.request(request.method, self.upstream + request.path_qs,
                                         data=body, headers=headers) as answer:
            data = await answer.read()
            kept = {k: v for k, v in answer.headers.items()
                    if k.lower() in ("content-type", "retry-after")}
            return web.Response(status=answer.status, body=data, headers=kept)


def gaps(seen: list[Seen]) -> list[float]:
    """Seconds between consecutive requests."""
    return [b.at - a.at for a, b in itertools.pairwise(seen)]

