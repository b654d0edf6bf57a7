-- Interview (issue 6): one session per person and organisation at a time, and the versions of
-- the organisation's profile the interview (or an import) wrote.
CREATE TABLE interview_sessions (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    user_id       TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('in_progress', 'complete', 'cancelled')),
    step          TEXT NOT NULL,
    awaiting      TEXT CHECK (awaiting IN ('understood', 'remove', 'restart', 'edit', 'conflict')),
    answers       JSONB NOT NULL DEFAULT '{}',
    skipped       JSONB NOT NULL DEFAULT '[]',
    pending       JSONB,
    history       JSONB NOT NULL DEFAULT '[]',
    base_version  INTEGER,
    seen_version  INTEGER,
    revision      INTEGER NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    completed_at  timestamptz,
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
);

-- at most one open (in progress or paused) session per person
CREATE UNIQUE INDEX interview_sessions_open ON interview_sessions (org_id, user_id)
    WHERE status <> 'complete';

CREATE INDEX interview_sessions_user ON interview_sessions (org_id, user_id, id);

CREATE TABLE profile_versions (
    org_id      TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    version     INTEGER NOT NULL CHECK (version > 0),
    profile     JSONB NOT NULL,
    created_at  timestamptz NOT NULL,
    created_by  TEXT NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('interview', 'import')),
    session_id  BIGINT REFERENCES interview_sessions(id) ON DELETE SET NULL,
    PRIMARY KEY (org_id, version)
);
