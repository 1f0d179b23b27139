package wordre

import (
	"cmp"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Bounds of the reading of a pattern.
const (
	maxExact    = 16  // strings a part is tracked as matching exactly
	maxBranches = 256 // branches a pattern is read as
	maxSets     = 3   // sets of words kept of a sequence
)

// triggerOf reads re as its branches (alternatives, with the sequences
// around them distributed), each branch as the sets of words every match
// of it holds, and reports whether the words are folded.
func triggerOf(re *regexp.Regexp) (Trigger, bool) {
	n, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return Trigger{Always: true}, false
	}
	n = n.Simplify()
	a := analyzer{fold: folds(n)}
	var t Trigger
	for _, b := range branches(n) {
		sets := toSets(a.analyze(b))
		if len(sets) == 0 {
			return Trigger{Always: true}, a.fold
		}
		t.Alts = append(t.Alts, sets)
	}
	t.Alts = weakest(t.Alts)
	return t, a.fold
}

// weakest drops the alternatives that imply another (a text that meets
// them meets the other): the trigger holds as often without them.
func weakest(alts [][][]string) [][][]string {
	// set a implies set b when each word of a holds a word of b.
	implies := func(a, b []string) bool {
		return !slices.ContainsFunc(a, func(wa string) bool {
			return !slices.ContainsFunc(b, func(wb string) bool { return strings.Contains(wa, wb) })
		})
	}
	// alternative x implies y when every set of y is implied by one of x.
	altImplies := func(x, y [][]string) bool {
		return !slices.ContainsFunc(y, func(sy []string) bool {
			return !slices.ContainsFunc(x, func(sx []string) bool { return implies(sx, sy) })
		})
	}
	var out [][][]string
	for i, x := range alts {
		redundant := false
		for j, y := range alts {
			if i != j && altImplies(x, y) && (!altImplies(y, x) || j < i) {
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
// strings it can match, all of them; otherwise sets of words, each of
// which has a word in every match (none: nothing is known; an empty set:
// it matches nothing).
type info struct {
	exact   []string
	isExact bool
	sets    [][]string
}

func exactly(ss ...string) info { return info{exact: ss, isExact: true} }

var anything = info{}

// analyzer reads the parts of one pattern; with fold, its literals are
// folded (foldRune), as the texts tested will be.
type analyzer struct{ fold bool }

func (a analyzer) rune(r rune) string {
	if a.fold {
		r = foldRune(r)
	}
	return string(r)
}

func (a analyzer) analyze(n *syntax.Regexp) info {
	switch n.Op {
	case syntax.OpNoMatch:
		return exactly()
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return exactly("")
	case syntax.OpLiteral:
		var b strings.Builder
		for _, r := range n.Rune {
			b.WriteString(a.rune(r))
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
				ss = union(ss, a.rune(r))
			}
		}
		if len(ss) > 4 {
			return anything
		}
		return exactly(ss...)
	case syntax.OpCapture:
		return a.analyze(n.Sub[0])
	case syntax.OpQuest:
		if x := a.analyze(n.Sub[0]); x.isExact && len(x.exact) < maxExact {
			return exactly(union(x.exact, "")...)
		}
		return anything
	case syntax.OpPlus:
		return info{sets: toSets(a.analyze(n.Sub[0]))}
	case syntax.OpRepeat: // Simplify leaves none; read as its least repetition
		if n.Min == 0 {
			return anything
		}
		return info{sets: toSets(a.analyze(n.Sub[0]))}
	case syntax.OpConcat:
		return a.concat(n.Sub)
	case syntax.OpAlternate:
		xs := make([]info, len(n.Sub))
		exact := true
		var all []string
		for i, s := range n.Sub {
			xs[i] = a.analyze(s)
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
func (a analyzer) concat(subs []*syntax.Regexp) info {
	run := []string{""} // the exact strings of the current stretch
	var sets [][]string
	inexact := false
	for _, s := range flat(subs) {
		x := a.analyze(s)
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
			for _, p := range run {
				for _, q := range x.exact {
					next = union(next, p+q)
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
// the longest word (stretch without white space) of each of its strings;
// a string without one (the empty string) gives none (nothing is known).
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
	out := []string{}
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

// foldRune is the one form of all the runes a case-folding pattern takes
// for r: the lower-case letter for an ASCII letter, else the least rune of
// its case orbit (folded again when that is ASCII: the Kelvin sign and the
// long s).
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
