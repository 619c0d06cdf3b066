-- A delivery is looked up and written by its key (source, delivery_id), once for every
-- alert received. As a rowid table that was three B-trees to write (the rows, the key's
-- index and alert_deliveries_by_at) and two to search; keyed by the key itself (WITHOUT
-- ROWID) it is two to write and one to search, and a page less in the commit of most
-- alert batches. The rows are copied as they are.
CREATE TABLE alert_deliveries_keyed (
    source       TEXT NOT NULL,
    delivery_id  TEXT NOT NULL,
    at           TEXT NOT NULL,
    answer       TEXT NOT NULL,   -- the JSON answered the first time
    PRIMARY KEY (source, delivery_id)
) WITHOUT ROWID;
INSERT INTO alert_deliveries_keyed (source, delivery_id, at, answer)
    SELECT source, delivery_id, at, answer FROM alert_deliveries;
DROP TABLE alert_deliveries;
ALTER TABLE alert_deliveries_keyed RENAME TO alert_deliveries;
CREATE INDEX alert_deliveries_by_at ON alert_deliveries (at);
