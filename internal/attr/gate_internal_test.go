package attr

import (
	"os"
	"reflect"
	"testing"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// TestGatesReadAsUngatedPieces reads every piece of real text the corpus
// holds (as lines of clauses) with and without the readers' gates: the
// readings must be the same.
func TestGatesReadAsUngatedPieces(t *testing.T) {
	ents, err := os.ReadDir(corpusDir)
	if os.IsNotExist(err) {
		t.Skipf("corpus folder %s absent (the shared corpus is not beside this clone): skipping real-text test", corpusDir)
	}
	if err != nil {
		t.Fatal(err)
	}
	src := terms.Source{ID: "piece", Vendor: testAnthropic.ID}
	for _, tr := range testAnthropic.Tiers {
		src.Tiers = append(src.Tiers, tr.ID)
	}
	gated := NewReader(testAnthropic)
	ungated := NewReader(testAnthropic)
	ungated.gates = nil
	n := 0
	for _, e := range ents {
		if e.Name() == "README.md" || e.IsDir() {
			continue
		}
		for _, p := range loadPieces(t, e.Name()) {
			doc := terms.Document{Clauses: pieceClauses(p.text)}
			got, want := gated.Observe(src, doc, terms.Snapshot{ID: 1}), ungated.Observe(src, doc, terms.Snapshot{ID: 1})
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s / %s: gated reading %v, ungated %v", p.file, p.title, got, want)
			}
			n++
		}
	}
	if n == 0 {
		t.Error("no corpus piece read")
	}
}
