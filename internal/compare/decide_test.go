package compare

import (
	"slices"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// The decision is table-tested without SQLite or the CLI: a history as the
// store would hand it over, an attempt, and what it must mean.

const (
	neverText  = "We do not use your conversations to train our models."
	optOutText = "We use your conversations to train our models unless you opt out in your settings."
)

func decideVendor() terms.Vendor {
	v := vendor()
	// The pages of these tests speak of training; the rights their opt-out
	// sentence implies are left out, so that each case is about one cell.
	v.Rules = []terms.Rule{{Source: "acme-terms", Tiers: []string{"consumer"}, Attribute: "training"},
		{Source: "acme-terms", Attribute: "rights", Exclude: true}}
	return v
}

var decideSource = terms.Source{ID: "acme-terms", Vendor: "acme", Tiers: []string{"consumer"}}

func page(training string, extra ...string) terms.Document {
	d := terms.Document{Clauses: []terms.Clause{{Path: []string{"Your content"}, Kind: terms.KindParagraph, Text: training}}}
	for _, e := range extra {
		d.Clauses = append(d.Clauses, terms.Clause{Path: []string{"Other"}, Kind: terms.KindParagraph, Text: e})
	}
	return d
}

func at(day int) time.Time { return time.Date(2026, 3, day, 10, 0, 0, 0, time.UTC) }

// version is a recorded version with its document.
func version(id int64, day int, doc terms.Document, variant string) *Version {
	return &Version{Snapshot: terms.Snapshot{ID: id, Source: "acme-terms", FetchedAt: at(day), TextHash: doc.Hash(), Variant: variant}, Doc: doc}
}

// attempt is a page fetched on day.
func attempt(day int, doc terms.Document, variant string) Attempt {
	return Attempt{Source: decideSource, Doc: &doc,
		Snapshot: terms.Snapshot{Source: "acme-terms", FetchedAt: at(day), TextHash: doc.Hash(), Variant: variant, ContentHash: "raw"}}
}

// unreadAttempt is a page fetched on day and not read again: its selection
// is the version in force's, whose text hash the pipeline gives it.
func unreadAttempt(day int, doc terms.Document, variant string) Attempt {
	a := attempt(day, doc, variant)
	a.Doc = nil
	return a
}

// current is what the vendor's pages say, as the store reads it: the
// observations of the version in force.
func current(v *Version) []terms.Observation {
	if v == nil {
		return nil
	}
	return Decide(History{Vendor: decideVendor()}, Attempt{Source: decideSource, Snapshot: v.Snapshot, Doc: &v.Doc}, detected).Observations
}

func kinds(evs []terms.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Kind+"/"+string(e.Severity))
	}
	return out
}

func TestDecide(t *testing.T) {
	never, optOut := page(neverText), page(optOutText)
	reworded := page("Your conversations are not used to train our models.")
	noisy := never // same text: a page whose only changes were noise extracts to the same document
	other := page(neverText, "We may update these terms from time to time.")
	baseline := map[string]map[string]terms.Value{"consumer": {"training": terms.Scalar("never")}}

	tests := []struct {
		name    string
		h       History
		a       Attempt
		version bool
		first   bool
		obs     []string // tier/attribute=value of the observations to record
		events  []string // kind/severity, in order
	}{
		{name: "first page", h: History{}, a: attempt(2, never, ""),
			version: true, first: true, obs: []string{"consumer/training=never"}},
		{name: "first page against the baseline: drift", h: History{Baseline: map[string]map[string]terms.Value{"consumer": {"training": terms.Scalar("opt-out")}}},
			a: attempt(2, never, ""), version: true, first: true, obs: []string{"consumer/training=never"},
			events: []string{"baseline-drift/high"}},
		{name: "same text", h: History{Last: version(1, 1, never, "")}, a: attempt(2, never, "")},
		{name: "noise only (same extraction, other bytes)", h: History{Last: version(1, 1, never, "")}, a: attempt(2, noisy, "")},
		{name: "other wording, same value", h: History{Last: version(1, 1, never, "")}, a: attempt(2, reworded, ""),
			version: true, obs: []string{"consumer/training=never"}, events: []string{"clause-changed/low"}},
		{name: "other clause changed", h: History{Last: version(1, 1, never, "")}, a: attempt(2, other, ""),
			version: true, obs: []string{"consumer/training=never"}, events: []string{"document-changed/info"}},
		{name: "value changed, weaker: critical, and drift from the guide", h: History{Last: version(1, 1, never, ""), Baseline: baseline, Current: current(version(1, 1, never, ""))},
			a: attempt(2, optOut, ""), version: true, obs: []string{"consumer/training=opt-out"},
			events: []string{"value-changed/critical", "baseline-drift/high"}},
		{name: "value changed, stronger: medium", h: History{Last: version(1, 1, optOut, "")}, a: attempt(2, never, ""),
			version: true, obs: []string{"consumer/training=never"}, events: []string{"value-changed/medium"}},
		{name: "backfill before the first version: compared with the next, no drift", h: History{Next: version(5, 5, optOut, ""), Baseline: baseline},
			a: attempt(2, never, ""), version: true, first: true, obs: []string{"consumer/training=never"},
			events: []string{"value-changed/critical"}},
		{name: "backfill between two versions: compared with both", h: History{Last: version(1, 1, never, ""), Next: version(5, 5, never, "")},
			a: attempt(3, optOut, ""), version: true, obs: []string{"consumer/training=opt-out"},
			events: []string{"value-changed/critical", "value-changed/medium"}},
		{name: "variant switch: info, compared with the same variant", h: History{Last: version(2, 2, optOut, "eea"), LastOfVariant: version(1, 1, never, "row")},
			a: attempt(3, never, "row"), events: []string{"variant-changed/info"}},
		{name: "variant switch to a variant never seen", h: History{Last: version(2, 2, optOut, "eea")},
			a: attempt(3, never, "row"), version: true, obs: []string{"consumer/training=never"}, events: []string{"variant-changed/info"}},
		{name: "recovery with the same text", h: History{Last: version(1, 1, never, ""), Failing: true}, a: attempt(2, never, ""),
			events: []string{"recovered/info"}},
		{name: "a backfill does not recover the source", h: History{Next: version(5, 5, never, ""), Failing: true}, a: attempt(2, never, ""),
			version: true, first: true, obs: []string{"consumer/training=never"}},
		{name: "fetch starts failing", h: History{Last: version(1, 1, never, "")},
			a:      Attempt{Source: decideSource, Snapshot: terms.Snapshot{FetchedAt: at(2), ErrorCategory: terms.ErrServer, Error: "status 503"}},
			events: []string{"fetch-failed/high"}},
		{name: "extraction starts failing", h: History{Last: version(1, 1, never, "")},
			a:      Attempt{Source: decideSource, Snapshot: terms.Snapshot{FetchedAt: at(2), ErrorCategory: terms.ErrExtraction, Error: "no main"}},
			events: []string{"extraction-failed/high"}},
		{name: "still failing: nothing new", h: History{Last: version(1, 1, never, ""), Failing: true},
			a: Attempt{Source: decideSource, Snapshot: terms.Snapshot{FetchedAt: at(2), ErrorCategory: terms.ErrTimeout}}},
		{name: "not read again (the version in force's selection)", h: History{Last: version(1, 1, never, "")}, a: unreadAttempt(2, never, "")},
		{name: "not read again after a failure: recovered", h: History{Last: version(1, 1, never, ""), Failing: true}, a: unreadAttempt(2, never, ""),
			events: []string{"recovered/info"}},
		{name: "not read again, the page whole again: the held page dismissed", h: History{Last: version(1, 1, never, ""), Held: version(2, 2, page(optOutText), "")},
			a: unreadAttempt(3, never, ""), events: []string{"recovered/info"}},
		{name: "no document and not the version in force's text: nothing decided", h: History{Last: version(1, 1, never, ""), Failing: true}, a: unreadAttempt(2, optOut, "")},
		{name: "no document and no version in force: nothing decided", h: History{}, a: unreadAttempt(2, never, "")},
		{name: "304 after a failure: recovered", h: History{LastGood: &terms.Snapshot{ID: 1, TextHash: "t", ContentHash: "c"}, Failing: true},
			a: Attempt{Source: decideSource, Snapshot: terms.Snapshot{FetchedAt: at(2), NotModified: true}}, events: []string{"recovered/info"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.h.Vendor = decideVendor()
			d := Decide(tt.h, tt.a, detected)
			if d.NewVersion != tt.version || d.First != tt.first {
				t.Errorf("new version %v, first %v; want %v, %v", d.NewVersion, d.First, tt.version, tt.first)
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
			for _, e := range d.Events {
				if e.DetectedAt != detected || e.Source != "acme-terms" || e.Vendor != "acme" {
					t.Errorf("event %s: detected %v, source %q, vendor %q", e.Kind, e.DetectedAt, e.Source, e.Vendor)
				}
			}
		})
	}
}

func TestDecideNotModifiedRepeatsTheLastGoodSnapshot(t *testing.T) {
	last := terms.Snapshot{ID: 7, ContentHash: "c", TextHash: "t", Size: 42, Variant: "eea", ETag: `"v1"`, LastModified: "Mon", SelectionHash: "k"}
	d := Decide(History{Vendor: decideVendor(), LastGood: &last},
		Attempt{Source: decideSource, Snapshot: terms.Snapshot{FetchedAt: at(3), NotModified: true, ETag: `"v2"`}}, detected)
	s := d.Snapshot
	if s.ContentHash != "c" || s.TextHash != "t" || s.Size != 42 || s.Variant != "eea" || s.ETag != `"v2"` || s.LastModified != "Mon" || s.SelectionHash != "k" {
		t.Errorf("304 snapshot = %+v", s)
	}
	if d.NewVersion || len(d.Events) != 0 {
		t.Errorf("304 of a healthy source: new version %v, events %v", d.NewVersion, kinds(d.Events))
	}
}

func TestDecisionBind(t *testing.T) {
	d := Decide(History{Vendor: decideVendor(), Last: version(3, 1, page(neverText), "")}, attempt(2, page(optOutText), ""), detected)
	d.Bind(9)
	if d.Snapshot.ID != 9 {
		t.Errorf("snapshot id %d", d.Snapshot.ID)
	}
	for _, o := range d.Observations {
		if o.Evidence.Snapshot != 9 {
			t.Errorf("observation evidence points at snapshot %d", o.Evidence.Snapshot)
		}
	}
	if len(d.Events) != 1 || d.Events[0].Before.Snapshot != 3 || d.Events[0].After.Snapshot != 9 {
		t.Fatalf("events %+v", d.Events)
	}
}

func TestDecideIsPure(t *testing.T) {
	h := History{Vendor: decideVendor(), Last: version(1, 1, page(neverText), ""), Current: current(version(1, 1, page(neverText), "")),
		Baseline: map[string]map[string]terms.Value{"consumer": {"training": terms.Scalar("never")}}}
	a := attempt(2, page(optOutText), "")
	first, second := Decide(h, a, detected), Decide(h, a, detected)
	if !slices.Equal(kinds(first.Events), kinds(second.Events)) || len(first.Observations) != len(second.Observations) {
		t.Errorf("two decisions differ: %v / %v", kinds(first.Events), kinds(second.Events))
	}
	if h.Current[0].Value.Scalar != "never" {
		t.Errorf("Decide changed its history: %v", h.Current[0].Value)
	}
}

// One sentence edit that moves several tiers is one change: its events
// share a change key; events of other sentences do not.
func TestOneSentenceEditIsOneChange(t *testing.T) {
	v := decideVendor()
	v.Rules = []terms.Rule{{Source: "acme-terms", Tiers: []string{"consumer", "team"}, Attribute: "training"},
		{Source: "acme-terms", Attribute: "rights", Exclude: true}}
	before, after := page(neverText, "Deleted chats are removed within 30 days."), page(optOutText, "Deleted chats are removed within 30 days.")
	d := Decide(History{Vendor: v, Last: version(1, 1, before, "")}, attempt(2, after, ""), detected)
	if len(d.Events) != 2 {
		t.Fatalf("events %v", kinds(d.Events))
	}
	if d.Events[0].Change == "" || d.Events[0].Change != d.Events[1].Change {
		t.Errorf("the two tiers' value-changed events are not one change: %q, %q", d.Events[0].Change, d.Events[1].Change)
	}
	single := Decide(History{Vendor: decideVendor(), Last: version(1, 1, before, "")}, attempt(2, after, ""), detected)
	if len(single.Events) != 1 || single.Events[0].Change != "" {
		t.Errorf("a lone event carries a change key: %+v", single.Events)
	}
}

// What a page stops saying stays visible as unknown, with the reason, until
// a version says it again.
func TestDecideKeepsWhatAPageStoppedSaying(t *testing.T) {
	said, silent := page(neverText), page("We may update these terms from time to time.")
	d := Decide(History{Vendor: decideVendor(), Last: version(1, 1, said, "")}, attempt(2, silent, ""), detected)
	if got := kinds(d.Events); !slices.Equal(got, []string{"evidence-lost/high"}) {
		t.Errorf("events %v", got)
	}
	if len(d.Observations) != 1 || !d.Observations[0].Value.Unknown || d.Observations[0].Value.Reason == "" {
		t.Fatalf("observations %+v", d.Observations)
	}
	carried := d.Observations
	d = Decide(History{Vendor: decideVendor(), Last: version(2, 2, silent, ""), Current: carried},
		attempt(3, page("We may update these terms at any time."), ""), detected)
	if len(d.Observations) != 1 || !d.Observations[0].Value.Unknown || d.Observations[0].Value.Reason != carried[0].Value.Reason {
		t.Errorf("the unknown is not carried: %+v", d.Observations)
	}
	for _, e := range d.Events {
		if e.Kind == terms.EvidenceLost {
			t.Errorf("evidence-lost raised twice")
		}
	}
	d = Decide(History{Vendor: decideVendor(), Last: version(3, 3, silent, ""), Current: carried}, attempt(4, said, ""), detected)
	if got := kinds(d.Events); !slices.Contains(got, "evidence-found/info") {
		t.Errorf("restated: events %v", got)
	}
}

// A renamed heading or a moved clause that keeps every value raises
// nothing above low.
func TestDecideRenamedHeadingKeepsValues(t *testing.T) {
	before := terms.Document{Clauses: []terms.Clause{
		{Path: []string{"Your content"}, Kind: terms.KindParagraph, Text: neverText},
		{Path: []string{"Other"}, Kind: terms.KindParagraph, Text: "Deleted chats are removed within 30 days."},
	}}
	after := terms.Document{Clauses: []terms.Clause{
		{Path: []string{"Other"}, Kind: terms.KindParagraph, Text: "Deleted chats are removed within 30 days."},
		{Path: []string{"How we use what you share"}, Kind: terms.KindParagraph, Text: neverText},
	}}
	d := Decide(History{Vendor: decideVendor(), Last: version(1, 1, before, "")}, attempt(2, after, ""), detected)
	for _, e := range d.Events {
		if e.Severity.AtLeast(terms.Medium) {
			t.Errorf("a rename raised %s (%s)", e.Kind, e.Severity)
		}
	}
	if len(d.Observations) == 0 {
		t.Fatal("nothing read after the rename")
	}
}
