package diff

import (
	"fmt"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// bigPair is a clause of about n tokens and a rewording of every other
// word of it.
func bigPair(n int) (before, after string) {
	var a, b strings.Builder
	for i := 0; i < n/4; i++ {
		fmt.Fprintf(&a, "w%d ", i)
		if i%2 == 0 {
			fmt.Fprintf(&b, "w%d ", i)
		} else {
			fmt.Fprintf(&b, "x%d ", i)
		}
	}
	return a.String(), b.String()
}

// TestClausesWordWorkBound: the word diffs of one alignment are bounded;
// past the bound a changed clause gets the coarse diff, still a faithful
// one (its segments rebuild both texts).
func TestClausesWordWorkBound(t *testing.T) {
	const tokens = maxWordTokens / 2 // both sides together: n*n work per clause
	perClause := tokens * tokens
	fine := maxPageWordWork / perClause
	a, b := bigPair(tokens)
	var before, after []terms.Clause
	for i := 0; i < fine+3; i++ {
		path := []string{"Terms", fmt.Sprintf("Part %d", i)}
		before = append(before, terms.Clause{Path: path, Kind: terms.KindParagraph, Text: a})
		after = append(after, terms.Clause{Path: path, Kind: terms.KindParagraph, Text: b})
	}
	cs := Clauses(before, after)
	checkInvariants(t, before, after, cs)
	for i, c := range cs {
		if c.Op != Changed {
			t.Fatalf("clause %d: %s, want changed", i, c.Op)
		}
		coarseDiff := len(c.Words) <= 4 // equal, delete, insert, equal at most
		if coarseDiff != (i >= fine) {
			t.Errorf("clause %d: %d segments; want a word diff for the first %d, a coarse one after", i, len(c.Words), fine)
		}
		var old, nw strings.Builder
		for _, s := range c.Words {
			if s.Op != Insert {
				old.WriteString(s.Text)
			}
			if s.Op != Delete {
				nw.WriteString(s.Text)
			}
		}
		if old.String() != a || nw.String() != b {
			t.Fatalf("clause %d: segments do not rebuild the texts", i)
		}
	}
}

// BenchmarkClausesReworded aligns versions of growing size (clauses) in
// which every clause under one heading is reworded: ns/clause stays flat
// when the alignment is linear in the page.
func BenchmarkClausesReworded(b *testing.B) {
	for _, n := range []int{1000, 2000, 4000, 8000} {
		before, _ := oneHeading(synthDoc(n, 7))
		after := append([]terms.Clause(nil), before...)
		for i := range after {
			after[i].Text += " Reworded."
		}
		b.Run(fmt.Sprintf("%d", n), func(b *testing.B) {
			for b.Loop() {
				Clauses(before, after)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/clause")
		})
	}
}
