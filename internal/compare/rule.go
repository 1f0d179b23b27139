package compare

import (
	"time"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// ExtractionRuleEvent is the rule-changed event of a stored snapshot whose
// extraction changed under today's declarations (summary says how).
func ExtractionRuleEvent(src terms.Source, s terms.Snapshot, summary string, now time.Time) terms.Event {
	return terms.Event{Kind: terms.RuleChanged, Severity: Severity(terms.RuleChanged, "", terms.Value{}, terms.Value{}),
		Vendor: src.Vendor, Source: src.ID, SnapshotAt: s.FetchedAt, DetectedAt: now,
		Detail: "extraction changed: " + summary,
		Before: &terms.Side{Snapshot: s.ID}, After: &terms.Side{Snapshot: s.ID}}
}

// RuleEvents compares the stored observations of version s with what
// today's readers and declarations read from it: one rule-changed event per
// cell whose value differs, is new, or is no longer read. They are changes
// of our rules, never of the vendor's terms.
func RuleEvents(src terms.Source, s terms.Snapshot, stored, next []terms.Observation, now time.Time) []terms.Event {
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
		ev := terms.Event{Kind: terms.RuleChanged, Severity: Severity(terms.RuleChanged, "", terms.Value{}, terms.Value{}), Vendor: n.Vendor, Tier: n.Tier, Attribute: n.Attribute,
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
		ov, gone := o.Value, terms.UnknownValue("today's readers and declarations no longer read it")
		evs = append(evs, terms.Event{Kind: terms.RuleChanged, Severity: Severity(terms.RuleChanged, "", terms.Value{}, terms.Value{}), Vendor: o.Vendor, Tier: o.Tier,
			Attribute: o.Attribute, Source: src.ID, SnapshotAt: s.FetchedAt, DetectedAt: now, Old: &ov, New: &gone,
			Before: &terms.Side{Snapshot: s.ID, Clause: o.Evidence.Clause, Text: o.Evidence.Text}, Detail: gone.Reason})
	}
	return evs
}
