package attr

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// Observe applies the rules of v that name src to doc, a snapshot's
// extraction, and returns one observation per (tier, attribute) the rules
// cover, ordered by the vendor's tier order, then DESIGN.md's attribute
// order.
//
// For each rule it selects the clauses whose heading path matches
// Rule.Clause (Clause.Matches) and, when Rule.Match is set, whose text
// matches it as a case-insensitive regular expression, and runs the reader
// of Rule.Attribute over them. No clause selected gives unknown ("no clause
// matches … in …"); clauses selected but nothing readable gives unknown
// with the reader's reason; a Match that does not compile or an attribute
// without a reader gives unknown naming the rule. Rules for sensitive-data
// are skipped: it is derived by Sensitive, not read from pages.
//
// Several rules for the same tier and attribute merge: retention maps by
// scope (the first rule's period wins a scope both state), sets are
// united, scalars take the first known reading; unknown only when every
// rule reads unknown (the reasons joined by "; ").
//
// Evidence: Source is src.ID, Snapshot snap.ID, SnapshotAt snap.FetchedAt,
// Clause the heading path of the clause read, Text its sentences joined
// by " ".
func Observe(v terms.Vendor, src terms.Source, doc terms.Document, snap terms.Snapshot) []terms.Observation {
	type key struct{ tier, attr string }
	var order []key
	got := map[key]terms.Observation{}
	lex := LexiconOf(v)
	for _, rule := range v.Rules {
		if rule.Source != src.ID || rule.Attribute == SensitiveData {
			continue
		}
		rd := readRule(lex, rule, src, doc)
		ev := terms.Evidence{Source: src.ID, Snapshot: snap.ID, SnapshotAt: snap.FetchedAt}
		if !rd.Value.Unknown {
			ev.Clause = rd.Clause.Heading()
			ev.Text = strings.Join(rd.Sentences, " ")
		}
		for _, tier := range rule.Tiers {
			k := key{tier, rule.Attribute}
			o := terms.Observation{Vendor: v.ID, Tier: tier, Attribute: rule.Attribute, Value: rd.Value, Evidence: ev}
			prev, seen := got[k]
			if !seen {
				order = append(order, k)
				got[k] = o
				continue
			}
			got[k] = mergeObservation(prev, o)
		}
	}

	tierRank := map[string]int{}
	for i, t := range v.Tiers {
		tierRank[t.ID] = i
	}
	attrRank := map[string]int{}
	for i, a := range terms.Attributes {
		attrRank[a] = i
	}
	rank := func(m map[string]int, s string) int {
		if r, ok := m[s]; ok {
			return r
		}
		return len(m)
	}
	sort.SliceStable(order, func(i, j int) bool {
		a, b := order[i], order[j]
		if ra, rb := rank(tierRank, a.tier), rank(tierRank, b.tier); ra != rb {
			return ra < rb
		}
		if a.tier != b.tier {
			return a.tier < b.tier
		}
		if ra, rb := rank(attrRank, a.attr), rank(attrRank, b.attr); ra != rb {
			return ra < rb
		}
		return a.attr < b.attr
	})
	out := make([]terms.Observation, 0, len(order))
	for _, k := range order {
		out = append(out, got[k])
	}
	return out
}

// readRule selects the clauses of doc that rule names and reads its
// attribute from them.
func readRule(lex *Lexicon, rule terms.Rule, src terms.Source, doc terms.Document) Reading {
	where := rule.File
	if rule.Line > 0 {
		where = fmt.Sprintf("%s:%d", rule.File, rule.Line)
	}
	reader := readerFor(rule.Attribute)
	if reader == nil {
		return Reading{Value: terms.UnknownValue(fmt.Sprintf("rule %s: no reader for attribute %q", where, rule.Attribute))}
	}
	var match *regexp.Regexp
	if rule.Match != "" {
		re, err := regexp.Compile("(?i)" + rule.Match)
		if err != nil {
			return Reading{Value: terms.UnknownValue(fmt.Sprintf("rule %s: match %q: %v", where, rule.Match, err))}
		}
		match = re
	}
	var sel []terms.Clause
	for _, c := range doc.Clauses {
		if c.Matches(rule.Clause) && (match == nil || match.MatchString(c.Text)) {
			sel = append(sel, c)
		}
	}
	if len(sel) == 0 {
		selector := fmt.Sprintf("%q", rule.Clause)
		if match != nil {
			selector += fmt.Sprintf(" with text matching %q", rule.Match)
		}
		return Reading{Value: terms.UnknownValue(fmt.Sprintf("no clause matches %s in %s", selector, src.ID))}
	}
	return reader(lex, sel)
}

// mergeObservation merges a later rule's observation b of the same tier
// and attribute into a: see Observe.
func mergeObservation(a, b terms.Observation) terms.Observation {
	switch {
	case b.Value.Unknown && a.Value.Unknown:
		if b.Value.Reason != a.Value.Reason {
			a.Value.Reason += "; " + b.Value.Reason
		}
		return a
	case b.Value.Unknown:
		return a
	case a.Value.Unknown:
		return b
	}
	switch {
	case a.Value.Map != nil && b.Value.Map != nil:
		m := maps.Clone(a.Value.Map)
		added := false
		for k, p := range b.Value.Map {
			if _, ok := m[k]; !ok {
				m[k] = p
				added = true
			}
		}
		a.Value = terms.MapOf(m)
		if added {
			a.Evidence.Text = joinText(a.Evidence.Text, b.Evidence.Text)
		}
	case a.Value.Set != nil && b.Value.Set != nil:
		u := terms.SetOf(append(slices.Clone(a.Value.Set), b.Value.Set...)...)
		if len(u.Set) > len(a.Value.Set) {
			a.Evidence.Text = joinText(a.Evidence.Text, b.Evidence.Text)
		}
		a.Value = u
	}
	return a
}

// joinText joins two evidence texts with a space, skipping a repeat.
func joinText(a, b string) string {
	switch {
	case b == "" || strings.Contains(a, b):
		return a
	case a == "":
		return b
	}
	return a + " " + b
}
