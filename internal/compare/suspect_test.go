package compare

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/attr"
	"github.com/clausewatch/clausewatch/internal/extract"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// filler is n sentences of our own that state nothing about any attribute.
func filler(from, n int) []string {
	var out []string
	for i := from; i < from+n; i++ {
		out = append(out, fmt.Sprintf("Clause %d covers the delivery of parcels to postal district %d.", i, i))
	}
	return out
}

// long is a page of 25 sentences: the training sentence and 24 others.
func long(training string) terms.Document { return page(training, filler(1, 24)...) }

// held is a page recorded as held as suspect.
func held(id int64, day int, doc terms.Document) *Version {
	v := version(id, day, doc, "")
	v.Snapshot.Suspect = terms.SuspectHeld
	return v
}

func TestDecideSuspect(t *testing.T) {
	full, fullOptOut := long(neverText), long(optOutText)
	shrunk := page(optOutText, filler(1, 2)...)      // a tenth of the page: 1 of 25 sentences kept
	shrunkAgain := page(optOutText, filler(1, 3)...) // the same shrunken page, one sentence more (3 of its 4)
	otherShrunk := page(optOutText, filler(30, 8)...)
	edited := page(optOutText, filler(1, 20)...) // a genuine edit: training turned on, four clauses dropped
	baseline := map[string]map[string]terms.Value{"consumer": {"training": terms.Scalar("never")}}
	last := version(1, 1, full, "")
	cur := current(last)
	notModified := Attempt{Source: decideSource, Snapshot: terms.Snapshot{FetchedAt: at(3), NotModified: true}}

	tests := []struct {
		name    string
		h       History
		a       Attempt
		suspect bool     // the attempt is held as suspect
		version bool     // the attempt is a new version
		release string   // what becomes of the held page: "", accepted, dismissed
		obs     []string // of the attempt
		relObs  []string // of the accepted held page
		events  []string
	}{
		{name: "a page that keeps a tenth of its sentences is held: one event, no value events",
			h: History{Last: last, Current: cur, Baseline: baseline}, a: attempt(2, shrunk, ""),
			suspect: true, events: []string{"extraction-suspect/high"}},
		{name: "a genuine edit that drops a few clauses is no suspect",
			h: History{Last: last, Current: cur, Baseline: baseline}, a: attempt(2, edited, ""),
			version: true, obs: []string{"consumer/training=opt-out"}, events: []string{"value-changed/critical", "baseline-drift/high", "document-changed/info"}},
		{name: "a rewrite of the whole page, as long as it was, is no suspect",
			h: History{Last: last, Current: cur, Baseline: baseline}, a: attempt(2, page(optOutText, filler(100, 30)...), ""),
			version: true, obs: []string{"consumer/training=opt-out"}, events: []string{"value-changed/critical", "baseline-drift/high", "document-changed/info"}},
		{name: "a rewrite cut to under half is held",
			h: History{Last: last, Current: cur, Baseline: baseline}, a: attempt(2, page(optOutText, filler(100, 10)...), ""),
			suspect: true, events: []string{"extraction-suspect/high"}},
		{name: "a small page that loses most of its few sentences is no suspect",
			h: History{Last: version(1, 1, page(neverText, filler(1, 5)...), "")}, a: attempt(2, page(neverText), ""),
			version: true, obs: []string{"consumer/training=never"}, events: []string{"document-changed/info"}},
		{name: "the same shrunken page again confirms it: its value events, once",
			h: History{Last: last, Held: held(2, 2, shrunk), Current: cur, Baseline: baseline}, a: attempt(3, shrunk, ""),
			release: "accepted", relObs: []string{"consumer/training=opt-out"},
			events: []string{"value-changed/critical", "baseline-drift/high", "document-changed/info"}},
		{name: "the shrunken page again, give or take a sentence, confirms it",
			h: History{Last: last, Held: held(2, 2, shrunkAgain), Current: cur, Baseline: baseline}, a: attempt(3, shrunk, ""),
			version: true, release: "accepted", relObs: []string{"consumer/training=opt-out"}, obs: []string{"consumer/training=opt-out"},
			events: []string{"value-changed/critical", "baseline-drift/high", "document-changed/info", "document-changed/info"}},
		{name: "the page whole again dismisses it: no value events",
			h: History{Last: last, Held: held(2, 2, shrunk), Current: cur, Baseline: baseline}, a: attempt(3, full, ""),
			release: "dismissed", events: []string{"recovered/info"}},
		{name: "the page whole again with a real edit: dismissed, and the edit compared with the version in force",
			h: History{Last: last, Held: held(2, 2, shrunk), Current: cur, Baseline: baseline}, a: attempt(3, fullOptOut, ""),
			version: true, release: "dismissed", obs: []string{"consumer/training=opt-out"},
			events: []string{"recovered/info", "value-changed/critical", "baseline-drift/high"}},
		{name: "the page whole again after a failure: one recovered says both",
			h: History{Last: last, Held: held(2, 2, shrunk), Current: cur, Failing: true}, a: attempt(3, full, ""),
			release: "dismissed", events: []string{"recovered/info"}},
		{name: "a 304 after a failure: one recovered",
			h: History{Last: last, Held: held(2, 2, shrunk), LastGood: &last.Snapshot, Failing: true}, a: notModified,
			release: "dismissed", events: []string{"recovered/info"}},
		{name: "another shrunken page is held instead, without a second event",
			h: History{Last: last, Held: held(2, 2, shrunk), Current: cur}, a: attempt(3, otherShrunk, ""),
			suspect: true, release: "dismissed"},
		{name: "a 304 against the version in force dismisses it",
			h: History{Last: last, Held: held(2, 2, shrunk), LastGood: &last.Snapshot}, a: notModified,
			release: "dismissed", events: []string{"recovered/info"}},
		{name: "a backfill settles nothing and is never held",
			h: History{Last: last, Held: held(2, 2, shrunk), Next: version(5, 5, full, ""), Current: cur}, a: attempt(3, shrunk, ""),
			version: true, obs: []string{"consumer/training=opt-out"},
			events: []string{"value-changed/critical", "document-changed/info", "value-changed/medium", "document-changed/info"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.h.Vendor = decideVendor()
			d := Decide(tt.h, tt.a, detected)
			if got := d.Snapshot.Suspect == terms.SuspectHeld; got != tt.suspect || d.NewVersion != tt.version {
				t.Errorf("held %v, new version %v; want %v, %v", got, d.NewVersion, tt.suspect, tt.version)
			}
			release := ""
			var relObs []string
			if d.Release != nil {
				release = d.Release.State()
				if d.Release.Version.Snapshot.ID != tt.h.Held.Snapshot.ID {
					t.Errorf("released snapshot %d, want the held one %d", d.Release.Version.Snapshot.ID, tt.h.Held.Snapshot.ID)
				}
				for _, o := range d.Release.Observations {
					relObs = append(relObs, o.Tier+"/"+o.Attribute+"="+o.Value.String())
					if o.Evidence.Snapshot != tt.h.Held.Snapshot.ID {
						t.Errorf("accepted observation points at snapshot %d, want %d", o.Evidence.Snapshot, tt.h.Held.Snapshot.ID)
					}
				}
			}
			if release != tt.release || !slices.Equal(relObs, tt.relObs) {
				t.Errorf("release %q with %v, want %q with %v", release, relObs, tt.release, tt.relObs)
			}
			var obs []string
			for _, o := range d.Observations {
				obs = append(obs, o.Tier+"/"+o.Attribute+"="+o.Value.String())
			}
			if !slices.Equal(obs, tt.obs) {
				t.Errorf("observations %v, want %v", obs, tt.obs)
			}
			if got := kinds(d.Events); !slices.Equal(got, tt.events) {
				t.Errorf("events %v, want %v", got, tt.events)
			}
		})
	}
}

// The held page's event says what it kept and how to accept it; the
// accepted page's events point at the held snapshot.
func TestDecideSuspectEvents(t *testing.T) {
	h := History{Vendor: decideVendor(), Last: version(1, 1, long(neverText), "")}
	h.Current = current(h.Last)
	d := Decide(h, attempt(2, page(optOutText, filler(1, 2)...), ""), detected)
	if len(d.Events) != 1 {
		t.Fatalf("events %v", kinds(d.Events))
	}
	e := d.Events[0]
	for _, want := range []string{"keeps 2 of the 25 sentences", "snapshot 1", "recheck acme-terms --accept"} {
		if !strings.Contains(e.Detail, want) {
			t.Errorf("detail %q does not say %q", e.Detail, want)
		}
	}
	if e.Before == nil || e.Before.Snapshot != 1 || e.After == nil || e.After.Snapshot != 0 {
		t.Errorf("sides %+v, %+v: want the version in force before, the held page after", e.Before, e.After)
	}
	if d.Prev == nil || d.Prev.Snapshot.ID != 1 || len(d.Observations) != 0 {
		t.Errorf("held page: prev %v, observations %v", d.Prev, d.Observations)
	}

	h.Held = held(2, 2, page(optOutText, filler(1, 2)...))
	acc := Accept(h, decideSource, detected)
	if acc.Release == nil || !acc.Release.Accepted || acc.Snapshot.Suspect != terms.SuspectAccepted || acc.Snapshot.ID != 2 {
		t.Fatalf("accept: release %+v, snapshot %+v", acc.Release, acc.Snapshot)
	}
	if got := kinds(acc.Events); !slices.Equal(got, []string{"value-changed/critical", "document-changed/info"}) {
		t.Errorf("accept: events %v", got)
	}
	for _, e := range acc.Events {
		if e.After == nil || e.After.Snapshot != 2 || e.SnapshotAt != at(2) {
			t.Errorf("accepted event %s: after %+v at %v, want snapshot 2 at %v", e.Kind, e.After, e.SnapshotAt, at(2))
		}
	}
	if acc.NewVersion || len(acc.Observations) != 0 {
		t.Errorf("accept records no snapshot of its own: new version %v, observations %v", acc.NewVersion, acc.Observations)
	}
}

// corpusTerms reads the real consumer terms page of the corpus, or skips.
func corpusTerms(b *testing.B) terms.Document {
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "corpus", "latest", "Claude.ai", "Terms of Service.html"))
	if err != nil {
		b.Skipf("no corpus (../shared/corpus from the repository root): %v", err)
	}
	x, err := extract.Page(raw, "text/html", extract.Options{Select: []string{"main"}})
	if err != nil {
		b.Fatal(err)
	}
	return x.Document
}

// BenchmarkSuspectMeasure is what holding a page as suspect adds to the
// decision of every new version: the sentences of both versions, once.
func BenchmarkSuspectMeasure(b *testing.B) {
	full := corpusTerms(b)
	part := terms.Document{Clauses: full.Clauses[:len(full.Clauses)/10]}
	b.ReportAllocs()
	for b.Loop() {
		if ok, _, _ := shrunk(full, part); !ok {
			b.Fatal("a tenth of the page is not suspect")
		}
	}
}

// BenchmarkDecideNewVersion is the decision of a new version of the same
// page (one clause edited), for scale.
func BenchmarkDecideNewVersion(b *testing.B) {
	full := corpusTerms(b)
	next := terms.Document{Clauses: slices.Clone(full.Clauses)}
	next.Clauses[len(next.Clauses)/2].Text += " We may change this clause."
	src := terms.Source{ID: "acme-terms", Vendor: "acme", Tiers: []string{"consumer"}}
	h := History{Vendor: decideVendor(), Last: &Version{Snapshot: terms.Snapshot{ID: 1, Source: src.ID, FetchedAt: at(1), TextHash: full.Hash()}, Doc: full}}
	h.Reader = attr.NewReader(h.Vendor)
	a := Attempt{Source: src, Doc: &next, Snapshot: terms.Snapshot{Source: src.ID, FetchedAt: at(2), TextHash: next.Hash()}}
	b.ReportAllocs()
	for b.Loop() {
		if d := Decide(h, a, detected); !d.NewVersion {
			b.Fatal("no new version")
		}
	}
}
