-- Response actions (docs/playbooks.md): one row per run, a projection of the run's "action"
-- timeline entries (Verify replays them). The deliverer of the calls works from it: a run in
-- state queued or sending whose next_at has come is (re)sent with webhook-id = its id.
CREATE TABLE action_runs (
    incident     INTEGER NOT NULL REFERENCES incidents (number),
    n            INTEGER NOT NULL,
    action       TEXT    NOT NULL,
    params       TEXT    NOT NULL,          -- JSON object of validated parameters
    requester    TEXT    NOT NULL,
    approvers    TEXT    NOT NULL DEFAULT '[]',
    state        TEXT    NOT NULL,          -- pending queued sending done failed denied expired drill
    undo_of      INTEGER NOT NULL DEFAULT 0,
    requested_at TEXT    NOT NULL,
    expires_at   TEXT,
    deadline     TEXT,                      -- retries stop here (timeout_total after approval)
    next_at      TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    status       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (incident, n)
);
CREATE INDEX action_runs_due ON action_runs (state, next_at);
