package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/fixture"
	"github.com/clausewatch/clausewatch/internal/terms"
)

func TestReprocess(t *testing.T) {
	dir := t.TempDir()
	decl := func(rules string, remove string) {
		y := `vendor: example
name: Example AI
tiers:
  - id: consumer
    label: Consumer
documents:
  - id: example-terms
    url: https://example.test/terms
    select: [main]
` + remove + `    tiers: [consumer]
attributes:
` + rules
		if err := os.WriteFile(filepath.Join(dir, "example.yaml"), []byte(y), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The first readers do not read ownership; the improved ones do.
	training := "  - source: example-terms\n    attribute: training\n    clause: \"Use of your content\"\n"
	noOwnership := "  - source: example-terms\n    attribute: output-ownership\n    exclude: true\n"
	noTraining := "  - source: example-terms\n    attribute: training\n    exclude: true\n"
	decl(training+noOwnership, "")
	r := &runner{t: t, db: filepath.Join(t.TempDir(), "cw.db"), sources: dir, now: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	pages := t.TempDir()
	for i, tr := range []string{fixture.TrainingNever, fixture.TrainingOptOut} {
		p := fixture.ConsumerTerms(tr)
		f := writeFile(t, pages, "p"+string(rune('0'+i))+".html", p.HTML())
		if _, errs, code := r.run("import", "--source", "example-terms", "--fetched-at", []string{"2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"}[i], f); code != 0 && code != 3 {
			t.Fatalf("import: %d %s", code, errs)
		}
	}
	before := len(events(t, r))

	// Our rules improve: ownership is read too, and a section is no longer
	// part of the document. Nothing is fetched; vendor history is unchanged.
	decl(training, "    remove: [\"#s5\", \"#s5 ~ p\"]\n")
	out, errs, code := r.run("reprocess", "--format", "json")
	if code != 0 {
		t.Fatalf("reprocess: exit %d\n%s", code, errs)
	}
	var res []struct {
		Source      string
		Snapshots   int
		TextChanged int `json:"text_changed"`
		Events      []terms.Event
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(res) != 1 || res[0].Snapshots != 2 || res[0].TextChanged != 2 {
		t.Fatalf("reprocess result %+v", res)
	}
	var owned int
	for _, e := range res[0].Events {
		if e.Kind != terms.RuleChanged || e.Severity != terms.Info {
			t.Errorf("reprocess raised %s (%s); want only rule-changed (info)", e.Kind, e.Severity)
		}
		if e.Attribute == "output-ownership" && e.New != nil && e.New.String() == "customer" {
			owned++
		}
	}
	if owned != 2 {
		t.Errorf("ownership newly read on %d versions, want 2: %+v", owned, res[0].Events)
	}
	// Rule changes are not vendor changes: left out of the default report.
	if n := len(events(t, r)); n != before {
		t.Errorf("changes shows %d events after reprocess, %d before", n, before)
	}
	if n := len(events(t, r, "--rule-changes")); n != before+len(res[0].Events) {
		t.Errorf("changes --rule-changes shows %d, want %d", n, before+len(res[0].Events))
	}
	st, _, _ := r.run("status", "--attribute", "output-ownership")
	if !strings.Contains(st, "customer") {
		t.Errorf("status after reprocess does not show the newly read value:\n%s", st)
	}

	// Training left out: the value it read is reported gone, as a rule change.
	decl(noTraining, "")
	out, _, _ = r.run("reprocess", "--format", "json")
	if !strings.Contains(out, "today's readers and declarations no longer read it") {
		t.Errorf("dropping the training rule raised no rule-changed event:\n%s", out)
	}
}
