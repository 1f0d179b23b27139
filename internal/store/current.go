package store

import (
	"context"
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
	ids := make([]string, 0, len(e.bySource))
	for id := range e.bySource {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var out []terms.Observation
	for _, id := range ids {
		out = append(out, e.bySource[id].obs...)
	}
	return out, true
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
	if !had || cur.at.Before(at) || (cur.at.Equal(at) && cur.id < id) {
		e.bySource[source] = sourceObs{at: at, id: id, obs: obs}
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
	from, _, err = getState(ctx, tx.tx, genKey(vendor))
	if err != nil {
		return "", "", err
	}
	n, _ := strconv.ParseInt(strings.TrimSpace(from), 10, 64)
	to = strconv.FormatInt(n+1, 10)
	return from, to, setState(ctx, tx.tx, genKey(vendor), to)
}
