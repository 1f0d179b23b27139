package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// stmts holds the statements of the hot path (storing a page and its
// snapshot), prepared once per DB on first use instead of on every call.
type stmts struct {
	mu     sync.Mutex
	byText map[string]*sql.Stmt
}

// stmt returns query prepared on db, for q: the statement itself when q
// is the DB's pool, the transaction's use of it when q is a transaction.
func (db *DB) stmt(ctx context.Context, q querier, query string) (*sql.Stmt, error) {
	db.stmts.mu.Lock()
	s, ok := db.stmts.byText[query]
	if !ok {
		var err error
		if s, err = db.sql.PrepareContext(ctx, query); err != nil {
			db.stmts.mu.Unlock()
			return nil, fmt.Errorf("prepare: %w", err)
		}
		if db.stmts.byText == nil {
			db.stmts.byText = map[string]*sql.Stmt{}
		}
		db.stmts.byText[query] = s
	}
	db.stmts.mu.Unlock()
	if tx, ok := q.(*sql.Tx); ok {
		return tx.StmtContext(ctx, s), nil
	}
	return s, nil
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
