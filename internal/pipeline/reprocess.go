package pipeline

import (
	"context"
	"fmt"
	"time"

	"github.com/clausewatch/clausewatch/internal/compare"
	"github.com/clausewatch/clausewatch/internal/diff"
	"github.com/clausewatch/clausewatch/internal/extract"
	"github.com/clausewatch/clausewatch/internal/store"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// ReprocessResult says what re-reading one source's stored snapshots changed.
type ReprocessResult struct {
	Source        terms.Source
	Snapshots     int           // good snapshots re-read
	TextChanged   int           // snapshots whose extracted text changed under today's rules
	ObsChanged    int           // versions whose observations changed
	Events        []terms.Event // rule-changed events written
	ExtractErrors int           // stored pages today's declarations cannot read (left as they were)
}

// Reprocess re-reads every stored snapshot of src from its raw bytes with
// today's declarations and readers, rebuilds the extracted documents and the
// observations of every version, and records what differs as rule-changed
// events: differences that come from our rules, never reported as changes
// of the vendor's terms. All of one source's writes are one transaction.
func (p *Pipeline) Reprocess(ctx context.Context, src terms.Source) (ReprocessResult, error) {
	res := ReprocessResult{Source: src}
	good, err := p.reread(ctx, src, &res)
	if err != nil {
		return res, err
	}
	vendor, _ := p.vendor(src.Vendor)
	now := p.Now().UTC()
	err = p.Store.Transact(ctx, func(tx *store.Tx) error {
		var evs []terms.Event
		prevHash := ""
		for _, g := range good {
			ev, err := p.rewrite(ctx, tx, src, g, &res, now)
			if err != nil {
				return err
			}
			evs = append(evs, ev...)
			h := g.doc.Hash()
			if h == prevHash {
				// Not a version under today's rules: it holds no observations.
				if err := tx.DeleteObservations(ctx, g.snap.ID); err != nil {
					return err
				}
				continue
			}
			prevHash = h
			ev, err = p.reobserve(ctx, tx, vendor, src, g, &res, now)
			if err != nil {
				return err
			}
			evs = append(evs, ev...)
		}
		var err error
		res.Events, err = tx.InsertEvents(ctx, evs)
		return err
	})
	if err != nil {
		return res, fmt.Errorf("reprocess %s: %w", src.ID, err)
	}
	return res, nil
}

// reread is one stored snapshot read again with today's declarations.
type reread struct {
	snap   terms.Snapshot
	doc    terms.Document
	method string // extract.Result.Method
}

// reread extracts every good snapshot of src again from its raw bytes; a
// page today's declarations cannot read is counted and left as it was.
func (p *Pipeline) reread(ctx context.Context, src terms.Source, res *ReprocessResult) ([]reread, error) {
	snaps, err := p.Store.Snapshots(ctx, src.ID)
	if err != nil {
		return nil, err
	}
	var good []reread
	for _, s := range snaps {
		if !s.OK() || s.ContentHash == "" || s.Withheld() {
			continue // a page held as suspect or dismissed is no version
		}
		raw, err := p.Store.Raw(ctx, s.ContentHash)
		if err != nil {
			return nil, fmt.Errorf("reprocess %s: snapshot %d: %w", src.ID, s.ID, err)
		}
		x, err := Extract(src, s.ContentType, raw)
		if err == nil && x.Method == extract.MethodAuto {
			// Found without selectors: kept only if it still reads as what
			// was recorded for this snapshot.
			old, derr := p.Store.Document(ctx, s.TextHash)
			if derr != nil {
				return nil, fmt.Errorf("reprocess %s: snapshot %d: %w", src.ID, s.ID, derr)
			}
			err = extract.Accept(x, &old, extract.MinCoverage)
		}
		if err != nil {
			res.ExtractErrors++
			continue
		}
		res.Snapshots++
		good = append(good, reread{s, x.Document, x.Method})
	}
	return good, nil
}

// rewrite records how a snapshot is extracted today and, when its text
// changed, its new document and the rule-changed event that says so.
func (p *Pipeline) rewrite(ctx context.Context, tx *store.Tx, src terms.Source, g reread, res *ReprocessResult, now time.Time) ([]terms.Event, error) {
	s, doc := g.snap, g.doc
	if g.method != s.ExtractedBy {
		if err := tx.SetExtractedBy(ctx, s.ID, g.method); err != nil {
			return nil, err
		}
	}
	h := doc.Hash()
	if h == s.TextHash {
		return nil, nil
	}
	res.TextChanged++
	old, err := tx.Document(ctx, s.TextHash)
	if err != nil {
		return nil, err
	}
	if _, err := tx.PutDocument(ctx, doc); err != nil {
		return nil, err
	}
	if err := tx.SetTextHash(ctx, s.ID, h); err != nil {
		return nil, err
	}
	return []terms.Event{compare.ExtractionRuleEvent(src, s, diff.Summarize(diff.Clauses(old.Clauses, doc.Clauses)).String(), now)}, nil
}

// reobserve reads a version's observations again and records what changed
// as rule-changed events.
func (p *Pipeline) reobserve(ctx context.Context, tx *store.Tx, vendor terms.Vendor, src terms.Source, g reread, res *ReprocessResult, now time.Time) ([]terms.Event, error) {
	s := g.snap
	stored, err := tx.Observations(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	next := p.reader(vendor).Observe(src, g.doc, s)
	changed := compare.RuleEvents(src, s, stored, next, now)
	if len(changed) > 0 || len(stored) != len(next) {
		res.ObsChanged++
	}
	if err := tx.DeleteObservations(ctx, s.ID); err != nil {
		return nil, err
	}
	return changed, tx.InsertObservations(ctx, s.ID, next)
}
