-- Q&A: questions nobody curated an answer for (content gaps) and 👍/👎 per article.
-- Neither table stores a user id: a gap is the question text, org, channel and time.
CREATE TABLE qa_gaps (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    channel     TEXT NOT NULL CHECK (channel IN ('teams', 'slack', 'console')),
    question    TEXT NOT NULL,
    normalized  TEXT NOT NULL,
    asked_at    timestamptz NOT NULL
);

CREATE INDEX qa_gaps_org_asked_at ON qa_gaps (org_id, asked_at);

CREATE TABLE qa_feedback (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    article_id  TEXT NOT NULL,
    helpful     BOOLEAN NOT NULL,
    channel     TEXT NOT NULL CHECK (channel IN ('teams', 'slack', 'console')),
    created_at  timestamptz NOT NULL
);

CREATE INDEX qa_feedback_org_article ON qa_feedback (org_id, article_id);
