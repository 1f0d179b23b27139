package attr

import (
	"math/rand/v2"
	"os"
	"reflect"
	stdregexp "regexp"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// TestGatesReadAsUngatedPieces reads every piece of real text the corpus
// holds (as lines of clauses) with and without the readers' gates and
// memo (one Reader for all, each piece read twice): the readings must be
// the same.
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
	ungated.gates, ungated.memo = nil, nil
	n := 0
	for _, e := range ents {
		if e.Name() == "README.md" || e.IsDir() {
			continue
		}
		for _, p := range loadPieces(t, e.Name()) {
			doc := terms.Document{Clauses: pieceClauses(p.text)}
			want := ungated.Observe(src, doc, terms.Snapshot{ID: 1})
			for range 2 {
				if got := gated.Observe(src, doc, terms.Snapshot{ID: 1}); !reflect.DeepEqual(got, want) {
					t.Errorf("%s / %s: reading %v, ungated %v", p.file, p.title, got, want)
				}
			}
			n++
		}
	}
	if n == 0 {
		t.Error("no corpus piece read")
	}
}

// TestOneSpace checks oneSpace against the pattern it stands for, and
// startsMarker against markerRe, on texts of spaces, markers and words.
func TestOneSpace(t *testing.T) {
	spaces := stdregexp.MustCompile(`\s+`)
	marker := stdregexp.MustCompile(markerRe.String())
	bits := []string{" ", "  ", "\t", "\n", "\r\n", "\f", "\v", "\u00a0", "a", "Word", "-", "* ", "•", "1.", "12. ", "#", "|", ">", "+"}
	r := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		var b strings.Builder
		for range r.IntN(7) {
			b.WriteString(bits[r.IntN(len(bits))])
		}
		s := b.String()
		if got, want := oneSpace(s), spaces.ReplaceAllString(s, " "); got != want {
			t.Fatalf("oneSpace(%q) = %q, want %q", s, got, want)
		}
		if !startsMarker(s) && marker.MatchString(s) {
			t.Fatalf("startsMarker(%q) = false, but markerRe matches", s)
		}
	}
	if startsMarker("Terms") || !startsMarker("• item") || !startsMarker("2. item") {
		t.Error("startsMarker misreads a plain opening or a marker")
	}
}
