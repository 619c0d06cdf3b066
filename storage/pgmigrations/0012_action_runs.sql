-- PostgreSQL: storage/migrations/0012_action_runs.sql with PostgreSQL's types (BIGINT, identity ids, byte-order
-- TEXT so timestamps and keys sort as on SQLite). Keep the two in step.
-- Response actions (docs/playbooks.md): one row per run, a projection of the run's "action"
-- timeline entries (Verify replays them). The deliverer of the calls works from it: a run in
-- state queued or sending whose next_at has come is (re)sent with webhook-id = its id.
CREATE TABLE action_runs (
    incident     BIGINT NOT NULL REFERENCES incidents (number),
    n            BIGINT NOT NULL,
    action       TEXT COLLATE "C" NOT NULL,
    params       TEXT COLLATE "C" NOT NULL,          -- JSON object of validated parameters
    requester    TEXT COLLATE "C" NOT NULL,
    approvers    TEXT COLLATE "C" NOT NULL DEFAULT '[]',
    state        TEXT COLLATE "C" NOT NULL,          -- pending queued sending done failed denied expired drill
    undo_of      BIGINT NOT NULL DEFAULT 0,
    requested_at TEXT COLLATE "C" NOT NULL,
    expires_at   TEXT COLLATE "C",
    deadline     TEXT COLLATE "C",                      -- retries stop here (timeout_total after approval)
    next_at      TEXT COLLATE "C",
    attempts     BIGINT NOT NULL DEFAULT 0,
    status       BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (incident, n)
);
CREATE INDEX action_runs_due ON action_runs (state, next_at);
