"""The botbuilder peer: Microsoft's Python echo sample (02.echo-bot) as published.

``CloudAdapter`` + ``ConfigurationBotFrameworkAuthentication`` with an empty app id (the
sample's local set-up, authentication off), an ``ActivityHandler`` that echoes, and
``adapter.process`` on aiohttp. The reply goes to the activity's ``serviceUrl`` (the benchmark's
fake Bot Connector) before the request is answered, exactly as in the sample. Nothing is tuned:
no msrest patch, no connector cache. Run as ``python -m bench.peers.echo_botbuilder --port N``.
"""

from __future__ import annotations

import argparse
import sys
import traceback

from aiohttp import web
from botbuilder.core import ActivityHandler, MessageFactory, TurnContext
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botbuilder.schema import ChannelAccount


class DefaultConfig:
    """The sample's config.py (no app id: the Emulator-style local run)."""

    PORT = 3978
    APP_ID = ""
    APP_PASSWORD = ""
    APP_TYPE = "MultiTenant"
    APP_TENANTID = ""


class EchoBot(ActivityHandler):  # type: ignore[misc]
    """The sample's bots/echo_bot.py."""

    async def on_members_added_activity(
        self, members_added: list[ChannelAccount], turn_context: TurnContext
    ) -> None:
        for member in members_added:
            if member.id != turn_context.activity.recipient.id:
                await turn_context.send_activity("Hello and welcome!")

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        await turn_context.send_activity(
            MessageFactory.text(f"Echo: {turn_context.activity.text}")
        )


def build_app() -> web.Application:
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(DefaultConfig()))

    async def on_error(context: TurnContext, error: Exception) -> None:
        print(f"\n [on_turn_error] unhandled error: {error}", file=sys.stderr)
        traceback.print_exc()
        await context.send_activity("The bot encountered an error or bug.")

    adapter.on_turn_error = on_error
    bot = EchoBot()

    async def messages(request: web.Request) -> web.StreamResponse:
        response: web.StreamResponse = await adapter.process(request, bot)
        return response

    async def ready(request: web.Request) -> web.Response:
        return web.Response(text="ready")

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/readyz", ready)
    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    web.run_app(build_app(), host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
