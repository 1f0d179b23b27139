package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// childEnv switches the test binary into one of the child roles of
// runChild: tests re-execute themselves to get a second process that holds
// a lock or dies in the middle of a transaction.
const (
	childEnv   = "CLAUSEWATCH_STORE_TEST_CHILD"
	childDBEnv = "CLAUSEWATCH_STORE_TEST_DB"
)

func TestMain(m *testing.M) {
	if role := os.Getenv(childEnv); role != "" {
		runChild(role, os.Getenv(childDBEnv))
		os.Exit(2) // runChild exits or is killed; reaching here is a bug
	}
	os.Exit(m.Run())
}

// t0 is the fixed test clock's time.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// MustOpen opens a fresh database in a temporary directory with a fixed
// clock and closes it when the test ends.
func MustOpen(tb testing.TB) *DB {
	tb.Helper()
	return mustOpenAt(tb, filepath.Join(tb.TempDir(), "clausewatch.db"))
}

func mustOpenAt(tb testing.TB, path string) *DB {
	tb.Helper()
	db, err := Open(context.Background(), path, Options{Now: func() time.Time { return t0 }})
	if err != nil {
		tb.Fatalf("Open(%s): %v", path, err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// mustTransact runs fn in a transaction and fails the test on error.
func mustTransact(tb testing.TB, db *DB, fn func(tx *Tx) error) {
	tb.Helper()
	if err := db.Transact(context.Background(), fn); err != nil {
		tb.Fatalf("Transact: %v", err)
	}
}

func countRows(tb testing.TB, db *DB, table string) int {
	tb.Helper()
	var n int
	if err := db.sql.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		tb.Fatalf("count %s: %v", table, err)
	}
	return n
}

func TestOpenAppliesMigrationsOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "nested", "dir", "clausewatch.db")
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	db := mustOpenAt(t, path) // also creates the parent directories
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v != latest(ms) {
		t.Errorf("schema version = %d, want %d", v, latest(ms))
	}
	var applied string
	if err := db.sql.QueryRow(`SELECT applied_at FROM schema_migrations WHERE version = 1`).Scan(&applied); err != nil {
		t.Fatal(err)
	}
	if applied != formatTime(t0) {
		t.Errorf("applied_at = %q, want the clock's %q", applied, formatTime(t0))
	}
	mustTransact(t, db, func(tx *Tx) error { return tx.SetState(ctx, "k", "v") })
	db.Close()

	// Re-open with another clock: nothing is re-applied, data is kept.
	db2, err := Open(ctx, path, Options{Now: func() time.Time { return t0.Add(time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	if n := countRows(t, db2, "schema_migrations"); n != len(ms) {
		t.Errorf("schema_migrations rows after re-open = %d, want %d", n, len(ms))
	}
	var applied2 string
	if err := db2.sql.QueryRow(`SELECT applied_at FROM schema_migrations WHERE version = 1`).Scan(&applied2); err != nil {
		t.Fatal(err)
	}
	if applied2 != applied {
		t.Errorf("migration 1 re-applied: applied_at %q, was %q", applied2, applied)
	}
	if v, ok, err := db2.GetState(ctx, "k"); err != nil || !ok || v != "v" {
		t.Errorf("GetState after re-open = %q, %v, %v; want v, true, nil", v, ok, err)
	}
}

func TestOpenPragmas(t *testing.T) {
	db := MustOpen(t)
	tests := []struct {
		pragma string
		want   string
	}{
		{"journal_mode", "wal"},
		{"foreign_keys", "1"},
		{"busy_timeout", "10000"},
		{"synchronous", "1"}, // NORMAL
	}
	for _, tt := range tests {
		t.Run(tt.pragma, func(t *testing.T) {
			var got string
			if err := db.sql.QueryRow(`PRAGMA ` + tt.pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("PRAGMA %s = %q, want %q", tt.pragma, got, tt.want)
			}
		})
	}
}

func TestOpenNewerSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "clausewatch.db")
	db := mustOpenAt(t, path)
	if _, err := db.sql.Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (99, ?)`, formatTime(t0)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db2, err := Open(ctx, path, Options{})
	if err == nil {
		db2.Close()
		t.Fatal("Open of a database with schema version 99 succeeded")
	}
	for _, want := range []string{path, "99", "newer"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "plain-file")
	if err := os.WriteFile(file, []byte("not a directory"), 0o644); err != nil {
		t.Fatal(err)
	}
	readOnly := filepath.Join(dir, "read-only")
	if err := os.Mkdir(readOnly, 0o555); err != nil {
		t.Fatal(err)
	}
	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, []byte(strings.Repeat("this is not an SQLite file\n", 400)), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		path     string
		needUser bool // permission bits do not stop root
	}{
		{"directory", dir, false},
		{"parent is a file", filepath.Join(file, "clausewatch.db"), false},
		{"unwritable directory", filepath.Join(readOnly, "clausewatch.db"), true},
		{"not a database", garbage, false},
		{"question mark", filepath.Join(dir, "what?.db"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.needUser && os.Geteuid() == 0 {
				t.Skip("running as root: permission bits do not apply")
			}
			db, err := Open(context.Background(), tt.path, Options{})
			if err == nil {
				db.Close()
				t.Fatalf("Open(%s) succeeded", tt.path)
			}
			if !strings.Contains(err.Error(), tt.path) {
				t.Errorf("error %q does not name the path %s", err, tt.path)
			}
		})
	}
	if _, err := Open(context.Background(), "", Options{}); err == nil {
		t.Error("Open of an empty path succeeded")
	}
}

func TestState(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	if _, ok, err := db.GetState(ctx, "last-notify"); err != nil || ok {
		t.Fatalf("GetState of a missing key = %v, %v; want false, nil", ok, err)
	}
	steps := []struct {
		name  string
		set   func(key, value string) error
		value string
	}{
		{"db set", func(k, v string) error { return db.SetState(ctx, k, v) }, "2026-03-01T12:00:00Z"},
		{"db overwrite", func(k, v string) error { return db.SetState(ctx, k, v) }, "2026-03-02T12:00:00Z"},
		{"tx overwrite", func(k, v string) error {
			return db.Transact(ctx, func(tx *Tx) error { return tx.SetState(ctx, k, v) })
		}, ""},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if err := st.set("last-notify", st.value); err != nil {
				t.Fatal(err)
			}
			got, ok, err := db.GetState(ctx, "last-notify")
			if err != nil || !ok || got != st.value {
				t.Errorf("GetState = %q, %v, %v; want %q, true, nil", got, ok, err, st.value)
			}
		})
	}
}

func TestTransactReturnsErrorAndLeavesNothing(t *testing.T) {
	ctx := context.Background()
	errBoom := errors.New("boom")
	tests := []struct {
		name  string
		fail  func() error // called at the end of the transaction
		panic bool
	}{
		{"error", func() error { return errBoom }, false},
		{"panic", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := MustOpen(t)
			run := func() (err error) {
				defer func() {
					if r := recover(); r != nil && !tt.panic {
						t.Fatalf("unexpected panic: %v", r)
					}
				}()
				return db.Transact(ctx, func(tx *Tx) error {
					writeEverything(t, ctx, tx, "acme-terms", []byte("<html><p>one page</p></html>"))
					if tt.panic {
						panic("mid-transaction")
					}
					return tt.fail()
				})
			}
			err := run()
			if !tt.panic && !errors.Is(err, errBoom) {
				t.Errorf("Transact error = %v, want %v", err, errBoom)
			}
			assertEmpty(t, db)
			// The database is still usable afterwards.
			mustTransact(t, db, func(tx *Tx) error { return tx.SetState(ctx, "after", "ok") })
		})
	}
}

// writeEverything writes one of each kind of row in tx.
func writeEverything(tb testing.TB, ctx context.Context, tx *Tx, source string, raw []byte) {
	tb.Helper()
	hash, err := tx.PutRaw(ctx, source, raw)
	if err != nil {
		tb.Fatalf("PutRaw: %v", err)
	}
	d := doc("Terms > Data", "We keep data for thirty days.")
	th, err := tx.PutDocument(ctx, d)
	if err != nil {
		tb.Fatalf("PutDocument: %v", err)
	}
	id, err := tx.InsertSnapshot(ctx, terms.Snapshot{Source: source, FetchedAt: t0, Status: 200,
		ContentHash: hash, Size: int64(len(raw)), TextHash: th, Origin: "check"})
	if err != nil {
		tb.Fatalf("InsertSnapshot: %v", err)
	}
	if err := tx.InsertObservations(ctx, id, []terms.Observation{{Vendor: "acme", Tier: "api",
		Attribute: "training", Value: terms.Scalar("never"), Evidence: terms.Evidence{Source: source, Snapshot: id}}}); err != nil {
		tb.Fatalf("InsertObservations: %v", err)
	}
	if _, err := tx.InsertEvents(ctx, []terms.Event{{Kind: terms.DocumentChanged, Severity: terms.Info, Source: source, SnapshotAt: t0}}); err != nil {
		tb.Fatalf("InsertEvents: %v", err)
	}
	if err := tx.SetState(ctx, "last-check", "x"); err != nil {
		tb.Fatalf("SetState: %v", err)
	}
}

// assertEmpty checks that no data rows exist and the file is sound.
func assertEmpty(tb testing.TB, db *DB) {
	tb.Helper()
	for _, table := range []string{"blobs", "documents", "snapshots", "observations", "events", "state"} {
		if n := countRows(tb, db, table); n != 0 {
			tb.Errorf("%s has %d rows after a failed transaction, want 0", table, n)
		}
	}
	assertIntegrity(tb, db)
}

func assertIntegrity(tb testing.TB, db *DB) {
	tb.Helper()
	var res string
	if err := db.sql.QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil {
		tb.Fatal(err)
	}
	if res != "ok" {
		tb.Errorf("integrity_check = %q", res)
	}
	rows, err := db.sql.Query(`PRAGMA foreign_key_check`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	if rows.Next() {
		tb.Error("foreign_key_check reports violations")
	}
}

func TestStats(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	mustTransact(t, db, func(tx *Tx) error {
		writeEverything(t, ctx, tx, "acme-terms", []byte("<html><p>one page</p></html>"))
		return nil
	})
	st, err := db.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Snapshots != 1 || st.Blobs != 1 || st.Documents != 1 || st.Observations != 1 || st.Events != 1 {
		t.Errorf("Stats = %+v, want one of each", st)
	}
	if st.RawBytes != int64(len("<html><p>one page</p></html>")) || st.BlobBytes <= 0 || st.DocumentBytes <= 0 {
		t.Errorf("Stats bytes = %+v", st)
	}
}

func TestConcurrentTransactions(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "clausewatch.db")
	// Two handles on one file behave like two processes sharing it.
	handles := []*DB{mustOpenAt(t, path), mustOpenAt(t, path)}
	const writers, each = 6, 5
	errs := make(chan error, writers*2)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(2)
		go func() { // a writer
			defer wg.Done()
			db := handles[w%2]
			for i := range each {
				err := db.Transact(ctx, func(tx *Tx) error {
					h, err := tx.PutRaw(ctx, fmt.Sprintf("src-%d", w), fmt.Appendf(nil, "<p>writer %d fetch %d</p>", w, i))
					if err != nil {
						return err
					}
					_, err = tx.InsertSnapshot(ctx, terms.Snapshot{Source: fmt.Sprintf("src-%d", w), FetchedAt: t0.Add(time.Duration(i) * time.Minute), ContentHash: h})
					return err
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
		go func() { // a reader beside it
			defer wg.Done()
			for range each {
				if _, err := handles[(w+1)%2].Snapshots(ctx, fmt.Sprintf("src-%d", w)); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := countRows(t, handles[0], "snapshots"); n != writers*each {
		t.Errorf("snapshots = %d, want %d", n, writers*each)
	}
}
