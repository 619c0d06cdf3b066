-- PostgreSQL: storage/migrations/0003_nudges.sql with PostgreSQL's types (BIGINT, identity ids, byte-order
-- TEXT so timestamps and keys sort as on SQLite). Keep the two in step.
-- Nudges (issue 5): each incident's reminder settings and the anchors its reminders count
-- from, its regulatory clocks (kept after filing so the report can show whether deadlines
-- were met) and its lessons-learned review. The reminders themselves are timers.

CREATE TABLE nudge_state (
    incident            BIGINT PRIMARY KEY REFERENCES incidents (number),
    muted               BIGINT NOT NULL DEFAULT 0,
    muted_by            TEXT COLLATE "C" NOT NULL DEFAULT '',
    snoozed_until       TEXT COLLATE "C",
    last_update         TEXT COLLATE "C",
    phase_entered       TEXT COLLATE "C",
    commander_reminded  TEXT COLLATE "C",
    status_reminded     TEXT COLLATE "C",
    dwell_reminded      TEXT COLLATE "C",
    tasks_reminded      TEXT COLLATE "C"
);

CREATE TABLE clocks (
    incident     BIGINT NOT NULL REFERENCES incidents (number),
    name         TEXT COLLATE "C" NOT NULL,
    label        TEXT COLLATE "C" NOT NULL,
    started_at   TEXT COLLATE "C" NOT NULL,
    deadline_at  TEXT COLLATE "C" NOT NULL,
    set_by       TEXT COLLATE "C" NOT NULL,
    set_at       TEXT COLLATE "C" NOT NULL,
    reminded     BIGINT NOT NULL DEFAULT 0 CHECK (reminded BETWEEN 0 AND 4),
    done_at      TEXT COLLATE "C",
    done_by      TEXT COLLATE "C" NOT NULL DEFAULT '',
    done_note    TEXT COLLATE "C" NOT NULL DEFAULT '',
    PRIMARY KEY (incident, name)
);

CREATE TABLE reviews (
    incident      BIGINT PRIMARY KEY REFERENCES incidents (number),
    opened_at     TEXT COLLATE "C",
    due_at        TEXT COLLATE "C",
    meeting_at    TEXT COLLATE "C",
    scheduled_by  TEXT COLLATE "C" NOT NULL DEFAULT '',
    scheduled_at  TEXT COLLATE "C",
    reminded_at   TEXT COLLATE "C",
    held_at       TEXT COLLATE "C",
    held_by       TEXT COLLATE "C" NOT NULL DEFAULT ''
);
