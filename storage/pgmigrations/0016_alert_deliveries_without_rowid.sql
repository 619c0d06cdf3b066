-- PostgreSQL: storage/migrations/0016_alert_deliveries_without_rowid.sql. Keep the two in step.
-- On SQLite alert_deliveries becomes a WITHOUT ROWID table, keyed by (source, delivery_id)
-- alone. PostgreSQL has no rowid tables: its table and primary key stay as they are, and
-- this version changes nothing.
SELECT 1;
