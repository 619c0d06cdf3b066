-- The web view (docs/web.md): one-time sign-in links, sessions and the read-in log. Tokens
-- are stored only as their SHA-256; the database never holds a usable secret.
CREATE TABLE web_tokens (
    hash        TEXT PRIMARY KEY,
    person      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
);

CREATE TABLE web_sessions (
    id          INTEGER PRIMARY KEY,
    hash        TEXT NOT NULL UNIQUE,
    person      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE INDEX web_sessions_by_person ON web_sessions (person);

-- The read-in: the first view of each incident in each session. Kept when the session
-- ends; it is part of the incident's record, not of the timeline.
CREATE TABLE web_reads (
    session_id  INTEGER NOT NULL,
    incident    INTEGER NOT NULL REFERENCES incidents (number),
    person      TEXT    NOT NULL,
    at          TEXT    NOT NULL,
    PRIMARY KEY (session_id, incident)
);
CREATE INDEX web_reads_by_incident ON web_reads (incident, at);
