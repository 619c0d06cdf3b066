-- An upload's bytes kept apart from its outbox row (storage/outbox_files.go): written in parts,
-- each in its own short transaction, before the row that refers to them is queued, so that
-- queueing a large report does not hold the single writer while all of it is written. A file
-- is taken by one outbox row (outbox, set in the row's transaction), goes with that row, and
-- one never taken (a crash between parts) is pruned.
CREATE TABLE outbox_files (
    id          INTEGER PRIMARY KEY,
    size        INTEGER NOT NULL,            -- bytes of all its parts
    created_at  TEXT    NOT NULL,
    outbox      INTEGER UNIQUE REFERENCES outbox (id) ON DELETE CASCADE
);
CREATE INDEX outbox_files_untaken ON outbox_files (created_at) WHERE outbox IS NULL;
CREATE TABLE outbox_file_parts (
    file  INTEGER NOT NULL REFERENCES outbox_files (id) ON DELETE CASCADE,
    part  INTEGER NOT NULL,
    data  BLOB    NOT NULL,
    PRIMARY KEY (file, part)
);
