-- An alert group belongs to the route that placed it (security review): an alert joins a
-- group only when its own route is the group's, so an alert that routing would send to one
-- team never lands on another team's triage post or incident because the dedup keys match.
-- route is the route's fingerprint (alert.Route.ID); groups made before this have '' and
-- take no more alerts.
ALTER TABLE alert_groups ADD COLUMN route TEXT NOT NULL DEFAULT '';
DROP INDEX alert_groups_by_key;
CREATE INDEX alert_groups_by_key ON alert_groups (source, route, dedup_key, id);
