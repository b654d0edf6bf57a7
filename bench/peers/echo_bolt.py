"""The Bolt peer: a plain Bolt for Python echo app on the aiohttp adapter, as in Bolt's samples.

``AsyncApp`` with a bot token and signing secret (requests are verified), one ``message``
listener that answers with ``say`` (``chat.postMessage``), served by ``app.web_app()`` (Bolt's
aiohttp adapter). The Web API base URL points at the benchmark's fake; otherwise the client is
the default one (no shared session). Run as
``python -m bench.peers.echo_bolt --port N --api-url URL --token T --secret S``.
"""

from __future__ import annotations

import argparse
from typing import Any

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient


def build_app(api_url: str, token: str, secret: str) -> web.Application:
    app = AsyncApp(
        token=token, signing_secret=secret,
        client=AsyncWebClient(token=token, base_url=api_url),
    )

    @app.event("message")
    async def echo(event: dict[str, Any], say: Any) -> None:
        await say(f"Echo: {event.get('text', '')}")

    async def ready(request: web.Request) -> web.Response:
        return web.Response(text="ready")

    web_app = app.web_app(path="/slack/events")
    web_app.router.add_get("/readyz", ready)
    return web_app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--secret", required=True)
    args = parser.parse_args()
    app = build_app(args.api_url, args.token, args.secret)
    web.run_app(app, host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
