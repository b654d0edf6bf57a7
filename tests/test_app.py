"""The HTTP server: health, readiness, metrics, limits and JSON errors, over real HTTP."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import ClientSession, web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app, read_body
from bot.settings import Settings


def settings_for(tmp_path: Path, **extra: object) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'app.db'}", **extra)  # type: ignore[arg-type]


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[TestClient]:
    app = create_app(settings_for(tmp_path, max_body_bytes=2048, body_timeout=0.5))

    async def echo(request: web.Request) -> web.Response:
        body = await read_body(request)
        return web.json_response({"bytes": len(body)})

    async def crash(request: web.Request) -> web.Response:
        raise RuntimeError("secret internals")

    app.router.add_post("/echo", echo)
    app.router.add_get("/crash", crash)
    async with TestClient(TestServer(app)) as c:
        yield c


async def test_health_ready_and_metrics(client: TestClient) -> None:
    r = await client.get("/healthz")
    assert r.status == 200 and await r.json() == {"status": "ok"}
    r = await client.get("/readyz")
    body = await r.json()
    assert r.status == 200, body
    r = await client.get("/metrics")
    text = await r.text()
    assert r.status == 200 and "crosswalk_http_requests_total" in text
    assert 'route="/healthz"' in text and "crosswalk_http_request_seconds_bucket" in text
    assert r.headers["X-Request-Id"]


async def test_request_id_is_echoed_when_sane(client: TestClient) -> None:
    r = await client.get("/healthz", headers={"X-Request-Id": "abc-123"})
    assert r.headers["X-Request-Id"] == "abc-123"
    r = await client.get("/healthz", headers={"X-Request-Id": "bad id\twith spaces"})
    assert r.headers["X-Request-Id"] != "bad id\twith spaces"


async def test_unknown_route_and_method_are_json_4xx(client: TestClient) -> None:
    r = await client.get("/nope")
    assert r.status == 404 and await r.json() == {"error": "not found"}
    r = await client.post("/healthz")
    assert r.status == 405 and "error" in await r.json()


async def test_oversize_body_is_413(client: TestClient) -> None:
    r = await client.post("/echo", data=b"x" * 5000)
    assert r.status == 413 and await r.json() == {"error": "request body too large"}
    r = await client.post("/echo", data=b"x" * 100)
    assert r.status == 200 and await r.json() == {"bytes": 100}


async def test_oversize_chunked_body_is_413(client: TestClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(10):
            yield b"y" * 1000

    r = await client.post("/echo", data=chunks())
    assert r.status == 413


async def test_slow_body_is_408(client: TestClient) -> None:
    host, port = client.server.host, client.server.port
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\npartial")
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), timeout=5)
    writer.close()
    await writer.wait_closed()
    assert b" 408 " in status_line


async def test_unhandled_error_is_json_500_without_details(client: TestClient) -> None:
    r = await client.get("/crash")
    assert r.status == 500 and await r.json() == {"error": "internal error"}
    assert "secret" not in await r.text()


async def test_not_ready_with_reason_when_content_is_broken(tmp_path: Path) -> None:
    broken = tmp_path / "content"
    broken.mkdir()
    (broken / "taxonomy.yaml").write_text(": not yaml :\n  - [")
    app = create_app(settings_for(tmp_path, content_dir=broken))
    async with TestClient(TestServer(app)) as c:
        r = await c.get("/readyz")
        body = await r.json()
    assert r.status == 503 and body["status"] == "not ready"
    assert any("content not loaded" in reason for reason in body["reasons"])


async def test_real_server_round_trip(tmp_path: Path) -> None:
    """The app also works behind a plain runner (as `serve` uses it)."""
    app = create_app(settings_for(tmp_path))
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        async with ClientSession() as s, s.get(f"http://127.0.0.1:{port}/healthz") as r:
            assert json.loads(await r.text()) == {"status": "ok"}
    finally:
        await runner.cleanup()
