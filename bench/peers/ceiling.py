"""The ceiling: a bare aiohttp handler that parses the same JSON body and answers 200.

Run as ``python -m bench.peers.ceiling --port N``; serves both paths the real apps serve.
"""

from __future__ import annotations

import argparse

from aiohttp import web


async def handle(request: web.Request) -> web.Response:
    await request.json()
    return web.Response(status=200)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = web.Application()
    app.router.add_post("/api/messages", handle)
    app.router.add_post("/slack/events", handle)
    app.router.add_get("/readyz", ready)
    web.run_app(app, host="127.0.0.1", port=args.port, print=None, access_log=None)


async def ready(request: web.Request) -> web.Response:
    return web.Response(text="ready")


if __name__ == "__main__":
    main()
