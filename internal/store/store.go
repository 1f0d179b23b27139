// Package store keeps clausewatch's history in one SQLite file: every fetch
// attempt of every source (snapshots), the raw bytes of the pages
// (content-addressed, compressed once, noise-only re-fetches stored as small
// deltas), the extracted documents, the tier attribute observations read from
// them, the change events and a few named values of state.
//
// It uses database/sql with the pure-Go modernc.org/sqlite driver, SQL as
// text and numbered migrations embedded from migrations/*.sql. Everything one
// source's processing writes goes through Transact, in one transaction, so a
// failed or killed run leaves nothing half-written. A DB is safe for
// concurrent use; Lock serializes whole runs across processes.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite" // registers the "sqlite" database/sql driver
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrLocked is wrapped by Lock's error when another run holds the run lock.
var ErrLocked = errors.New("database is locked by another run")

// ErrNotFound is wrapped by reads of one row (Snapshot, Raw, Document) that
// find nothing.
var ErrNotFound = errors.New("not found")

// ErrCorrupt is wrapped by QuickCheck's error, and by Open's, when pages of
// the database file are damaged.
var ErrCorrupt = errors.New("database file is damaged")

// Options configures Open.
type Options struct {
	// Now is the clock used for created_at, detected_at defaults and
	// migration times. Nil means time.Now.
	Now func() time.Time
	// ReadOnly opens an existing database for reading only (SQLite's
	// mode=ro, and PRAGMA query_only): every write fails, and Open creates
	// no directory and no database file (a missing one is an error
	// wrapping os.ErrNotExist). A file and directory nobody may write are
	// read too. A database whose schema is older than this binary is
	// first upgraded through a writable open, which fails when the file
	// cannot be written.
	ReadOnly bool
}

// DB is an open clausewatch database.
type DB struct {
	sql      *sql.DB
	path     string
	lockPath string
	now      func() time.Time
	codec    *codec
	stmts    stmts     // the hot path's prepared statements, see stmt
	current  obsCache  // current observations per vendor, see obsCache
	read     readCache // the sources with a recorded version, see readCache
}

//go:embed migrations/*.sql
var migrationFS embed.FS

// timeLayout is UTC RFC 3339 with a fixed-width fraction: text order is time
// order, which the indexes and ORDER BY clauses rely on.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// maxOpenConns bounds the pool: WAL lets readers run beside the one writer,
// and a handful of connections is plenty for a CLI.
const maxOpenConns = 4

// Open opens (creating if needed) the database at path, creating its parent
// directory, and applies the embedded migrations it has not seen yet, each in
// its own transaction. It fails with an error naming path when path is a
// directory, cannot be created or written, contains '?', or holds a schema
// newer than this binary knows.
func Open(ctx context.Context, path string, opts Options) (*DB, error) {
	if path == "" {
		return nil, errors.New("open database: empty path")
	}
	if strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("open database %s: path must not contain '?'", path)
	}
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.IsDir():
		return nil, fmt.Errorf("open database %s: is a directory", path)
	case opts.ReadOnly && err != nil:
		return nil, fmt.Errorf("open database %s: %w", path, err)
	case opts.ReadOnly:
	default:
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("open database %s: %w", path, err)
		}
	}
	if opts.ReadOnly {
		return openReadOnly(ctx, path, opts)
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	q := url.Values{}
	for _, p := range []string{"foreign_keys(1)", "busy_timeout(10000)", "journal_mode(WAL)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	// BEGIN IMMEDIATE: a writer takes the write lock up front instead of
	// upgrading a read lock later, which can fail with SQLITE_BUSY at once.
	q.Set("_txlock", "immediate")
	db, err := newDB(path, path+"?"+q.Encode(), now)
	if err != nil {
		return nil, err
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, corrupt(err))
	}
	if err := db.prepareHot(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, corrupt(err))
	}
	return db, nil
}

// newDB opens the pool of dsn for the database at path.
func newDB(path, dsn string, now func() time.Time) (*DB, error) {
	sdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	sdb.SetMaxOpenConns(maxOpenConns)
	sdb.SetMaxIdleConns(maxOpenConns)
	c, err := newCodec()
	if err != nil {
		sdb.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return &DB{sql: sdb, path: path, lockPath: resolve(path) + ".lock", now: now, codec: c}, nil
}

// resolve returns the real absolute path of the database file: symlinks
// (of the file or of a directory above it) followed, so that every name
// of one file leads to one run lock.
func resolve(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real
	}
	// Not created yet: resolve the directory it will be created in.
	if dir, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		return filepath.Join(dir, filepath.Base(abs))
	}
	return abs
}

// openReadOnly is Open with opts.ReadOnly, for an existing file.
//
// SQLite's mode=ro reads a WAL database through its -shm file, which it
// must be able to create when no writer has it open; in a directory it
// may not write, the file is then read as immutable=1: no writer can be
// running there, since a writer keeps its -wal and -shm beside the file.
func openReadOnly(ctx context.Context, path string, opts Options) (*DB, error) {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	uri := (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "query_only(1)"} {
		q.Add("_pragma", p)
	}
	var db *DB
	var version int
	for _, mode := range []string{"mode=ro", "mode=ro&immutable=1"} {
		if db, err = newDB(path, uri+"?"+mode+"&"+q.Encode(), now); err != nil {
			return nil, err
		}
		if version, err = db.schemaVersion(ctx); err == nil || !readOnlyDir(err) {
			break
		}
		db.Close()
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, corrupt(err))
	}
	ms, err := migrations()
	if err != nil {
		db.Close()
		return nil, err
	}
	pending := 0
	if version <= latest(ms) {
		if pending, err = db.pending(ctx, ms); err != nil {
			db.Close()
			return nil, fmt.Errorf("open database %s: %w", path, err)
		}
	}
	switch {
	case version > latest(ms):
		db.Close()
		return nil, fmt.Errorf("open database %s: schema version %d is newer than this clausewatch knows (%d): use a newer clausewatch", path, version, latest(ms))
	case pending > 0:
		db.Close()
		w, err := Open(ctx, path, Options{Now: opts.Now})
		if err != nil {
			return nil, fmt.Errorf("%w (schema version %d is older than this clausewatch's %d; run 'clausewatch check' once with write access to upgrade it)", err, version, latest(ms))
		}
		w.Close()
		return openReadOnly(ctx, path, opts)
	}
	return db, nil
}

// schemaVersion reads the highest migration recorded, 0 when the database
// has none (a new or foreign file).
func (db *DB) schemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.sql.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	if err != nil && strings.Contains(err.Error(), "no such table") {
		return 0, nil
	}
	return v, err
}

// readOnlyDir reports whether err is SQLite failing to set up a read-only
// WAL connection: the -shm file is missing and cannot be created.
func readOnlyDir(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	code := se.Code()
	return code == sqlite3.SQLITE_READONLY_DIRECTORY || code == sqlite3.SQLITE_READONLY_CANTINIT || code&0xff == sqlite3.SQLITE_CANTOPEN
}

// corrupt wraps ErrCorrupt around an error of SQLite saying the file is
// damaged (SQLITE_CORRUPT, SQLITE_NOTADB), and returns any other as is.
func corrupt(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
			return fmt.Errorf("%w: %w", ErrCorrupt, err)
		}
	}
	return err
}

// QuickCheck runs SQLite's PRAGMA quick_check over the whole file: every
// page of every table and index is read and its structure checked (not
// the agreement of indexes with their tables, which a full
// integrity_check adds). Damage is an error wrapping ErrCorrupt that
// names the file and quotes the first problems found.
func (db *DB) QuickCheck(ctx context.Context) error {
	rows, err := db.sql.QueryContext(ctx, `PRAGMA quick_check(20)`)
	if err != nil {
		return fmt.Errorf("check database %s: %w", db.path, corrupt(err))
	}
	defer rows.Close()
	var problems []string
	rowsSeen := 0
	for rows.Next() {
		rowsSeen++
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("check database %s: %w", db.path, corrupt(err))
		}
		for _, l := range strings.Split(line, "\n") {
			// a damaged database's first answer opens with "*** in database main ***"
			if l = strings.TrimSpace(l); l != "ok" && l != "" && !strings.HasPrefix(l, "*** in database") {
				problems = append(problems, l)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("check database %s: %w", db.path, corrupt(err))
	}
	if len(problems) > 0 || rowsSeen == 0 {
		if len(problems) == 0 {
			problems = append(problems, "no answer")
		}
		if len(problems) > 3 {
			problems = append(problems[:3], "and more")
		}
		return fmt.Errorf("check database %s: %w: %s", db.path, ErrCorrupt, strings.Join(problems, "; "))
	}
	return nil
}

// Close closes the database.
func (db *DB) Close() error {
	db.stmts.close()
	db.codec.close()
	if err := db.sql.Close(); err != nil {
		return fmt.Errorf("close database %s: %w", db.path, err)
	}
	return nil
}

// Path returns the path the database was opened with.
func (db *DB) Path() string { return db.path }

// LockPath is the file Lock locks: the real path of the database file
// (absolute, symlinks followed) with ".lock" appended, so that two runs
// reaching one file by different names still exclude each other.
func (db *DB) LockPath() string { return db.lockPath }

// migration is one numbered file of migrations/.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations in version order. Versions
// are positive and distinct; they may have gaps (migrations written in
// parallel take numbers apart and each adds what it adds on its own, so
// that they apply in any order: migrate applies every one not recorded).
func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive version number and '_'", name)
		}
		b, err := migrationFS.ReadFile("migrations/" + name)
		if err != nil {
			return nil, fmt.Errorf("migration %s: %w", name, err)
		}
		ms = append(ms, migration{version: v, name: name, sql: string(b)})
	}
	slices.SortFunc(ms, func(a, b migration) int { return a.version - b.version })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s: same version %d", ms[i-1].name, ms[i].name, ms[i].version)
		}
	}
	return ms, nil
}

// latest is the highest version of ms (sorted), 0 when there is none.
func latest(ms []migration) int {
	if len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// pending counts the migrations of ms the database has not recorded; 0 for
// a database that has every one.
func (db *DB) pending(ctx context.Context, ms []migration) (int, error) {
	done, err := db.recorded(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, m := range ms {
		if !done[m.version] {
			n++
		}
	}
	return n, nil
}

// recorded is the set of migration versions the database has recorded
// (none for a new or foreign file).
func (db *DB) recorded(ctx context.Context) (map[int]bool, error) {
	done := map[int]bool{}
	rows, err := db.sql.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return done, nil
		}
		return nil, fmt.Errorf("read schema migrations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("read schema migrations: %w", err)
		}
		done[v] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read schema migrations: %w", err)
	}
	return done, nil
}

// migrate applies the migrations the database has not recorded yet, each in
// its own transaction, and refuses a database whose schema is newer.
func (db *DB) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	if _, err := db.sql.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		applied_at TEXT NOT NULL
	)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	cur, err := db.schemaVersion(ctx)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if cur > latest(ms) {
		return fmt.Errorf("schema version %d is newer than this clausewatch knows (%d): use a newer clausewatch", cur, latest(ms))
	}
	done, err := db.recorded(ctx)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if done[m.version] {
			continue
		}
		if err := db.apply(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// apply runs one migration in its own transaction, unless another process
// applied it while this one waited for the write lock.
func (db *DB) apply(ctx context.Context, m migration) error {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
		m.version, formatTime(db.now())); err != nil {
		return fmt.Errorf("migration %s: record: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migration %s: commit: %w", m.name, err)
	}
	return nil
}

// SchemaVersion returns the highest migration version recorded in the
// database.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	if err := db.sql.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version of %s: %w", db.path, err)
	}
	return v, nil
}

// Tx is the transaction of one Transact call. Its methods must only be used
// inside the function given to Transact.
type Tx struct {
	tx *sql.Tx
	db *DB
}

// Transact runs fn in one write transaction (taken with BEGIN IMMEDIATE) and
// commits it when fn returns nil. When fn returns an error or panics, the
// transaction is rolled back and nothing fn wrote remains; fn's error is
// returned as is.
func (db *DB) Transact(ctx context.Context, fn func(tx *Tx) error) (err error) {
	stx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction on %s: %w", db.path, err)
	}
	done := false
	defer func() {
		if !done {
			stx.Rollback() // fn panicked; the panic continues
		}
	}()
	if err := fn(&Tx{tx: stx, db: db}); err != nil {
		done = true
		stx.Rollback()
		return err
	}
	done = true
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("commit transaction on %s: %w", db.path, err)
	}
	return nil
}

// Stats counts what the database holds.
type Stats struct {
	Snapshots     int64 // fetch attempts
	Blobs         int64 // distinct raw pages
	DeltaBlobs    int64 // of which stored as a delta or patch against another page
	RawBytes      int64 // sum of the raw sizes of the distinct pages
	BlobBytes     int64 // bytes actually stored for them
	Documents     int64 // distinct extracted documents
	DocumentBytes int64 // bytes stored for them
	Observations  int64
	Events        int64
}

// Stats returns counts of snapshots, blobs (and their stored bytes),
// documents, observations and events.
func (db *DB) Stats(ctx context.Context) (Stats, error) {
	var s Stats
	err := db.sql.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM snapshots),
		(SELECT COUNT(*) FROM blobs),
		(SELECT COUNT(*) FROM blobs WHERE codec <> 'zstd'),
		(SELECT COALESCE(SUM(size), 0) FROM blobs),
		(SELECT COALESCE(SUM(LENGTH(data)), 0) FROM blobs),
		(SELECT COUNT(*) FROM documents),
		(SELECT COALESCE(SUM(LENGTH(data)), 0) FROM documents),
		(SELECT COUNT(*) FROM observations),
		(SELECT COUNT(*) FROM events)`).Scan(
		&s.Snapshots, &s.Blobs, &s.DeltaBlobs, &s.RawBytes, &s.BlobBytes,
		&s.Documents, &s.DocumentBytes, &s.Observations, &s.Events)
	if err != nil {
		return Stats{}, fmt.Errorf("stats of %s: %w", db.path, err)
	}
	return s, nil
}

// UsedBytes returns the bytes of the database's pages in use (SQLite's
// dbstat): what the rows, indexes and their page overhead take on disk,
// free pages left out.
func (db *DB) UsedBytes(ctx context.Context) (int64, error) {
	var n int64
	if err := db.sql.QueryRowContext(ctx, `SELECT COALESCE(SUM(pgsize - unused), 0) FROM dbstat`).Scan(&n); err != nil {
		return 0, fmt.Errorf("used bytes of %s: %w", db.path, err)
	}
	return n, nil
}

// GetState returns the value stored under key and whether there is one.
func (db *DB) GetState(ctx context.Context, key string) (string, bool, error) {
	return getState(ctx, db.sql, key)
}

// SetState stores value under key, replacing any previous value.
func (db *DB) SetState(ctx context.Context, key, value string) error {
	return setState(ctx, db.sql, key, value)
}

// GetState is DB.GetState inside the transaction.
func (tx *Tx) GetState(ctx context.Context, key string) (string, bool, error) {
	return getState(ctx, tx.tx, key)
}

// SetState is DB.SetState inside the transaction.
func (tx *Tx) SetState(ctx context.Context, key, value string) error {
	return setState(ctx, tx.tx, key, value)
}

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func getState(ctx context.Context, q querier, key string) (string, bool, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM state WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("get state %q: %w", key, err)
	}
	return v, true, nil
}

func setState(ctx context.Context, q querier, key, value string) error {
	_, err := q.ExecContext(ctx, `INSERT INTO state (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("set state %q: %w", key, err)
	}
	return nil
}

// formatTime renders t in timeLayout (UTC, fixed width). The zero time is
// stored as the empty string.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

// parseTime reads what formatTime writes.
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q: %w", s, err)
	}
	return t, nil
}
