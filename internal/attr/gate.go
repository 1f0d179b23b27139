package attr

import (
	"cmp"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/clausewatch/clausewatch/internal/terms"
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

// conj is a condition on a text: each of its sets has a word in the text.
// Words are numbered in the gates' dictionary.
type conj [][]int

// trigger is a necessary condition for some patterns to match a text: one
// of alts holds. always is set when nothing is known.
type trigger struct {
	alts   []conj
	always bool
}

// gate is when a reader may read something from a sentence: when one of
// any may match, or all of one of all's sets do.
type gate struct {
	any []trigger
	all [][]trigger
}

// gates are the gates of the readers that have one, over one dictionary
// of words.
type gates struct {
	words []string       // the dictionary: folded, without white space
	index map[string]int // word → its number
	by    map[string]int // attribute → its gate's place in list
	list  []*gate        // the gates
}

// wordsIn tells which words of a dictionary a gate text holds, each word
// looked for once.
type wordsIn struct {
	g     string
	words []string
	seen  []uint8 // 0 not looked for, 1 held, 2 not held
}

func (w *wordsIn) reset(g string) {
	w.g = g
	clear(w.seen)
}

func (w *wordsIn) holds(i int) bool {
	switch w.seen[i] {
	case 1:
		return true
	case 2:
		return false
	}
	if strings.Contains(w.g, w.words[i]) {
		w.seen[i] = 1
		return true
	}
	w.seen[i] = 2
	return false
}

func (c conj) holds(w *wordsIn) bool {
	for _, set := range c {
		if !slices.ContainsFunc(set, w.holds) {
			return false
		}
	}
	return true
}

func (t trigger) may(w *wordsIn) bool {
	return t.always || slices.ContainsFunc(t.alts, func(c conj) bool { return c.holds(w) })
}

func (gt *gate) passes(w *wordsIn) bool {
	if slices.ContainsFunc(gt.any, func(t trigger) bool { return t.may(w) }) {
		return true
	}
	return slices.ContainsFunc(gt.all, func(ts []trigger) bool {
		return !slices.ContainsFunc(ts, func(t trigger) bool { return !t.may(w) })
	})
}

// newGates builds the gates of the readers that have one, by attribute,
// from the patterns their readings start from. A reader without a gate
// reads every sentence.
func newGates(lex *Lexicon) *gates {
	gs := &gates{index: map[string]int{}, by: map[string]int{}}
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

// passing returns, for every gate of gs in order, whether sentence gate
// text g passes it, as bits.
func (gs *gates) passing(w *wordsIn, g string) uint64 {
	w.reset(g)
	var bits uint64
	for i, gt := range gs.list {
		if gt.passes(w) {
			bits |= 1 << i
		}
	}
	return bits
}

func (gs *gates) wordsIn() *wordsIn {
	return &wordsIn{words: gs.words, seen: make([]uint8, len(gs.words))}
}

// gateTextOf is the text the gates look at for sentence s: its normal
// form, its lead-in's and, for a table row, the row's, folded and joined
// by line breaks.
func gateTextOf(s sentence) string {
	g := s.norm
	if s.leadIn != "" {
		g += "\n" + normalize(s.leadIn)
	}
	if s.clause.Kind == terms.KindTableRow {
		g += "\n" + normalize(s.clause.Text)
	}
	return foldText(g)
}

// Bounds of the analysis of a pattern.
const (
	maxExact    = 16 // strings a part is tracked as matching exactly
	maxBranches = 256 // branches a pattern is read as
	maxSets     = 3  // sets of words kept of a sequence
)

// triggerOf is the trigger of res: what one of them needs in order to
// match some text (or a text that folds to the same, see foldRune). Each
// pattern is read as its branches (alternatives, with the sequences around
// them distributed), each branch as the words every match of it holds.
func (gs *gates) triggerOf(res ...*regexp.Regexp) trigger {
	var t trigger
	for _, re := range res {
		if re == nil {
			continue
		}
		n, err := syntax.Parse(re.String(), syntax.Perl)
		if err != nil {
			return trigger{always: true}
		}
		for _, b := range branches(n.Simplify()) {
			sets := toSets(analyze(b))
			if len(sets) == 0 {
				return trigger{always: true}
			}
			c := make(conj, len(sets))
			for i, set := range sets {
				for _, w := range set {
					c[i] = append(c[i], gs.word(w))
				}
			}
			t.alts = append(t.alts, c)
		}
	}
	t.alts = gs.weakest(t.alts)
	return t
}

// weakest drops the alternatives that imply another (a text that meets
// them meets the other): the trigger holds as often without them.
func (gs *gates) weakest(alts []conj) []conj {
	// set a implies set b when each word of a holds a word of b.
	implies := func(a, b []int) bool {
		return !slices.ContainsFunc(a, func(wa int) bool {
			return !slices.ContainsFunc(b, func(wb int) bool { return strings.Contains(gs.words[wa], gs.words[wb]) })
		})
	}
	// conj x implies conj y when every set of y is implied by one of x.
	conjImplies := func(x, y conj) bool {
		return !slices.ContainsFunc(y, func(sy []int) bool {
			return !slices.ContainsFunc(x, func(sx []int) bool { return implies(sx, sy) })
		})
	}
	var out []conj
	for i, x := range alts {
		redundant := false
		for j, y := range alts {
			if i != j && conjImplies(x, y) && (!conjImplies(y, x) || j < i) {
				redundant = true
				break
			}
		}
		if !redundant {
			out = append(out, x)
		}
	}
	return out
}

func (gs *gates) word(w string) int {
	if i, ok := gs.index[w]; ok {
		return i
	}
	gs.index[w] = len(gs.words)
	gs.words = append(gs.words, w)
	return len(gs.words) - 1
}

// branches reads n as alternatives: an alternation as its branches, a
// sequence holding alternations as one sequence per choice (while they are
// few), anything else as itself.
func branches(n *syntax.Regexp) []*syntax.Regexp {
	switch n.Op {
	case syntax.OpCapture:
		return branches(n.Sub[0])
	case syntax.OpAlternate:
		// Each alternative as its branches; while they are too many, the
		// one with most as itself.
		bs := make([][]*syntax.Regexp, len(n.Sub))
		total := 0
		for i, s := range n.Sub {
			bs[i] = branches(s)
			total += len(bs[i])
		}
		for total > maxBranches {
			i := 0
			for j := range bs {
				if len(bs[j]) > len(bs[i]) {
					i = j
				}
			}
			if len(bs[i]) == 1 {
				return []*syntax.Regexp{n}
			}
			total -= len(bs[i]) - 1
			bs[i] = []*syntax.Regexp{n.Sub[i]}
		}
		var out []*syntax.Regexp
		for _, b := range bs {
			out = append(out, b...)
		}
		return out
	case syntax.OpConcat:
		seqs := [][]*syntax.Regexp{nil}
		for _, s := range n.Sub {
			bs := branches(s)
			if len(seqs)*len(bs) > maxBranches {
				return []*syntax.Regexp{n}
			}
			var next [][]*syntax.Regexp
			for _, q := range seqs {
				for _, b := range bs {
					next = append(next, append(slices.Clip(q), b))
				}
			}
			seqs = next
		}
		out := make([]*syntax.Regexp, len(seqs))
		for i, q := range seqs {
			out[i] = &syntax.Regexp{Op: syntax.OpConcat, Sub: q}
		}
		return out
	}
	return []*syntax.Regexp{n}
}

// info is what a pattern part needs of what it matches: when exact, the
// folded strings it can match, all of them; otherwise sets of words, each
// of which has a word in every match (none: nothing is known; an empty
// set: it matches nothing).
type info struct {
	exact   []string
	isExact bool
	sets    [][]string
}

func exactly(ss ...string) info { return info{exact: ss, isExact: true} }

var anything = info{}

func analyze(n *syntax.Regexp) info {
	switch n.Op {
	case syntax.OpNoMatch:
		return exactly()
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return exactly("")
	case syntax.OpLiteral:
		var b strings.Builder
		for _, r := range n.Rune {
			b.WriteRune(foldRune(r))
		}
		return exactly(b.String())
	case syntax.OpCharClass:
		total := 0
		for i := 0; i+1 < len(n.Rune); i += 2 {
			total += int(n.Rune[i+1]-n.Rune[i]) + 1
			if total > 2*maxExact {
				return anything
			}
		}
		var ss []string
		for i := 0; i+1 < len(n.Rune); i += 2 {
			for r := n.Rune[i]; r <= n.Rune[i+1]; r++ {
				ss = union(ss, string(foldRune(r)))
			}
		}
		if len(ss) > 4 {
			return anything
		}
		return exactly(ss...)
	case syntax.OpCapture:
		return analyze(n.Sub[0])
	case syntax.OpQuest:
		if x := analyze(n.Sub[0]); x.isExact && len(x.exact) < maxExact {
			return exactly(union(x.exact, "")...)
		}
		return anything
	case syntax.OpPlus:
		return info{sets: toSets(analyze(n.Sub[0]))}
	case syntax.OpRepeat: // Simplify leaves none; read as its least repetition
		if n.Min == 0 {
			return anything
		}
		return info{sets: toSets(analyze(n.Sub[0]))}
	case syntax.OpConcat:
		return concat(n.Sub)
	case syntax.OpAlternate:
		xs := make([]info, len(n.Sub))
		exact := true
		var all []string
		for i, s := range n.Sub {
			xs[i] = analyze(s)
			if exact && xs[i].isExact {
				all = union(all, xs[i].exact...)
			} else {
				exact = false
			}
		}
		if exact && len(all) <= maxExact {
			return exactly(all...)
		}
		// Some word of the best set of each branch.
		var set []string
		for _, x := range xs {
			sets := toSets(x)
			if len(sets) == 0 {
				return anything
			}
			set = union(set, sets[0]...)
		}
		return info{sets: [][]string{minimal(set)}}
	}
	return anything // OpStar, OpAnyChar, OpAnyCharNotNL
}

// concat is the info of a sequence of parts: the exact strings it matches
// while they stay few, else the sets of words of its stretches.
func concat(subs []*syntax.Regexp) info {
	run := []string{""} // the exact strings of the current stretch
	var sets [][]string
	inexact := false
	for _, s := range flat(subs) {
		x := analyze(s)
		switch {
		case !x.isExact:
			sets = append(sets, toSets(exactly(run...))...)
			sets = append(sets, x.sets...)
			run, inexact = []string{""}, true
		case len(run)*len(x.exact) > maxExact:
			sets = append(sets, toSets(exactly(run...))...)
			run, inexact = x.exact, true
		default:
			var next []string
			for _, a := range run {
				for _, b := range x.exact {
					next = union(next, a+b)
				}
			}
			run = next
		}
	}
	if !inexact {
		return exactly(run...)
	}
	sets = append(sets, toSets(exactly(run...))...)
	return info{sets: best(sets)}
}

// flat is subs with the sequences among them (and in their captures)
// spliced in, so that their literals join their neighbours'.
func flat(subs []*syntax.Regexp) []*syntax.Regexp {
	var out []*syntax.Regexp
	for _, s := range subs {
		for s.Op == syntax.OpCapture {
			s = s.Sub[0]
		}
		if s.Op == syntax.OpConcat {
			out = append(out, flat(s.Sub)...)
			continue
		}
		out = append(out, s)
	}
	return out
}

// toSets is the sets of words of an info: an exact set gives one set, of
// the longest word of each of its strings; a string without one (the empty
// string) gives none (nothing is known).
func toSets(x info) [][]string {
	if !x.isExact {
		return x.sets
	}
	set := []string{}
	for _, s := range x.exact {
		w := longestWord(s)
		if w == "" {
			return nil
		}
		set = union(set, w)
	}
	return [][]string{minimal(set)}
}

// best keeps the most telling of sets, most telling first: one that is
// empty (the part matches nothing) alone, else the sets whose shortest
// word is longest, then with fewest words, at most maxSets.
func best(sets [][]string) [][]string {
	var out [][]string
	for _, s := range sets {
		if len(s) == 0 {
			return [][]string{s}
		}
		if !slices.ContainsFunc(out, func(o []string) bool { return slices.Equal(o, s) }) {
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(a, b []string) int {
		if c := cmp.Compare(shortest(b), shortest(a)); c != 0 {
			return c
		}
		return cmp.Compare(len(a), len(b))
	})
	if len(out) > maxSets {
		out = out[:maxSets]
	}
	return out
}

// minimal drops the words that hold another word of set (a text that holds
// them holds the other).
func minimal(set []string) []string {
	var out []string
	for i, w := range set {
		if !slices.ContainsFunc(set, func(v string) bool { return v != w && strings.Contains(w, v) }) &&
			!slices.Contains(set[:i], w) {
			out = append(out, w)
		}
	}
	return out
}

func shortest(ws []string) int {
	n := -1
	for _, w := range ws {
		if n < 0 || len(w) < n {
			n = len(w)
		}
	}
	return n
}

// longestWord is the longest stretch of s without white space.
func longestWord(s string) string {
	best := ""
	for _, w := range strings.FieldsFunc(s, unicode.IsSpace) {
		if len(w) > len(best) {
			best = w
		}
	}
	return best
}

func union(a []string, b ...string) []string {
	out := slices.Clone(a)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// foldRune is the one form of all the runes a case-insensitive pattern
// takes for r: the lower-case letter for an ASCII letter, else the least
// rune of its case orbit (folded again when that is ASCII: the Kelvin sign
// and the long s).
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	}
	least := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		least = min(least, f)
	}
	if least < utf8.RuneSelf {
		return foldRune(least)
	}
	return least
}

// foldText folds every rune of s (see foldRune); s itself when that
// changes nothing.
func foldText(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			return strings.Map(foldRune, s)
		}
	}
	return s
}
