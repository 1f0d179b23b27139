// Package pipeline runs one pass over one source, in the order DESIGN.md
// draws it: fetch → snapshot → extract → (same text as before? stop) →
// observe → compare → store events. Before extracting, the page's
// selection is keyed (SelectionHash): the version in force's key again
// stops there too, as the same text, without extracting. It owns no parsing, SQL or formatting:
// each step is another package's job.
package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
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

// releaser is a Fetcher that takes a page's body back once the page is
// recorded, to read another page into (fetch.Fetcher.Release).
type releaser interface {
	Release(body []byte)
}

// Pipeline holds the dependencies of a check run.
type Pipeline struct {
	// readers holds each vendor's compiled reading, built on first use (a
	// cache for speed only: a Reader is immutable and built the same way
	// every time).
	readersOnce sync.Once
	readers     map[string]*attr.Reader

	Store     *store.DB
	Fetcher   Fetcher
	Vendors   []terms.Vendor
	Baselines map[string]map[string]map[string]terms.Value // vendor → tier → attribute → documented value
	Now       func() time.Time
	// OnExtract, when set, is called before each extraction of a page
	// (tests count them: a page whose selection is the version in force's
	// is not extracted again).
	OnExtract func(src terms.Source)
}

// Outcome is what one pass over one source did.
type Outcome struct {
	Source     terms.Source
	Snapshot   terms.Snapshot // the row written for this attempt
	NewVersion bool           // the extracted text differs from the version in force before it (a page held as suspect and accepted now included)
	First      bool           // first version ever recorded for the source
	Held       bool           // the page lost most of the version in force's sentences: held as suspect, not a version (yet)
	Accepted   int64          // the snapshot of the page held as suspect that is accepted now as the version in force; 0: none
	Dismissed  int64          // the snapshot of the page held as suspect that is dismissed now; 0: none
	// Changes are the clause changes against the previous version (NewVersion
	// and Held only), for a recheck or an import, which show them. A check
	// run keeps only their Summary: the changes point into both versions'
	// documents, which would otherwise stay in memory until the run ends.
	Changes []diff.Change
	Summary diff.Summary  // counts of Changes
	Events  []terms.Event // events written
	Err     error         // the fetch or extraction failure that was recorded, if any
	// Unread: the page's selection was the version in force's (the same
	// Snapshot.SelectionHash), so it was recorded as the same text without
	// being extracted or compared again.
	Unread bool
}

// ErrNoneHeld is why AcceptHeld has nothing to accept.
var ErrNoneHeld = errors.New("no page is held as suspect")

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
	req := fetch.Request{URL: src.URL, Headers: src.Headers, Render: src.Render, BrowserAllow: src.BrowserAllow}
	if origin != OriginRecheck {
		last, ok, err := p.Store.LastGood(ctx, src.ID)
		if err != nil {
			return Outcome{Source: src}, err
		}
		if ok {
			req.ETag, req.LastModified, req.SizeHint = last.ETag, last.LastModified, last.Size
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
		return p.record(ctx, src, snap, nil, nil, ferr)
	}
	snap := terms.Snapshot{Source: src.ID, FetchedAt: at, Origin: origin, Status: res.Status,
		ETag: res.ETag, LastModified: res.LastModified, ContentType: res.ContentType}
	if res.NotModified {
		snap.NotModified = true
		return p.record(ctx, src, snap, nil, nil, nil)
	}
	out, err := p.process(ctx, src, snap, res.Body)
	if r, ok := p.Fetcher.(releaser); ok {
		r.Release(res.Body) // process keeps no part of it: what it stores, it copies
	}
	return out, err
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
	pr := Prepare(src, contentType, raw)
	x, xerr, err := p.read(ctx, src, snap, pr)
	if err != nil {
		return Outcome{Source: src}, err
	}
	if xerr != nil {
		return Outcome{Source: src}, fmt.Errorf("the page does not hold the declared content of %s: %w", src.ID, xerr)
	}
	snap.ExtractedBy, snap.SelectionHash = x.Method, SelectionHash(src, pr)
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
	return p.record(ctx, src, snap, raw, &x.Document, nil)
}

// process extracts raw and records the attempt: a new version, the same
// text again, or an extraction failure. A page whose selection is the
// version in force's (the same SelectionHash: the same selected bytes read
// by the same declaration and rules) is the same text again without
// extracting it: nothing it holds can change the outcome.
func (p *Pipeline) process(ctx context.Context, src terms.Source, snap terms.Snapshot, raw []byte) (Outcome, error) {
	snap.Size = int64(len(raw))
	pr := Prepare(src, snap.ContentType, raw)
	snap.SelectionHash = SelectionHash(src, pr)
	if snap.SelectionHash != "" {
		last, ok, err := p.Store.VersionBefore(ctx, src.ID, snap.FetchedAt)
		if err != nil {
			return Outcome{Source: src}, err
		}
		if ok && last.SelectionHash == snap.SelectionHash {
			snap.TextHash, snap.Variant, snap.ExtractedBy = last.TextHash, last.Variant, last.ExtractedBy
			out, err := p.record(ctx, src, snap, raw, nil, nil)
			out.Unread = err == nil
			return out, err
		}
	}
	x, xerr, err := p.read(ctx, src, snap, pr)
	if err != nil {
		return Outcome{Source: src}, err
	}
	if xerr != nil {
		snap.ErrorCategory, snap.SelectionHash = terms.ErrExtraction, ""
		snap.Error = fmt.Sprintf("extract %s: %v", src.ID, xerr)
		return p.record(ctx, src, snap, raw, nil, xerr)
	}
	// What was read may be more than the selection (a page read whole
	// when its selection gave no content): the key recorded is of that.
	snap.ExtractedBy, snap.SelectionHash = x.Method, SelectionHash(src, pr)
	return p.record(ctx, src, snap, raw, &x.Document, nil)
}

// record stores one attempt as DESIGN.md draws it: the raw bytes are
// compressed first, outside any transaction; then, in one write
// transaction (BEGIN IMMEDIATE, so concurrent sources take turns and each
// sees the others' writes), the source's history is read, compare.Decide
// says what the attempt means, and the decision is written. raw is nil for
// a failure without a page and for a 304; doc is nil unless the page was
// extracted (or its selection is the version in force's: snap then carries
// that version's TextHash); cause is the fetch or extraction failure, if any.
func (p *Pipeline) record(ctx context.Context, src terms.Source, snap terms.Snapshot, raw []byte, doc *terms.Document, cause error) (Outcome, error) {
	if doc != nil {
		snap.TextHash = doc.Hash()
		snap.Variant, _ = source.MatchVariant(src, doc.Text())
	}
	var blob store.Prepared
	if raw != nil {
		var err error
		// A source's first page is compressed with the vendor's first page
		// as dictionary (their templates repeat): 2.6 KB instead of 360 KB
		// for a first page of the bench's vendor. A new text may become its
		// source's base (store.DB.PrepareRaw).
		// (An import older than the source's latest page is not.)
		newText := false
		if doc != nil {
			last, ok, err := p.Store.LastGood(ctx, src.ID)
			if err != nil {
				return Outcome{Source: src}, err
			}
			newText = ok && last.TextHash != snap.TextHash && !snap.FetchedAt.Before(last.FetchedAt)
		}
		if blob, err = p.Store.PrepareRaw(ctx, src.ID, src.Vendor, raw, newText); err != nil {
			return Outcome{Source: src}, err
		}
	}
	out := Outcome{Source: src, Err: cause}
	vendor, _ := p.vendor(src.Vendor)
	err := p.Store.Transact(ctx, func(tx *store.Tx) error {
		h, err := p.history(ctx, tx, vendor, src, snap, doc)
		if err != nil {
			return err
		}
		if snap.NotModified && h.LastGood == nil {
			return fmt.Errorf("304 Not Modified without a previous snapshot")
		}
		if unread(snap, doc) && (h.Last == nil || h.Last.Snapshot.TextHash != snap.TextHash) {
			return fmt.Errorf("another version was recorded while the page was being read: check it again")
		}
		d, err := decide(ctx, h, compare.Attempt{Source: src, Snapshot: snap, Doc: doc}, p.Now().UTC())
		if err != nil {
			return err // stopped: the transaction is rolled back, nothing is written
		}
		if raw != nil {
			if d.Snapshot.ContentHash, err = tx.PutPrepared(ctx, blob); err != nil {
				return err
			}
		}
		held := d.Snapshot.Suspect == terms.SuspectHeld
		if d.NewVersion || held {
			if _, err = tx.PutDocument(ctx, *doc); err != nil {
				return err
			}
		}
		if err := settle(ctx, tx, d.Release); err != nil {
			return err
		}
		id, err := tx.InsertSnapshot(ctx, d.Snapshot)
		if err != nil {
			return err
		}
		d.Bind(id)
		if d.NewVersion {
			if err := tx.InsertObservations(ctx, id, d.Observations); err != nil {
				return err
			}
		}
		if len(d.Events) > 0 {
			if out.Events, err = tx.InsertEvents(ctx, d.Events); err != nil {
				return err
			}
		}
		out.Snapshot, out.NewVersion, out.First, out.Held = d.Snapshot, d.NewVersion, d.First && d.NewVersion, held
		out.released(d.Release)
		switch {
		case d.Prev == nil:
		case d.NewVersion || held:
			out.Changes = diff.Clauses(d.Prev.Doc.Clauses, doc.Clauses)
		case out.Accepted != 0:
			// The same page again confirms the held one: what changed is
			// what the held page changed.
			out.NewVersion = true
			out.Changes = diff.Clauses(d.Prev.Doc.Clauses, d.Release.Version.Doc.Clauses)
		}
		out.Summary = diff.Summarize(out.Changes)
		if snap.Origin == OriginCheck {
			out.Changes = nil // see Outcome.Changes
		}
		return nil
	})
	if err != nil {
		return Outcome{Source: src}, fmt.Errorf("record %s: %w", src.ID, err)
	}
	return out, nil
}

// decide is compare.DecideContext, returning ctx's error as soon as ctx is
// done: reading a big page takes seconds, and a stopped run (SIGTERM) must
// not wait for it. The reading in progress is abandoned; it stops at its
// own next look at ctx and its result is dropped. It holds no transaction
// or store handle, only the history already read. (That history's set of
// sources read is the store's cached set, which a later transaction adds
// to in place; an abandoned reading may still look at it for a moment, but
// only once ctx is done, when no transaction of the run gets that far.)
func decide(ctx context.Context, h compare.History, a compare.Attempt, now time.Time) (compare.Decision, error) {
	type result struct {
		d   compare.Decision
		err error
	}
	done := make(chan result, 1)
	go func() {
		d, err := compare.DecideContext(ctx, h, a, now)
		done <- result{d, err}
	}()
	select {
	case r := <-done:
		return r.d, r.err
	case <-ctx.Done():
		return compare.Decision{}, ctx.Err()
	}
}

// settle writes what becomes of a page held as suspect: its state and, when
// accepted, its observations.
func settle(ctx context.Context, tx *store.Tx, r *compare.Release) error {
	if r == nil {
		return nil
	}
	id := r.Version.Snapshot.ID
	if err := tx.SetSuspect(ctx, id, r.State()); err != nil {
		return err
	}
	if r.Accepted {
		return tx.InsertObservations(ctx, id, r.Observations)
	}
	return nil
}

// released notes on the outcome what became of a page held as suspect.
func (o *Outcome) released(r *compare.Release) {
	switch {
	case r == nil:
	case r.Accepted:
		o.Accepted = r.Version.Snapshot.ID
	default:
		o.Dismissed = r.Version.Snapshot.ID
	}
}

// AcceptHeld accepts the page of src held as suspect as the version in
// force at once, without waiting for the next fetch to confirm it
// ('recheck --accept'): it is compared with the version in force before
// it, its observations recorded and its events written, in one
// transaction. It fails with ErrNoneHeld when no page of src is held.
func (p *Pipeline) AcceptHeld(ctx context.Context, src terms.Source) (Outcome, error) {
	out := Outcome{Source: src}
	vendor, _ := p.vendor(src.Vendor)
	err := p.Store.Transact(ctx, func(tx *store.Tx) error {
		held, ok, err := tx.HeldSuspect(ctx, src.ID)
		if err != nil {
			return err
		}
		if !ok {
			return ErrNoneHeld
		}
		doc, err := tx.Document(ctx, held.TextHash)
		if err != nil {
			return fmt.Errorf("read the page held as suspect (snapshot %d): %w", held.ID, err)
		}
		h, err := p.history(ctx, tx, vendor, src, held, &doc)
		if err != nil {
			return err
		}
		h.Held = &compare.Version{Snapshot: held, Doc: doc}
		d := compare.Accept(h, src, p.Now().UTC())
		if err := settle(ctx, tx, d.Release); err != nil {
			return err
		}
		if len(d.Events) > 0 {
			if out.Events, err = tx.InsertEvents(ctx, d.Events); err != nil {
				return err
			}
		}
		out.Snapshot, out.NewVersion = d.Snapshot, true
		out.released(d.Release)
		if d.Prev != nil {
			out.Changes = diff.Clauses(d.Prev.Doc.Clauses, doc.Clauses)
			out.Summary = diff.Summarize(out.Changes)
		}
		return nil
	})
	if err != nil {
		return Outcome{Source: src}, fmt.Errorf("accept %s: %w", src.ID, err)
	}
	return out, nil
}

// history reads, inside the transaction, what compare.Decide needs to know
// about src to decide what the attempt snap (with document doc, or nil)
// means. Documents and the vendor's current observations are read only when
// the attempt's text may be a new version.
func (p *Pipeline) history(ctx context.Context, tx *store.Tx, vendor terms.Vendor, src terms.Source, snap terms.Snapshot, doc *terms.Document) (compare.History, error) {
	h := compare.History{Vendor: vendor, Reader: p.reader(vendor), Baseline: p.Baselines[src.Vendor]}
	n, err := tx.ConsecutiveFailures(ctx, src.ID)
	if err != nil {
		return h, err
	}
	h.Failing = n > 0
	if doc == nil && !snap.NotModified && !unread(snap, doc) {
		return h, nil
	}
	// A page held as suspect before the attempt is settled by it.
	held, ok, err := tx.HeldSuspect(ctx, src.ID)
	if err != nil {
		return h, err
	}
	if ok && held.FetchedAt.Before(snap.FetchedAt) {
		h.Held = &compare.Version{Snapshot: held}
		if doc != nil && held.TextHash == snap.TextHash {
			h.Held.Doc = *doc
		} else if doc != nil {
			if h.Held.Doc, err = tx.Document(ctx, held.TextHash); err != nil {
				return h, fmt.Errorf("read the page of %s held as suspect (snapshot %d): %w", src.ID, held.ID, err)
			}
		}
	}
	if snap.NotModified {
		last, ok, err := tx.LastGood(ctx, src.ID)
		if ok {
			h.LastGood = &last
		}
		return h, err
	}
	version := func(s terms.Snapshot, ok bool, err error) (*compare.Version, error) {
		if err != nil || !ok {
			return nil, err
		}
		v := &compare.Version{Snapshot: s}
		if s.TextHash != snap.TextHash && s.Variant == snap.Variant {
			if v.Doc, err = tx.Document(ctx, s.TextHash); err != nil {
				return nil, fmt.Errorf("read version %d of %s: %w", s.ID, src.ID, err)
			}
		}
		return v, nil
	}
	if h.Last, err = version(tx.VersionBefore(ctx, src.ID, snap.FetchedAt)); err != nil {
		return h, err
	}
	if h.Last != nil && h.Last.Snapshot.Variant != snap.Variant {
		if h.LastOfVariant, err = version(tx.VersionBeforeVariant(ctx, src.ID, snap.FetchedAt, snap.Variant)); err != nil {
			return h, err
		}
	}
	if h.Next, err = version(tx.VersionAfter(ctx, src.ID, snap.FetchedAt)); err != nil {
		return h, err
	}
	if l := h.Last; l == nil || l.Snapshot.TextHash != snap.TextHash || l.Snapshot.Variant != snap.Variant {
		if h.Current, err = tx.LatestObservations(ctx, src.Vendor); err != nil {
			return h, err
		}
		if h.Read, err = tx.SourcesRead(ctx); err != nil {
			return h, err
		}
	}
	return h, nil
}

// unread reports whether snap is a page recorded without being extracted:
// its selection is the version in force's, whose TextHash it carries.
func unread(snap terms.Snapshot, doc *terms.Document) bool {
	return doc == nil && snap.OK() && !snap.NotModified && snap.TextHash != ""
}

// reader returns the compiled reading of v's pages.
func (p *Pipeline) reader(v terms.Vendor) *attr.Reader {
	p.readersOnce.Do(func() {
		p.readers = map[string]*attr.Reader{}
		for _, v := range p.Vendors {
			p.readers[v.ID] = attr.NewReader(v)
		}
	})
	if r, ok := p.readers[v.ID]; ok {
		return r
	}
	return attr.NewReader(v)
}

func (p *Pipeline) vendor(id string) (terms.Vendor, bool) {
	for _, v := range p.Vendors {
		if v.ID == id {
			return v, true
		}
	}
	return terms.Vendor{ID: id}, false
}

// Extract reads the document of a stored page (extract.Page): HTML through
// the source's selectors, tried in order, or else without selectors
// (extract.MethodAuto, which the caller must Accept); a plain-text or
// markdown copy line by line. It stops with ctx's error when ctx is done;
// a page past extract.MaxClauses or extract.MaxText is an error.
func Extract(ctx context.Context, src terms.Source, contentType string, raw []byte) (extract.Result, error) {
	return Prepare(src, contentType, raw).Read(ctx)
}

// Prepare makes a stored page ready to be read as Extract reads it
// (extract.Prepare).
func Prepare(src terms.Source, contentType string, raw []byte) *extract.Prepared {
	return extract.Prepare(raw, contentType, extract.Options{Select: src.Select, Remove: src.Remove, Auto: true})
}

// SelectionHash identifies what reading the prepared page of src sees: the
// page's selection and the declaration that reads it (extract.Prepared.Key)
// and what reads its text afterwards (the regional variants, matched on the
// text). Two pages with the same one read the same document, found the same
// way, of the same variant. "" when the page has no key (a selector does not
// compile).
func SelectionHash(src terms.Source, pr *extract.Prepared) string {
	if pr.Key == "" {
		return ""
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\nvariants %d\n", pr.Key, len(src.Variants))
	for _, v := range src.Variants {
		fmt.Fprintf(h, "%d:%s %d:%s\n", len(v.ID), v.ID, len(v.Match), v.Match)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// read extracts pr, the page of snap, and accepts a document found without
// the declared selectors only when it holds most of the sentences of the
// source's version nearest in time (extract.Accept): the one in force
// before snap, or for a page older than every version, the first after it.
// xerr is why the page holds no document; err a failure to read the store,
// or ctx's error when the run was stopped (never recorded as the page's).
func (p *Pipeline) read(ctx context.Context, src terms.Source, snap terms.Snapshot, pr *extract.Prepared) (x extract.Result, xerr, err error) {
	if p.OnExtract != nil {
		p.OnExtract(src)
	}
	x, xerr = pr.Read(ctx)
	if err := ctx.Err(); err != nil {
		return x, nil, err
	}
	if xerr != nil || x.Method != extract.MethodAuto {
		return x, xerr, nil
	}
	near, ok, err := p.Store.VersionBefore(ctx, src.ID, snap.FetchedAt)
	if err == nil && !ok {
		near, ok, err = p.Store.VersionAfter(ctx, src.ID, snap.FetchedAt)
	}
	if err != nil {
		return x, nil, err
	}
	var prev *terms.Document
	if ok {
		d, err := p.Store.Document(ctx, near.TextHash)
		if err != nil {
			return x, nil, fmt.Errorf("read version %d of %s: %w", near.ID, src.ID, err)
		}
		prev = &d
	}
	return x, extract.Accept(x, prev, extract.MinCoverage), nil
}
