-- Nudges (issue 5): each incident's reminder settings and the anchors its reminders count
-- from, its regulatory clocks (kept after filing so the report can show whether deadlines
-- were met) and its lessons-learned review. The reminders themselves are timers.

CREATE TABLE nudge_state (
    incident            INTEGER PRIMARY KEY REFERENCES incidents (number),
    muted               INTEGER NOT NULL DEFAULT 0,
    muted_by            TEXT    NOT NULL DEFAULT '',
    snoozed_until       TEXT,
    last_update         TEXT,
    phase_entered       TEXT,
    commander_reminded  TEXT,
    status_reminded     TEXT,
    dwell_reminded      TEXT,
    tasks_reminded      TEXT
);

CREATE TABLE clocks (
    incident     INTEGER NOT NULL REFERENCES incidents (number),
    name         TEXT    NOT NULL,
    label        TEXT    NOT NULL,
    started_at   TEXT    NOT NULL,
    deadline_at  TEXT    NOT NULL,
    set_by       TEXT    NOT NULL,
    set_at       TEXT    NOT NULL,
    reminded     INTEGER NOT NULL DEFAULT 0 CHECK (reminded BETWEEN 0 AND 4),
    done_at      TEXT,
    done_by      TEXT    NOT NULL DEFAULT '',
    done_note    TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (incident, name)
);

CREATE TABLE reviews (
    incident      INTEGER PRIMARY KEY REFERENCES incidents (number),
    opened_at     TEXT,
    due_at        TEXT,
    meeting_at    TEXT,
    scheduled_by  TEXT    NOT NULL DEFAULT '',
    scheduled_at  TEXT,
    reminded_at   TEXT,
    held_at       TEXT,
    held_by       TEXT    NOT NULL DEFAULT ''
);
