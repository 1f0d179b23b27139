package extract

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// emptyElements is a page of one paragraph of about size bytes made of
// adjacent empty elements around a little text.
func emptyElements(size int) []byte {
	n := size / len("<span></span>")
	return []byte("<main><h1>Terms</h1><p><span>Our terms</span>" + strings.Repeat("<span></span>", n) +
		"<a>Archive</a> of our own words.</p></main>")
}

// BenchmarkExtract reads pages of growing size (MB): MB/s (and ns/MB)
// stay flat when extraction is linear in the page. Past MaxClauses or
// MaxText a page is refused, but only once it has been walked whole (the
// count is in the error), so the walk is what is measured.
func BenchmarkExtract(b *testing.B) {
	for _, c := range []struct {
		name string
		page func(int) []byte
	}{
		{"tiny-paragraphs", func(n int) []byte { return tinyParagraphs(0, n) }},
		{"empty-elements", emptyElements},
	} {
		for _, mb := range []float64{0.5, 1, 2, 4} {
			page := c.page(int(mb * (1 << 20)))
			b.Run(fmt.Sprintf("%s/%gMB", c.name, mb), func(b *testing.B) {
				b.SetBytes(int64(len(page)))
				for b.Loop() {
					Page(context.Background(), page, "text/html", Options{Select: []string{"main"}, MinText: -1})
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/mb, "ns/MB")
			})
		}
	}
}
