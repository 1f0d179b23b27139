-- 0009_binary_hashes: hashes as their 32 raw bytes instead of 64 hex
-- characters, in place: the blobs' keys and bases, the documents' keys,
-- the snapshots' content, text and selection hashes and the source bases.
-- A column declared TEXT keeps a BLOB value as it is, and compares it
-- with the bound bytes the store passes (hashArg). The keys change under
-- the rows that reference them, so foreign keys are checked at the
-- commit, when every reference has its new form. A value that is not a
-- hex SHA-256 (none the store writes) is left as the text it is. NULL and
-- '' (a blob with no base, a snapshot with no selection hash) stay.
PRAGMA defer_foreign_keys = ON;
UPDATE blobs SET hash = unhex(hash) WHERE typeof(hash) = 'text' AND length(hash) = 64 AND unhex(hash) IS NOT NULL;
UPDATE blobs SET base = unhex(base) WHERE typeof(base) = 'text' AND length(base) = 64 AND unhex(base) IS NOT NULL;
UPDATE documents SET hash = unhex(hash) WHERE typeof(hash) = 'text' AND length(hash) = 64 AND unhex(hash) IS NOT NULL;
UPDATE snapshots SET content_hash = unhex(content_hash) WHERE typeof(content_hash) = 'text' AND length(content_hash) = 64 AND unhex(content_hash) IS NOT NULL;
UPDATE snapshots SET text_hash = unhex(text_hash) WHERE typeof(text_hash) = 'text' AND length(text_hash) = 64 AND unhex(text_hash) IS NOT NULL;
UPDATE snapshots SET selection_hash = unhex(selection_hash) WHERE typeof(selection_hash) = 'text' AND length(selection_hash) = 64 AND unhex(selection_hash) IS NOT NULL;
UPDATE source_bases SET base = unhex(base) WHERE typeof(base) = 'text' AND length(base) = 64 AND unhex(base) IS NOT NULL;
