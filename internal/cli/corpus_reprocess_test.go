package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// TestCorpusReprocessIsRuleChanged reads the real pages with readers that
// read nothing (every attribute of every page excluded), then reprocesses
// them with the shipped declarations: every reading that changes is a
// rule-changed event, never a change of the vendor's terms.
func TestCorpusReprocessIsRuleChanged(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("no real pages to read: %s is absent (it sits beside the repository on the project's machines)", corpusDir)
	}
	blind := t.TempDir()
	docID := regexp.MustCompile(`(?m)^  - id: ([a-z0-9-]+)$`)
	for _, f := range []string{"anthropic.yaml", "openai.yaml"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "sources", f))
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		b.WriteString(strings.Replace(string(data), "\nattributes: []\n", "\nattributes:\n", 1))
		docs := string(data)
		docs = docs[strings.Index(docs, "\ndocuments:"):strings.Index(docs, "\nattributes:")]
		for _, m := range docID.FindAllStringSubmatch(docs, -1) {
			for _, a := range terms.Attributes {
				if a != "sensitive-data" {
					b.WriteString("  - {source: " + m[1] + ", attribute: " + a + ", exclude: true}\n")
				}
			}
		}
		if err := os.WriteFile(filepath.Join(blind, f), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The baselines of the two vendors blinded here: a baseline of a vendor
	// these declarations do not hold would be an error.
	if err := os.Mkdir(filepath.Join(blind, "baselines"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"anthropic.yaml", "openai.yaml"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "sources", "baselines", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(blind, "baselines", f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	r := &runner{t: t, db: filepath.Join(t.TempDir(), "cw.db"), sources: blind, now: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
	importInto(t, r)
	before := vendorChanges(t, r)

	r.sources = "" // the shipped declarations
	if out, errs, code := r.run("reprocess"); code != 0 {
		t.Fatalf("reprocess: exit %d\n%s\n%s", code, out, errs)
	}
	out, _, _ := r.run("changes", "--kind", terms.RuleChanged, "--format", "json")
	var ruled []terms.Event
	if err := json.Unmarshal([]byte(out), &ruled); err != nil {
		t.Fatal(err)
	}
	if len(ruled) < 20 {
		t.Errorf("reprocess recorded %d rule-changed events; the shipped readers should read many cells the blind ones did not", len(ruled))
	}
	if after := vendorChanges(t, r); after != before {
		t.Errorf("reprocess changed the vendor changes:\nbefore %s\nafter  %s", before, after)
	}
}

// vendorChanges is the JSON of every change event that is not ours.
func vendorChanges(t *testing.T, r *runner) string {
	t.Helper()
	out, errs, code := r.run("changes", "--format", "json")
	if code != 0 {
		t.Fatalf("changes: exit %d\n%s", code, errs)
	}
	var evs []terms.Event
	if err := json.Unmarshal([]byte(out), &evs); err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range evs {
		kinds = append(kinds, e.ID+":"+e.Kind)
	}
	return strings.Join(kinds, " ")
}
