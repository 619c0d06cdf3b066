-- Chain v2 (docs/chain.md): every entry carries structured data and commits to its text
-- with a per-entry salt, so a redaction deletes text and salt and the entry still verifies.
-- Entries written before keep v = 1 and verify as they always did.
ALTER TABLE timeline ADD COLUMN v INTEGER NOT NULL DEFAULT 1;
ALTER TABLE timeline ADD COLUMN data TEXT NOT NULL DEFAULT '';
ALTER TABLE timeline ADD COLUMN salt TEXT NOT NULL DEFAULT '';
ALTER TABLE timeline ADD COLUMN text_commit TEXT NOT NULL DEFAULT '';

-- Signed checkpoints: an Ed25519 signature over {"incident","seq","hash","at"}.
CREATE TABLE checkpoints (
    incident  INTEGER NOT NULL REFERENCES incidents (number),
    seq       INTEGER NOT NULL,
    hash      TEXT    NOT NULL,
    at        TEXT    NOT NULL,
    sig       TEXT    NOT NULL,
    PRIMARY KEY (incident, seq)
);
