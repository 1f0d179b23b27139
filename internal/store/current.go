package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// obsCache keeps, per vendor, what Tx.LatestObservations returns, so that a
// run recording many versions of one vendor's pages does not re-read and
// re-decode every current observation for each page. An entry is valid only
// while the vendor's observation generation (a state row bumped by every
// transaction that writes the vendor's observations) is the one it was
// built at: the generation lives in the database, so the cache never serves
// what the database does not hold. A write that is rolled back leaves the
// generation as it was, and the entry built on the new one is not used.
type obsCache struct {
	mu sync.Mutex
	m  map[string]*vendorObs
}

type vendorObs struct {
	gen      string
	bySource map[string]sourceObs
	// flat is bySource flattened, each source's observations together, in
	// no set order of sources; nil: to be rebuilt. A source's first
	// observations are appended to it (past the length of every slice
	// handed out, which get caps): a run recording the first versions of
	// many sources of one vendor adds each without copying the others.
	flat []terms.Observation
}

// sourceObs is the observations of a source's latest snapshot that has any.
type sourceObs struct {
	at  time.Time
	id  int64
	obs []terms.Observation
}

func genKey(vendor string) string { return "observations-generation:" + vendor }

func (c *obsCache) get(vendor, gen string) ([]terms.Observation, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[vendor]
	if !ok || e.gen != gen {
		return nil, false
	}
	if e.flat == nil {
		ids := make([]string, 0, len(e.bySource))
		n := 0
		for id, s := range e.bySource {
			ids = append(ids, id)
			n += len(s.obs)
		}
		slices.Sort(ids)
		e.flat = make([]terms.Observation, 0, n)
		for _, id := range ids {
			e.flat = append(e.flat, e.bySource[id].obs...)
		}
	}
	// Callers read it and never change it; what changes the entry builds a
	// new slice or appends past its end.
	return e.flat[:len(e.flat):len(e.flat)], true
}

func (c *obsCache) put(vendor, gen string, obs []terms.Observation) {
	e := &vendorObs{gen: gen, bySource: map[string]sourceObs{}}
	for _, o := range obs {
		s := e.bySource[o.Evidence.Source]
		s.at, s.id = o.Evidence.SnapshotAt, o.Evidence.Snapshot
		s.obs = append(s.obs, o)
		e.bySource[o.Evidence.Source] = s
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]*vendorObs{}
	}
	c.m[vendor] = e
}

// recorded updates the entry of vendor, built at generation from, with the
// observations of snapshot id (of source, fetched at at) now at generation
// to; an entry at another generation is dropped.
func (c *obsCache) recorded(vendor, from, to, source string, id int64, at time.Time, obs []terms.Observation) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[vendor]
	if !ok {
		return
	}
	if e.gen != from {
		delete(c.m, vendor)
		return
	}
	cur, had := e.bySource[source]
	switch {
	case !had:
		e.bySource[source] = sourceObs{at: at, id: id, obs: obs}
		if e.flat != nil {
			e.flat = append(e.flat, obs...)
		}
	case cur.at.Before(at) || (cur.at.Equal(at) && cur.id < id):
		e.bySource[source] = sourceObs{at: at, id: id, obs: obs}
		e.flat = nil
	}
	e.gen = to
}

func (c *obsCache) drop(vendor string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, vendor)
}

// bumpGeneration advances vendor's observation generation inside tx and
// returns the old and new values.
func (tx *Tx) bumpGeneration(ctx context.Context, vendor string) (from, to string, err error) {
	return tx.bump(ctx, genKey(vendor))
}

// bump advances the generation counter stored under key inside tx and
// returns the old and new values (an absent counter is 0).
func (tx *Tx) bump(ctx context.Context, key string) (from, to string, err error) {
	from, _, err = getState(ctx, tx.tx, key)
	if err != nil {
		return "", "", err
	}
	n, _ := strconv.ParseInt(strings.TrimSpace(from), 10, 64)
	to = strconv.FormatInt(n+1, 10)
	return from, to, setState(ctx, tx.tx, key, to)
}

// readCache keeps the set of sources that have a recorded version, valid
// while the versions generation (bumped when a source's first version is
// recorded) is the one it was built at; see obsCache.
type readCache struct {
	mu      sync.Mutex
	gen     string
	sources map[string]bool // nil: not built
}

const versionsGenKey = "versions-generation"

// SourcesRead returns the set of sources with at least one recorded
// version (a good snapshot with a text hash). The caller must not change
// it, nor keep it past the transaction.
func (tx *Tx) SourcesRead(ctx context.Context) (map[string]bool, error) {
	gen, _, err := getState(ctx, tx.tx, versionsGenKey)
	if err != nil {
		return nil, err
	}
	c := &tx.db.read
	c.mu.Lock()
	if c.sources != nil && c.gen == gen {
		defer c.mu.Unlock()
		return c.sources, nil
	}
	c.mu.Unlock()
	rows, err := tx.tx.QueryContext(ctx, `SELECT DISTINCT source FROM snapshots WHERE `+goodVersion)
	if err != nil {
		return nil, fmt.Errorf("sources read: %w", err)
	}
	defer rows.Close()
	set := map[string]bool{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("sources read: %w", err)
		}
		set[s] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sources read: %w", err)
	}
	c.mu.Lock()
	c.gen, c.sources = gen, set
	c.mu.Unlock()
	return set, nil
}

// versionRecorded bumps the versions generation when s is the first version
// of its source, keeping the cache of SourcesRead in step.
func (tx *Tx) versionRecorded(ctx context.Context, s terms.Snapshot) error {
	if s.ErrorCategory != "" || s.TextHash == "" || s.Withheld() {
		return nil
	}
	// A source once known to have a version always has one (versions are
	// never deleted): the common case, a noise-only re-fetch, needs no query.
	c := &tx.db.read
	c.mu.Lock()
	known := c.sources[s.Source]
	c.mu.Unlock()
	if known {
		return nil
	}
	var one int
	err := tx.tx.QueryRowContext(ctx, `SELECT 1 FROM snapshots WHERE source = ? AND `+goodVersion+` LIMIT 1`, s.Source).Scan(&one)
	if err == nil {
		return nil // not its first version
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("first version of %s: %w", s.Source, err)
	}
	from, to, err := tx.bump(ctx, versionsGenKey)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sources != nil && c.gen == from {
		// Changed in place, not copied (a run of first versions would copy
		// the set once per source): it is read only inside a transaction,
		// and a transaction is the only one running (BEGIN IMMEDIATE). If
		// this one rolls back, the generation it set is never committed,
		// and the next SourcesRead builds the set again.
		c.sources[s.Source] = true
		c.gen = to
	} else {
		c.sources = nil
	}
	return nil
}
