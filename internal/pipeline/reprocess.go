package pipeline

import (
	"context"
	"fmt"
	"time"

	"github.com/clausewatch/clausewatch/internal/attr"
	"github.com/clausewatch/clausewatch/internal/diff"
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
		snap terms.Snapshot
		doc  terms.Document
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
		doc, err := Extract(src, s.ContentType, raw)
		if err != nil {
			res.ExtractErrors++
			continue
		}
		res.Snapshots++
		docs[doc.Hash()] = doc
		good = append(good, reread{s, doc})
	}
	now := p.Now().UTC()
	err = p.Store.Transact(ctx, func(tx *store.Tx) error {
		var evs []terms.Event
		prevHash := ""
		for _, g := range good {
			s, doc := g.snap, g.doc
			h := doc.Hash()
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
				evs = append(evs, terms.Event{Kind: terms.RuleChanged, Severity: terms.Info, Vendor: src.Vendor,
					Source: src.ID, SnapshotAt: s.FetchedAt, DetectedAt: now,
					Detail: "extraction changed: " + diff.Summarize(diff.Clauses(old.Clauses, doc.Clauses)).String(),
					Before: &terms.Side{Snapshot: s.ID}, After: &terms.Side{Snapshot: s.ID}})
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
			next := attr.Observe(vendor, src, doc, s)
			changed := ruleEvents(src, s, stored, next, now)
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

// ruleEvents compares the stored observations of a version with today's.
func ruleEvents(src terms.Source, s terms.Snapshot, stored, next []terms.Observation, now time.Time) []terms.Event {
	key := func(o terms.Observation) string { return o.Tier + "\x00" + o.Attribute }
	old := map[string]terms.Observation{}
	for _, o := range stored {
		old[key(o)] = o
	}
	var evs []terms.Event
	for _, n := range next {
		o, had := old[key(n)]
		if had && o.Value.Equal(n.Value) {
			continue
		}
		ev := terms.Event{Kind: terms.RuleChanged, Severity: terms.Info, Vendor: n.Vendor, Tier: n.Tier, Attribute: n.Attribute,
			Source: src.ID, SnapshotAt: s.FetchedAt, DetectedAt: now,
			After: &terms.Side{Snapshot: s.ID, Clause: n.Evidence.Clause, Text: n.Evidence.Text}}
		nv := n.Value
		ev.New = &nv
		if had {
			ov := o.Value
			ev.Old = &ov
			ev.Before = &terms.Side{Snapshot: s.ID, Clause: o.Evidence.Clause, Text: o.Evidence.Text}
		}
		evs = append(evs, ev)
	}
	// A value today's rules no longer read at all.
	now2 := map[string]bool{}
	for _, n := range next {
		now2[key(n)] = true
	}
	for _, o := range stored {
		if now2[key(o)] || o.Value.Unknown {
			continue
		}
		ov, gone := o.Value, terms.UnknownValue("no rule reads it any more")
		evs = append(evs, terms.Event{Kind: terms.RuleChanged, Severity: terms.Info, Vendor: o.Vendor, Tier: o.Tier,
			Attribute: o.Attribute, Source: src.ID, SnapshotAt: s.FetchedAt, DetectedAt: now, Old: &ov, New: &gone,
			Before: &terms.Side{Snapshot: s.ID, Clause: o.Evidence.Clause, Text: o.Evidence.Text}, Detail: gone.Reason})
	}
	return evs
}
