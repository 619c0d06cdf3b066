-- Durable timers: every pending nudge, reminder and escalation step lives here with its due
-- time, so a restart loses none; a timer is claimed (state fired) in the same transaction as
-- its effects, so none fires twice.
CREATE TABLE timers (
    id        INTEGER PRIMARY KEY,
    key       TEXT    NOT NULL UNIQUE,
    kind      TEXT    NOT NULL,
    incident  INTEGER NOT NULL DEFAULT 0,
    due_at    TEXT    NOT NULL,
    payload   TEXT    NOT NULL DEFAULT '',
    state     TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'fired', 'cancelled')),
    fired_at  TEXT
);
CREATE INDEX timers_pending ON timers (due_at) WHERE state = 'pending';
CREATE INDEX timers_by_incident ON timers (incident, kind);
