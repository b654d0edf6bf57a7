"""Installations (tokens encrypted at rest), OAuth states and forms, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from slack_sdk.oauth.installation_store.models.installation import Installation

from bot.slack.installations import CrosswalkInstallationStore, CrosswalkOAuthStateStore
from bot.store import Store
from bot.store.slack import CIPHER_PREFIX, SlackForm, SlackInstallation, SlackStore, TokenCipher

KEY = Fernet.generate_key().decode()


def installation(now: datetime, **extra: object) -> SlackInstallation:
    values: dict[str, object] = {
        "enterprise_id": "", "team_id": "T0ACME", "org_id": "T0ACME", "installed_at": now,
        "bot_token": "xoxb-secret-1", "bot_user_id": "UCROSSWALK", "bot_scopes": "chat:write",
        "installer_user_id": "U0ANA", **extra,
    }
    return SlackInstallation(**values)  # type: ignore[arg-type]


async def raw_token(store: Store, team_id: str = "T0ACME") -> str | None:
    async with store.backend.read() as conn:
        value = await conn.fetchval(
            "SELECT bot_token FROM slack_installations WHERE team_id = ?", team_id
        )
    return value if value is None else str(value)


async def test_bot_tokens_are_encrypted_at_rest_with_a_key(store: Store, now: datetime) -> None:
    slack = SlackStore(store, TokenCipher(KEY))
    await slack.save_installation(installation(now), now)
    raw = await raw_token(store)
    assert raw is not None and raw.startswith(CIPHER_PREFIX) and "xoxb-secret-1" not in raw
    found = await slack.find_installation(None, "T0ACME")
    assert found is not None and found.bot_token == "xoxb-secret-1" and found.active
    assert found.installed_at == now and found.org_id == "T0ACME"
    assert "T0ACME" in await store.list_orgs()


async def test_without_a_key_tokens_are_plain_and_later_encrypted(
    store: Store, now: datetime
) -> None:
    await SlackStore(store).save_installation(installation(now), now)
    assert await raw_token(store) == "xoxb-secret-1"
    keyed = SlackStore(store, TokenCipher(KEY))
    found = await keyed.find_installation(None, "T0ACME")
    assert found is not None and found.bot_token == "xoxb-secret-1"  # plaintext still read
    await keyed.save_installation(found, now)
    assert (await raw_token(store) or "").startswith(CIPHER_PREFIX)


async def test_an_encrypted_token_without_the_key_is_unusable_not_fatal(
    store: Store, now: datetime
) -> None:
    await SlackStore(store, TokenCipher(KEY)).save_installation(installation(now), now)
    found = await SlackStore(store).find_installation(None, "T0ACME")
    assert found is not None and found.bot_token is None
    other = Fernet.generate_key().decode()
    found = await SlackStore(store, TokenCipher(other)).find_installation(None, "T0ACME")
    assert found is not None and found.bot_token is None
    rotated = SlackStore(store, TokenCipher(f"{other},{KEY}"))  # new key first, old one kept
    found = await rotated.find_installation(None, "T0ACME")
    assert found is not None and found.bot_token == "xoxb-secret-1"


async def test_deactivation_erases_tokens_and_records_why(store: Store, now: datetime) -> None:
    slack = SlackStore(store, TokenCipher(KEY))
    await slack.save_installation(installation(now), now)
    await slack.deactivate_installation(None, "T0ACME", "Slack answered token_revoked", now)
    found = await slack.find_installation(None, "T0ACME")
    assert found is not None and not found.active and found.bot_token is None
    assert found.inactive_reason == "Slack answered token_revoked"
    assert await raw_token(store) is None
    # a reinstall brings it back
    await slack.save_installation(installation(now, bot_token="xoxb-secret-2"), now)
    found = await slack.find_installation(None, "T0ACME")
    assert found is not None and found.active and found.bot_token == "xoxb-secret-2"


async def test_deactivating_an_unknown_workspace_is_remembered(store: Store, now: datetime) -> None:
    slack = SlackStore(store)
    await slack.deactivate_installation(None, "T0ENV", "the app was uninstalled", now)
    found = await slack.find_installation(None, "T0ENV")
    assert found is not None and not found.active
    assert await slack.reactivate_installation(None, "T0ENV", now)
    assert not await slack.reactivate_installation(None, "T0ENV", now)  # already active
    found = await slack.find_installation(None, "T0ENV")
    assert found is not None and found.active and found.inactive_reason is None


async def test_slack_sdk_installation_store_interface(store: Store, now: datetime) -> None:
    iface = CrosswalkInstallationStore(SlackStore(store, TokenCipher(KEY)), lambda: now)
    await iface.async_save(Installation(
        app_id="A0CROSS", enterprise_id="E0ORG", team_id="T0ACME", team_name="Acme",
        bot_token="xoxb-e", bot_id="B1", bot_user_id="UCROSSWALK", bot_scopes="chat:write,commands",
        user_id="U0ANA", installed_at=now.timestamp(),
    ))
    found = await iface.async_find_installation(enterprise_id="E0ORG", team_id="T0ACME")
    assert found is not None and found.bot_token == "xoxb-e" and found.team_name == "Acme"
    assert found.bot_scopes == ["chat:write", "commands"]
    bot = await iface.async_find_bot(enterprise_id="E0ORG", team_id="T0ACME")
    assert bot is not None and bot.bot_user_id == "UCROSSWALK"
    assert await iface.async_find_installation(
        enterprise_id="E0ORG", team_id="T0ACME", user_id="U0OTHER") is None
    assert await iface.async_find_installation(enterprise_id=None, team_id="T0OTHER") is None
    await iface.async_delete_all(enterprise_id="E0ORG", team_id="T0ACME")
    assert await iface.async_find_bot(enterprise_id="E0ORG", team_id="T0ACME") is None


async def test_org_wide_installs_are_found_from_any_workspace(store: Store, now: datetime) -> None:
    iface = CrosswalkInstallationStore(SlackStore(store), lambda: now)
    await iface.async_save(Installation(
        enterprise_id="E0ORG", team_id=None, bot_token="xoxb-org", bot_id="B1",
        bot_user_id="UCROSSWALK", user_id="U0ANA", is_enterprise_install=True,
    ))
    found = await iface.async_find_installation(
        enterprise_id="E0ORG", team_id="T0ANY", is_enterprise_install=True
    )
    assert found is not None and found.bot_token == "xoxb-org" and found.is_enterprise_install


async def test_oauth_states_are_single_use_and_expire(store: Store, now: datetime) -> None:
    clock = [now]
    states = CrosswalkOAuthStateStore(SlackStore(store), lambda: clock[0])
    state = await states.async_issue()
    assert len(state) >= 30
    assert await states.async_consume(state)
    assert not await states.async_consume(state)
    late = await states.async_issue()
    clock[0] = now + timedelta(minutes=11)
    assert not await states.async_consume(late)
    assert not await states.async_consume("never-issued")
    assert not await states.async_consume("")


async def test_forms_are_remembered_per_org(store: Store, now: datetime) -> None:
    slack = SlackStore(store)
    form = SlackForm("T0ACME", "quiz:1|owner|1", "D0ANA", None, "1.2", {"type": "modal"},
                     {"text": "done", "blocks": []})
    await slack.save_form(form, now)
    assert await slack.find_form("T0ACME", "quiz:1|owner|1") == form
    assert await slack.find_form("T0OTHER", "quiz:1|owner|1") is None
    await slack.forget_form("T0ACME", "quiz:1|owner|1")
    assert await slack.find_form("T0ACME", "quiz:1|owner|1") is None


async def test_deleting_an_org_deletes_its_slack_rows(store: Store, now: datetime) -> None:
    slack = SlackStore(store)
    await slack.save_installation(installation(now), now)
    await slack.save_form(SlackForm("T0ACME", "t|s|0", "D0ANA", None, None, {}, None), now)
    assert await store.delete_org("T0ACME")
    assert await slack.find_installation(None, "T0ACME") is None
    assert await slack.find_form("T0ACME", "t|s|0") is None


def test_a_malformed_key_is_refused_by_settings() -> None:
    from pydantic import ValidationError

    from bot.settings import Settings

    with pytest.raises(ValidationError) as info:
        Settings(encryption_key="not-a-key")  # type: ignore[arg-type]
    message = info.value.errors()[0]["msg"]  # what `crosswalk` prints: never the value
    assert "CROSSWALK_ENCRYPTION_KEY" in message and "not-a-key" not in message
    assert Settings(encryption_key=f"{KEY},{Fernet.generate_key().decode()}")  # type: ignore[arg-type]
    assert KEY in Settings(encryption_key=KEY).secret_values()  # type: ignore[arg-type]
