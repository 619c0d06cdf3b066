-- One row /readyz rewrites: a probe that commits, so a full disk shows as not ready.
CREATE TABLE health (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    at  TEXT NOT NULL
);
