-- 0008_selection_hash: what the reading of a page saw. The hash of the
-- bytes extraction reads (the page's <title> and the elements its
-- selectors select, or the whole page when they cannot be selected
-- without its tree) together with the declaration that selected them
-- (extract.Prepared.Key). A later page with the same hash reads the same:
-- it is recorded as the same text without extracting it again. '' for
-- failures, 304s and the snapshots recorded before this migration (read
-- in full the next time). Independent of every other migration: it adds
-- one column.
ALTER TABLE snapshots ADD COLUMN selection_hash TEXT NOT NULL DEFAULT '';
