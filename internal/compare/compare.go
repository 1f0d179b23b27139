// Package compare turns one new version of a source into change events: it
// compares the source's observations before and after (value-changed,
// evidence-lost), the clauses that feed attributes (clause-changed), the
// rest of the text (document-changed) and the vendor's merged observations
// with the documented baseline (baseline-drift), and grades each event
// (Severity). It is pure: no I/O, no clock; everything comes in Input.
package compare

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// Input is everything Events needs about one new version of one source.
type Input struct {
	Vendor terms.Vendor
	Source terms.Source
	// Before is the previous version of the source (nil on the first
	// observation); After is the new one.
	Before *terms.Snapshot
	After  terms.Snapshot
	// Prev and Next are this source's observations at Before and After.
	Prev, Next []terms.Observation
	// PrevClauses and NextClauses map a clause heading (Clause.Heading) to
	// the clause, at Before and After. Clauses that an observation cites as
	// evidence are compared for clause-changed, every other clause for
	// document-changed. Either may be nil (then evidence text is compared
	// and no document-changed is raised).
	PrevClauses, NextClauses map[string]terms.Clause
	// Baseline is the documented value per tier -> attribute (may be nil).
	Baseline map[string]map[string]terms.Value
	// ReadBefore is the set of the vendor's sources read at least once
	// before this version. A documented cell is compared with the baseline
	// only once every source that feeds it (Vendor.Rules) has been read, so
	// that a first run over a vendor's pages does not raise a drift for a
	// value it has only half read; the version that completes a cell compares
	// it as if for the first time. nil: every source counts as read.
	ReadBefore map[string]bool
	// ObservedBefore and ObservedAfter are the vendor's merged observed
	// values (see Merge) across all its sources, before and after this
	// version.
	ObservedBefore, ObservedAfter map[string]map[string]terms.Value
	// Now is the detection time stamped on every event.
	Now time.Time
}

// key is one tier × attribute cell.
type key struct{ tier, attribute string }

// cell is what one source says about a cell: the value merged over its
// observations and the evidence of the observation that gave it.
type cell struct {
	value    terms.Value
	evidence terms.Evidence
	cited    []string // every clause heading cited for the cell
}

// Events compares one new version of a source with the previous one and
// with the baseline and returns the change events, sorted by severity
// (critical first), then tier (the vendor's order), attribute
// (terms.Attributes order) and kind. Rules:
//   - value-changed: a tier × attribute has known values before and after
//     that differ;
//   - evidence-found: a known value after an unknown one, or in a cell this
//     source did not state before (not on a source's first version);
//   - evidence-lost: a known value before, and after it is unknown or no
//     longer observed at all (the reason goes to Detail);
//   - clause-changed: the value stayed the same but the Canonical text of
//     the clause it was read from changed; one event per clause, for the
//     first tier × attribute it feeds, Detail listing all of them;
//   - document-changed: other clauses were reworded, added or removed
//     (needs Before and clause maps; one event, Detail summarises);
//   - drift-resolved: ObservedAfter agrees with the documented value again
//     after ObservedBefore contradicted it (a drift is a state: one open
//     drift per cell, replaced when the observed value moves, closed here);
//   - baseline-drift: ObservedAfter differs from a documented value that
//     is not "unspecified" and the observed value is known, and either
//     ObservedBefore agreed with the baseline or ObservedAfter differs
//     from ObservedBefore (raised when drift starts, again only when the
//     observed value changes).
//
// Events have no ID (the store assigns it).
func Events(in Input) []terms.Event {
	prev, next := cells(in.Prev), cells(in.Next)
	var evs []terms.Event
	evs = append(evs, valueEvents(in, prev, next)...)
	evs = append(evs, clauseEvents(in, prev, next)...)
	if ev, ok := documentEvent(in, prev, next); ok {
		evs = append(evs, ev)
	}
	evs = append(evs, driftEvents(in, next)...)
	sortEvents(in.Vendor, evs)
	groupChanges(evs)
	return evs
}

// groupChanges gives the events one sentence edit caused a shared Change
// key: the events whose new (or, when gone, old) sentence is the same, when
// more than one event shares it. The store turns the key into a change id.
func groupChanges(evs []terms.Event) {
	sentence := func(e terms.Event) string {
		for _, s := range []*terms.Side{e.After, e.Before} {
			if s != nil && s.Text != "" {
				return s.Clause + "\x00" + s.Text
			}
		}
		return ""
	}
	count := map[string]int{}
	for _, e := range evs {
		if k := sentence(e); k != "" && e.Kind != terms.DocumentChanged {
			count[k]++
		}
	}
	for i := range evs {
		if k := sentence(evs[i]); count[k] > 1 && evs[i].Kind != terms.DocumentChanged {
			evs[i].Change = evs[i].Source + "\x00" + k
		}
	}
}

// cells groups one source's observations by tier × attribute, merged by
// the table's one rule (see Build).
func cells(obs []terms.Observation) map[key]*cell {
	out := map[key]*cell{}
	for _, c := range merged(terms.Vendor{}, obs).Cells {
		if c.Observed == nil {
			continue
		}
		x := &cell{value: *c.Observed, evidence: *c.Evidence}
		for _, o := range c.Statements {
			if o.Evidence.Clause != "" && !slices.Contains(x.cited, o.Evidence.Clause) {
				x.cited = append(x.cited, o.Evidence.Clause)
			}
		}
		out[key{c.Tier, c.Attribute}] = x
	}
	return out
}

func (in Input) vendorID() string {
	if in.Vendor.ID != "" {
		return in.Vendor.ID
	}
	return in.Source.Vendor
}

// event fills the fields every event of Input shares.
func (in Input) event(kind string, k key, old, new *terms.Value) terms.Event {
	ev := terms.Event{
		Kind:       kind,
		Vendor:     in.vendorID(),
		Tier:       k.tier,
		Attribute:  k.attribute,
		Old:        old,
		New:        new,
		Source:     in.Source.ID,
		SnapshotAt: in.After.FetchedAt,
		DetectedAt: in.Now,
	}
	var o, n terms.Value
	if old != nil {
		o = *old
	}
	if new != nil {
		n = *new
	}
	ev.Severity = Severity(kind, k.attribute, o, n)
	return ev
}

func (in Input) beforeSide(c *cell) *terms.Side {
	s := &terms.Side{}
	if in.Before != nil {
		s.Snapshot = in.Before.ID
	}
	if c != nil {
		if s.Snapshot == 0 {
			s.Snapshot = c.evidence.Snapshot
		}
		s.Clause, s.Text = c.evidence.Clause, c.evidence.Text
	}
	return s
}

func (in Input) afterSide(c *cell) *terms.Side {
	s := &terms.Side{Snapshot: in.After.ID}
	if c != nil {
		if s.Snapshot == 0 {
			s.Snapshot = c.evidence.Snapshot
		}
		s.Clause, s.Text = c.evidence.Clause, c.evidence.Text
	}
	return s
}

func ptr(v terms.Value) *terms.Value { return &v }

func valueEvents(in Input, prev, next map[key]*cell) []terms.Event {
	var evs []terms.Event
	for _, k := range unionKeys(prev, next) {
		p, hadP := prev[k]
		n, hadN := next[k]
		switch {
		case hadP && !p.value.Unknown && (!hadN || n.value.Unknown):
			lost := terms.UnknownValue("no longer observed in this source")
			var after *cell
			if hadN {
				lost, after = n.value, n
			}
			ev := in.event(terms.EvidenceLost, k, ptr(p.value), ptr(lost))
			ev.Before, ev.After = in.beforeSide(p), in.afterSide(after)
			ev.Detail = lost.Reason
			evs = append(evs, ev)
		case hadP && hadN && !n.value.Unknown && !p.value.Unknown && !p.value.Equal(n.value):
			ev := in.event(terms.ValueChanged, k, ptr(p.value), ptr(n.value))
			ev.Before, ev.After = in.beforeSide(p), in.afterSide(n)
			evs = append(evs, ev)
		case hadN && !n.value.Unknown && (!hadP || p.value.Unknown) && in.Before != nil:
			// A value read again, or for the first time, in a later version:
			// news, not a change of terms.
			var old *terms.Value
			var before *cell
			if hadP {
				old, before = ptr(p.value), p
			}
			ev := in.event(terms.EvidenceFound, k, old, ptr(n.value))
			ev.Before, ev.After = in.beforeSide(before), in.afterSide(n)
			evs = append(evs, ev)
		}
	}
	return evs
}

// clauseText is the text of the clause at heading, or the evidence text
// when the clause map does not have it.
func clauseText(clauses map[string]terms.Clause, heading, fallback string) string {
	if c, ok := clauses[heading]; ok {
		return c.Text
	}
	return fallback
}

func clauseEvents(in Input, prev, next map[key]*cell) []terms.Event {
	type pair struct{ before, after string }
	var (
		order  []pair
		groups = map[pair][]key{}
		first  = map[pair][2]*cell{}
	)
	for _, k := range unionKeys(prev, next) {
		p, n := prev[k], next[k]
		if p == nil || n == nil || p.value.Unknown || n.value.Unknown || !p.value.Equal(n.value) {
			continue
		}
		tp := clauseText(in.PrevClauses, p.evidence.Clause, p.evidence.Text)
		tn := clauseText(in.NextClauses, n.evidence.Clause, n.evidence.Text)
		if sameCanonical(tp, tn) {
			continue
		}
		pr := pair{p.evidence.Clause, n.evidence.Clause}
		if _, ok := groups[pr]; !ok {
			order = append(order, pr)
			first[pr] = [2]*cell{p, n}
		}
		groups[pr] = append(groups[pr], k)
	}
	var evs []terms.Event
	for _, pr := range order {
		ks := groups[pr]
		sortKeys(in.Vendor, ks)
		ev := in.event(terms.ClauseChanged, ks[0], nil, nil)
		c := first[pr]
		ev.Before, ev.After = in.beforeSide(c[0]), in.afterSide(c[1])
		ev.Before.Text = clauseText(in.PrevClauses, pr.before, c[0].evidence.Text)
		ev.After.Text = clauseText(in.NextClauses, pr.after, c[1].evidence.Text)
		ev.Detail = "reworded, value unchanged; feeds " + describeKeys(ks)
		evs = append(evs, ev)
	}
	return evs
}

// sameCanonical reports whether two clause texts are the same once
// canonical; equal texts (most clauses of a new version) are never run
// through Canonical's expressions.
func sameCanonical(a, b string) bool {
	return a == b || Canonical(a) == Canonical(b)
}

// describeKeys lists cells as "training (team, api); retention (api)".
func describeKeys(ks []key) string {
	var attrs []string
	tiers := map[string][]string{}
	for _, k := range ks {
		if _, ok := tiers[k.attribute]; !ok {
			attrs = append(attrs, k.attribute)
		}
		tiers[k.attribute] = append(tiers[k.attribute], k.tier)
	}
	parts := make([]string, len(attrs))
	for i, a := range attrs {
		parts[i] = fmt.Sprintf("%s (%s)", a, strings.Join(tiers[a], ", "))
	}
	return strings.Join(parts, "; ")
}

func documentEvent(in Input, prev, next map[key]*cell) (terms.Event, bool) {
	if in.Before == nil || (in.PrevClauses == nil && in.NextClauses == nil) {
		return terms.Event{}, false
	}
	cited := map[string]bool{}
	for _, cs := range []map[key]*cell{prev, next} {
		for _, c := range cs {
			for _, h := range c.cited {
				cited[h] = true
			}
		}
	}
	var changed, added, removed []string
	for _, h := range sortedHeadings(in.PrevClauses, in.NextClauses) {
		if cited[h] {
			continue
		}
		p, hadP := in.PrevClauses[h]
		n, hadN := in.NextClauses[h]
		switch {
		case !hadP:
			added = append(added, h)
		case !hadN:
			removed = append(removed, h)
		case !sameCanonical(p.Text, n.Text):
			changed = append(changed, h)
		}
	}
	if len(changed)+len(added)+len(removed) == 0 {
		return terms.Event{}, false
	}
	ev := in.event(terms.DocumentChanged, key{}, nil, nil)
	ev.Before, ev.After = in.beforeSide(nil), in.afterSide(nil)
	var parts []string
	for _, g := range []struct {
		what string
		hs   []string
	}{{"reworded", changed}, {"added", added}, {"removed", removed}} {
		if len(g.hs) == 0 {
			continue
		}
		list := g.hs
		more := ""
		if len(list) > 5 {
			list, more = list[:5], fmt.Sprintf(" and %d more", len(g.hs)-5)
		}
		parts = append(parts, fmt.Sprintf("%d %s: %s%s", len(g.hs), g.what, strings.Join(list, "; "), more))
	}
	ev.Detail = "other clauses changed: " + strings.Join(parts, " | ")
	return ev, true
}

func sortedHeadings(a, b map[string]terms.Clause) []string {
	var hs []string
	for h := range a {
		hs = append(hs, h)
	}
	for h := range b {
		if _, ok := a[h]; !ok {
			hs = append(hs, h)
		}
	}
	slices.Sort(hs)
	return hs
}

func driftEvents(in Input, next map[key]*cell) []terms.Event {
	var ks []key
	for tier, attrs := range in.ObservedAfter {
		for a := range attrs {
			ks = append(ks, key{tier, a})
		}
	}
	sortKeys(in.Vendor, ks)
	var evs []terms.Event
	for _, k := range ks {
		if ev, ok := in.driftEvent(k, next); ok {
			evs = append(evs, ev)
		}
	}
	return evs
}

// driftEvent holds cell k against the baseline: baseline-drift when the
// pages start contradicting the guide or move while they do, drift-resolved
// when they agree again.
func (in Input) driftEvent(k key, next map[key]*cell) (terms.Event, bool) {
	base, ok := in.Baseline[k.tier][k.attribute]
	if !ok || base.Unknown || base.IsZero() || terms.IsUnspecified(base) || !in.settled(k) {
		return terms.Event{}, false
	}
	after := in.ObservedAfter[k.tier][k.attribute]
	if after.Unknown || after.IsZero() {
		return terms.Event{}, false
	}
	before, hadBefore := in.ObservedBefore[k.tier][k.attribute]
	wasDrift := hadBefore && !in.justSettled(k) && !before.Unknown && Contradicts(k.attribute, base, before)
	var ev terms.Event
	switch {
	case !Contradicts(k.attribute, base, after):
		if !wasDrift {
			return terms.Event{}, false
		}
		ev = in.event(terms.DriftResolved, k, ptr(base), ptr(after))
		ev.Detail = fmt.Sprintf("documented %s, observed %s again", base, after)
	case wasDrift && before.Equal(after):
		return terms.Event{}, false // drift already reported and unchanged
	default:
		ev = in.event(terms.BaselineDrift, k, ptr(base), ptr(after))
		ev.Detail = fmt.Sprintf("documented %s, observed %s", base, after)
	}
	if c, ok := next[k]; ok && !c.value.Unknown {
		ev.After = in.afterSide(c)
	}
	return ev, true
}

func unionKeys(a, b map[key]*cell) []key {
	var ks []key
	for k := range a {
		ks = append(ks, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			ks = append(ks, k)
		}
	}
	slices.SortFunc(ks, func(x, y key) int {
		return cmpKey(nil, x, y)
	})
	return ks
}

// tierIndex is the position of tier in the vendor's declared tiers;
// undeclared tiers come after, and the empty tier (document events) last.
func tierIndex(v *terms.Vendor, tier string) int {
	if tier == "" {
		return 1 << 30
	}
	if v != nil {
		for i, t := range v.Tiers {
			if t.ID == tier {
				return i
			}
		}
		return len(v.Tiers)
	}
	return 0
}

func cmpKey(v *terms.Vendor, x, y key) int {
	if d := tierIndex(v, x.tier) - tierIndex(v, y.tier); d != 0 {
		return d
	}
	if x.tier != y.tier {
		return strings.Compare(x.tier, y.tier)
	}
	if d := terms.AttributeIndex(x.attribute) - terms.AttributeIndex(y.attribute); d != 0 {
		return d
	}
	return strings.Compare(x.attribute, y.attribute)
}

func sortKeys(v terms.Vendor, ks []key) {
	slices.SortFunc(ks, func(x, y key) int { return cmpKey(&v, x, y) })
}

func sortEvents(v terms.Vendor, evs []terms.Event) {
	// kind breaks ties between events of one severity and cell.
	kinds := []string{terms.ValueChanged, terms.EvidenceLost, terms.BaselineDrift, terms.DriftResolved, terms.EvidenceFound, terms.ClauseChanged, terms.DocumentChanged}
	kind := func(k string) int {
		if i := slices.Index(kinds, k); i >= 0 {
			return i
		}
		return len(kinds)
	}
	side := func(s *terms.Side) string {
		if s == nil {
			return ""
		}
		return s.Clause
	}
	slices.SortStableFunc(evs, func(a, b terms.Event) int {
		if d := a.Severity.Rank() - b.Severity.Rank(); d != 0 {
			return d
		}
		if d := cmpKey(&v, key{a.Tier, a.Attribute}, key{b.Tier, b.Attribute}); d != 0 {
			return d
		}
		if d := kind(a.Kind) - kind(b.Kind); d != 0 {
			return d
		}
		return strings.Compare(side(a.After), side(b.After))
	})
}
