-- warroom schema, version 1. Times are RFC 3339 UTC text (bot.TimeFormat).

CREATE TABLE incidents (
    number          INTEGER PRIMARY KEY,
    title           TEXT    NOT NULL,
    type            TEXT    NOT NULL DEFAULT '',
    severity        INTEGER NOT NULL CHECK (severity BETWEEN 1 AND 4),
    phase           TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('open', 'closed')),
    drill           INTEGER NOT NULL DEFAULT 0,
    platform        TEXT    NOT NULL,
    team            TEXT    NOT NULL DEFAULT '',
    channel_id      TEXT    NOT NULL DEFAULT '',
    channel_name    TEXT    NOT NULL,
    card_ref        TEXT    NOT NULL DEFAULT '',
    origin_channel  TEXT    NOT NULL DEFAULT '',
    origin_link     TEXT    NOT NULL DEFAULT '',
    declared_by     TEXT    NOT NULL,
    declared_at     TEXT    NOT NULL,
    closed_at       TEXT,
    closed_from     TEXT    NOT NULL DEFAULT '',
    close_class     TEXT    NOT NULL DEFAULT '',
    resolution      TEXT    NOT NULL DEFAULT '',
    duplicate_of    INTEGER,
    report_version  INTEGER NOT NULL DEFAULT 1,
    head_seq        INTEGER NOT NULL DEFAULT 0,
    head_hash       TEXT    NOT NULL DEFAULT '0000000000000000000000000000000000000000000000000000000000000000'
);
CREATE UNIQUE INDEX incidents_by_channel ON incidents (platform, channel_id) WHERE channel_id != '';
CREATE INDEX incidents_by_status ON incidents (status);

CREATE TABLE members (
    incident  INTEGER NOT NULL REFERENCES incidents (number),
    person    TEXT    NOT NULL,
    added_at  TEXT    NOT NULL,
    PRIMARY KEY (incident, person)
);

-- Role history: an assignment ends (until set) when the role passes to someone else.
CREATE TABLE roles (
    id           INTEGER PRIMARY KEY,
    incident     INTEGER NOT NULL REFERENCES incidents (number),
    role         TEXT    NOT NULL,
    person       TEXT    NOT NULL,
    assigned_by  TEXT    NOT NULL,
    since        TEXT    NOT NULL,
    until        TEXT
);
CREATE INDEX roles_current ON roles (incident, role) WHERE until IS NULL;

CREATE TABLE phases (
    id          INTEGER PRIMARY KEY,
    incident    INTEGER NOT NULL REFERENCES incidents (number),
    phase       TEXT    NOT NULL,
    entered_at  TEXT    NOT NULL,
    left_at     TEXT,
    forced      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX phases_by_incident ON phases (incident, id);

CREATE TABLE checklist (
    incident    INTEGER NOT NULL REFERENCES incidents (number),
    phase       TEXT    NOT NULL,
    n           INTEGER NOT NULL,
    text        TEXT    NOT NULL,
    checked_by  TEXT    NOT NULL DEFAULT '',
    checked_at  TEXT,
    PRIMARY KEY (incident, phase, n)
);

CREATE TABLE tasks (
    incident    INTEGER NOT NULL REFERENCES incidents (number),
    n           INTEGER NOT NULL,
    text        TEXT    NOT NULL,
    owner       TEXT    NOT NULL DEFAULT '',
    due_at      TEXT,
    created_by  TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    done_by     TEXT    NOT NULL DEFAULT '',
    done_at     TEXT,
    PRIMARY KEY (incident, n)
);

CREATE TABLE lessons (
    id        INTEGER PRIMARY KEY,
    incident  INTEGER NOT NULL REFERENCES incidents (number),
    kind      TEXT    NOT NULL CHECK (kind IN ('good', 'bad', 'idea')),
    text      TEXT    NOT NULL,
    author    TEXT    NOT NULL,
    at        TEXT    NOT NULL
);

CREATE TABLE links (
    incident  INTEGER NOT NULL REFERENCES incidents (number),
    other     INTEGER NOT NULL REFERENCES incidents (number),
    PRIMARY KEY (incident, other)
);

-- The timeline: append-only, hash-chained per incident (docs/chain.md). ref is an optional
-- natural key (a pinned message) so the same thing is recorded once however often it arrives.
CREATE TABLE timeline (
    incident     INTEGER NOT NULL REFERENCES incidents (number),
    seq          INTEGER NOT NULL,
    at           TEXT    NOT NULL,
    occurred_at  TEXT    NOT NULL,
    actor        TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    text         TEXT    NOT NULL,
    digest       TEXT    NOT NULL,
    hash         TEXT    NOT NULL,
    redacted     INTEGER NOT NULL DEFAULT 0,
    ref          TEXT,
    PRIMARY KEY (incident, seq)
);
CREATE UNIQUE INDEX timeline_by_ref ON timeline (incident, ref) WHERE ref IS NOT NULL;

-- Deliveries already processed (Slack event_id, Discord interaction id …).
CREATE TABLE seen_events (
    key  TEXT PRIMARY KEY,
    at   TEXT NOT NULL
);

-- Everything the bot says goes out through here (transactional outbox).
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    lane        TEXT    NOT NULL,
    platform    TEXT    NOT NULL,
    op          TEXT    NOT NULL,
    incident    INTEGER NOT NULL DEFAULT 0,
    target      TEXT    NOT NULL DEFAULT '',
    payload     TEXT    NOT NULL,
    state       TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     TEXT    NOT NULL,
    last_error  TEXT    NOT NULL DEFAULT '',
    created_at  TEXT    NOT NULL,
    done_at     TEXT,
    result      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX outbox_pending ON outbox (lane, id) WHERE state = 'pending';
