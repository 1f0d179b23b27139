// Package pipeline runs one pass over one source, in the order DESIGN.md
// draws it: fetch → snapshot → extract → (same text as before? stop) →
// observe → compare → store events. It owns no parsing, SQL or formatting:
// each step is another package's job.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/clausewatch/clausewatch/internal/attr"
	"github.com/clausewatch/clausewatch/internal/compare"
	"github.com/clausewatch/clausewatch/internal/diff"
	"github.com/clausewatch/clausewatch/internal/extract"
	"github.com/clausewatch/clausewatch/internal/fetch"
	"github.com/clausewatch/clausewatch/internal/source"
	"github.com/clausewatch/clausewatch/internal/store"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// Fetcher fetches one page; *fetch.Fetcher is the real one.
type Fetcher interface {
	Fetch(ctx context.Context, req fetch.Request) (*fetch.Result, error)
}

// Pipeline holds the dependencies of a check run.
type Pipeline struct {
	// mu serializes the reads that decide what a page means and the writes
	// that record it, across the sources of a run checked at once.
	mu sync.Mutex
	// latest caches, per vendor and source, the observations of the
	// source's latest version (guarded by mu): read from the store once per
	// vendor and run, then kept current as versions are recorded, so that a
	// run over many sources does not re-read them all for each page. The
	// run lock keeps other processes from writing meanwhile.
	latest map[string]map[string][]terms.Observation

	Store     *store.DB
	Fetcher   Fetcher
	Vendors   []terms.Vendor
	Baselines map[string]map[string]map[string]terms.Value // vendor → tier → attribute → documented value
	Now       func() time.Time
}

// Outcome is what one pass over one source did.
type Outcome struct {
	Source     terms.Source
	Snapshot   terms.Snapshot // the row written for this attempt
	NewVersion bool           // the extracted text differs from the version in force before it
	First      bool           // first version ever recorded for the source
	Changes    []diff.Change  // clause changes against the previous version (NewVersion only)
	Events     []terms.Event  // events written
	Err        error          // the fetch or extraction failure that was recorded, if any
}

// Notable reports whether the outcome wrote an event of severity low or above.
func (o Outcome) Notable() bool {
	for _, e := range o.Events {
		if e.Notable() {
			return true
		}
	}
	return false
}

// Origins of a snapshot.
const (
	OriginCheck   = "check"
	OriginRecheck = "recheck"
	OriginImport  = "import"
)

// Check fetches src (conditionally, with the validators of its last good
// snapshot, unless origin is OriginRecheck) and processes what came back.
// A fetch or extraction failure is recorded and returned in Outcome.Err;
// the error result is only for failures to record anything at all.
func (p *Pipeline) Check(ctx context.Context, src terms.Source, origin string) (Outcome, error) {
	req := fetch.Request{URL: src.URL, Headers: src.Headers, Render: src.Render}
	if origin != OriginRecheck {
		last, ok, err := p.Store.LastGood(ctx, src.ID)
		if err != nil {
			return Outcome{Source: src}, err
		}
		if ok {
			req.ETag, req.LastModified = last.ETag, last.LastModified
		}
	}
	res, ferr := p.Fetcher.Fetch(ctx, req)
	at := p.Now().UTC()
	if ferr != nil {
		if ctx.Err() != nil {
			return Outcome{Source: src}, ctx.Err()
		}
		snap := terms.Snapshot{Source: src.ID, FetchedAt: at, Origin: origin,
			ErrorCategory: fetch.Category(ferr), Error: ferr.Error()}
		var fe *fetch.Error
		if errors.As(ferr, &fe) {
			snap.Status = fe.Status
		}
		return p.recordFailure(ctx, src, snap, nil, ferr)
	}
	snap := terms.Snapshot{Source: src.ID, FetchedAt: at, Origin: origin, Status: res.Status,
		ETag: res.ETag, LastModified: res.LastModified, ContentType: res.ContentType}
	if res.NotModified {
		return p.recordNotModified(ctx, src, snap)
	}
	return p.process(ctx, src, snap, res.Body)
}

// Import records raw as a snapshot of src fetched at fetchedAt and processes
// it exactly as Check would. Imports may come in any order of time.
//
// Unlike a fetch, an import that cannot be read records nothing: the file is
// the user's input, not the vendor's page, so the error is returned and the
// database is left as it was. Importing the same bytes for the same source
// and time again is a no-op.
func (p *Pipeline) Import(ctx context.Context, src terms.Source, raw []byte, fetchedAt time.Time, contentType string) (Outcome, error) {
	snap := terms.Snapshot{Source: src.ID, FetchedAt: fetchedAt.UTC(), Origin: OriginImport, Status: 200, ContentType: contentType, Size: int64(len(raw))}
	doc, err := Extract(src, contentType, raw)
	if err != nil {
		return Outcome{Source: src}, fmt.Errorf("the page does not hold the declared content of %s: %w", src.ID, err)
	}
	snaps, err := p.Store.Snapshots(ctx, src.ID)
	if err != nil {
		return Outcome{Source: src}, err
	}
	hash := terms.HashBytes(raw)
	for _, s := range snaps {
		if s.FetchedAt.Equal(snap.FetchedAt) && s.ContentHash == hash {
			return Outcome{Source: src, Snapshot: s}, nil // already imported
		}
	}
	return p.record(ctx, src, snap, raw, doc)
}

// process extracts raw and stores the snapshot, the document when it is a new
// version, its observations and the events, in one transaction.
func (p *Pipeline) process(ctx context.Context, src terms.Source, snap terms.Snapshot, raw []byte) (Outcome, error) {
	snap.Size = int64(len(raw))
	doc, xerr := Extract(src, snap.ContentType, raw)
	if xerr != nil {
		snap.ErrorCategory = terms.ErrExtraction
		snap.Error = fmt.Sprintf("extract %s: %v", src.ID, xerr)
		return p.recordFailure(ctx, src, snap, raw, xerr)
	}
	return p.record(ctx, src, snap, raw, doc)
}

// record stores a page whose document was extracted. Compression happens
// first, outside any lock; then the reads that decide what the page means
// and the writes that record it run under the pipeline's lock, so that two
// sources checked at once see each other's observations (a cell fed by two
// pages is compared with the baseline once both are in, whichever lands
// second).
func (p *Pipeline) record(ctx context.Context, src terms.Source, snap terms.Snapshot, raw []byte, doc terms.Document) (Outcome, error) {
	snap.TextHash = doc.Hash()
	snap.Variant, _ = source.MatchVariant(src, doc.Text())
	blob, err := p.Store.PrepareRaw(ctx, src.ID, raw)
	if err != nil {
		return Outcome{Source: src}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()

	prev, hasPrev, err := p.Store.VersionBefore(ctx, src.ID, snap.FetchedAt)
	if err != nil {
		return Outcome{Source: src}, err
	}
	// The same URL served another regional variant: say so, and compare with
	// what this variant said last, never with the other variant's terms.
	var extra []terms.Event
	if hasPrev && prev.Variant != snap.Variant {
		extra = append(extra, p.variantEvent(src, prev, snap))
		if prev, hasPrev, err = p.Store.VersionBeforeVariant(ctx, src.ID, snap.FetchedAt, snap.Variant); err != nil {
			return Outcome{Source: src}, err
		}
	}
	// A page imported behind a version already recorded (a backfill) is
	// compared with the version before it and with the one after it; the
	// baseline and the source's health are today's business, not its.
	next, hasNext, err := p.Store.VersionAfter(ctx, src.ID, snap.FetchedAt)
	if err != nil {
		return Outcome{Source: src}, err
	}
	recovering := false
	if !hasNext {
		if recovering, err = p.failing(ctx, src.ID); err != nil {
			return Outcome{Source: src}, err
		}
	}
	out := Outcome{Source: src, First: !hasPrev}
	var prevDoc terms.Document
	if hasPrev {
		if prev.TextHash == snap.TextHash {
			return p.recordSame(ctx, src, snap, blob, extra, recovering)
		}
		if prevDoc, err = p.Store.Document(ctx, prev.TextHash); err != nil {
			return out, fmt.Errorf("read previous version of %s: %w", src.ID, err)
		}
		out.Changes = diff.Clauses(prevDoc.Clauses, doc.Clauses)
	}
	out.NewVersion = true
	vendor, _ := p.vendor(src.Vendor)
	others, err := p.latestObservations(ctx, src.Vendor)
	if err != nil {
		return out, err
	}
	var nextDoc terms.Document
	if hasNext && next.TextHash != snap.TextHash && next.Variant == snap.Variant {
		if nextDoc, err = p.Store.Document(ctx, next.TextHash); err != nil {
			return out, fmt.Errorf("read next version of %s: %w", src.ID, err)
		}
	}

	var newest []terms.Observation // this source's observations now, when snap is its latest version
	err = p.Store.Transact(ctx, func(tx *store.Tx) error {
		if snap.ContentHash, err = tx.PutPrepared(ctx, blob); err != nil {
			return err
		}
		if _, err = tx.PutDocument(ctx, doc); err != nil {
			return err
		}
		if snap.ID, err = tx.InsertSnapshot(ctx, snap); err != nil {
			return err
		}
		obs := attr.Observe(vendor, src, doc, snap)
		if err := tx.InsertObservations(ctx, snap.ID, obs); err != nil {
			return err
		}
		evs := extra
		for i := range evs {
			evs[i].After.Snapshot = snap.ID
		}
		if recovering {
			evs = append(evs, p.event(terms.Recovered, src, snap, "the source is readable again"))
		}
		evs = append(evs, p.compare(vendor, src, hasPrev, prev, prevDoc, snap, doc, obs, others, !hasNext)...)
		if nextDoc.Clauses != nil {
			nextObs := attr.Observe(vendor, src, nextDoc, next)
			evs = append(evs, p.compare(vendor, src, true, snap, doc, next, nextDoc, nextObs, others, false)...)
		}
		out.Events, err = tx.InsertEvents(ctx, evs)
		if err == nil && !hasNext {
			newest = obs
		}
		return err
	})
	if err != nil {
		return out, fmt.Errorf("record %s: %w", src.ID, err)
	}
	if newest != nil {
		p.latest[src.Vendor][src.ID] = newest
	}
	out.Snapshot = snap
	return out, nil
}

// latestObservations returns the observations of the latest version of
// every source of vendor. The caller holds p.mu.
func (p *Pipeline) latestObservations(ctx context.Context, vendor string) ([]terms.Observation, error) {
	if p.latest == nil {
		p.latest = map[string]map[string][]terms.Observation{}
	}
	bySource, ok := p.latest[vendor]
	if !ok {
		obs, err := p.Store.LatestObservations(ctx, vendor)
		if err != nil {
			return nil, err
		}
		bySource = map[string][]terms.Observation{}
		for _, o := range obs {
			bySource[o.Evidence.Source] = append(bySource[o.Evidence.Source], o)
		}
		p.latest[vendor] = bySource
	}
	var out []terms.Observation
	for _, id := range slices.Sorted(maps.Keys(bySource)) {
		out = append(out, bySource[id]...)
	}
	return out, nil
}

// compare builds the events of a new version: semantic events from the
// compare step, then one document-changed digest for the other wording.
func (p *Pipeline) compare(vendor terms.Vendor, src terms.Source, hasPrev bool, prev terms.Snapshot, prevDoc terms.Document,
	snap terms.Snapshot, doc terms.Document, next, others []terms.Observation, current bool) []terms.Event {
	in := compare.Input{
		Vendor:      vendor,
		Source:      src,
		After:       snap,
		Next:        next,
		NextClauses: byHeading(doc.Clauses),
		Baseline:    p.Baselines[src.Vendor],
		ReadBefore:  sourcesOf(others),
		Now:         p.Now().UTC(),
	}
	// Previous observations are re-read from the previous version with
	// today's rules, so that a value-changed event is always a change of the
	// page and never a change of our readers (that is reprocess's business).
	var prevObs []terms.Observation
	if hasPrev {
		prev := prev
		in.Before = &prev
		prevObs = attr.Observe(vendor, src, prevDoc, prev)
		in.Prev = prevObs
		in.PrevClauses = byHeading(prevDoc.Clauses)
	}
	if !current {
		in.Baseline = nil // a backfilled page: drift is about the pages of today
	}
	in.ObservedBefore = Observed(replaceSource(others, src.ID, prevObs))
	in.ObservedAfter = Observed(replaceSource(others, src.ID, next))
	// compare also digests the wording changes no semantic event covers
	// into one document-changed event (info).
	return compare.Events(in)
}

// recordSame stores a snapshot whose text equals the version in force: the
// raw bytes (deduplicated or delta-compressed by the store) and the row.
// The caller holds p.mu.
func (p *Pipeline) recordSame(ctx context.Context, src terms.Source, snap terms.Snapshot, blob store.Prepared, extra []terms.Event, recovering bool) (Outcome, error) {
	out := Outcome{Source: src}
	err := p.Store.Transact(ctx, func(tx *store.Tx) error {
		var err error
		if snap.ContentHash, err = tx.PutPrepared(ctx, blob); err != nil {
			return err
		}
		if snap.ID, err = tx.InsertSnapshot(ctx, snap); err != nil {
			return err
		}
		evs := extra
		for i := range evs {
			evs[i].After.Snapshot = snap.ID
		}
		if recovering {
			evs = append(evs, p.event(terms.Recovered, src, snap, "the source is readable again"))
		}
		if len(evs) > 0 {
			out.Events, err = tx.InsertEvents(ctx, evs)
		}
		return err
	})
	if err != nil {
		return out, fmt.Errorf("record %s: %w", src.ID, err)
	}
	out.Snapshot = snap
	return out, nil
}

// recordNotModified stores a 304 as a snapshot of the last good version.
func (p *Pipeline) recordNotModified(ctx context.Context, src terms.Source, snap terms.Snapshot) (Outcome, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	last, ok, err := p.Store.LastGood(ctx, src.ID)
	if err != nil {
		return Outcome{Source: src}, err
	}
	if !ok {
		return Outcome{Source: src}, fmt.Errorf("record %s: 304 Not Modified without a previous snapshot", src.ID)
	}
	snap.NotModified = true
	snap.ContentHash, snap.TextHash, snap.Size, snap.Variant = last.ContentHash, last.TextHash, last.Size, last.Variant
	if snap.ETag == "" {
		snap.ETag = last.ETag
	}
	if snap.LastModified == "" {
		snap.LastModified = last.LastModified
	}
	recovering, err := p.failing(ctx, src.ID)
	if err != nil {
		return Outcome{Source: src}, err
	}
	out := Outcome{Source: src}
	err = p.Store.Transact(ctx, func(tx *store.Tx) error {
		var err error
		if snap.ID, err = tx.InsertSnapshot(ctx, snap); err != nil {
			return err
		}
		if recovering {
			out.Events, err = tx.InsertEvents(ctx, []terms.Event{p.event(terms.Recovered, src, snap, "the source is readable again")})
		}
		return err
	})
	out.Snapshot = snap
	return out, err
}

// recordFailure stores a failed attempt (with the raw page when one came
// back) and raises fetch-failed or extraction-failed once, when the source
// starts failing: a source that fails N runs in a row raises one event.
func (p *Pipeline) recordFailure(ctx context.Context, src terms.Source, snap terms.Snapshot, raw []byte, cause error) (Outcome, error) {
	var blob store.Prepared
	if raw != nil {
		var err error
		if blob, err = p.Store.PrepareRaw(ctx, src.ID, raw); err != nil {
			return Outcome{Source: src}, err
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	already, err := p.failing(ctx, src.ID)
	if err != nil {
		return Outcome{Source: src}, err
	}
	out := Outcome{Source: src, Err: cause}
	err = p.Store.Transact(ctx, func(tx *store.Tx) error {
		var err error
		if raw != nil {
			if snap.ContentHash, err = tx.PutPrepared(ctx, blob); err != nil {
				return err
			}
		}
		if snap.ID, err = tx.InsertSnapshot(ctx, snap); err != nil {
			return err
		}
		if already {
			return nil
		}
		kind := terms.FetchFailed
		if snap.ErrorCategory == terms.ErrExtraction {
			kind = terms.ExtractionFailed
		}
		out.Events, err = tx.InsertEvents(ctx, []terms.Event{p.event(kind, src, snap, snap.Error)})
		return err
	})
	if err != nil {
		return out, fmt.Errorf("record %s: %w", src.ID, err)
	}
	out.Snapshot = snap
	return out, nil
}

// failing reports whether the latest attempt of the source failed (so a new
// failure is not news and a success is a recovery).
func (p *Pipeline) failing(ctx context.Context, id string) (bool, error) {
	n, err := p.Store.ConsecutiveFailures(ctx, id)
	return n > 0, err
}

func (p *Pipeline) event(kind string, src terms.Source, snap terms.Snapshot, detail string) terms.Event {
	sev := terms.High
	if kind == terms.Recovered {
		sev = terms.Info
	}
	return terms.Event{Kind: kind, Severity: sev, Vendor: src.Vendor, Source: src.ID,
		SnapshotAt: snap.FetchedAt, DetectedAt: p.Now().UTC(), Detail: detail,
		After: &terms.Side{Snapshot: snap.ID}}
}

// variantEvent reports that the URL served another regional variant: info,
// and not a change of terms.
func (p *Pipeline) variantEvent(src terms.Source, prev, snap terms.Snapshot) terms.Event {
	name := func(v string) string {
		if v == "" {
			return "an unrecognized variant"
		}
		return "the " + v + " variant"
	}
	old, nw := terms.Scalar(prev.Variant), terms.Scalar(snap.Variant)
	return terms.Event{Kind: terms.VariantChanged, Severity: terms.Info, Vendor: src.Vendor, Source: src.ID,
		SnapshotAt: snap.FetchedAt, DetectedAt: p.Now().UTC(), Old: &old, New: &nw,
		Detail: fmt.Sprintf("the page served %s (it served %s before)", name(snap.Variant), name(prev.Variant)),
		Before: &terms.Side{Snapshot: prev.ID}, After: &terms.Side{}}
}

func (p *Pipeline) vendor(id string) (terms.Vendor, bool) {
	for _, v := range p.Vendors {
		if v.ID == id {
			return v, true
		}
	}
	return terms.Vendor{ID: id}, false
}

// byHeading indexes clauses by heading path; several clauses under one
// heading are joined, so that a change to any of them is seen.
func byHeading(cs []terms.Clause) map[string]terms.Clause {
	m := make(map[string]terms.Clause, len(cs))
	for _, c := range cs {
		h := c.Heading()
		if prev, dup := m[h]; dup {
			prev.Text += "\n" + c.Text
			m[h] = prev
			continue
		}
		m[h] = c
	}
	return m
}

// replaceSource returns others without the observations of source id, plus obs.
func replaceSource(others []terms.Observation, id string, obs []terms.Observation) []terms.Observation {
	out := make([]terms.Observation, 0, len(others)+len(obs))
	for _, o := range others {
		if o.Evidence.Source != id {
			out = append(out, o)
		}
	}
	return append(out, obs...)
}

// Observed merges observations of every source of a vendor into tier →
// attribute → value, and derives each tier's sensitive-data value from the
// others by the guide's rule.
func Observed(obs []terms.Observation) map[string]map[string]terms.Value {
	m := compare.Merge(obs)
	for tier, vals := range m {
		if s := attr.Sensitive(vals); !s.IsZero() && !s.Unknown {
			m[tier]["sensitive-data"] = s
		}
	}
	return m
}

// Extract reads the document of a stored page: HTML through the source's
// selectors, or a plain-text / markdown copy (an archive's text export, say)
// line by line.
func Extract(src terms.Source, contentType string, raw []byte) (terms.Document, error) {
	ct := strings.ToLower(contentType)
	if strings.HasPrefix(ct, "text/plain") || strings.HasPrefix(ct, "text/markdown") {
		doc := extract.ExtractText(string(raw))
		if len(doc.Clauses) == 0 {
			return doc, fmt.Errorf("%w: the text file holds no text", extract.ErrNoContent)
		}
		return doc, nil
	}
	return extract.Extract(raw, extract.Options{Select: src.Select, Remove: src.Remove})
}

// sourcesOf is the set of sources the observations were read from.
func sourcesOf(obs []terms.Observation) map[string]bool {
	seen := make(map[string]bool, len(obs))
	for _, o := range obs {
		seen[o.Evidence.Source] = true
	}
	return seen
}
