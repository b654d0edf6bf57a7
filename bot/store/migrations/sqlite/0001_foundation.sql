-- Foundation: organisations, users, conversations, inbound claims, conversation state.
CREATE TABLE orgs (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL
);

CREATE TABLE users (
    org_id            TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    id                TEXT NOT NULL,
    display_name      TEXT NOT NULL DEFAULT '',
    platform_user_id  TEXT NOT NULL DEFAULT '',
    time_zone         TEXT,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    PRIMARY KEY (org_id, id)
);

CREATE TABLE conversations (
    org_id           TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    channel          TEXT NOT NULL CHECK (channel IN ('teams', 'slack', 'console')),
    id               TEXT NOT NULL,
    is_direct        BOOLEAN NOT NULL DEFAULT 1,
    reference        TEXT,
    active           BOOLEAN NOT NULL DEFAULT 1,
    inactive_reason  TEXT,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    updated_by       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (org_id, channel, id)
);

CREATE TABLE inbound_claims (
    channel       TEXT NOT NULL,
    org_id        TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    inbound_id    TEXT NOT NULL,
    claimed_at    timestamptz NOT NULL,
    completed_at  timestamptz,
    PRIMARY KEY (channel, org_id, inbound_id)
);

CREATE INDEX inbound_claims_claimed_at ON inbound_claims (claimed_at);

CREATE TABLE conversation_state (
    org_id           TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    channel          TEXT NOT NULL,
    conversation_id  TEXT NOT NULL,
    state            TEXT NOT NULL DEFAULT '{}',
    revision         INTEGER NOT NULL DEFAULT 0,
    updated_at       timestamptz NOT NULL,
    updated_by       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (org_id, channel, conversation_id),
    FOREIGN KEY (org_id, channel, conversation_id)
        REFERENCES conversations (org_id, channel, id) ON DELETE CASCADE
);
