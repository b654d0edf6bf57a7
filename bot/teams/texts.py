"""Every text the Teams edge writes itself: HTTP rejection reasons and notes to users."""

from __future__ import annotations

from dialogs.messages import Text
from dialogs.text import user

# --------------------------------------------------------------------------- HTTP reasons

NOT_CONFIGURED = (
    "Teams is not configured: set MICROSOFT_APP_ID (or CROSSWALK_DEV_MODE=1 when serving on a"
    " loopback address)"
)
NOT_STARTED = "the Teams channel is not running"
WRONG_CONTENT_TYPE = "Content-Type must be application/json"
DEV_LOOPBACK_ONLY = "dev mode accepts loopback serviceUrl only"
CANNOT_VALIDATE = "cannot validate tokens now"
UNAUTHORIZED = "unauthorized"
UNREADABLE = "activity could not be read"
NOT_HANDLED = "activity could not be handled"


def unsupported_invoke(name: str) -> str:
    return f"invoke {name!r} is not supported"


# --------------------------------------------------------------------------- notes to users


def invite_first(channel: str) -> Text:
    return Text(
        f"I can't find a channel named {user(channel)} in this team. Check the name, or add"
        " Crosswalk to that team first (invite @Crosswalk), then try again."
    )


CHANNEL_OUTSIDE_TEAM = Text(
    "I can only post to a named channel from a channel of the same team. Invite @Crosswalk to"
    " that team first, then run the command there."
)
DIRECT_FROM_GROUP_CHAT = Text("I can't open a private chat from a group chat, so here it is.")
DIRECT_REFUSED = Text("Teams did not let me open a private chat with you, so here it is.")
THREAD_REFUSED = Text("Teams did not let me start a new thread in this channel, so here it is.")
