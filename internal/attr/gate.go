package attr

import (
	"slices"

	"github.com/clausewatch/clausewatch/internal/terms"
	regexp "github.com/clausewatch/clausewatch/internal/wordre"
)

// This file makes reading cheap without changing what is read: before a
// reader runs, each sentence of its group is tried against the reader's
// gate, and a sentence the gate turns away is left out of the group. A
// gate turns a sentence away only when none of the patterns through which
// the reader could read anything from it can match: every match of those
// patterns holds certain words (found from the patterns themselves, see
// triggerOf), and the sentence lacks them. So the gates follow the
// patterns as they are edited; what must be kept in step with the readers
// by hand is which patterns a reader's reading starts from (newGates),
// which TestGatesReadAsUngated checks on every evaluation case and corpus
// page.
//
// A gate looks at the sentence's gate text (gateTextOf): its normal form,
// its lead-in's and, for a table row, its row's, folded. The readers read
// nothing else but through these (fragments, cells, the lead-in joined
// before an item, clauses cut out and replaced by a space), and none of
// them puts white space inside a word: every word of what they match is a
// word of the gate text.

// trigger is what a set of patterns needs of a text to match in it: one
// of them may match (see wordre.Regexp.Words).
type trigger []*regexp.Regexp

// may reports whether a pattern of t may match in gate text g.
func (t trigger) may(g gateText) bool {
	for _, re := range t {
		if re == nil {
			continue
		}
		w, folded := re.Words()
		if w.Holds(g.of(folded)) {
			return true
		}
	}
	return false
}

// gate is when a reader may read something from a sentence: when one of
// any may match, or all of one of all's sets do.
type gate struct {
	any []trigger
	all [][]trigger
}

func (gt *gate) passes(g gateText) bool {
	if slices.ContainsFunc(gt.any, func(t trigger) bool { return t.may(g) }) {
		return true
	}
	return slices.ContainsFunc(gt.all, func(ts []trigger) bool {
		return !slices.ContainsFunc(ts, func(t trigger) bool { return !t.may(g) })
	})
}

// gates are the gates of the readers that have one.
type gates struct {
	by   map[string]int // attribute → its gate's place in list
	list []*gate
}

// newGates builds the gates of the readers that have one, by attribute,
// from the patterns their readings start from. A reader without a gate
// reads every sentence.
func newGates(lex *Lexicon) *gates {
	gs := &gates{by: map[string]int{}}
	on := func(res ...*regexp.Regexp) trigger { return res }
	setWords := func(items []setItem) trigger {
		var t trigger
		for _, it := range items {
			t = append(t, it.mention, it.assert, it.self)
		}
		return t
	}
	pp := lex.proc
	for _, g := range []struct {
		attribute string
		gate      gate
	}{
		// periodFacts finds nothing (in the sentence with its lead-in, or
		// in a row's cells): no statement.
		{"retention", gate{any: []trigger{on(durationRe, accountLifetimeRe, untilDeletedRe, configurableRe, noneRe)}}},
		// A fragment or a cell speaks of a member only when it mentions or
		// asserts it (readItem, readLabel).
		{"security", gate{any: []trigger{setWords(securityItems)}}},
		{"rights", gate{any: []trigger{setWords(rightsItems)}}},
		// A row with an ownership column, or a sentence that names outputs
		// and an ownership word.
		{"output-ownership", gate{
			any: []trigger{on(ownColumnRe)},
			all: [][]trigger{{on(outputRe), on(ownershipWordRe)}},
		}},
		// A row with a governing column, a role or access statement, or
		// terms that govern data.
		{"data-processor", gate{
			any: []trigger{on(govCellRe, processorRowRe, pp.noAccess, pp.noShare, pp.roleAfter, roleRe, pp.elided, pp.onBehalf)},
			all: [][]trigger{{on(governRe), on(dataWordRe)}},
		}},
	} {
		gs.by[g.attribute] = len(gs.list)
		gs.list = append(gs.list, &g.gate)
	}
	return gs
}

// bit is the bit of attribute's gate in what passing returns, 0 when its
// reader has none.
func (gs *gates) bit(attribute string) uint64 {
	if gs == nil {
		return 0
	}
	if i, ok := gs.by[attribute]; ok {
		return 1 << i
	}
	return 0
}

// passing returns, for every gate of gs in order, whether the sentence
// of gate text g passes it, as bits.
func (gs *gates) passing(g gateText) uint64 {
	var bits uint64
	for i, gt := range gs.list {
		if gt.passes(g) {
			bits |= 1 << i
		}
	}
	return bits
}

// gateText is a sentence's text as the gates look at it: as written and
// folded (wordre.Fold).
type gateText struct{ raw, folded string }

func (g gateText) of(folded bool) string {
	if folded {
		return g.folded
	}
	return g.raw
}

// gateTextOf is the text the gates look at for sentence s: its normal
// form, its lead-in's and, for a table row, the row's, joined by line
// breaks.
func gateTextOf(s sentence) gateText {
	g := s.norm
	if s.leadIn != "" {
		g += "\n" + normalize(s.leadIn)
	}
	if s.clause.Kind == terms.KindTableRow {
		g += "\n" + normalize(s.clause.Text)
	}
	return gateText{g, regexp.Fold(g)}
}
