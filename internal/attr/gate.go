package attr

import (
	"slices"
	"strings"

	"github.com/clausewatch/clausewatch/internal/terms"
	regexp "github.com/clausewatch/clausewatch/internal/wordre"
)

// This file makes reading cheap without changing what is read: before a
// reader runs, each sentence of its group is tried against the reader's
// gate, and a sentence the gate turns away is left out of the group. A
// gate turns a sentence away only when none of the patterns through which
// the reader could read anything from it can match: every match of a
// pattern holds certain words (wordre.Regexp.Words), and the sentence
// lacks them. So the gates follow the patterns as they are edited; what
// must be kept in step with the readers by hand is which patterns a
// reader's reading starts from (newGates), which TestGatesReadAsUngated
// checks on every evaluation case and corpus page.
//
// A gate looks at the sentence's gate text (gateTextOf): its normal form,
// its lead-in's and, for a table row, its row's. The readers read nothing
// else but through these (fragments, cells, the lead-in joined before an
// item, clauses cut out and replaced by a space), and none of them puts
// white space inside a word: every word of what they match is a word of
// the gate text.

// gates are the gates of the readers that have one, their words numbered
// in one dictionary so that a sentence is searched for each word once.
type gates struct {
	words []word         // the dictionary
	index map[word]int   // word → its number
	by    map[string]int // attribute → its gate's place in list
	list  []gate
}

// word is a word of a pattern and whether it is looked for in the folded
// text (wordre.Fold).
type word struct {
	text   string
	folded bool
}

// alt is one way a pattern may match: each of its sets of words has one
// in the text.
type alt [][]int

// trigger is what some patterns need to match: one of alts; always when
// nothing is known.
type trigger struct {
	alts   []alt
	always bool
}

// gate is when a reader may read something from a sentence: when one of
// any may match, or all of one of all do.
type gate struct {
	any []trigger
	all [][]trigger
}

// newGates builds the gates of the readers that have one, by attribute,
// from the patterns their readings start from. A reader without a gate
// reads every sentence.
func newGates(lex *Lexicon) *gates {
	gs := &gates{index: map[word]int{}, by: map[string]int{}}
	on := gs.triggerOf
	setWords := func(items []setItem) trigger {
		var res []*regexp.Regexp
		for _, it := range items {
			res = append(res, it.mention, it.assert, it.self)
		}
		return on(res...)
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
		// A row with a governing column, a role, access or controller
		// statement, or terms that govern data.
		{"data-processor", gate{
			any: []trigger{on(govCellRe, processorRowRe, pp.noAccess, pp.noShare, pp.roleAfter, roleRe, pp.elided, pp.onBehalf, controllerRe)},
			all: [][]trigger{{on(governRe), on(dataWordRe)}},
		}},
	} {
		gs.by[g.attribute] = len(gs.list)
		gs.list = append(gs.list, g.gate)
	}
	return gs
}

// triggerOf is what one of res needs to match, its words numbered.
func (gs *gates) triggerOf(res ...*regexp.Regexp) trigger {
	var t trigger
	for _, re := range res {
		if re == nil {
			continue
		}
		w, folded := re.Words()
		if w.Always {
			return trigger{always: true}
		}
		for _, a := range w.Alts {
			numbered := make(alt, len(a))
			for i, set := range a {
				for _, s := range set {
					numbered[i] = append(numbered[i], gs.number(word{s, folded}))
				}
			}
			t.alts = append(t.alts, numbered)
		}
	}
	return t
}

func (gs *gates) number(w word) int {
	if i, ok := gs.index[w]; ok {
		return i
	}
	gs.index[w] = len(gs.words)
	gs.words = append(gs.words, w)
	return len(gs.words) - 1
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

// sentenceWords tells which words of the dictionary a sentence's gate
// text holds, each looked for once; it is reused from one sentence to the
// next.
type sentenceWords struct {
	gs          *gates
	raw, folded string
	seen        []uint8 // by word: 0 not looked for yet, 1 held, 2 not held
}

func (gs *gates) sentenceWords() *sentenceWords {
	return &sentenceWords{gs: gs, seen: make([]uint8, len(gs.words))}
}

func (sw *sentenceWords) holds(i int) bool {
	switch sw.seen[i] {
	case 1:
		return true
	case 2:
		return false
	}
	w := sw.gs.words[i]
	g := sw.raw
	if w.folded {
		g = sw.folded
	}
	if strings.Contains(g, w.text) {
		sw.seen[i] = 1
		return true
	}
	sw.seen[i] = 2
	return false
}

func (sw *sentenceWords) may(t trigger) bool {
	return t.always || slices.ContainsFunc(t.alts, func(a alt) bool {
		return !slices.ContainsFunc(a, func(set []int) bool { return !slices.ContainsFunc(set, sw.holds) })
	})
}

// passing returns, for every gate of gs in order, whether sentence s
// passes it, as bits; prev is the sentence before it in its clause (nil
// when none), which the readers may read it with.
func (sw *sentenceWords) passing(s sentence, prev *sentence) uint64 {
	sw.raw = gateTextOf(s)
	if prev != nil {
		sw.raw += "\n" + prev.norm
	}
	sw.folded = regexp.Fold(sw.raw)
	clear(sw.seen)
	var bits uint64
	for i, gt := range sw.gs.list {
		if slices.ContainsFunc(gt.any, sw.may) || slices.ContainsFunc(gt.all, func(ts []trigger) bool {
			return !slices.ContainsFunc(ts, func(t trigger) bool { return !sw.may(t) })
		}) {
			bits |= 1 << i
		}
	}
	return bits
}

// gateTextOf is the text the gates look at for sentence s: its normal
// form, its lead-in's and, for a table row, the row's, joined by line
// breaks.
func gateTextOf(s sentence) string {
	g := s.norm
	if s.leadIn != "" {
		g += "\n" + normalize(s.leadIn)
	}
	if s.clause.Kind == terms.KindTableRow {
		g += "\n" + normalize(s.clause.Text)
	}
	return g
}
