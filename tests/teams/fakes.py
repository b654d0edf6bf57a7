"""Fakes at the HTTP boundary, served by real aiohttp servers: the Bot Connector and the
Bot Framework's identity endpoints (OpenID metadata, signing keys, token issuance).

The Bot Connector routes are those of platform-notes.md ("Bot Connector REST calls a fake must
answer"); ``test_fakes.py`` pins the shapes the SDK sends and reads.
"""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import jwt
from aiohttp import web
from aiohttp.test_utils import TestServer
from botbuilder.schema import ConversationReference
from botframework.connector.auth import (
    MicrosoftAppCredentials,
    ServiceClientCredentialsFactory,
)
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


@dataclass
class Call:
    """One request the bot made to the fake Bot Connector."""

    method: str
    route: str  # "send", "reply", "update", "delete", "create", "channels", "members"
    path: str
    body: Any
    authorization: str | None
    peer: str
    conversation_id: str = ""
    activity_id: str = ""
    response_id: str = ""  # the activity id the fake answered with

    @property
    def text(self) -> str:
        """The activity's text, or the card's fallback text."""
        activity = self.body.get("activity", self.body) if isinstance(self.body, dict) else {}
        if activity.get("text"):
            return str(activity["text"])
        for attachment in activity.get("attachments") or ():
            return str(attachment.get("content", {}).get("fallbackText", ""))
        return ""


@dataclass
class Scripted:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class FakeConnector:
    """A Bot Connector: records every call, answers like Teams, fails on request."""

    CHANNELS = (("General", None), ("FinOps", "19:finops@thread.tacv2"))

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.attempts: list[Call] = []  # including those answered with a scripted failure
        self.script: dict[str, list[Scripted]] = {}
        self._ids = itertools.count(1)
        self.server: TestServer | None = None
        app = web.Application()
        base = "/v3/conversations"
        app.router.add_post(base, self._create)
        app.router.add_post(base + "/{cid}/activities", self._send)
        app.router.add_post(base + "/{cid}/activities/{aid}", self._reply)
        app.router.add_put(base + "/{cid}/activities/{aid}", self._update)
        app.router.add_delete(base + "/{cid}/activities/{aid}", self._delete)
        app.router.add_get(base + "/{cid}/members", self._members)
        app.router.add_get("/v3/teams/{tid}/conversations", self._channels)
        self.app = app

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.port}/"

    async def start(self) -> FakeConnector:
        self.server = TestServer(self.app, host="127.0.0.1")
        await self.server.start_server()
        return self

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()

    def fail(self, route: str, status: int, body: Any = None, times: int = 1,
             headers: dict[str, str] | None = None) -> None:
        """Answer the next ``times`` calls of ``route`` with ``status``."""
        self.script.setdefault(route, []).extend(
            Scripted(status, body, headers or {}) for _ in range(times)
        )

    def routes(self, *names: str) -> list[Call]:
        return [c for c in self.calls if c.route in names]

    # ------------------------------------------------------------------ routes

    async def _record(self, request: web.Request, route: str) -> tuple[Call, web.Response | None]:
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        peer = request.transport.get_extra_info("peername") if request.transport else None
        call = Call(
            request.method, route, request.path, body, request.headers.get("Authorization"),
            str(peer[1]) if peer else "", request.match_info.get("cid", ""),
            request.match_info.get("aid", ""),
        )
        call.response_id = self._new_id()
        self.attempts.append(call)
        queued = self.script.get(route)
        if queued:
            scripted = queued.pop(0)
            return call, web.json_response(
                scripted.body if scripted.body is not None else {"error": {"code": "Scripted"}},
                status=scripted.status, headers=scripted.headers,
            )
        self.calls.append(call)
        return call, None

    def _new_id(self) -> str:
        return f"1700000000{next(self._ids):03d}"

    async def _send(self, request: web.Request) -> web.Response:
        call, failed = await self._record(request, "send")
        return failed or web.json_response({"id": call.response_id})

    async def _reply(self, request: web.Request) -> web.Response:
        call, failed = await self._record(request, "reply")
        return failed or web.json_response({"id": call.response_id})

    async def _update(self, request: web.Request) -> web.Response:
        call, failed = await self._record(request, "update")
        return failed or web.json_response({"id": call.activity_id})

    async def _delete(self, request: web.Request) -> web.Response:
        _call, failed = await self._record(request, "delete")
        return failed or web.Response(status=200)

    async def _create(self, request: web.Request) -> web.Response:
        call, failed = await self._record(request, "create")
        if failed:
            return failed
        body = call.body or {}
        channel = ((body.get("channelData") or {}).get("channel") or {}).get("id")
        activity_id = call.response_id
        if body.get("isGroup") and channel:
            conversation_id = f"{channel};messageid={activity_id}"
        else:
            conversation_id = f"a:1on1-{activity_id}"
        return web.json_response(
            {"id": conversation_id, "activityId": activity_id, "serviceUrl": self.url}, status=201
        )

    async def _members(self, request: web.Request) -> web.Response:
        _call, failed = await self._record(request, "members")
        return failed or web.json_response([{"id": "29:user", "name": "Ana"}])

    async def _channels(self, request: web.Request) -> web.Response:
        _call, failed = await self._record(request, "channels")
        team = request.match_info["tid"]
        rows = [{"id": cid or team, "name": name if cid else None} for name, cid in self.CHANNELS]
        return failed or web.json_response({"conversations": rows})


# --------------------------------------------------------------------------- identity


@cache
def signing_key(name: str = "main") -> rsa.RSAPrivateKey:
    """An RSA key per name, made once per test session."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class FakeIdentity:
    """OpenID metadata, its key set (with endorsements, as the Bot Framework's) and a token
    endpoint for the bot's outbound tokens."""

    KID = "fake-key-1"

    def __init__(self) -> None:
        self.metadata_fetches = 0
        self.key_fetches = 0
        self.tokens_issued: list[str] = []
        self.server: TestServer | None = None
        app = web.Application()
        app.router.add_get("/v1/.well-known/openidconfiguration", self._metadata)
        app.router.add_get("/v1/keys", self._keys)
        app.router.add_post("/{tenant}/oauth2/v2.0/token", self._token)
        self.app = app

    async def start(self) -> FakeIdentity:
        self.server = TestServer(self.app, host="127.0.0.1")
        await self.server.start_server()
        return self

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()

    @property
    def base(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.port}"

    @property
    def metadata_url(self) -> str:
        return f"{self.base}/v1/.well-known/openidconfiguration"

    @property
    def issuer(self) -> str:
        return f"{self.base}/issuer"

    def login_url(self, tenant: str) -> str:
        return f"{self.base}/{tenant}"

    def token(self, *, audience: str, service_url: str, issuer: str | None = None,
              expires_in: int = 3600, kid: str | None = None, key: str = "main",
              extra: dict[str, Any] | None = None) -> str:
        now = int(time.time())
        claims = {"iss": issuer or self.issuer, "aud": audience, "serviceurl": service_url,
                  "nbf": now - 10, "exp": now + expires_in, **(extra or {})}
        return jwt.encode(claims, signing_key(key), algorithm="RS256",
                          headers={"kid": kid or self.KID})

    async def _metadata(self, request: web.Request) -> web.Response:
        self.metadata_fetches += 1
        return web.json_response({
            "issuer": self.issuer,
            "jwks_uri": f"{self.base}/v1/keys",
            "id_token_signing_alg_values_supported": ["RS256"],
        })

    async def _keys(self, request: web.Request) -> web.Response:
        self.key_fetches += 1
        jwk = json.loads(RSAAlgorithm.to_jwk(signing_key("main").public_key()))
        jwk.update(kid=self.KID, use="sig", endorsements=["msteams"])
        return web.json_response({"keys": [jwk]})

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        if form.get("grant_type") != "client_credentials" or not form.get("client_secret"):
            return web.json_response({"error": "invalid_request"}, status=400)
        token = f"outbound-{len(self.tokens_issued) + 1}"
        self.tokens_issued.append(token)
        return web.json_response({"token_type": "Bearer", "expires_in": 3600,
                                  "access_token": token})


class FakeLoginCredentials(MicrosoftAppCredentials):  # type: ignore[misc]
    """Client-credentials tokens from the fake identity's token endpoint (msal only talks
    https to known authorities, so the test supplies the credentials, not the endpoints)."""

    def __init__(self, app_id: str, password: str, login_endpoint: str, scope: str) -> None:
        super().__init__(app_id, password, oauth_scope=scope)
        self.login_endpoint = login_endpoint

    def get_access_token(self, force_refresh: bool = False) -> str:
        import requests

        response = requests.post(
            f"{self.login_endpoint}/oauth2/v2.0/token",
            data={"grant_type": "client_credentials", "client_id": self.microsoft_app_id,
                  "client_secret": self.microsoft_app_password,
                  "scope": f"{self.oauth_scope}/.default"},
            timeout=5,
        )
        response.raise_for_status()
        return str(response.json()["access_token"])


class FakeLoginFactory(ServiceClientCredentialsFactory):  # type: ignore[misc]
    def __init__(self, app_id: str, password: str) -> None:
        self.app_id = app_id
        self.password = password
        self.requested: list[tuple[str, str]] = []  # (login endpoint, scope) the SDK asked for

    async def is_valid_app_id(self, app_id: str) -> bool:
        return app_id == self.app_id

    async def is_authentication_disabled(self) -> bool:
        return False

    async def create_credentials(self, app_id: str, oauth_scope: str, login_endpoint: str,
                                 validate_authority: bool) -> FakeLoginCredentials:
        if app_id != self.app_id:
            raise PermissionError("Invalid app_id")
        self.requested.append((login_endpoint, oauth_scope))
        return FakeLoginCredentials(app_id, self.password, login_endpoint, oauth_scope)


def reference_for(data: dict[str, Any]) -> ConversationReference:
    return ConversationReference().deserialize(data)
