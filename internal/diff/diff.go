// Package diff aligns the clauses of two versions of a document, diffs the
// words of the clauses that changed and renders the result for a terminal,
// markdown and HTML. It does no I/O besides writing to the io.Writer it is
// given, and it is the only package that imports go-diff.
package diff

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// Op is what happened to one clause between two versions.
type Op string

// Clause operations.
const (
	Unchanged Op = "unchanged" // same heading path, kind and text, in order
	Changed   Op = "changed"   // matched, in order, text or heading path differs
	Added     Op = "added"     // only in the after version
	Removed   Op = "removed"   // only in the before version
	Moved     Op = "moved"     // matched, but its order relative to the others changed
)

// Change is one clause of the alignment of two versions. Its JSON form
// (`diff --format json`) has the keys op, before, after (null when the
// clause is not in that version), before_index, after_index and words
// (left out when nil).
type Change struct {
	Op          Op            `json:"op"`
	Before      *terms.Clause `json:"before"`       // nil for Added; points into the before slice
	After       *terms.Clause `json:"after"`        // nil for Removed; points into the after slice
	BeforeIndex int           `json:"before_index"` // index in before, -1 for Added
	AfterIndex  int           `json:"after_index"`  // index in after, -1 for Removed
	// Words is the word diff Before.Text -> After.Text, set for a Changed
	// or Moved clause whose text differs; nil otherwise.
	Words []Segment `json:"words,omitempty"`
}

// PathChanged reports whether the change matched two clauses whose heading
// paths differ (a renamed or renumbered heading).
func (c Change) PathChanged() bool {
	return c.Before != nil && c.After != nil && !slices.Equal(c.Before.Path, c.After.Path)
}

// Thresholds and caps of the alignment.
const (
	// minSimilarity is the word-set similarity at which two clauses with
	// different heading paths are taken to be the same clause.
	minSimilarity = 0.6
	// minGroupSimilarity is the similarity above which clauses under the
	// same heading are paired by best match before falling back to order.
	minGroupSimilarity = 0.3
	// maxSimilarityPairs caps the similarity comparisons of the last pass.
	// Past it, each leftover after-clause is compared only with the
	// leftover before-clauses near its relative position.
	maxSimilarityPairs = 100_000
	// maxGroupPairs caps the comparisons inside one heading; past it the
	// clauses of the heading are paired in order.
	maxGroupPairs = 10_000
)

// Clauses aligns before and after and returns one Change per clause of
// either version. Clauses are matched in passes, each over the clauses the
// previous ones left:
//
//  1. identical Key (heading path and kind) and Text, in document order
//     (duplicate identical clauses pair first with first);
//  2. identical Text under another Key, when that text occurs once among
//     the leftovers of each side (a renumbered heading, a paragraph moved
//     to another section);
//  3. same Key with changed text: under one heading, the most similar
//     pairs first, the rest in document order;
//  4. word-set Similarity of at least 0.6, most similar first (a renamed
//     heading with reworded text); the number of comparisons is capped.
//
// Of the matched pairs, the longest subsequence whose order is the same in
// both versions stays in place; the other pairs are Moved. A pair in place
// is Unchanged when its Key and Text are equal, Changed otherwise. Leftover
// before-clauses are Removed and leftover after-clauses Added.
//
// The result is ordered by position in after; a Removed clause follows the
// in-place clause that preceded it in before (or leads the list). The
// result is deterministic. Word diffs are bounded per alignment (see
// maxPageWordWork): past the bound, a changed clause's diff is coarse.
func Clauses(before, after []terms.Clause) []Change {
	al := &aligner{
		before: before,
		after:  after,
		bMatch: filled(len(before), -1),
		aMatch: filled(len(after), -1),
	}
	al.byKeyText()
	al.byUniqueText()
	al.byKey()
	al.bySimilarity()
	return al.changes()
}

type aligner struct {
	before, after  []terms.Clause
	bMatch, aMatch []int // index of the matched clause on the other side, -1 if none
}

func filled(n, v int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = v
	}
	return s
}

func (al *aligner) match(i, j int) {
	al.bMatch[i] = j
	al.aMatch[j] = i
}

// byKeyText is pass 1.
func (al *aligner) byKeyText() {
	queue := make(map[[2]string][]int, len(al.before))
	for i, c := range al.before {
		k := [2]string{c.Key(), c.Text}
		queue[k] = append(queue[k], i)
	}
	for j, c := range al.after {
		k := [2]string{c.Key(), c.Text}
		if q := queue[k]; len(q) > 0 {
			al.match(q[0], j)
			queue[k] = q[1:]
		}
	}
}

// byUniqueText is pass 2.
func (al *aligner) byUniqueText() {
	type seen struct{ n, idx int }
	bs := make(map[string]seen)
	for i, c := range al.before {
		if al.bMatch[i] < 0 && strings.TrimSpace(c.Text) != "" {
			s := bs[c.Text]
			bs[c.Text] = seen{s.n + 1, i}
		}
	}
	if len(bs) == 0 {
		return
	}
	as := make(map[string]seen)
	for j, c := range al.after {
		if al.aMatch[j] < 0 {
			if _, ok := bs[c.Text]; ok {
				s := as[c.Text]
				as[c.Text] = seen{s.n + 1, j}
			}
		}
	}
	for t, a := range as {
		if b := bs[t]; a.n == 1 && b.n == 1 {
			al.match(b.idx, a.idx)
		}
	}
}

// byKey is pass 3.
func (al *aligner) byKey() {
	bs := make(map[string][]int)
	for i, c := range al.before {
		if al.bMatch[i] < 0 {
			bs[c.Key()] = append(bs[c.Key()], i)
		}
	}
	if len(bs) == 0 {
		return
	}
	as := make(map[string][]int)
	var keys []string
	for j, c := range al.after {
		if al.aMatch[j] >= 0 {
			continue
		}
		k := c.Key()
		if _, ok := bs[k]; !ok {
			continue
		}
		if _, ok := as[k]; !ok {
			keys = append(keys, k)
		}
		as[k] = append(as[k], j)
	}
	for _, k := range keys {
		al.pairGroup(bs[k], as[k])
	}
}

// pairGroup pairs the leftover clauses under one heading: most similar
// first, then the rest in order.
func (al *aligner) pairGroup(bi, aj []int) {
	if len(bi) > 1 || len(aj) > 1 {
		if len(bi)*len(aj) <= maxGroupPairs {
			dict := make(map[string]int32)
			bw := make([][]int32, len(bi))
			for q, i := range bi {
				bw[q] = internWords(al.before[i].Text, dict)
			}
			var cands []candidate
			for _, j := range aj {
				aw := internWords(al.after[j].Text, dict)
				for q, i := range bi {
					if s := jaccard(bw[q], aw, minGroupSimilarity); s >= minGroupSimilarity {
						cands = append(cands, candidate{i, j, s})
					}
				}
			}
			al.greedy(cands)
		}
	}
	var li, lj []int
	for _, i := range bi {
		if al.bMatch[i] < 0 {
			li = append(li, i)
		}
	}
	for _, j := range aj {
		if al.aMatch[j] < 0 {
			lj = append(lj, j)
		}
	}
	for n := range min(len(li), len(lj)) {
		al.match(li[n], lj[n])
	}
}

type candidate struct {
	i, j int
	sim  float64
}

// greedy matches candidates from the most similar down, ties broken by
// position in after then in before; clauses already matched are skipped.
func (al *aligner) greedy(cands []candidate) {
	slices.SortFunc(cands, func(x, y candidate) int {
		if c := cmp.Compare(y.sim, x.sim); c != 0 {
			return c
		}
		if c := cmp.Compare(x.j, y.j); c != 0 {
			return c
		}
		return cmp.Compare(x.i, y.i)
	})
	for _, c := range cands {
		if al.bMatch[c.i] < 0 && al.aMatch[c.j] < 0 {
			al.match(c.i, c.j)
		}
	}
}

// bySimilarity is pass 4.
func (al *aligner) bySimilarity() {
	dict := make(map[string]int32)
	sets := func(cs []terms.Clause, matched []int) (idx []int, ws [][]int32) {
		for i, c := range cs {
			if matched[i] >= 0 {
				continue
			}
			w := internWords(c.Text, dict)
			if len(w) == 0 {
				continue
			}
			idx = append(idx, i)
			ws = append(ws, w)
		}
		return idx, ws
	}
	bi, bw := sets(al.before, al.bMatch)
	if len(bi) == 0 {
		return
	}
	aj, aw := sets(al.after, al.aMatch)
	if len(aj) == 0 {
		return
	}
	lo, hi := func(int) int { return 0 }, func(int) int { return len(bi) }
	if len(bi)*len(aj) > maxSimilarityPairs {
		w := max(1, maxSimilarityPairs/(2*len(aj)))
		lo = func(r int) int { return max(0, r*len(bi)/len(aj)-w) }
		hi = func(r int) int { return min(len(bi), r*len(bi)/len(aj)+w+1) }
	}
	var cands []candidate
	for r, j := range aj {
		for q := lo(r); q < hi(r); q++ {
			if s := jaccard(bw[q], aw[r], minSimilarity); s >= minSimilarity {
				cands = append(cands, candidate{bi[q], j, s})
			}
		}
	}
	al.greedy(cands)
}

// internWords returns the sorted ids of the distinct words of s.
func internWords(s string, dict map[string]int32) []int32 {
	set := wordSet(s)
	ids := make([]int32, 0, len(set))
	for w := range set {
		id, ok := dict[w]
		if !ok {
			id = int32(len(dict))
			dict[w] = id
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// jaccard is the Jaccard index of two sorted id sets, or 0 when their
// sizes alone keep it under floor. Empty sets are 0.
func jaccard(a, b []int32, floor float64) float64 {
	small, large := min(len(a), len(b)), max(len(a), len(b))
	if small == 0 || float64(small) < floor*float64(large) {
		return 0 // cannot reach the floor
	}
	inter, x, y := 0, 0, 0
	for x < len(a) && y < len(b) {
		switch {
		case a[x] == b[y]:
			inter++
			x++
			y++
		case a[x] < b[y]:
			x++
		default:
			y++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// changes classifies the matches and orders the result.
func (al *aligner) changes() []Change {
	// The before positions of the matched pairs, in after order; the
	// longest increasing subsequence is what stayed in order.
	var seq, js []int
	for j, i := range al.aMatch {
		if i >= 0 {
			seq = append(seq, i)
			js = append(js, j)
		}
	}
	inOrder := make([]bool, len(al.after))
	for _, k := range longestIncreasing(seq) {
		inOrder[js[k]] = true
	}

	// A removed clause is anchored after the in-place clause before it.
	removedAt := make(map[int][]int) // after index of the anchor (-1: start) -> removed before indices
	anchor := -1
	for i, j := range al.bMatch {
		switch {
		case j < 0:
			removedAt[anchor] = append(removedAt[anchor], i)
		case inOrder[j]:
			anchor = j
		}
	}

	out := make([]Change, 0, len(al.before)+len(al.after)-len(seq))
	emitRemoved := func(at int) {
		for _, i := range removedAt[at] {
			out = append(out, Change{Op: Removed, Before: &al.before[i], BeforeIndex: i, AfterIndex: -1})
		}
	}
	emitRemoved(-1)
	work := 0 // word-diff work spent, see maxPageWordWork
	for j := range al.after {
		i := al.aMatch[j]
		c := Change{After: &al.after[j], AfterIndex: j, BeforeIndex: i}
		switch {
		case i < 0:
			c.Op = Added
		default:
			c.Before = &al.before[i]
			switch {
			case !inOrder[j]:
				c.Op = Moved
			case c.Before.Key() == c.After.Key() && c.Before.Text == c.After.Text:
				c.Op = Unchanged
			default:
				c.Op = Changed
			}
			if c.Before.Text != c.After.Text {
				c.Words = boundedWords(c.Before.Text, c.After.Text, &work)
			}
		}
		out = append(out, c)
		emitRemoved(j)
	}
	return out
}

// boundedWords is Words of two different texts, charged to *work: once
// the alignment's word-diff work passes maxPageWordWork, the diff is coarse
// (common prefix and suffix, the rest one deletion and one insertion).
func boundedWords(a, b string, work *int) []Segment {
	ta, tb := tokenize(a), tokenize(b)
	n := len(ta) + len(tb)
	if n > maxWordTokens || *work+n*n > maxPageWordWork {
		return coarse(ta, tb)
	}
	*work += n * n
	return wordDiff(ta, tb)
}

// longestIncreasing returns the positions in seq of one longest strictly
// increasing subsequence, in order. Of several, it keeps the one ending
// with the smallest values (deterministic).
func longestIncreasing(seq []int) []int {
	var tails []int // tails[l]: position of the smallest tail of an increasing run of length l+1
	prev := make([]int, len(seq))
	for k, v := range seq {
		l, _ := slices.BinarySearchFunc(tails, v, func(pos, v int) int { return cmp.Compare(seq[pos], v) })
		if l > 0 {
			prev[k] = tails[l-1]
		} else {
			prev[k] = -1
		}
		if l == len(tails) {
			tails = append(tails, k)
		} else {
			tails[l] = k
		}
	}
	if len(tails) == 0 {
		return nil
	}
	out := make([]int, len(tails))
	k := tails[len(tails)-1]
	for n := len(tails) - 1; n >= 0; n-- {
		out[n] = k
		k = prev[k]
	}
	return out
}

// Summary counts the changes by operation.
type Summary struct {
	Unchanged int `json:"unchanged"`
	Changed   int `json:"changed"`
	Added     int `json:"added"`
	Removed   int `json:"removed"`
	Moved     int `json:"moved"`
}

// Summarize counts cs by operation.
func Summarize(cs []Change) Summary {
	var s Summary
	for _, c := range cs {
		switch c.Op {
		case Unchanged:
			s.Unchanged++
		case Changed:
			s.Changed++
		case Added:
			s.Added++
		case Removed:
			s.Removed++
		case Moved:
			s.Moved++
		}
	}
	return s
}

// String renders the summary without the unchanged count:
// "2 changed, 1 added, 0 removed, 1 moved".
func (s Summary) String() string {
	return fmt.Sprintf("%d changed, %d added, %d removed, %d moved", s.Changed, s.Added, s.Removed, s.Moved)
}

// Empty reports whether the summary holds no change (only unchanged clauses).
func (s Summary) Empty() bool { return s.Changed+s.Added+s.Removed+s.Moved == 0 }
