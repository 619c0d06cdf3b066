-- PostgreSQL: storage/migrations/0006_chain_v2.sql with PostgreSQL's types (BIGINT, identity ids, byte-order
-- TEXT so timestamps and keys sort as on SQLite). Keep the two in step.
-- Chain v2 (docs/chain.md): every entry carries structured data and commits to its text
-- with a per-entry salt, so a redaction deletes text and salt and the entry still verifies.
-- Entries written before keep v = 1 and verify as they always did.
ALTER TABLE timeline ADD COLUMN v BIGINT NOT NULL DEFAULT 1;
ALTER TABLE timeline ADD COLUMN data TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE timeline ADD COLUMN salt TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE timeline ADD COLUMN text_commit TEXT COLLATE "C" NOT NULL DEFAULT '';

-- Signed checkpoints: an Ed25519 signature over {"incident","seq","hash","at"}.
CREATE TABLE checkpoints (
    incident  BIGINT NOT NULL REFERENCES incidents (number),
    seq       BIGINT NOT NULL,
    hash      TEXT COLLATE "C" NOT NULL,
    at        TEXT COLLATE "C" NOT NULL,
    sig       TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (incident, seq)
);
