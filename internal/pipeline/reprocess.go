package pipeline

import (
	"context"
	"fmt"

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
	snaps, err := p.Store.Snapshots(ctx, src.ID)
	if err != nil {
		return res, err
	}
	vendor, _ := p.vendor(src.Vendor)
	type reread struct {
		snap   terms.Snapshot
		doc    terms.Document
		method string // extract.Result.Method
	}
	var good []reread
	docs := map[string]terms.Document{} // new text hash → document
	for _, s := range snaps {
		if !s.OK() || s.ContentHash == "" {
			continue
		}
		raw, err := p.Store.Raw(ctx, s.ContentHash)
		if err != nil {
			return res, fmt.Errorf("reprocess %s: snapshot %d: %w", src.ID, s.ID, err)
		}
		x, err := Extract(src, s.ContentType, raw)
		if err == nil && x.Method == extract.MethodAuto {
			// Found without selectors: kept only if it still reads as what
			// was recorded for this snapshot.
			old, derr := p.Store.Document(ctx, s.TextHash)
			if derr != nil {
				return res, fmt.Errorf("reprocess %s: snapshot %d: %w", src.ID, s.ID, derr)
			}
			err = extract.Accept(x, &old, extract.MinCoverage)
		}
		if err != nil {
			res.ExtractErrors++
			continue
		}
		res.Snapshots++
		docs[x.Hash()] = x.Document
		good = append(good, reread{s, x.Document, x.Method})
	}
	now := p.Now().UTC()
	err = p.Store.Transact(ctx, func(tx *store.Tx) error {
		var evs []terms.Event
		prevHash := ""
		for _, g := range good {
			s, doc := g.snap, g.doc
			h := doc.Hash()
			if g.method != s.ExtractedBy {
				if err := tx.SetExtractedBy(ctx, s.ID, g.method); err != nil {
					return err
				}
			}
			if h != s.TextHash {
				res.TextChanged++
				old, err := tx.Document(ctx, s.TextHash)
				if err != nil {
					return err
				}
				if _, err := tx.PutDocument(ctx, doc); err != nil {
					return err
				}
				if err := tx.SetTextHash(ctx, s.ID, h); err != nil {
					return err
				}
				evs = append(evs, compare.ExtractionRuleEvent(src, s, diff.Summarize(diff.Clauses(old.Clauses, doc.Clauses)).String(), now))
			}
			if h == prevHash {
				// Not a version under today's rules: it holds no observations.
				if err := tx.DeleteObservations(ctx, s.ID); err != nil {
					return err
				}
				continue
			}
			prevHash = h
			stored, err := tx.Observations(ctx, s.ID)
			if err != nil {
				return err
			}
			next := p.reader(vendor).Observe(src, doc, s)
			changed := compare.RuleEvents(src, s, stored, next, now)
			if len(changed) > 0 || len(stored) != len(next) {
				res.ObsChanged++
			}
			evs = append(evs, changed...)
			if err := tx.DeleteObservations(ctx, s.ID); err != nil {
				return err
			}
			if err := tx.InsertObservations(ctx, s.ID, next); err != nil {
				return err
			}
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
