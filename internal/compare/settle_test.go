package compare

import (
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// TestDriftWaitsForEveryFeeder: a documented cell fed by two pages is
// compared with the baseline only once both have been read, and the page
// that completes it raises the drift even if the merged value was already
// in disagreement before.
func TestDriftWaitsForEveryFeeder(t *testing.T) {
	v := terms.Vendor{ID: "x", Tiers: []terms.Tier{{ID: "consumer"}, {ID: "team"}}, Rules: []terms.Rule{
		{Source: "a", Tiers: []string{"consumer"}, Attribute: "training"},
		{Source: "b", Tiers: []string{"consumer"}, Attribute: "training"},
		{Source: "c", Tiers: []string{"team"}, Attribute: "retention"},
	}}
	base := map[string]map[string]terms.Value{
		"consumer": {"training": terms.Scalar("never"), "sensitive-data": terms.Scalar("yes")},
		"team":     {"retention": terms.MapOf(map[string]string{"default": "30"})},
	}
	observed := map[string]map[string]terms.Value{
		"consumer": {"training": terms.Scalar("opt-out"), "sensitive-data": terms.Scalar("no")},
		"team":     {"retention": terms.MapOf(map[string]string{"default": "60"})},
	}
	agreeing := map[string]map[string]terms.Value{
		"consumer": {"training": terms.Scalar("never"), "sensitive-data": terms.Scalar("yes")},
		"team":     {"retention": terms.MapOf(map[string]string{"default": "30"})},
	}
	drifts := func(src string, read map[string]bool, before map[string]map[string]terms.Value) map[string]bool {
		evs := Events(Input{Vendor: v, Source: terms.Source{ID: src, Vendor: "x"}, After: terms.Snapshot{FetchedAt: time.Unix(0, 0)},
			Baseline: base, ReadBefore: read, ObservedBefore: before, ObservedAfter: observed, Now: time.Unix(0, 0)})
		got := map[string]bool{}
		for _, e := range evs {
			if e.Kind == terms.BaselineDrift {
				got[e.Tier+"/"+e.Attribute] = true
			}
		}
		return got
	}
	// c is read for the first time while b never was: every cell moves away
	// from the baseline, but consumer training and its derived
	// sensitive-data wait for b; team retention, which c alone feeds,
	// drifts now.
	got := drifts("c", map[string]bool{"a": true}, agreeing)
	if got["consumer/training"] || got["consumer/sensitive-data"] || !got["team/retention"] {
		t.Errorf("with b unread: drifts %v, want team/retention only", got)
	}
	// b completes consumer training: raised now, although the merged value
	// disagreed before too.
	got = drifts("b", map[string]bool{"a": true, "c": true}, observed)
	if !got["consumer/training"] || !got["consumer/sensitive-data"] {
		t.Errorf("b completing the cell: drifts %v, want consumer/training and sensitive-data", got)
	}
	// b read again with nothing changed: nothing raised again.
	if got = drifts("b", map[string]bool{"a": true, "b": true, "c": true}, observed); len(got) != 0 {
		t.Errorf("a later unchanged version raised %v", got)
	}
	// Without ReadBefore every source counts as read (and nothing changed).
	if got = drifts("b", nil, observed); len(got) != 0 {
		t.Errorf("nil ReadBefore raised %v", got)
	}
}
