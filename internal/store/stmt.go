package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// Hot statements: storing a page and its snapshot. A writable DB prepares
// them once when it opens (stmts) instead of on every call.
const (
	sqlBlobExists = `SELECT 1 FROM blobs WHERE hash = ?`
	// a base is a 'zstd' blob, or a first page compressed with a vendor
	// dictionary: a 'zstd-delta' on a 'zstd' blob
	sqlBaseIndex = `SELECT sb.base, sb.size, sb.idx FROM source_bases sb
		JOIN blobs b ON b.hash = sb.base AND b.size = sb.size
		WHERE sb.source = ? AND (b.codec = 'zstd' OR (b.codec = 'zstd-delta' AND
			EXISTS (SELECT 1 FROM blobs d WHERE d.hash = b.base AND d.codec = 'zstd')))`
	// the 'zstd' blob under the oldest base among the vendor's other
	// sources (the base itself, or the blob a base stored as a delta is
	// on): the first page of a vendor is stored on its own and the
	// vendor's later first pages on it, so the oldest is found at once and
	// stays the same, also once that source has a new base on it (a pooled
	// encoder armed with it is used as it is), where the newest would be
	// looked for past every page stored on it
	sqlVendorDict = `SELECT CASE WHEN b.codec = 'zstd' THEN b.hash ELSE b.base END FROM source_bases sb
		JOIN blobs b ON b.hash = sb.base
		LEFT JOIN blobs d ON d.hash = b.base
		WHERE sb.vendor = ? AND sb.vendor <> '' AND sb.source <> ?
			AND (b.codec = 'zstd' OR (b.codec = 'zstd-delta' AND d.codec = 'zstd'))
		ORDER BY sb.rowid LIMIT 1`
	sqlLatestBlob = `SELECT b.hash, b.codec, b.base,
			EXISTS (SELECT 1 FROM source_bases sb WHERE sb.source = s.source AND sb.base = b.hash)
		FROM snapshots s JOIN blobs b ON b.hash = s.content_hash
		WHERE s.source = ?
		ORDER BY s.fetched_at DESC, s.id DESC LIMIT 1`
	sqlInsertBlob = `INSERT INTO blobs (hash, size, codec, base, data) VALUES (?, ?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING`
	sqlPutIndex   = `INSERT INTO source_bases (source, vendor, base, size, idx) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (source) DO UPDATE SET vendor = excluded.vendor, base = excluded.base, size = excluded.size, idx = excluded.idx`
	sqlInsertSnapshot = `INSERT INTO snapshots (source, fetched_at, status, etag, last_modified,
		content_type, content_hash, size, text_hash, error_category, error, not_modified, origin, created_at, variant, extracted_by, suspect, selection_hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

var hotStatements = []string{sqlBlobExists, sqlBaseIndex, sqlVendorDict, sqlLatestBlob, sqlInsertBlob, sqlPutIndex, sqlInsertSnapshot,
	sqlLastGood, sqlVersionBefore, sqlVersionBeforeVariant, sqlVersionAfter, sqlHeldSuspect, sqlConsecutiveFailures, sqlDocument}

// stmts holds the hot statements prepared on the DB's pool.
type stmts struct {
	mu     sync.Mutex
	byText map[string]*sql.Stmt
}

// prepareHot prepares the hot statements on the pool.
func (db *DB) prepareHot(ctx context.Context) error {
	m := make(map[string]*sql.Stmt, len(hotStatements))
	for _, q := range hotStatements {
		s, err := db.sql.PrepareContext(ctx, q)
		if err != nil {
			for _, s := range m {
				s.Close()
			}
			return fmt.Errorf("prepare: %w", err)
		}
		m[q] = s
	}
	db.stmts.mu.Lock()
	db.stmts.byText = m
	db.stmts.mu.Unlock()
	return nil
}

// stmt returns query ready to run on q: for a transaction, the pool's
// prepared statement bound to it (prepared again only on a connection
// that has not seen it yet); for the pool, the statement itself. A query
// the DB has not prepared (a read-only DB prepares none) is prepared on q
// for this use.
func (db *DB) stmt(ctx context.Context, q querier, query string) (*sql.Stmt, func(), error) {
	db.stmts.mu.Lock()
	s, ok := db.stmts.byText[query]
	db.stmts.mu.Unlock()
	tx, isTx := q.(*sql.Tx)
	switch {
	case ok && isTx:
		return tx.StmtContext(ctx, s), func() {}, nil
	case ok:
		return s, func() {}, nil
	}
	var err error
	if isTx {
		s, err = tx.PrepareContext(ctx, query)
	} else {
		s, err = db.sql.PrepareContext(ctx, query)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("prepare: %w", err)
	}
	return s, func() { s.Close() }, nil
}

// close closes the prepared statements.
func (s *stmts) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.byText {
		st.Close()
	}
	s.byText = nil
}

// hotQuerier runs the statements the DB prepared as such, bound to the
// transaction when q is one, and any other query as q runs it.
type hotQuerier struct {
	db *DB
	q  querier
}

func (db *DB) hot() hotQuerier { return hotQuerier{db, db.sql} }
func (tx *Tx) hot() hotQuerier { return hotQuerier{tx.db, tx.tx} }

// prepared returns the DB's statement of query bound to q, nil when the
// DB has not prepared it. A statement bound to a transaction is closed
// with it.
func (h hotQuerier) prepared(ctx context.Context, query string) *sql.Stmt {
	h.db.stmts.mu.Lock()
	s, ok := h.db.stmts.byText[query]
	h.db.stmts.mu.Unlock()
	if !ok {
		return nil
	}
	if tx, ok := h.q.(*sql.Tx); ok {
		return tx.StmtContext(ctx, s)
	}
	return s
}

func (h hotQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := h.prepared(ctx, query); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return h.q.ExecContext(ctx, query, args...)
}

func (h hotQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := h.prepared(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return h.q.QueryContext(ctx, query, args...)
}

func (h hotQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := h.prepared(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return h.q.QueryRowContext(ctx, query, args...)
}
