"""Organisations on Teams and Slack for the reliability tests, each with a unique marker.

A marker is a random lowercase word planted in everything an org owns (ids, names, free-text
answers, owners, questions), so any output can be searched for another org's data.
"""

from __future__ import annotations

import itertools
import json
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from bot.store import Store
from bot.store.interview import interview_repo
from bot.store.slack import SlackInstallation, SlackStore
from dialogs.profile import DisciplineProfile, Profile
from tests.slack.conftest import payload as slack_payload
from tests.slack.fake_slack import BOT_USER, TOKEN, FakeSlack
from tests.teams.conftest import APP_ID
from tests.teams.conftest import payload as teams_payload

_ids = itertools.count(1)
LETTERS = "bcdfghjkmnpqrstvwxz"


def new_marker(rng: random.Random) -> str:
    return "qx" + "".join(rng.choice(LETTERS) for _ in range(8))


def fresh(prefix: str = "") -> str:
    return f"{prefix}{next(_ids):08d}{uuid.uuid4().hex[:6]}"


@dataclass
class Tenant:
    """One organisation on one platform, with two people and two conversations."""

    channel: Literal["teams", "slack"]
    marker: str
    org_id: str
    token: str = ""  # Slack: the workspace's bot token
    hooks: int = field(default=0)

    # ------------------------------------------------------------------ names

    @property
    def up(self) -> str:
        return self.marker.upper()

    def user(self, n: int) -> str:
        return f"29:{self.marker}-u{n}" if self.channel == "teams" else f"U{self.up}{n}"

    def aad(self, n: int) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.marker}/{n}"))

    def slack_channel(self, conv: int, user: int) -> str:
        return f"D{self.up}{user}" if conv == 0 else f"C{self.up}"

    def teams_conversation(self, conv: int, user: int) -> str:
        return f"a:1{self.marker}chat{user}" if conv == 0 else f"19:{self.marker}chan@thread.tacv2"

    @property
    def team(self) -> str:
        return f"19:{self.marker}team@thread.tacv2"

    # ------------------------------------------------------------------ Teams activities

    def activity(self, service_url: str, conv: int, user: int, text: str = "",
                 value: dict[str, Any] | None = None, reply_to: str | None = None
                 ) -> dict[str, Any]:
        activity_id = fresh()
        data = teams_payload("personal_message" if conv == 0 else "channel_mention", service_url)
        data.update(id=activity_id, text=text)
        data["from"] = {"id": self.user(user), "name": f"{self.marker} person{user}",
                        "aadObjectId": self.aad(user)}
        base = self.teams_conversation(conv, user)
        if conv == 0:
            data["conversation"] = {"conversationType": "personal", "tenantId": self.org_id,
                                    "id": base}
            data["channelData"] = {"tenant": {"id": self.org_id}}
        else:
            data["text"] = f"<at>Crosswalk</at> {text}"
            data["conversation"] = {"isGroup": True, "conversationType": "channel",
                                    "tenantId": self.org_id,
                                    "id": f"{base};messageid={activity_id}"}
            data["channelData"] = {"teamsChannelId": base, "teamsTeamId": self.team,
                                   "channel": {"id": base}, "team": {"id": self.team},
                                   "tenant": {"id": self.org_id}}
            data["entities"] = [{"mentioned": {"id": f"28:{APP_ID}", "name": "Crosswalk"},
                                 "text": "<at>Crosswalk</at>", "type": "mention"}]
        if value is not None:
            data["value"] = value
            data.pop("text", None)
        if reply_to is not None:
            data["replyToId"] = reply_to
        return data

    # ------------------------------------------------------------------ Slack payloads

    def _slack_ids(self, data: dict[str, Any]) -> None:
        data["team_id"] = self.org_id
        data["context_team_id"] = self.org_id
        data["authorizations"][0]["team_id"] = self.org_id

    def slack_message(self, conv: int, user: int, text: str) -> dict[str, Any]:
        name = "event_message_im.json" if conv == 0 else "event_app_mention.json"
        data = slack_payload(name)
        self._slack_ids(data)
        ts = f"{1700000000 + next(_ids)}.000100"
        event = data["event"]
        event.update(user=self.user(user), channel=self.slack_channel(conv, user), team=self.org_id,
                     ts=ts, event_ts=ts, client_msg_id=str(uuid.uuid4()))
        event["text"] = text if conv == 0 else f"<@{BOT_USER}> {text}"
        event.pop("blocks", None)
        data["event_id"] = fresh("Ev")
        return data

    def slash(self, fake: FakeSlack, conv: int, user: int, text: str) -> dict[str, str]:
        self.hooks += 1
        channel = self.slack_channel(conv, user)
        return {
            "token": "x", "team_id": self.org_id, "team_domain": self.marker,
            "channel_id": channel, "channel_name": "directmessage" if conv == 0 else "finops",
            "user_id": self.user(user), "user_name": self.marker, "command": "/crosswalk",
            "text": text, "api_app_id": "A0CROSS", "is_enterprise_install": "false",
            "response_url": fake.hook_url(f"{self.marker}-{self.hooks}"),
            "trigger_id": fresh(f"{self.marker}."),
        }

    def slack_press(self, fake: FakeSlack, channel: str, user: int, message: dict[str, Any],
                    element: dict[str, Any]) -> dict[str, Any]:
        data = slack_payload("block_actions.json")
        self.hooks += 1
        data["user"] = {"id": self.user(user), "username": self.marker, "name": self.marker,
                        "team_id": self.org_id}
        data["team"] = {"id": self.org_id, "domain": self.marker}
        ts = message.get("ts") or "1700000900.000100"
        data["container"] = {"type": "message", "message_ts": ts, "channel_id": channel,
                             "is_ephemeral": False}
        data["channel"] = {"id": channel, "name": "x"}
        data["message"].update(text=message.get("text", ""), blocks=message.get("blocks", []),
                               ts=ts, team=self.org_id)
        data["actions"][0].update(action_id=element["action_id"], value=element.get("value", ""),
                                  text=element.get("text", {"type": "plain_text", "text": "x"}))
        data["trigger_id"] = fresh(f"{self.marker}.")
        data["response_url"] = fake.hook_url(f"{self.marker}-{self.hooks}")
        return data

    # ------------------------------------------------------------------ stored data

    def profile(self) -> Profile:
        m = self.marker
        return Profile(
            org=f"{m} corp", finops_maturity="walk", priorities=["licensing", f"{m} priority"],
            disciplines={
                "sam": DisciplineProfile(maturity="crawl", tools=[f"{m}tool", "Flexera One"],
                                         owner=f"{m} licence office", pain=f"{m} audit pain"),
                "itsm": DisciplineProfile(maturity="run", tools=["ServiceNow ITSM"],
                                          owner=f"{m} service desk", pain=f"{m} cmdb"),
            },
        )

    async def seed(self, store: Store, fake: FakeSlack, slack_store: SlackStore | None) -> None:
        """A profile version (owners, tools and pains carry the marker); Slack: the install
        (distribution, with ``slack_store``) or the one workspace's token."""
        now = datetime.now(UTC)
        async with interview_repo(store, self.org_id, now, write=True) as repo:
            added = await repo.add_profile_version(self.profile(), "seed", "import", None, 1)
        assert added == 1
        if self.channel == "slack" and slack_store is None:  # one workspace: SLACK_BOT_TOKEN
            self.token = TOKEN
        elif self.channel == "slack":
            assert slack_store is not None
            self.token = f"xoxb-{self.marker}"
            fake.tokens.add(self.token)
            await slack_store.save_installation(SlackInstallation(
                enterprise_id="", team_id=self.org_id, org_id=self.org_id, installed_at=now,
                team_name=f"{self.marker} workspace", bot_user_id=BOT_USER,
                bot_token=self.token), now)


def tenants(rng: random.Random, teams: int, slack: int) -> list[Tenant]:
    found: list[Tenant] = []
    for i in range(teams + slack):
        m = new_marker(rng)
        if i < teams:
            found.append(Tenant("teams", m, str(uuid.uuid5(uuid.NAMESPACE_DNS, m))))
        else:
            found.append(Tenant("slack", m, f"T{m.upper()}"))
    return found


def text_of(value: Any) -> str:
    """Everything in a value, as casefolded JSON text, for marker searches."""
    return json.dumps(value, default=str, ensure_ascii=False).casefold()


def submit_value(card: dict[str, Any], marker: str, n: int) -> dict[str, Any] | None:
    """The ``Action.Submit`` data of a card with its inputs filled in, or None."""
    actions = [a for a in card.get("actions") or () if isinstance(a.get("data"), dict)]
    actions += [a for item in walk(card.get("body") or []) if item.get("type") == "ActionSet"
                for a in item.get("actions") or () if isinstance(a.get("data"), dict)]
    if not actions:
        return None
    value = dict(actions[n % len(actions)]["data"])
    for item in walk(card.get("body") or []):
        if item.get("type") == "Input.ChoiceSet" and item.get("choices"):
            choices = item["choices"]
            value[item["id"]] = choices[n % len(choices)]["value"]
        elif item.get("type") == "Input.Text" and "id" in item:
            value[item["id"]] = f"{marker} answer {n}"
    return value


def walk(items: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    stack = list(items) if isinstance(items, list) else []
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            out.append(item)
            for key in ("items", "columns", "body", "inlines"):
                if isinstance(item.get(key), list):
                    stack.extend(item[key])
    return out
