package site

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/report"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// benchData is a site the size of a busy deployment: 5 vendors of 7
// tiers, 17 sources of 30 versions of 200 clauses each, 2000 events.
func benchData() Data {
	d := testData()
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	never := terms.Scalar("never")
	d.Vendors, d.Sources, d.Events = nil, nil, nil
	for v := range 5 {
		vd := Vendor{Vendor: terms.Vendor{ID: fmt.Sprintf("v%d", v), Name: fmt.Sprintf("Vendor %d", v)}}
		for tr := range 7 {
			tier := fmt.Sprintf("t%d", tr)
			vd.Vendor.Tiers = append(vd.Vendor.Tiers, terms.Tier{ID: tier, Label: tier})
			for _, a := range terms.Attributes {
				vd.Rows = append(vd.Rows, report.Row{Vendor: vd.Vendor.ID, Tier: tier, Attribute: a, Documented: &never, Observed: &never, Agreement: "agrees",
					Evidence: &terms.Evidence{Source: "s0", Clause: "Heading > Sub", Text: "A sentence of evidence about the data of this tier.", SnapshotAt: at}})
			}
		}
		d.Vendors = append(d.Vendors, vd)
	}
	for s := range 17 {
		src := Source{Source: terms.Source{ID: fmt.Sprintf("s%d", s), URL: "https://example.test/"}}
		for n := range 30 {
			var cs []terms.Clause
			for c := range 200 {
				text := fmt.Sprintf("Clause %d says what the vendor does with the data, in about twenty words of text, version %d.", c, n/(1+c%7))
				cs = append(cs, terms.Clause{Path: []string{"Terms", fmt.Sprintf("Section %d", c/10)}, Kind: terms.KindParagraph, Text: text})
			}
			src.Versions = append(src.Versions, Version{Snapshot: terms.Snapshot{ID: int64(s*100 + n), FetchedAt: at.AddDate(0, 0, n)}, Clauses: cs})
		}
		d.Sources = append(d.Sources, src)
	}
	for i := range 2000 {
		d.Events = append(d.Events, terms.Event{ID: terms.EventID(int64(i)), Change: terms.ChangeID(int64(i / 3)), Kind: terms.ClauseChanged, Severity: terms.Low,
			Vendor: "v0", Tier: fmt.Sprintf("t%d", i%7), Attribute: "training", Source: "s0", SnapshotAt: at.Add(time.Duration(i) * time.Hour),
			Before: &terms.Side{Text: "we keep your data for thirty days"}, After: &terms.Side{Text: "we keep your data for sixty days"}})
	}
	return d
}

func BenchmarkWrite(b *testing.B) {
	d := benchData()
	dir := filepath.Join(b.TempDir(), "site")
	b.ResetTimer()
	for b.Loop() {
		if err := Write(dir, d); err != nil {
			b.Fatal(err)
		}
	}
}
