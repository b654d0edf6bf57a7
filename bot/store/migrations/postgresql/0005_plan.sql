-- Alignment plan (issue 7): plan versions, each built from one profile version; the status,
-- owner edit and snooze of every action per organisation (with a history of who changed what,
-- when and how); and where each version was posted, for `plan diff` and the nudges.
CREATE TABLE plan_versions (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    version          INTEGER NOT NULL CHECK (version > 0),
    profile_version  INTEGER NOT NULL,
    library          TEXT NOT NULL,
    partial          BOOLEAN NOT NULL DEFAULT FALSE,
    document         JSONB NOT NULL,
    created_at       timestamptz NOT NULL,
    created_by       TEXT NOT NULL DEFAULT '',
    UNIQUE (org_id, version),
    FOREIGN KEY (org_id, profile_version)
        REFERENCES profile_versions (org_id, version) ON DELETE CASCADE
);

CREATE TABLE plan_actions (
    org_id          TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    action_id       TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open', 'in_progress', 'done', 'skipped')),
    status_by       TEXT NOT NULL DEFAULT '',
    status_by_name  TEXT NOT NULL DEFAULT '',
    status_at       timestamptz,
    snoozed_until   timestamptz,
    owner           TEXT,
    revision        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, action_id)
);

CREATE TABLE plan_action_events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    action_id   TEXT NOT NULL,
    plan_id     BIGINT REFERENCES plan_versions(id) ON DELETE SET NULL,
    change      TEXT NOT NULL CHECK (change IN ('status', 'snooze', 'owner')),
    old_value   TEXT NOT NULL DEFAULT '',
    new_value   TEXT NOT NULL DEFAULT '',
    by_user     TEXT NOT NULL DEFAULT '',
    by_name     TEXT NOT NULL DEFAULT '',
    via         TEXT NOT NULL,
    at          timestamptz NOT NULL
);

CREATE INDEX plan_action_events_org_at ON plan_action_events (org_id, at);

CREATE TABLE plan_postings (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    plan_id          BIGINT NOT NULL REFERENCES plan_versions(id) ON DELETE CASCADE,
    version          INTEGER NOT NULL,
    channel          TEXT NOT NULL,
    conversation_id  TEXT NOT NULL,
    target           TEXT NOT NULL CHECK (target IN ('direct', 'thread', 'channel')),
    channel_ref      TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT 'requested'
                     CHECK (status IN ('requested', 'posted', 'failed')),
    message_id       TEXT NOT NULL DEFAULT '',
    reason           TEXT NOT NULL DEFAULT '',
    posted_by        TEXT NOT NULL DEFAULT '',
    posted_at        timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);

CREATE INDEX plan_postings_org ON plan_postings (org_id, id);
