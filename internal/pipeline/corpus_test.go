package pipeline

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch"
	"github.com/clausewatch/clausewatch/internal/extract"
	"github.com/clausewatch/clausewatch/internal/source"
	"github.com/clausewatch/clausewatch/internal/store"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// corpusDir holds real vendor pages next to the repository (from the
// repository root: ../shared/corpus). A fresh clone has none: tests skip.
const corpusDir = "../../../shared/corpus"

// TestOldLayoutCorpus imports the 2024 usage-policies page of openai.com
// (no <main>) with the select list and removals of the shipped openai
// declarations: their fallback reads it as the archive that captured it
// did, and without that fallback the page is read without selectors and
// accepted only next to a version it resembles.
func TestOldLayoutCorpus(t *testing.T) {
	path := filepath.Join(corpusDir, "latest", "OpenAI", "Acceptable Use Policy.html")
	old, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		t.Skipf("real page %s not available (the shared corpus is not next to this checkout)", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	current, err := os.ReadFile(filepath.Join(corpusDir, "latest", "ChatGPT", "Acceptable Use Policy #policies-usage-policies.html"))
	if err != nil {
		t.Fatal(err)
	}
	vendors, err := source.Load(clausewatch.Sources())
	if err != nil {
		t.Fatal(err)
	}
	_, decl, ok := source.Find(vendors, "openai-terms-of-use")
	if !ok {
		t.Fatal("openai-terms-of-use is not declared")
	}
	if len(decl.Select) < 2 {
		t.Fatalf("openai select %q: want a fallback for the old layout", decl.Select)
	}
	// The archive's own reading of the page: its selector and removals
	// (MANIFEST.md).
	archived, err := extract.Extract(old, extract.Options{Select: []string{"#landings-usage-policies"}, Remove: []string{"header", "[aria-hidden=true]", "footer"}})
	if err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "cw.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	p := &Pipeline{Store: db, Vendors: vendors, Now: func() time.Time { return time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC) }}
	src := terms.Source{ID: "openai-usage-policies", Vendor: "openai", URL: "https://openai.com/policies/usage-policies/",
		Select: decl.Select, Remove: decl.Remove, Tiers: []string{"consumer", "team", "enterprise", "api"}}
	at := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	imp := func(s terms.Source, raw []byte, when string) (Outcome, error) {
		t.Helper()
		return p.Import(ctx, s, raw, at(when), "text/html")
	}

	// Through the declarations' select list: the fallback.
	o, err := imp(src, old, "2024-02-17T06:31:08Z")
	if err != nil {
		t.Fatal(err)
	}
	if o.Snapshot.ExtractedBy != `select:[id^="landings-"]` || o.Snapshot.TextHash != archived.Hash() {
		t.Errorf("2024 page extracted by %q, same text as the archive's reading: %v", o.Snapshot.ExtractedBy, o.Snapshot.TextHash == archived.Hash())
	}
	if o, err = imp(src, current, "2026-08-22T10:30:17Z"); err != nil || o.Snapshot.ExtractedBy != "select:main" {
		t.Fatalf("2026 page: extracted by %q, %v", o.Snapshot.ExtractedBy, err)
	}

	// Without the fallback: read without selectors, the same page reads
	// as the version of 2024-02-17, imported after it (the same text: no
	// new version) or before it (the first version now).
	bare := src
	bare.Select = decl.Select[:1]
	for _, s := range []struct {
		when       string
		newVersion bool
	}{{"2024-02-18T06:00:00Z", false}, {"2024-02-16T06:00:00Z", true}} {
		o, err := imp(bare, old, s.when)
		if err != nil {
			t.Fatalf("%s without the fallback: %v", s.when, err)
		}
		if o.Snapshot.ExtractedBy != extract.MethodAuto || o.Snapshot.TextHash != archived.Hash() || o.NewVersion != s.newVersion {
			t.Errorf("%s without the fallback: extracted by %q, same text: %v, new version: %v", s.when, o.Snapshot.ExtractedBy, o.Snapshot.TextHash == archived.Hash(), o.NewVersion)
		}
	}
	// Next to the 2026 version only, the 2024 text is too different:
	// refused, however well it was read.
	other := bare
	other.ID = "openai-usage-policies-2026"
	if _, err := imp(other, current, "2026-08-22T10:30:17Z"); err != nil {
		t.Fatal(err)
	}
	if _, err := imp(other, old, "2024-02-17T06:31:08Z"); !errors.Is(err, extract.ErrNoContent) || !strings.Contains(err.Error(), "of the sentences") {
		t.Errorf("2024 page next to the 2026 version only: %v, want a refusal naming the share of sentences", err)
	}
}
