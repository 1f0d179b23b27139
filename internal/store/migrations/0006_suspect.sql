-- 0006_suspect: pages held as suspect. A page that lost most of the
-- sentences of the version in force at once (a half-rendered page, an A/B
-- test, a CDN hiccup) is stored, its bytes and document kept, but held:
-- suspect 'held' until the next fetch or 'recheck --accept' settles it,
-- then 'accepted' (a version from then on, its observations recorded) or
-- 'dismissed' (the page came back whole: it never was a version). '' for
-- every other snapshot, and for those recorded before this migration.
ALTER TABLE snapshots ADD COLUMN suspect TEXT NOT NULL DEFAULT ''
	CHECK (suspect IN ('', 'held', 'dismissed', 'accepted'));
CREATE INDEX snapshots_held ON snapshots (source, fetched_at) WHERE suspect = 'held';
