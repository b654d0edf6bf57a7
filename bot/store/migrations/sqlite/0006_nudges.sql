-- Weekly nudges: subscriptions (rule + IANA zone, next run in UTC), their change log, and one
-- delivery row per (subscription, occurrence) moving pending -> claimed -> sending -> final.
CREATE TABLE nudge_subscriptions (
    id               INTEGER PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    channel          TEXT NOT NULL CHECK (channel IN ('teams', 'slack')),
    conversation_id  TEXT NOT NULL,
    weekday          INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    local_time       TEXT NOT NULL,
    zone             TEXT NOT NULL,
    only_changed     BOOLEAN NOT NULL DEFAULT 0,
    status           TEXT NOT NULL
                     CHECK (status IN ('active', 'paused', 'unsubscribed', 'inactive')),
    next_run_at      timestamptz,
    paused_until     timestamptz,
    inactive_reason  TEXT,
    lane             TEXT NOT NULL,
    last_sent_at     timestamptz,
    revision         INTEGER NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL,
    created_by       TEXT NOT NULL,
    updated_at       timestamptz NOT NULL,
    updated_by       TEXT NOT NULL,
    UNIQUE (org_id, channel, conversation_id),
    FOREIGN KEY (org_id, channel, conversation_id)
        REFERENCES conversations (org_id, channel, id) ON DELETE CASCADE
);

CREATE INDEX nudge_subscriptions_due ON nudge_subscriptions (next_run_at)
    WHERE status IN ('active', 'paused');

CREATE TABLE nudge_subscription_changes (
    id               INTEGER PRIMARY KEY,
    subscription_id  INTEGER NOT NULL REFERENCES nudge_subscriptions(id) ON DELETE CASCADE,
    org_id           TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    action           TEXT NOT NULL,
    status           TEXT NOT NULL,
    detail           TEXT NOT NULL DEFAULT '',
    changed_at       timestamptz NOT NULL,
    changed_by       TEXT NOT NULL
);

CREATE INDEX nudge_subscription_changes_sub ON nudge_subscription_changes (subscription_id);

CREATE TABLE nudge_deliveries (
    id               INTEGER PRIMARY KEY,
    subscription_id  INTEGER NOT NULL REFERENCES nudge_subscriptions(id) ON DELETE CASCADE,
    org_id           TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    occurrence_at    timestamptz NOT NULL,
    lane             TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('pending', 'claimed', 'sending', 'sent',
                     'failed', 'unknown', 'missed', 'skipped')),
    late             BOOLEAN NOT NULL DEFAULT 0,
    attempts         INTEGER NOT NULL DEFAULT 0,
    not_before       timestamptz NOT NULL,
    lease_until      timestamptz,
    claim_token      TEXT,
    claimed_by       TEXT,
    platform_id      TEXT,
    reason           TEXT,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    sent_at          timestamptz,
    UNIQUE (subscription_id, occurrence_at)
);

CREATE INDEX nudge_deliveries_claimable ON nudge_deliveries (lane, not_before)
    WHERE state IN ('pending', 'claimed');
CREATE INDEX nudge_deliveries_sending ON nudge_deliveries (lease_until)
    WHERE state = 'sending';
CREATE INDEX nudge_deliveries_token ON nudge_deliveries (claim_token);
CREATE INDEX nudge_deliveries_org ON nudge_deliveries (org_id, state);
