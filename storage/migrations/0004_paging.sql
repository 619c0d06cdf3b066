-- On-call paging (issue 6): pages and who was notified at which escalation step, on-call
-- overrides, and the references that let a reaction on a delivered message (a ✅ on a page
-- DM) be traced back to what it was about. Escalation steps and handoffs are timers.

CREATE TABLE pages (
    id          INTEGER PRIMARY KEY,
    target      TEXT    NOT NULL,               -- "secops" or "@bob"
    team        TEXT    NOT NULL DEFAULT '',    -- '' for a direct page
    person      TEXT    NOT NULL DEFAULT '',    -- the person paged directly
    message     TEXT    NOT NULL,
    paged_by    TEXT    NOT NULL,
    platform    TEXT    NOT NULL,
    channel     TEXT    NOT NULL DEFAULT '',
    incident    INTEGER REFERENCES incidents (number),  -- NULL when not sent from an incident
    policy      TEXT    NOT NULL,               -- JSON snapshot of the escalation policy
    created_at  TEXT    NOT NULL,
    state       TEXT    NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'acked', 'unanswered', 'cancelled')),
    step        INTEGER NOT NULL DEFAULT 0,     -- index of the last escalation step run
    round       INTEGER NOT NULL DEFAULT 1,
    acked_by    TEXT    NOT NULL DEFAULT '',
    acked_at    TEXT,
    ended_at    TEXT
);
CREATE INDEX pages_open ON pages (state, id);
CREATE INDEX pages_by_incident ON pages (incident) WHERE incident IS NOT NULL;

CREATE TABLE page_notifications (
    page    INTEGER NOT NULL REFERENCES pages (id),
    person  TEXT    NOT NULL,
    step    INTEGER NOT NULL,
    round   INTEGER NOT NULL,
    at      TEXT    NOT NULL,
    PRIMARY KEY (page, step, person)
);
CREATE INDEX page_notifications_by_person ON page_notifications (person, page);

-- Overrides are kept after they end (and when cancelled) so who covered when stays known.
CREATE TABLE oncall_overrides (
    id            INTEGER PRIMARY KEY,
    team          TEXT    NOT NULL,
    person        TEXT    NOT NULL,
    starts_at     TEXT    NOT NULL,
    ends_at       TEXT    NOT NULL,   -- cut to the cancellation time when cancelled early
    created_by    TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    cancelled_by  TEXT    NOT NULL DEFAULT '',
    cancelled_at  TEXT
);
CREATE INDEX oncall_overrides_by_end ON oncall_overrides (ends_at);

-- Outbound operations may name what they are about; once delivered, the platform's message
-- id is recorded against that name.
ALTER TABLE outbox ADD COLUMN ref TEXT NOT NULL DEFAULT '';

CREATE TABLE message_refs (
    platform    TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    ref         TEXT NOT NULL,
    at          TEXT NOT NULL,
    PRIMARY KEY (platform, message_id)
);
