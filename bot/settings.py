"""Settings, read once from the environment. Secrets are ``SecretStr`` and never printed."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///.data/crosswalk.db"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"


class SettingsError(ValueError):
    """A setting is missing or inconsistent; the message names the variable, never its value."""


def _env(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class Settings(BaseSettings):
    """Every variable is documented in the README's configuration table."""

    model_config = SettingsConfigDict(
        extra="ignore", populate_by_name=True, frozen=True, hide_input_in_errors=True
    )

    database_url: str = Field(
        DEFAULT_DATABASE_URL, validation_alias=_env("CROSSWALK_DATABASE_URL")
    )
    base_url: str | None = Field(None, validation_alias=_env("CROSSWALK_BASE_URL"))
    port: int = Field(3978, ge=1, le=65535, validation_alias=_env("PORT"))
    dev_mode: bool = Field(False, validation_alias=_env("CROSSWALK_DEV_MODE"))
    content_dir: Path | None = Field(None, validation_alias=_env("CROSSWALK_CONTENT_DIR"))
    log_level: str = Field("INFO", validation_alias=_env("CROSSWALK_LOG_LEVEL"))
    log_format: Literal["json", "text"] = Field(
        "json", validation_alias=_env("CROSSWALK_LOG_FORMAT")
    )
    max_body_bytes: int = Field(
        256 * 1024, ge=1024, validation_alias=_env("CROSSWALK_MAX_BODY_BYTES")
    )
    body_timeout: float = Field(10.0, gt=0, validation_alias=_env("CROSSWALK_BODY_TIMEOUT"))
    qa_threshold: float = Field(0.4, ge=0, le=1, validation_alias=_env("CROSSWALK_QA_THRESHOLD"))
    # ---- issue 12: throttling of inbound turns and retention of content gaps and feedback
    throttle_user_per_minute: float = Field(
        30.0, ge=0, validation_alias=_env("CROSSWALK_THROTTLE_USER_PER_MINUTE")
    )
    throttle_user_burst: int = Field(
        30, ge=1, validation_alias=_env("CROSSWALK_THROTTLE_USER_BURST")
    )
    throttle_org_per_minute: float = Field(
        600.0, ge=0, validation_alias=_env("CROSSWALK_THROTTLE_ORG_PER_MINUTE")
    )
    throttle_org_burst: int = Field(
        200, ge=1, validation_alias=_env("CROSSWALK_THROTTLE_ORG_BURST")
    )
    qa_retention_days: int = Field(
        90, ge=1, le=90, validation_alias=_env("CROSSWALK_QA_RETENTION_DAYS")
    )

    microsoft_app_id: str = Field(
        "", validation_alias=_env("MICROSOFT_APP_ID", "MicrosoftAppId")
    )
    microsoft_app_password: SecretStr = Field(
        SecretStr(""), validation_alias=_env("MICROSOFT_APP_PASSWORD", "MicrosoftAppPassword")
    )
    microsoft_app_type: Literal["SingleTenant", "MultiTenant", "UserAssignedMSI"] | None = Field(
        None, validation_alias=_env("MICROSOFT_APP_TYPE", "MicrosoftAppType")
    )
    microsoft_app_tenant_id: str = Field(
        "", validation_alias=_env("MICROSOFT_APP_TENANT_ID", "MicrosoftAppTenantId")
    )

    slack_signing_secret: SecretStr = Field(
        SecretStr(""), validation_alias=_env("SLACK_SIGNING_SECRET")
    )
    slack_bot_token: SecretStr = Field(SecretStr(""), validation_alias=_env("SLACK_BOT_TOKEN"))
    slack_client_id: str = Field("", validation_alias=_env("SLACK_CLIENT_ID"))
    slack_client_secret: SecretStr = Field(
        SecretStr(""), validation_alias=_env("SLACK_CLIENT_SECRET")
    )
    slack_api_url: str = Field(DEFAULT_SLACK_API_URL, validation_alias=_env("SLACK_API_URL"))
    slack_app_token: SecretStr = Field(SecretStr(""), validation_alias=_env("SLACK_APP_TOKEN"))
    encryption_key: SecretStr = Field(
        SecretStr(""), validation_alias=_env("CROSSWALK_ENCRYPTION_KEY")
    )

    @field_validator("microsoft_app_type", mode="before")
    @classmethod
    def _blank_type(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("SLACK_API_URL must be an http(s) URL")
        return value if value.endswith("/") else value + "/"

    @field_validator("slack_app_token")
    @classmethod
    def _app_token(cls, value: SecretStr) -> SecretStr:
        if value.get_secret_value() and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("SLACK_APP_TOKEN must be an app-level token starting with xapp-")
        return value

    @field_validator("encryption_key")
    @classmethod
    def _encryption_key(cls, value: SecretStr) -> SecretStr:
        """One or more Fernet keys, comma-separated: the first encrypts, all decrypt."""
        if value.get_secret_value():
            from cryptography.fernet import Fernet

            try:
                for key in value.get_secret_value().split(","):
                    Fernet(key.strip())
            except ValueError:
                raise ValueError(
                    "CROSSWALK_ENCRYPTION_KEY must be Fernet keys (32 url-safe base64 bytes),"
                    " comma-separated"
                ) from None
        return value

    # ------------------------------------------------------------------ derived

    @property
    def teams_app_type(self) -> str:
        """The Bot Framework app type; SingleTenant when an app id is set and no type is."""
        return self.microsoft_app_type or "SingleTenant"

    @property
    def teams_configured(self) -> bool:
        return bool(self.microsoft_app_id)

    @property
    def slack_configured(self) -> bool:
        return bool(self.slack_signing_secret.get_secret_value())

    def channels(self) -> dict[str, str]:
        """Which channels are configured, for the start-up banner."""
        teams = "on" if self.teams_configured else ("dev mode" if self.dev_mode else "off")
        slack = "on" if self.slack_configured else "off"
        if self.slack_app_token.get_secret_value():
            slack = "on + socket mode" if self.slack_configured else "socket mode"
        return {"console": "on", "teams": teams, "slack": slack}

    def validate_for_serve(self) -> None:
        """Consistency checks that stop ``serve`` with one line naming the variable."""
        if self.teams_configured:
            app_type = self.teams_app_type
            if app_type in ("SingleTenant", "MultiTenant") and not (
                self.microsoft_app_password.get_secret_value()
            ):
                raise SettingsError(f"MICROSOFT_APP_PASSWORD is required for {app_type} bots")
            if app_type in ("SingleTenant", "UserAssignedMSI") and not self.microsoft_app_tenant_id:
                raise SettingsError(f"MICROSOFT_APP_TENANT_ID is required for {app_type} bots")
        if self.slack_bot_token.get_secret_value() and self.slack_client_id:
            raise SettingsError(
                "set either SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID/SLACK_CLIENT_SECRET"
                " (distribution), not both"
            )
        if self.slack_client_id and not self.slack_client_secret.get_secret_value():
            raise SettingsError("SLACK_CLIENT_SECRET is required with SLACK_CLIENT_ID")
        slack_wanted = self.slack_configured or self.slack_app_token.get_secret_value()
        if slack_wanted and not (self.slack_bot_token.get_secret_value() or self.slack_client_id):
            raise SettingsError(
                "Slack needs SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID/SLACK_CLIENT_SECRET"
                " (distribution)"
            )

    def secret_values(self) -> list[str]:
        """Every secret's value, for the log redaction filter."""
        secrets = [self.microsoft_app_password, self.slack_signing_secret, self.slack_bot_token,
                   self.slack_client_secret, self.slack_app_token, self.encryption_key]
        values = [s.get_secret_value() for s in secrets]
        values += [k.strip() for k in self.encryption_key.get_secret_value().split(",")]
        return [v for v in values if len(v) >= 4]


def load_settings(**overrides: object) -> Settings:
    """Read the environment once (plus explicit overrides, e.g. from CLI flags)."""
    return Settings(**overrides)  # type: ignore[arg-type]
