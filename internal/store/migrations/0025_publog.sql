-- Issue 12, part 1: the public ledger (docs/ledger.md; DOMAIN.md §8), one append-only Merkle log
-- per instance served as C2SP tlog-tiles.
--
-- A record is written in the business transaction with idx NULL (pending); the integration job
-- gives it its leaf index (idx) under the row lock of publog_state, stores the tree's hashes
-- (tlog stored-hash indexes), the tiles (level -1: entry bundles) and a signed checkpoint.
CREATE TABLE publog_records (
    id         {{ID}},
    type       TEXT NOT NULL,
    version    INTEGER NOT NULL,
    entry      TEXT NOT NULL,
    idx        BIGINT UNIQUE,
    created_at {{TS}} NOT NULL
);
CREATE INDEX publog_records_pending ON publog_records (id) WHERE idx IS NULL;

-- The one row that integration locks: the size of the integrated tree.
CREATE TABLE publog_state (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    size       BIGINT NOT NULL,
    updated_at {{TS}}
);
INSERT INTO publog_state (id, size) VALUES (1, 0);

-- Every stored hash of the tree by its tlog.StoredHashIndex.
CREATE TABLE publog_hashes (
    id   BIGINT PRIMARY KEY,
    hash {{BLOB}} NOT NULL
);

-- The latest tile at each level and number (level -1: entry bundles); a narrower partial tile is
-- a prefix of it.
CREATE TABLE publog_tiles (
    level INTEGER NOT NULL,
    n     BIGINT NOT NULL,
    width INTEGER NOT NULL,
    data  {{BLOB}} NOT NULL,
    PRIMARY KEY (level, n)
);

-- Every signed checkpoint, by tree size.
CREATE TABLE publog_checkpoints (
    size       BIGINT PRIMARY KEY,
    root       TEXT NOT NULL,
    note       TEXT NOT NULL,
    created_at {{TS}} NOT NULL
);
