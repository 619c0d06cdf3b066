-- PostgreSQL: storage/migrations/0011_playbooks.sql with PostgreSQL's types (BIGINT, identity ids, byte-order
-- TEXT so timestamps and keys sort as on SQLite). Keep the two in step.
-- Playbooks (docs/playbooks.md): the playbook last applied to each incident, a projection of
-- its "playbook" timeline entries (Verify replays them).
CREATE TABLE incident_playbooks (
    incident    BIGINT PRIMARY KEY REFERENCES incidents (number),
    name        TEXT COLLATE "C" NOT NULL,
    version     TEXT COLLATE "C" NOT NULL,
    applied_at  TEXT COLLATE "C" NOT NULL
);
