-- 0007_source_bases: what storing a noise-only page of a source needs of
-- its base, so that the base need not be read, decompressed and hashed
-- again for each page. base is the full blob the source's pages are
-- patched against, size its length, idx the zstd-compressed index of it:
-- where its volatile bytes are (the runs noise replaced so far) and a
-- fingerprint of each stable segment between them. A missing, mismatched
-- or damaged row only means the next page is encoded against the
-- decompressed base, and the row written again.
--
-- vendor is the source's vendor: the first page of a source is compressed
-- with the base of another source of its vendor as dictionary (their
-- templates repeat), a 'zstd-delta' blob on that base. Only 'zstd' blobs
-- serve as dictionaries, so such a first page may itself be a base (of its
-- source's later pages) and no blob is more than two steps from a 'zstd'
-- one.
CREATE TABLE source_bases (
	source TEXT PRIMARY KEY,
	vendor TEXT NOT NULL DEFAULT '',
	base   TEXT NOT NULL REFERENCES blobs (hash),
	size   INTEGER NOT NULL,
	idx    BLOB NOT NULL
);
CREATE INDEX source_bases_vendor ON source_bases (vendor);
