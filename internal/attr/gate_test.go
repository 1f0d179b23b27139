package attr_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/attr"
	"github.com/clausewatch/clausewatch/internal/eval"
	"github.com/clausewatch/clausewatch/internal/extract"
	"github.com/clausewatch/clausewatch/internal/source"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// readers are the Readers (gates and memo) the test reads with, one per
// vendor, shared by every page read for it so that the memo serves some.
type readers map[string]*attr.Reader

// sameReading fails t when v's shared reader reads doc (twice: the second
// time from its memo) differently from an ungated reader without memo.
func (rs readers) sameReading(t *testing.T, name string, v terms.Vendor, src terms.Source, doc terms.Document) {
	t.Helper()
	r, ok := rs[v.ID]
	if !ok {
		r = attr.NewReader(v)
		rs[v.ID] = r
	}
	snap := terms.Snapshot{ID: 3, FetchedAt: time.Date(2026, 8, 22, 10, 30, 0, 0, time.UTC)}
	want := attr.NewUngatedReader(v).Observe(src, doc, snap)
	sameObservations(t, name, r.Observe(src, doc, snap), want)
	sameObservations(t, name+" (read again)", r.Observe(src, doc, snap), want)
}

func sameObservations(t *testing.T, name string, got, want []terms.Observation) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		for i := range max(len(got), len(want)) {
			var g, w terms.Observation
			if i < len(got) {
				g = got[i]
			}
			if i < len(want) {
				w = want[i]
			}
			if !reflect.DeepEqual(g, w) {
				t.Errorf("%s: reading differs from the ungated one at observation %d:\n gated   %s/%s = %v %q\n ungated %s/%s = %v %q",
					name, i, g.Tier, g.Attribute, g.Value, g.Evidence.Text, w.Tier, w.Attribute, w.Value, w.Evidence.Text)
				return
			}
		}
	}
}

// TestGatesReadAsUngated checks that the readers' gates and memo change no
// reading: every evaluation case, all of them as one page, and every real
// page held for a shipped declaration read the same with and without them.
// The real pages are left out under -short (they take a while).
func TestGatesReadAsUngated(t *testing.T) {
	s, err := eval.Load(os.DirFS("../eval/testdata"))
	if err != nil {
		t.Fatalf("load the evaluation cases: %v", err)
	}
	all := terms.Source{ID: "eval-page", Vendor: s.Vendor.ID}
	for _, tr := range s.Vendor.Tiers {
		all.Tiers = append(all.Tiers, tr.ID)
	}
	rs := readers{}
	var page terms.Document
	for _, c := range s.Cases {
		src := all
		if len(c.DocTiers) > 0 {
			src.Tiers = c.DocTiers
		}
		doc := c.Document()
		rs.sameReading(t, c.File+" "+c.ID, s.Vendor, src, doc)
		page.Clauses = append(page.Clauses, doc.Clauses...)
	}
	rs.sameReading(t, "every evaluation case as one page", s.Vendor, all, page)
	if testing.Short() {
		return
	}

	pages, vendors := corpusPages(t)
	for _, p := range pages {
		v, src, _ := source.Find(vendors, p.source)
		data, err := os.ReadFile(p.file)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := extract.Extract(data, extract.Options{Select: src.Select, Remove: src.Remove})
		if err != nil {
			continue // a page its declaration no longer selects: nothing to read
		}
		rs.sameReading(t, src.ID+" "+filepath.Base(p.file), v, src, doc.Document)
	}
	if len(pages) == 0 {
		t.Error("no corpus page matches a shipped declaration")
	}
}

// heldPage is a real page held for a declared source.
type heldPage struct{ source, file string }

// corpusPages are the corpus's HTML pages whose address a shipped
// declaration names (the manifest gives each file's address), with the
// shipped vendors. It skips when the corpus is absent.
func corpusPages(t *testing.T) ([]heldPage, []terms.Vendor) {
	t.Helper()
	byURL := manifestPages(t, "")
	vendors, err := source.LoadDir("../../sources")
	if err != nil {
		t.Fatalf("load the shipped declarations: %v", err)
	}
	var out []heldPage
	for _, v := range vendors {
		for _, s := range v.Sources {
			for _, file := range byURL[strings.TrimSuffix(s.URL, "/")] {
				out = append(out, heldPage{s.ID, file})
			}
		}
	}
	return out, vendors
}
