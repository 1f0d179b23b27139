package store

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// TestSelectionHash: a snapshot keeps the hash of what its reading saw;
// one recorded without it reads as "".
func TestSelectionHash(t *testing.T) {
	ctx := context.Background()
	db := mustOpenAt(t, filepath.Join(t.TempDir(), "clausewatch.db"))
	mustTransact(t, db, func(tx *Tx) error {
		if _, err := tx.InsertSnapshot(ctx, terms.Snapshot{Source: "a", FetchedAt: t0, Origin: "check", Status: 200, SelectionHash: "sel-1"}); err != nil {
			return err
		}
		_, err := tx.InsertSnapshot(ctx, terms.Snapshot{Source: "b", FetchedAt: t0, Origin: "check", Status: 200})
		return err
	})
	for src, want := range map[string]string{"a": "sel-1", "b": ""} {
		s, ok, err := db.LastSnapshot(ctx, src)
		if err != nil || !ok {
			t.Fatalf("LastSnapshot(%s) = %v, %v", src, ok, err)
		}
		if s.SelectionHash != want {
			t.Errorf("snapshot of %s: selection hash %q, want %q", src, s.SelectionHash, want)
		}
	}
}

// TestMigrationGap: migrations written in parallel take numbers apart; a
// database that lacks one below the highest it has (here 0004, undone) gets
// it when opened, and opening one that has them all applies nothing.
func TestMigrationGap(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "clausewatch.db")
	db := mustOpenAt(t, path)
	for _, q := range []string{
		`DELETE FROM schema_migrations WHERE version = 4`,
		`ALTER TABLE snapshots DROP COLUMN extracted_by`,
	} {
		if _, err := db.sql.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	db2 := mustOpenAt(t, path)
	if n := countRows(t, db2, "schema_migrations"); n != len(ms) {
		t.Errorf("schema_migrations rows = %d, want %d (0004 applied again)", n, len(ms))
	}
	mustTransact(t, db2, func(tx *Tx) error {
		_, err := tx.InsertSnapshot(ctx, terms.Snapshot{Source: "a", FetchedAt: t0, Origin: "check", Status: 200, ExtractedBy: "select:main"})
		return err
	})
	s, _, err := db2.LastSnapshot(ctx, "a")
	if err != nil || s.ExtractedBy != "select:main" {
		t.Errorf("after the gap is filled: extracted by %q, %v; want select:main", s.ExtractedBy, err)
	}
}
