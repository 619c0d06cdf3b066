-- PostgreSQL: storage/migrations/0010_alert_group_route.sql with PostgreSQL's types (BIGINT, identity ids, byte-order
-- TEXT so timestamps and keys sort as on SQLite). Keep the two in step.
-- An alert group belongs to the route that placed it (security review): an alert joins a
-- group only when its own route is the group's, so an alert that routing would send to one
-- team never lands on another team's triage post or incident because the dedup keys match.
-- route is the route's fingerprint (alert.Route.ID); groups made before this have '' and
-- take no more alerts.
ALTER TABLE alert_groups ADD COLUMN route TEXT COLLATE "C" NOT NULL DEFAULT '';
DROP INDEX alert_groups_by_key;
CREATE INDEX alert_groups_by_key ON alert_groups (source, route, dedup_key, id);
