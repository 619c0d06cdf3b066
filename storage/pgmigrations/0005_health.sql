-- PostgreSQL: storage/migrations/0005_health.sql with PostgreSQL's types (BIGINT, identity ids, byte-order
-- TEXT so timestamps and keys sort as on SQLite). Keep the two in step.
-- One row /readyz rewrites: a probe that commits, so a full disk shows as not ready.
CREATE TABLE health (
    id  BIGINT PRIMARY KEY CHECK (id = 1),
    at  TEXT COLLATE "C" NOT NULL
);
