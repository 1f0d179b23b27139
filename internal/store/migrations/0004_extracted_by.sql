-- 0004_extracted_by: how a snapshot's document was found in the page:
-- 'select:' and the declared selector that matched ('select:main'), 'body'
-- (no selector declared), 'auto' (no declared selector matched: found
-- without selectors, and kept because it holds most of the sentences of the
-- version nearest in time), 'text' (a plain-text or markdown copy). '' for
-- a snapshot without a document, and for those recorded before this
-- migration.
ALTER TABLE snapshots ADD COLUMN extracted_by TEXT NOT NULL DEFAULT '';
