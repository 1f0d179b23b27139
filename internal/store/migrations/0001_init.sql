-- 0001_init: the first schema of the clausewatch store.
--
-- Times are UTC text in a fixed-width RFC 3339 form
-- ("2006-01-02T15:04:05.000000000Z") so that text order is time order.

-- Raw page bytes, content-addressed by the hex SHA-256 of the raw bytes and
-- stored once however often they are seen. codec is 'zstd' (data is the
-- standalone compression, base '') or 'zstd-delta' (data is compressed with
-- the raw bytes of the full blob base as a raw dictionary) or 'zstd-patch'
-- (data is the compressed list of byte runs that differ from base, of the
-- same length). The base of a delta or patch is always a 'zstd' blob.
CREATE TABLE blobs (
	hash  TEXT PRIMARY KEY,
	size  INTEGER NOT NULL,
	codec TEXT NOT NULL CHECK (codec IN ('zstd', 'zstd-delta', 'zstd-patch')),
	base  TEXT NOT NULL DEFAULT '',
	data  BLOB NOT NULL,
	CHECK ((codec = 'zstd') = (base = ''))
);
-- Not WITHOUT ROWID: that would keep each page in the key b-tree, and
-- SQLite reads a whole overflowing cell to compare keys, so every lookup by
-- hash would read the pages it passes on its way down.

-- Extracted documents, content-addressed by terms.Document.Hash; data is the
-- zstd-compressed JSON of the terms.Document.
CREATE TABLE documents (
	hash TEXT PRIMARY KEY,
	data BLOB NOT NULL
);

-- One row per fetch attempt, successful or not.
CREATE TABLE snapshots (
	id             INTEGER PRIMARY KEY,
	source         TEXT NOT NULL,
	fetched_at     TEXT NOT NULL,
	status         INTEGER NOT NULL DEFAULT 0,
	etag           TEXT NOT NULL DEFAULT '',
	last_modified  TEXT NOT NULL DEFAULT '',
	content_type   TEXT NOT NULL DEFAULT '',
	content_hash   TEXT REFERENCES blobs (hash),
	size           INTEGER NOT NULL DEFAULT 0,
	text_hash      TEXT REFERENCES documents (hash),
	error_category TEXT NOT NULL DEFAULT '',
	error          TEXT NOT NULL DEFAULT '',
	not_modified   INTEGER NOT NULL DEFAULT 0,
	origin         TEXT NOT NULL DEFAULT '',
	created_at     TEXT NOT NULL
);
CREATE INDEX snapshots_source_fetched_at ON snapshots (source, fetched_at);
CREATE INDEX snapshots_content_hash ON snapshots (content_hash);

-- Tier attribute observations read from one snapshot. value is the JSON of a
-- terms.Value, evidence the JSON of a terms.Evidence; reason keeps the reason
-- of an unknown value, which the value's JSON form ("unknown") does not carry.
CREATE TABLE observations (
	snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
	vendor      TEXT NOT NULL,
	tier        TEXT NOT NULL,
	attribute   TEXT NOT NULL,
	value       TEXT NOT NULL,
	reason      TEXT NOT NULL DEFAULT '',
	evidence    TEXT NOT NULL,
	PRIMARY KEY (snapshot_id, vendor, tier, attribute)
) WITHOUT ROWID;
CREATE INDEX observations_vendor ON observations (vendor, snapshot_id);

-- Change events; data is the JSON of the terms.Event (its id is derived from
-- the row id when read).
CREATE TABLE events (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	kind        TEXT NOT NULL,
	severity    TEXT NOT NULL,
	vendor      TEXT NOT NULL DEFAULT '',
	tier        TEXT NOT NULL DEFAULT '',
	attribute   TEXT NOT NULL DEFAULT '',
	source      TEXT NOT NULL DEFAULT '',
	snapshot_at TEXT NOT NULL DEFAULT '',
	detected_at TEXT NOT NULL,
	data        TEXT NOT NULL
);
CREATE INDEX events_detected_at ON events (detected_at);
CREATE INDEX events_source ON events (source);

-- Small named values (the time of the last notification, …).
CREATE TABLE state (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;
