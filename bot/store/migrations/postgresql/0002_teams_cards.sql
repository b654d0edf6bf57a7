-- Teams: cards the bot sent that can be pressed, so a press can update the card it came from.
-- Teams sends back only the pressed action's data; the card is kept here for 30 days.
CREATE TABLE teams_cards (
    org_id           TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    conversation_id  TEXT NOT NULL,
    activity_id      TEXT NOT NULL,
    message          TEXT NOT NULL,
    created_at       timestamptz NOT NULL,
    PRIMARY KEY (org_id, conversation_id, activity_id)
);

CREATE INDEX teams_cards_created_at ON teams_cards (created_at);
