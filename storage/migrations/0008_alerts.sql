-- Alerts in (issue 15). An alert group is every alert of one source and dedup key that
-- went to one place: an incident, or a triage post (whose id is the group's). Keeping the
-- groups here, not in memory, is what makes dedup survive a restart. Each received alert is
-- a row; once it is on an incident, seq names its timeline entry (so a redaction can find
-- the row). Deliveries remember the Standard Webhooks ids already answered, with the
-- answer, so a replay changes nothing and gets the same answer.

CREATE TABLE alert_groups (
    id          INTEGER PRIMARY KEY,
    source      TEXT    NOT NULL,
    dedup_key   TEXT    NOT NULL,
    state       TEXT    NOT NULL CHECK (state IN ('incident', 'triage', 'dismissed')),
    incident    INTEGER REFERENCES incidents (number),
    platform    TEXT    NOT NULL DEFAULT '',
    channel     TEXT    NOT NULL DEFAULT '',
    summary     TEXT    NOT NULL,
    severity    INTEGER NOT NULL DEFAULT 0,
    status      TEXT    NOT NULL CHECK (status IN ('firing', 'resolved')),
    source_url  TEXT    NOT NULL DEFAULT '',
    first_at    TEXT    NOT NULL,
    last_at     TEXT    NOT NULL,
    count       INTEGER NOT NULL DEFAULT 0,
    decided_by  TEXT    NOT NULL DEFAULT '',
    decided_at  TEXT,
    CHECK ((state = 'incident') = (incident IS NOT NULL))
);
CREATE INDEX alert_groups_by_key ON alert_groups (source, dedup_key, id);
CREATE INDEX alert_groups_by_incident ON alert_groups (incident) WHERE incident IS NOT NULL;

CREATE TABLE alerts (
    id           INTEGER PRIMARY KEY,
    grp          INTEGER NOT NULL REFERENCES alert_groups (id),
    status       TEXT    NOT NULL CHECK (status IN ('firing', 'resolved')),
    severity     INTEGER NOT NULL DEFAULT 0,
    summary      TEXT    NOT NULL,
    details      TEXT    NOT NULL DEFAULT '',
    labels       TEXT    NOT NULL DEFAULT '{}',   -- JSON string map
    members      TEXT    NOT NULL DEFAULT '[]',   -- JSON: an Alertmanager group's alerts
    source_url   TEXT    NOT NULL DEFAULT '',
    observed_at  TEXT    NOT NULL,
    received_at  TEXT    NOT NULL,
    delivery_id  TEXT    NOT NULL DEFAULT '',
    seq          INTEGER
);
CREATE INDEX alerts_by_group ON alerts (grp, id);

CREATE TABLE alert_deliveries (
    source       TEXT NOT NULL,
    delivery_id  TEXT NOT NULL,
    at           TEXT NOT NULL,
    answer       TEXT NOT NULL,   -- the JSON answered the first time
    PRIMARY KEY (source, delivery_id)
);
CREATE INDEX alert_deliveries_by_at ON alert_deliveries (at);
