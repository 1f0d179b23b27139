package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// PutDocument stores an extracted document under doc.Hash() (once however
// often it is seen) and returns that hash.
func (tx *Tx) PutDocument(ctx context.Context, doc terms.Document) (string, error) {
	hash := doc.Hash()
	js, err := json.Marshal(doc)
	if err != nil {
		return "", fmt.Errorf("put document %s: %w", hash, err)
	}
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO documents (hash, data) VALUES (?, ?) ON CONFLICT (hash) DO NOTHING`,
		hashArg(hash), tx.db.codec.compress(js)); err != nil {
		return "", fmt.Errorf("put document %s: %w", hash, err)
	}
	return hash, nil
}

// Document returns the extracted document stored under textHash; it fails
// with ErrNotFound when there is none.
func (db *DB) Document(ctx context.Context, textHash string) (terms.Document, error) {
	return readDocument(ctx, db.hot(), db.codec, textHash)
}

// Document is DB.Document inside the transaction.
func (tx *Tx) Document(ctx context.Context, textHash string) (terms.Document, error) {
	return readDocument(ctx, tx.hot(), tx.db.codec, textHash)
}

func readDocument(ctx context.Context, q querier, c *codec, hash string) (terms.Document, error) {
	var data []byte
	err := q.QueryRowContext(ctx, sqlDocument, hashArg(hash)).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return terms.Document{}, fmt.Errorf("document %s: %w", hash, ErrNotFound)
	}
	if err != nil {
		return terms.Document{}, fmt.Errorf("document %s: %w", hash, err)
	}
	js, err := c.decompress(data)
	if err != nil {
		return terms.Document{}, fmt.Errorf("document %s: %w", hash, err)
	}
	var doc terms.Document
	if err := json.Unmarshal(js, &doc); err != nil {
		return terms.Document{}, fmt.Errorf("document %s: %w", hash, err)
	}
	return doc, nil
}

// InsertSnapshot records one fetch attempt and returns its id (s.ID is
// ignored). s.FetchedAt must be set; ContentHash and TextHash, when set, must
// name a blob stored with PutRaw and a document stored with PutDocument.
func (tx *Tx) InsertSnapshot(ctx context.Context, s terms.Snapshot) (int64, error) {
	if s.Source == "" {
		return 0, errors.New("insert snapshot: empty source")
	}
	if s.FetchedAt.IsZero() {
		return 0, fmt.Errorf("insert snapshot of %s: fetched_at is zero", s.Source)
	}
	if err := tx.versionRecorded(ctx, s); err != nil {
		return 0, err
	}
	ins, done, err := tx.db.stmt(ctx, tx.tx, sqlInsertSnapshot)
	if err != nil {
		return 0, fmt.Errorf("insert snapshot of %s: %w", s.Source, err)
	}
	defer done()
	res, err := ins.ExecContext(ctx,
		s.Source, formatTime(s.FetchedAt), s.Status, s.ETag, s.LastModified, s.ContentType,
		nullHash(s.ContentHash), s.Size, nullHash(s.TextHash), s.ErrorCategory, s.Error,
		s.NotModified, s.Origin, formatTime(tx.db.now()), s.Variant, s.ExtractedBy, s.Suspect, hashArg(s.SelectionHash))
	if err != nil {
		return 0, fmt.Errorf("insert snapshot of %s at %s: %w", s.Source, formatTime(s.FetchedAt), err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("insert snapshot of %s: %w", s.Source, err)
	}
	return id, nil
}

// Statements of the reads of a source's history, one per check (hot).
const (
	sqlLastGood = `SELECT ` + snapshotColumns + ` FROM snapshots WHERE source = ? AND error_category = '' AND ` + notWithheld + `
		ORDER BY fetched_at DESC, id DESC LIMIT 1`
	sqlVersionBefore = `SELECT ` + snapshotColumns + ` FROM snapshots WHERE source = ? AND ` + goodVersion + ` AND fetched_at < ?
		ORDER BY fetched_at DESC, id DESC LIMIT 1`
	sqlVersionBeforeVariant = `SELECT ` + snapshotColumns + ` FROM snapshots WHERE source = ? AND ` + goodVersion + ` AND fetched_at < ? AND variant = ?
		ORDER BY fetched_at DESC, id DESC LIMIT 1`
	sqlVersionAfter = `SELECT ` + snapshotColumns + ` FROM snapshots WHERE source = ? AND ` + goodVersion + ` AND fetched_at > ?
		ORDER BY fetched_at, id LIMIT 1`
	sqlHeldSuspect = `SELECT ` + snapshotColumns + ` FROM snapshots WHERE source = ? AND suspect = 'held'
		ORDER BY fetched_at DESC, id DESC LIMIT 1`
	sqlConsecutiveFailures = `
		WITH good AS (
			SELECT fetched_at, id FROM snapshots WHERE source = ?1 AND error_category = ''
			ORDER BY fetched_at DESC, id DESC LIMIT 1
		)
		SELECT COUNT(*) FROM snapshots s
		WHERE s.source = ?1 AND s.error_category <> ''
		  AND NOT EXISTS (SELECT 1 FROM good g WHERE (s.fetched_at, s.id) < (g.fetched_at, g.id))`
	sqlDocument = `SELECT data FROM documents WHERE hash = ?`
)

// snapshotColumns are the columns scanSnapshot reads, in its order.
const snapshotColumns = `id, source, fetched_at, status, etag, last_modified, content_type,
	content_hash, size, text_hash, error_category, error, not_modified, origin, variant, extracted_by, suspect, selection_hash`

func scanSnapshot(sc interface{ Scan(...any) error }) (terms.Snapshot, error) {
	var s terms.Snapshot
	var fetched string
	if err := sc.Scan(&s.ID, &s.Source, &fetched, &s.Status, &s.ETag, &s.LastModified, &s.ContentType,
		hashDest(&s.ContentHash), &s.Size, hashDest(&s.TextHash), &s.ErrorCategory, &s.Error, &s.NotModified, &s.Origin, &s.Variant, &s.ExtractedBy, &s.Suspect, hashDest(&s.SelectionHash)); err != nil {
		return terms.Snapshot{}, err
	}
	t, err := parseTime(fetched)
	if err != nil {
		return terms.Snapshot{}, fmt.Errorf("snapshot %d: fetched_at: %w", s.ID, err)
	}
	s.FetchedAt = t
	return s, nil
}

// querySnapshots runs a query selecting snapshotColumns.
func querySnapshots(ctx context.Context, q querier, what, query string, args ...any) ([]terms.Snapshot, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []terms.Snapshot
	for rows.Next() {
		s, err := scanSnapshot(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// querySnapshot runs a query selecting at most one row of snapshotColumns.
func querySnapshot(ctx context.Context, q querier, what, query string, args ...any) (terms.Snapshot, bool, error) {
	s, err := scanSnapshot(q.QueryRowContext(ctx, query, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return terms.Snapshot{}, false, nil
	}
	if err != nil {
		return terms.Snapshot{}, false, fmt.Errorf("%s: %w", what, err)
	}
	return s, true, nil
}

// Snapshot returns the snapshot with the given id; it fails with ErrNotFound
// when there is none.
func (db *DB) Snapshot(ctx context.Context, id int64) (terms.Snapshot, error) {
	s, ok, err := querySnapshot(ctx, db.sql, fmt.Sprintf("snapshot %d", id),
		`SELECT `+snapshotColumns+` FROM snapshots WHERE id = ?`, id)
	if err != nil {
		return terms.Snapshot{}, err
	}
	if !ok {
		return terms.Snapshot{}, fmt.Errorf("snapshot %d: %w", id, ErrNotFound)
	}
	return s, nil
}

// Snapshots returns every fetch attempt of source, ordered by fetched_at
// then id.
func (db *DB) Snapshots(ctx context.Context, source string) ([]terms.Snapshot, error) {
	return querySnapshots(ctx, db.sql, "snapshots of "+source,
		`SELECT `+snapshotColumns+` FROM snapshots WHERE source = ? ORDER BY fetched_at, id`, source)
}

// LastSnapshot returns the latest (by fetched_at, then id) attempt of
// source, whatever its outcome, and false when there is none.
func (db *DB) LastSnapshot(ctx context.Context, source string) (terms.Snapshot, bool, error) {
	return querySnapshot(ctx, db.sql, "last snapshot of "+source,
		`SELECT `+snapshotColumns+` FROM snapshots WHERE source = ? ORDER BY fetched_at DESC, id DESC LIMIT 1`, source)
}

// LastGood returns the latest (by fetched_at, then id) attempt of source
// with no error category that is not a page held as suspect or dismissed
// (terms.Snapshot.Withheld), and false when there is none.
func (db *DB) LastGood(ctx context.Context, source string) (terms.Snapshot, bool, error) {
	return lastGood(ctx, db.hot(), source)
}

// LastGood is DB.LastGood inside the transaction.
func (tx *Tx) LastGood(ctx context.Context, source string) (terms.Snapshot, bool, error) {
	return lastGood(ctx, tx.hot(), source)
}

func lastGood(ctx context.Context, q querier, source string) (terms.Snapshot, bool, error) {
	return querySnapshot(ctx, q, "last good snapshot of "+source,
		sqlLastGood, source)
}

// notWithheld leaves out the pages held as suspect and those dismissed
// (terms.Snapshot.Withheld): stored, but no version.
const notWithheld = `suspect IN ('', 'accepted')`

// goodVersion selects the snapshots that carry a version: no error
// category, a text hash, and not withheld as suspect.
const goodVersion = `error_category = '' AND text_hash IS NOT NULL AND text_hash <> '' AND ` + notWithheld

// Versions returns the version history of source: its good snapshots with a
// text hash in fetched_at (then id) order, keeping only the first of each
// run of equal text hashes. A page that changed and changed back yields
// three versions.
func (db *DB) Versions(ctx context.Context, source string) ([]terms.Snapshot, error) {
	all, err := querySnapshots(ctx, db.sql, "versions of "+source,
		`SELECT `+snapshotColumns+` FROM snapshots WHERE source = ? AND `+goodVersion+` ORDER BY fetched_at, id`, source)
	if err != nil {
		return nil, err
	}
	var out []terms.Snapshot
	for _, s := range all {
		if len(out) > 0 && out[len(out)-1].TextHash == s.TextHash {
			continue
		}
		out = append(out, s)
	}
	return out, nil
}

// VersionBefore returns the good snapshot of source (no error category, a
// text hash) with the greatest fetched_at strictly before t: its TextHash is
// the version in force just before t. False when there is none.
func (db *DB) VersionBefore(ctx context.Context, source string, t time.Time) (terms.Snapshot, bool, error) {
	return versionBefore(ctx, db.hot(), source, t)
}

// VersionBefore is DB.VersionBefore inside the transaction.
func (tx *Tx) VersionBefore(ctx context.Context, source string, t time.Time) (terms.Snapshot, bool, error) {
	return versionBefore(ctx, tx.hot(), source, t)
}

func versionBefore(ctx context.Context, q querier, source string, t time.Time) (terms.Snapshot, bool, error) {
	return querySnapshot(ctx, q, "version of "+source+" before "+formatTime(t),
		sqlVersionBefore, source, formatTime(t))
}

// VersionBeforeVariant is VersionBefore among the snapshots of one regional
// variant: what that variant said last, before t.
func (tx *Tx) VersionBeforeVariant(ctx context.Context, source string, t time.Time, variant string) (terms.Snapshot, bool, error) {
	return versionBeforeVariant(ctx, tx.hot(), source, t, variant)
}

func versionBeforeVariant(ctx context.Context, q querier, source string, t time.Time, variant string) (terms.Snapshot, bool, error) {
	return querySnapshot(ctx, q, "version of "+source+" ("+variant+") before "+formatTime(t),
		sqlVersionBeforeVariant, source, formatTime(t), variant)
}

// VersionAfter returns the good snapshot of source (no error category, a
// text hash) with the smallest fetched_at strictly after t. False when there
// is none.
func (db *DB) VersionAfter(ctx context.Context, source string, t time.Time) (terms.Snapshot, bool, error) {
	return versionAfter(ctx, db.hot(), source, t)
}

// VersionAfter is DB.VersionAfter inside the transaction.
func (tx *Tx) VersionAfter(ctx context.Context, source string, t time.Time) (terms.Snapshot, bool, error) {
	return versionAfter(ctx, tx.hot(), source, t)
}

func versionAfter(ctx context.Context, q querier, source string, t time.Time) (terms.Snapshot, bool, error) {
	return querySnapshot(ctx, q, "version of "+source+" after "+formatTime(t),
		sqlVersionAfter, source, formatTime(t))
}

// HeldSuspect returns the page of source held as suspect (suspect 'held'),
// and false when none is held. At most one is held at a time: holding
// another dismisses it (SetSuspect).
func (db *DB) HeldSuspect(ctx context.Context, source string) (terms.Snapshot, bool, error) {
	return heldSuspect(ctx, db.hot(), source)
}

// HeldSuspect is DB.HeldSuspect inside the transaction.
func (tx *Tx) HeldSuspect(ctx context.Context, source string) (terms.Snapshot, bool, error) {
	return heldSuspect(ctx, tx.hot(), source)
}

func heldSuspect(ctx context.Context, q querier, source string) (terms.Snapshot, bool, error) {
	return querySnapshot(ctx, q, "page of "+source+" held as suspect",
		sqlHeldSuspect, source)
}

// HeldSuspects returns every page held as suspect, ordered by source.
func (db *DB) HeldSuspects(ctx context.Context) ([]terms.Snapshot, error) {
	return querySnapshots(ctx, db.sql, "pages held as suspect",
		`SELECT `+snapshotColumns+` FROM snapshots WHERE suspect = 'held' ORDER BY source, fetched_at, id`)
}

// SetSuspect settles a page held as suspect: state is
// terms.SuspectAccepted (it is a version from now on; record its
// observations in the same transaction) or terms.SuspectDismissed (it
// never was one). Only a held page can be settled: ErrNotFound otherwise.
func (tx *Tx) SetSuspect(ctx context.Context, snapshotID int64, state string) error {
	if state != terms.SuspectAccepted && state != terms.SuspectDismissed {
		return fmt.Errorf("settle snapshot %d: state %q is not accepted or dismissed", snapshotID, state)
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE snapshots SET suspect = ? WHERE id = ? AND suspect = 'held'`, state, snapshotID)
	if err != nil {
		return fmt.Errorf("settle snapshot %d: %w", snapshotID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("settle snapshot %d: no page held as suspect: %w", snapshotID, ErrNotFound)
	}
	return nil
}

// ConsecutiveFailures counts the failed attempts (non-empty error category)
// of source after its latest good one by fetched_at (all of them when it
// never succeeded).
func (db *DB) ConsecutiveFailures(ctx context.Context, source string) (int, error) {
	return consecutiveFailures(ctx, db.hot(), source)
}

// ConsecutiveFailures is DB.ConsecutiveFailures inside the transaction.
func (tx *Tx) ConsecutiveFailures(ctx context.Context, source string) (int, error) {
	return consecutiveFailures(ctx, tx.hot(), source)
}

func consecutiveFailures(ctx context.Context, q querier, source string) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, sqlConsecutiveFailures,
		source).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("consecutive failures of %s: %w", source, err)
	}
	return n, nil
}

// Streak is a source's current run of failed attempts.
type Streak struct {
	Failures int       // failed attempts since the last good one (all of them when there is none)
	Since    time.Time // fetched_at of the first of them
	LastGood time.Time // fetched_at of the last good attempt; zero when the source never read well
	Category string    // error category of the latest attempt
	Error    string    // its error
}

// FailingSources returns, for every source whose latest attempt (by
// fetched_at, then id) failed, its current run of failures. A source
// absent from the map read well last, or was never tried.
func (db *DB) FailingSources(ctx context.Context) (map[string]Streak, error) {
	rows, err := db.sql.QueryContext(ctx, `
		WITH ranked AS (
			SELECT source, fetched_at, id, error_category, error,
				ROW_NUMBER() OVER (PARTITION BY source ORDER BY fetched_at DESC, id DESC) AS n
			FROM snapshots
		),
		good AS (
			SELECT source, fetched_at, id FROM (
				SELECT source, fetched_at, id,
					ROW_NUMBER() OVER (PARTITION BY source ORDER BY fetched_at DESC, id DESC) AS n
				FROM snapshots WHERE error_category = ''
			) WHERE n = 1
		),
		failed AS (
			SELECT s.source, COUNT(*) AS failures, MIN(s.fetched_at) AS since
			FROM snapshots s LEFT JOIN good g ON g.source = s.source
			WHERE s.error_category <> '' AND (g.source IS NULL OR (s.fetched_at, s.id) > (g.fetched_at, g.id))
			GROUP BY s.source
		)
		SELECT f.source, f.failures, f.since, COALESCE(g.fetched_at, ''), r.error_category, r.error
		FROM failed f
		JOIN ranked r ON r.source = f.source AND r.n = 1
		LEFT JOIN good g ON g.source = f.source
		WHERE r.error_category <> ''`)
	if err != nil {
		return nil, fmt.Errorf("failing sources: %w", err)
	}
	defer rows.Close()
	out := map[string]Streak{}
	for rows.Next() {
		var src, since, good string
		var s Streak
		if err := rows.Scan(&src, &s.Failures, &since, &good, &s.Category, &s.Error); err != nil {
			return nil, fmt.Errorf("failing sources: %w", err)
		}
		if s.Since, err = parseTime(since); err != nil {
			return nil, fmt.Errorf("failing sources: %s: %w", src, err)
		}
		if s.LastGood, err = parseTime(good); err != nil {
			return nil, fmt.Errorf("failing sources: %s: %w", src, err)
		}
		out[src] = s
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("failing sources: %w", err)
	}
	return out, nil
}
