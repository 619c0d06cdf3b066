-- PostgreSQL: storage/migrations/0014_members_by_person.sql. Keep the two in step.
-- A refusal outside an incident channel names a few open incidents the caller is a member
-- of (OpenIncidentsOn): this index finds the caller's memberships, so the refusal probes
-- those and not the members key of every open incident (1,000 probes with 1,000 open).
CREATE INDEX members_by_person ON members (person, incident);
