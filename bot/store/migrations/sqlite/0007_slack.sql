-- Slack: installations per (enterprise_id, team_id), OAuth states, forms opened as modals.
CREATE TABLE slack_installations (
    enterprise_id          TEXT NOT NULL DEFAULT '',
    team_id                TEXT NOT NULL DEFAULT '',
    org_id                 TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    app_id                 TEXT,
    enterprise_name        TEXT,
    team_name              TEXT,
    bot_id                 TEXT,
    bot_user_id            TEXT,
    bot_scopes             TEXT,
    bot_token              TEXT,
    bot_refresh_token      TEXT,
    bot_token_expires_at   timestamptz,
    installer_user_id      TEXT,
    user_token             TEXT,
    user_scopes            TEXT,
    user_refresh_token     TEXT,
    user_token_expires_at  timestamptz,
    is_enterprise_install  BOOLEAN NOT NULL DEFAULT 0,
    token_type             TEXT,
    installed_at           timestamptz NOT NULL,
    active                 BOOLEAN NOT NULL DEFAULT 1,
    inactive_reason        TEXT,
    updated_at             timestamptz NOT NULL,
    PRIMARY KEY (enterprise_id, team_id)
);

CREATE INDEX slack_installations_org ON slack_installations (org_id);

CREATE TABLE slack_oauth_states (
    state       TEXT PRIMARY KEY,
    expires_at  timestamptz NOT NULL
);

CREATE TABLE slack_forms (
    org_id      TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    token       TEXT NOT NULL,
    channel_id  TEXT NOT NULL,
    thread_ts   TEXT,
    message_ts  TEXT,
    view        TEXT NOT NULL,
    answered    TEXT,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (org_id, token)
);

CREATE INDEX slack_forms_created_at ON slack_forms (created_at);
