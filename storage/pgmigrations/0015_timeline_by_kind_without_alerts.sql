-- PostgreSQL: storage/migrations/0015_timeline_by_kind_without_alerts.sql. Keep the two in step.
-- timeline_by_kind serves the reads of an incident's few entries of some kinds (its facts,
-- tasks, actions, redactions: EachEntryOfKind), never its alerts. Alerts are most of the
-- entries of an incident an alert storm feeds, and each was one more index row to write.
-- The index leaves them out; a read of the alert entries by kind walks the incident's
-- timeline instead (entriesOfKinds).
DROP INDEX timeline_by_kind;
CREATE INDEX timeline_by_kind ON timeline (incident, kind, seq) WHERE kind <> 'alert';
