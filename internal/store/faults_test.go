package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// The run lock belongs to the database file, not to the name it is opened
// by: a symlink (to the file or to its directory) leads to the same lock.
func TestLockThroughSymlink(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	real := filepath.Join(dir, "data", "clausewatch.db")
	db := mustOpenAt(t, real)
	fileLink := filepath.Join(dir, "link.db")
	if err := os.Symlink(real, fileLink); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
	dirLink := filepath.Join(dir, "datalink")
	if err := os.Symlink(filepath.Join(dir, "data"), dirLink); err != nil {
		t.Fatal(err)
	}
	release, err := db.Lock(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	for _, p := range []string{fileLink, filepath.Join(dirLink, "clausewatch.db"), filepath.Join(dir, "data", ".", "clausewatch.db")} {
		other := mustOpenAt(t, p)
		if other.LockPath() != db.LockPath() {
			t.Errorf("LockPath through %s = %s, want %s", p, other.LockPath(), db.LockPath())
		}
		rel, err := other.Lock(ctx, false)
		if !errors.Is(err, ErrLocked) {
			if rel != nil {
				rel()
			}
			t.Errorf("Lock through %s while the real path is locked = %v, want ErrLocked", p, err)
		}
	}
}

// A read-only open reads, refuses every write, and creates nothing: no
// file, no directory, no migration.
func TestOpenReadOnly(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "clausewatch.db")
	w := mustOpenAt(t, path)
	if err := w.SetState(ctx, "k", "v"); err != nil {
		t.Fatal(err)
	}
	w.Close()

	ro, err := Open(ctx, path, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("Open read-only: %v", err)
	}
	defer ro.Close()
	if v, ok, err := ro.GetState(ctx, "k"); err != nil || !ok || v != "v" {
		t.Errorf("GetState = %q, %v, %v; want v", v, ok, err)
	}
	if err := ro.SetState(ctx, "k", "w"); err == nil {
		t.Errorf("SetState on a read-only database succeeded")
	}
	if n, err := ro.SchemaVersion(ctx); err != nil || n == 0 {
		t.Errorf("SchemaVersion = %d, %v", n, err)
	}

	missing := filepath.Join(dir, "nowhere", "clausewatch.db")
	if _, err := Open(ctx, missing, Options{ReadOnly: true}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open read-only of a missing database = %v, want an error wrapping os.ErrNotExist", err)
	}
	if _, err := os.Stat(filepath.Dir(missing)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a read-only open created the directory %s", filepath.Dir(missing))
	}

	// A database of an older schema cannot be migrated by a read-only
	// open: it is upgraded through a writable one when the file allows.
	old := filepath.Join(dir, "old.db")
	o := mustOpenAt(t, old)
	if _, err := o.sql.ExecContext(ctx, `DELETE FROM schema_migrations WHERE version = (SELECT MAX(version) FROM schema_migrations)`); err != nil {
		t.Fatal(err)
	}
	// the last migration must run again: undo what it did when it is an added column
	ms, _ := migrations()
	last := ms[len(ms)-1]
	for _, m := range regexp.MustCompile(`(?i)CREATE INDEX (?:IF NOT EXISTS )?(\w+)`).FindAllStringSubmatch(last.sql, -1) {
		if _, err := o.sql.ExecContext(ctx, `DROP INDEX `+m[1]); err != nil {
			t.Fatalf("undo %s: %v", last.name, err)
		}
	}
	if col, ok := addedColumn(last.sql); ok {
		if _, err := o.sql.ExecContext(ctx, `ALTER TABLE snapshots DROP COLUMN `+col); err != nil {
			t.Fatalf("undo %s: %v", last.name, err)
		}
	}
	for _, m := range regexp.MustCompile(`(?i)CREATE TABLE (?:IF NOT EXISTS )?(\w+)`).FindAllStringSubmatch(last.sql, -1) {
		if _, err := o.sql.ExecContext(ctx, `DROP TABLE `+m[1]); err != nil {
			t.Fatalf("undo %s: %v", last.name, err)
		}
	}
	o.Close()
	ro2, err := Open(ctx, old, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("Open read-only of an older schema: %v", err)
	}
	defer ro2.Close()
	if n, _ := ro2.SchemaVersion(ctx); n != len(ms) {
		t.Errorf("schema version after a read-only open = %d, want %d (upgraded)", n, len(ms))
	}
}

// addedColumn returns the column a migration of the form
// "ALTER TABLE snapshots ADD COLUMN x …" adds.
func addedColumn(sql string) (string, bool) {
	i := strings.Index(sql, "ADD COLUMN ")
	if i < 0 || !strings.Contains(sql, "ALTER TABLE snapshots") {
		return "", false
	}
	f := strings.Fields(sql[i+len("ADD COLUMN "):])
	if len(f) == 0 {
		return "", false
	}
	return f[0], true
}

// QuickCheck finds pages damaged inside the file.
func TestQuickCheck(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "clausewatch.db")
	db := mustOpenAt(t, path)
	if err := db.QuickCheck(ctx); err != nil {
		t.Fatalf("QuickCheck of a sound database: %v", err)
	}
	mustTransact(t, db, func(tx *Tx) error {
		for i := 0; i < 400; i++ {
			if _, err := tx.InsertSnapshot(ctx, terms.Snapshot{Source: "s", FetchedAt: t0.Add(time.Duration(i) * time.Minute),
				Origin: "check", ErrorCategory: terms.ErrNetwork, Error: strings.Repeat("connection refused ", 20)}); err != nil {
				return err
			}
		}
		return nil
	})
	db.Close()
	corruptPages(t, path)

	db2, err := Open(ctx, path, Options{})
	if err != nil {
		if !errors.Is(err, ErrCorrupt) {
			t.Fatalf("Open of a damaged database = %v, want nil or ErrCorrupt", err)
		}
		return
	}
	defer db2.Close()
	err = db2.QuickCheck(ctx)
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("QuickCheck of a damaged database = %v, want ErrCorrupt", err)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("QuickCheck error %q does not name the file", err)
	}
}

// corruptPages overwrites the middle of the pages after the schema with
// garbage, as a bad disk or a copy taken during a write would.
func corruptPages(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const pageSize = 4096
	if len(b) < 8*pageSize {
		t.Fatalf("database of %d bytes is too small to damage", len(b))
	}
	for p := 3; p < len(b)/pageSize; p += 2 {
		off := p*pageSize + 8
		for i := 0; i < 64; i++ {
			b[off+i] = 0xA5
		}
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// FailingSources says, for each source whose latest attempt failed, since
// when, for how many attempts, and when it last read well.
func TestFailingSources(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	put := func(source string, h int, category string) {
		mustTransact(t, db, func(tx *Tx) error {
			_, err := tx.InsertSnapshot(ctx, terms.Snapshot{Source: source, FetchedAt: at(h), Origin: "check",
				ErrorCategory: category, Error: map[bool]string{true: "fetch x: " + category}[category != ""]})
			return err
		})
	}
	put("ok", 0, "")
	put("ok", 1, terms.ErrServer)
	put("ok", 2, "") // recovered
	put("failing", 0, "")
	put("failing", 1, "")
	put("failing", 2, terms.ErrTimeout)
	put("failing", 3, terms.ErrNetwork)
	put("failing", 4, terms.ErrServer)
	put("never", 5, terms.ErrClient)
	put("never", 6, terms.ErrClient)

	got, err := db.FailingSources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got["ok"]; ok || len(got) != 2 {
		t.Fatalf("FailingSources = %+v, want failing and never only", got)
	}
	f := got["failing"]
	if f.Failures != 3 || !f.Since.Equal(at(2)) || !f.LastGood.Equal(at(1)) || f.Category != terms.ErrServer || f.Error != "fetch x: http-5xx" {
		t.Errorf("failing = %+v; want 3 failures since %v, last good %v, last error http-5xx", f, at(2), at(1))
	}
	n := got["never"]
	if n.Failures != 2 || !n.Since.Equal(at(5)) || !n.LastGood.IsZero() {
		t.Errorf("never = %+v; want 2 failures since %v, never good", n, at(5))
	}
}
