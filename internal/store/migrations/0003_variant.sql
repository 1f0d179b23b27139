-- 0003_variant: which regional variant (EEA, UK, rest of world) a snapshot
-- of a page that serves several was; '' when the source declares none.
ALTER TABLE snapshots ADD COLUMN variant TEXT NOT NULL DEFAULT '';
