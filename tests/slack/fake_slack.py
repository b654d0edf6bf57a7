"""A fake Slack Web API served over real HTTP (aiohttp), recording every call.

It answers the methods Crosswalk uses with the shapes Slack documents, checks the bearer token,
can inject HTTP errors (429 with ``Retry-After``, 5xx) per method, and also serves
``response_url`` hooks at ``/hooks/<id>``. Tests wait on recorded calls with a timeout.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

BOT_USER = "UCROSSWALK"
BOT_ID = "BCROSSWALK"
TEAM = "T0ACME"
TOKEN = "xoxb-test-token"


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str
    status: int = 200


@dataclass
class Injected:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=lambda: {"ok": False, "error": "injected"})


class FakeSlack:
    """State a test can shape: members of channels, archived channels, revoked tokens."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.hooks: list[tuple[str, dict[str, Any]]] = []
        self.inject: dict[str, list[Injected]] = {}
        self.errors: dict[tuple[str, str], str] = {}  # (method, channel) -> Slack error
        self.tokens = {TOKEN, "xoxb-installed"}
        self.members: set[str] = set()
        self.channel_names: dict[str, str] = {}
        self.archived: set[str] = set()
        self.oauth_team = {"id": "T0BETA", "name": "Beta Ltd"}
        self.sockets: list[web.WebSocketResponse] = []
        self.acks: list[dict[str, Any]] = []
        self._ts = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.url = ""

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/hooks/{hook}", self._hook)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def hook_url(self, name: str = "h1") -> str:
        return f"{self.url}/hooks/{name}"

    # ------------------------------------------------------------------ queries

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and c.status == 200]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:  # noqa: ASYNC109
        async def until() -> None:
            async with self._changed:
                await self._changed.wait_for(predicate)

        try:
            await asyncio.wait_for(until(), timeout)
        except TimeoutError:
            raise AssertionError(
                f"condition not met in {timeout}s; calls: {[c.method for c in self.calls]},"
                f" hooks: {len(self.hooks)}"
            ) from None

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # ------------------------------------------------------------------ handlers

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        """Socket Mode: say hello, then record the acknowledgements the app sends back."""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": 1,
                            "connection_info": {"app_id": "A0CROSS"}})
        await self._notify()
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                self.acks.append(json.loads(message.data))
                await self._notify()
        return ws

    async def _hook(self, request: web.Request) -> web.Response:
        self.hooks.append((request.match_info["hook"], await request.json()))
        await self._notify()
        return web.Response(text="ok")

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _args(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        queue = self.inject.get(method)
        if queue:
            injected = queue.pop(0)
            self.calls.append(Call(method, args, token, injected.status))
            await self._notify()
            return web.json_response(injected.body, status=injected.status,
                                     headers=injected.headers)
        self.calls.append(Call(method, args, token))
        body = self._answer(method, args, token)
        await self._notify()
        return web.json_response(body)

    def _answer(self, method: str, args: dict[str, Any], token: str) -> dict[str, Any]:
        if method == "apps.connections.open":
            return {"ok": True, "url": self.url.replace("http", "ws", 1) + "/socket"}
        if method == "oauth.v2.access":
            if args.get("code") != "good-code":
                return {"ok": False, "error": "invalid_code"}
            return {
                "ok": True, "access_token": "xoxb-installed", "token_type": "bot",
                "scope": "chat:write,commands", "bot_user_id": BOT_USER, "app_id": "A0CROSS",
                "team": self.oauth_team, "enterprise": None, "is_enterprise_install": False,
                "authed_user": {"id": "U0INSTALLER"},
            }
        if token not in self.tokens:
            return {"ok": False, "error": "invalid_auth"}
        channel = str(args.get("channel", ""))
        error = self.errors.get((method, channel))
        if error:
            return {"ok": False, "error": error}
        if method == "auth.test":
            team = self.oauth_team["id"] if token == "xoxb-installed" else TEAM
            return {"ok": True, "url": "https://acme.slack.com/", "team": "Acme",
                    "user": "crosswalk", "team_id": team, "user_id": BOT_USER, "bot_id": BOT_ID,
                    "is_enterprise_install": False}
        if method in ("chat.postMessage", "chat.update"):
            if channel in self.archived:
                return {"ok": False, "error": "is_archived"}
            ts = args.get("ts") or f"1700000000.{next(self._ts):06d}"
            return {"ok": True, "channel": channel, "ts": ts, "message": {"text": args.get("text")}}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(args.get("users", "X"))[1:]}}
        if method == "conversations.info":
            if channel.startswith("CGONE"):
                return {"ok": False, "error": "channel_not_found"}
            return {"ok": True, "channel": {
                "id": channel, "name": self.channel_names.get(channel, "general"),
                "is_member": channel in self.members, "is_archived": channel in self.archived,
            }}
        if method == "users.info":
            user = str(args.get("user", ""))
            return {"ok": True, "user": {
                "id": user, "name": "ana", "real_name": "Ana Lima", "tz": "Europe/Lisbon",
                "profile": {"display_name": "ana", "real_name": "Ana Lima"},
            }}
        if method in ("views.open", "views.publish"):
            return {"ok": True, "view": {"id": "V1", **_as_dict(args.get("view"))}}
        return {"ok": False, "error": "unknown_method"}


async def _args(request: web.Request) -> dict[str, Any]:
    args: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):
            args.update(body)
    elif request.can_read_body:
        args.update(dict(await request.post()))
    for key in ("blocks", "view"):
        if isinstance(args.get(key), str):
            args[key] = json.loads(args[key])
    return args


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
