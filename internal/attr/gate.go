package attr

import (
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
// patterns contains one of a few words (found from the patterns
// themselves, see pieces), and the sentence contains none of them. So the
// gates follow the patterns as they are edited; what they must be kept in
// step with by hand is which patterns a reader's reading starts from
// (newGates), which TestGatesReadAsUngated checks on every evaluation case
// and corpus page.
//
// A gate looks at the sentence's gate text (gateTextOf): its normal form,
// its lead-in's and, for a table row, its row's, folded. The readers read
// nothing else but through these (fragments, cells, the lead-in joined
// before an item, clauses cut out and replaced by a space), and none of
// them puts white space inside a word: every word of what they match is a
// word of the gate text.

// trigger is a necessary condition for a set of patterns to match a text:
// the text contains one of words (folded, no white space). always is set
// when the patterns may match a text that holds none of them.
type trigger struct {
	words  []string
	always bool
}

// may reports whether the patterns of t may match somewhere in gate text g.
func (t trigger) may(g string) bool {
	if t.always {
		return true
	}
	for _, w := range t.words {
		if strings.Contains(g, w) {
			return true
		}
	}
	return false
}

// triggerOf is the trigger of res: what any of them needs in order to
// match.
func triggerOf(res ...*regexp.Regexp) trigger {
	var t trigger
	for _, re := range res {
		if re == nil {
			continue
		}
		words, ok := pieces(re)
		if !ok {
			return trigger{always: true}
		}
		for _, w := range words {
			if !slices.Contains(t.words, w) {
				t.words = append(t.words, w)
			}
		}
	}
	return t
}

// gate is when a reader may read something from a sentence: when one of
// any's triggers may match, or all of one of all's sets do.
type gate struct {
	any []trigger
	all [][]trigger
}

// passes reports whether the reader behind gt may read something from the
// sentence with gate text g. A nil gate passes everything.
func (gt *gate) passes(g string) bool {
	if gt == nil {
		return true
	}
	for _, t := range gt.any {
		if t.may(g) {
			return true
		}
	}
	for _, ts := range gt.all {
		if !slices.ContainsFunc(ts, func(t trigger) bool { return !t.may(g) }) {
			return true
		}
	}
	return false
}

// newGates builds the gates of the readers that have one, by attribute,
// from the patterns their readings start from. A reader without a gate
// reads every sentence.
func newGates(lex *Lexicon) map[string]*gate {
	setWords := func(items []setItem) trigger {
		var res []*regexp.Regexp
		for _, it := range items {
			res = append(res, it.mention, it.assert, it.self)
		}
		return triggerOf(res...)
	}
	pp := lex.proc
	return map[string]*gate{
		// periodFacts finds nothing (in the sentence with its lead-in, or
		// in a row's cells): no statement.
		"retention": {any: []trigger{triggerOf(durationRe, accountLifetimeRe, untilDeletedRe, configurableRe, noneRe)}},
		// A fragment or a cell speaks of a member only when it mentions or
		// asserts it (readItem, readLabel).
		"security": {any: []trigger{setWords(securityItems)}},
		"rights":   {any: []trigger{setWords(rightsItems)}},
		// A row with an ownership column, or a sentence that names outputs
		// and an ownership word.
		"output-ownership": {
			any: []trigger{triggerOf(ownColumnRe)},
			all: [][]trigger{{triggerOf(outputRe), triggerOf(ownershipWordRe)}},
		},
		// A row with a governing column, a role or access statement, or
		// terms that govern data.
		"data-processor": {
			any: []trigger{triggerOf(govCellRe, processorRowRe, pp.noAccess, pp.noShare, pp.roleAfter, roleRe, pp.elided, pp.onBehalf)},
			all: [][]trigger{{triggerOf(governRe), triggerOf(dataWordRe)}},
		},
	}
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

// maxExact bounds the strings a pattern part is tracked as matching
// exactly before only a necessary word is kept of it.
const maxExact = 16

// pieces returns words (folded, without white space) such that every
// match of re, or of any text that folds to a match, contains one of them.
// ok is false when re may match without any.
func pieces(re *regexp.Regexp) ([]string, bool) {
	n, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return nil, false
	}
	r := toRequired(analyze(n.Simplify()))
	return r.words, !r.always
}

// info is what a pattern part needs of what it matches: when exact, the
// folded strings it can match, all of them; otherwise a trigger (words
// one of which every match holds).
type info struct {
	exact   []string
	isExact bool
	req     trigger
}

func exactly(ss ...string) info { return info{exact: ss, isExact: true} }

var anything = info{req: trigger{always: true}}

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
				if s := string(foldRune(r)); !slices.Contains(ss, s) {
					ss = append(ss, s)
				}
			}
		}
		if len(ss) > 4 {
			return anything
		}
		return exactly(ss...)
	case syntax.OpCapture:
		return analyze(n.Sub[0])
	case syntax.OpQuest:
		x := analyze(n.Sub[0])
		if x.isExact && len(x.exact) < maxExact {
			return exactly(union(x.exact, []string{""})...)
		}
		return anything
	case syntax.OpPlus:
		return info{req: toRequired(analyze(n.Sub[0]))}
	case syntax.OpRepeat:
		if n.Min == 0 {
			return anything
		}
		return info{req: toRequired(analyze(n.Sub[0]))}
	case syntax.OpConcat:
		return concat(n.Sub)
	case syntax.OpAlternate:
		xs := make([]info, len(n.Sub))
		exact := true
		var all []string
		for i, s := range n.Sub {
			xs[i] = analyze(s)
			if exact && xs[i].isExact {
				all = union(all, xs[i].exact)
			} else {
				exact = false
			}
		}
		if exact && len(all) <= maxExact {
			return exactly(all...)
		}
		var t trigger
		for _, x := range xs {
			r := toRequired(x)
			if r.always {
				return anything
			}
			t.words = union(t.words, r.words)
		}
		return info{req: minimal(t)}
	}
	return anything // OpStar, OpAnyChar, OpAnyCharNotNL
}

// concat is the info of a sequence of parts: the exact strings it matches
// while they stay few, else the best trigger of its stretches.
func concat(subs []*syntax.Regexp) info {
	run := []string{""} // the exact strings of the current stretch
	var best *trigger
	keep := func(t trigger) {
		if best == nil || better(t, *best) {
			best = &t
		}
	}
	for _, s := range subs {
		x := analyze(s)
		if !x.isExact {
			keep(toRequired(exactly(run...)))
			keep(x.req)
			run = []string{""}
			continue
		}
		if len(run)*len(x.exact) > maxExact {
			keep(toRequired(exactly(run...)))
			run = x.exact
			continue
		}
		var next []string
		for _, a := range run {
			for _, b := range x.exact {
				next = union(next, []string{a + b})
			}
		}
		run = next
	}
	if best == nil {
		return exactly(run...)
	}
	keep(toRequired(exactly(run...)))
	return info{req: *best}
}

// toRequired turns an info into a trigger: an exact set gives, for each of
// its strings, its longest word; a string without one (the empty string)
// makes the trigger always pass.
func toRequired(x info) trigger {
	if !x.isExact {
		return x.req
	}
	var t trigger
	for _, s := range x.exact {
		w := longestWord(s)
		if w == "" {
			return trigger{always: true}
		}
		t.words = union(t.words, []string{w})
	}
	return minimal(t)
}

// minimal drops the words that hold another word of t: a text that holds
// them holds the other.
func minimal(t trigger) trigger {
	var out []string
	for i, w := range t.words {
		if !slices.ContainsFunc(t.words, func(v string) bool { return v != w && strings.Contains(w, v) }) &&
			!slices.Contains(t.words[:i], w) {
			out = append(out, w)
		}
	}
	t.words = out
	return t
}

// better reports whether trigger a turns away more texts than b, as far
// as can be told: one that never passes, then the one whose shortest word
// is longer, then the one with fewer words.
func better(a, b trigger) bool {
	switch {
	case a.always != b.always:
		return !a.always
	case a.always:
		return false
	case len(a.words) == 0 || len(b.words) == 0:
		return len(a.words) == 0 && len(b.words) > 0
	}
	sa, sb := shortest(a.words), shortest(b.words)
	if sa != sb {
		return sa > sb
	}
	return len(a.words) < len(b.words)
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

func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// foldRune is the one form of all the runes a case-insensitive pattern
// takes for r: the lower-case letter for an ASCII letter and the runes
// that fold to one ("K" the Kelvin sign, "ſ"), else the least rune of its
// case orbit.
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
