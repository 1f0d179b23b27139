package store

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
)

// TestExtractedBy: snapshots recorded before migration 0004 read as
// extracted by "" once the database is opened; SetExtractedBy records
// another way.
func TestExtractedBy(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "clausewatch.db")
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) < 4 || ms[3].name != "0004_extracted_by.sql" {
		t.Fatalf("migration 4 is %q, want 0004_extracted_by.sql", ms[3].name)
	}
	// A database of the schema before: migrations 1 to 3 and a snapshot.
	old, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms[:3] {
		if _, err := old.Exec(m.sql); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
		if _, err := old.Exec(`INSERT INTO schema_migrations VALUES (?, ?)`, m.version, formatTime(t0)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := old.Exec(`INSERT INTO snapshots (source, fetched_at, status, created_at) VALUES ('acme-terms', ?, 200, ?)`, formatTime(t0), formatTime(t0)); err != nil {
		t.Fatal(err)
	}
	old.Close()

	db := mustOpenAt(t, path)
	snaps, err := db.Snapshots(ctx, "acme-terms")
	if err != nil || len(snaps) != 1 || snaps[0].ExtractedBy != "" {
		t.Fatalf("snapshots after the migration: %+v, %v", snaps, err)
	}
	mustTransact(t, db, func(tx *Tx) error { return tx.SetExtractedBy(ctx, snaps[0].ID, "auto") })
	if s, err := db.Snapshot(ctx, snaps[0].ID); err != nil || s.ExtractedBy != "auto" {
		t.Errorf("after SetExtractedBy: %q, %v", s.ExtractedBy, err)
	}
	err = db.Transact(ctx, func(tx *Tx) error { return tx.SetExtractedBy(ctx, 999, "auto") })
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("SetExtractedBy of a missing snapshot: %v, want ErrNotFound", err)
	}
}
