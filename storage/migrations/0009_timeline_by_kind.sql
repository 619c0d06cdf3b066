-- The facts of an incident (summary, impact, root cause, detection, TLP, evidence) are
-- timeline entries folded on read; this index finds them without a scan of the timeline.
CREATE INDEX timeline_by_kind ON timeline (incident, kind, seq);
