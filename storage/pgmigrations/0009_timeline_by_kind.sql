-- PostgreSQL: storage/migrations/0009_timeline_by_kind.sql with PostgreSQL's types (BIGINT, identity ids, byte-order
-- TEXT so timestamps and keys sort as on SQLite). Keep the two in step.
-- The facts of an incident (summary, impact, root cause, detection, TLP, evidence) are
-- timeline entries folded on read; this index finds them without a scan of the timeline.
CREATE INDEX timeline_by_kind ON timeline (incident, kind, seq);
