package pipeline

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// saltedPage is html of n tiny paragraphs under one heading; salt makes
// every paragraph differ from another salt's.
func saltedPage(n int, salt int) string {
	ps := make([]string, n)
	for i := range ps {
		ps[i] = fmt.Sprintf("Item %d in version %d holds.", i, salt)
	}
	return html(strings.Join(ps, "</p><p>"))
}

// BenchmarkCheckBigPage records new versions of a page of n tiny
// paragraphs under one heading, every paragraph reworded from the version
// before: fetch (in memory), extract, store, read both versions, compare,
// diff, in a real SQLite file. ns/clause stays flat when every step is
// linear in the page.
func BenchmarkCheckBigPage(b *testing.B) {
	for _, n := range []int{2500, 5000, 10000, 19000} {
		b.Run(fmt.Sprintf("%d-clauses", n), func(b *testing.B) {
			r := newRig(b)
			src := r.srcs[0]
			pages := []string{saltedPage(n, 1), saltedPage(n, 2)}
			r.pages.set(src.URL, pages[1])
			if _, err := r.p.Check(context.Background(), src, OriginCheck); err != nil {
				b.Fatal(err)
			}
			i := 0
			for b.Loop() {
				r.pages.set(src.URL, pages[i%2])
				i++
				o, err := r.p.Check(context.Background(), src, OriginCheck)
				if err != nil || !o.NewVersion {
					b.Fatalf("check: %v, new version %v", err, o.NewVersion)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/clause")
		})
	}
}
