-- Playbooks (docs/playbooks.md): the playbook last applied to each incident, a projection of
-- its "playbook" timeline entries (Verify replays them).
CREATE TABLE incident_playbooks (
    incident    INTEGER PRIMARY KEY REFERENCES incidents (number),
    name        TEXT NOT NULL,
    version     TEXT NOT NULL,
    applied_at  TEXT NOT NULL
);
