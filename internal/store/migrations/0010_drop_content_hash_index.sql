-- 0010_drop_content_hash_index: no query looks snapshots up by their
-- content hash (a page is found by its source and time, its blob by its
-- own key), and blobs are never deleted or rekeyed, so the index on
-- snapshots.content_hash served only the foreign-key check of a deletion
-- that does not happen. It took about 40 bytes of every snapshot. A
-- command that deletes blobs would need it again.
DROP INDEX IF EXISTS snapshots_content_hash;
