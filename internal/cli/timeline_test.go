package cli_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/cli"
	"github.com/clausewatch/clausewatch/internal/fixture"
	"github.com/clausewatch/clausewatch/internal/terms"
)

const timelineDecl = `vendor: example
name: Example AI
tiers:
  - id: consumer
    label: Consumer
  - id: team
    label: Team
    names: [Team plan]
  - id: enterprise
    label: Enterprise
    names: [Enterprise plan]
documents:
  - id: example-terms
    url: https://example.test/terms
    select: [main]
    tiers: [consumer]
  - id: example-retention
    url: https://example.test/retention
    select: [main]
    tiers: [consumer]
  - id: example-baa
    url: https://example.test/baa
    select: [main]
    tiers: [team, enterprise]
  - id: example-security
    url: https://example.test/security
    select: [main]
    tiers: [team, enterprise]
attributes:
  - source: example-terms
    tiers: [consumer]
    attribute: training
    clause: "Your content > Use of your content"
  - source: example-retention
    tiers: [consumer]
    attribute: retention
  - source: example-baa
    tiers: [team]
    attribute: hipaa-baa
    clause: "Team plan"
  - source: example-baa
    tiers: [enterprise]
    attribute: hipaa-baa
    clause: "Enterprise plan"
  - source: example-security
    tiers: [team, enterprise]
    attribute: security
    clause: "Certifications"
`

// TestTimeline imports a history of our own fixture pages in which the
// consumer training default flips, retention gains a five-year training
// scope, the BAA page drops the Team tier and a certification is removed,
// with twenty noise-only versions in between, and checks that exactly the
// expected value-changed events are raised and nothing for the noise.
func TestTimeline(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "example.yaml"), []byte(timelineDecl), 0o644); err != nil {
		t.Fatal(err)
	}
	r := &runner{t: t, db: filepath.Join(t.TempDir(), "cw.db"), sources: dir, now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}
	pages := t.TempDir()
	certs := []string{"SOC 2 Type II", "ISO/IEC 27001:2022", "ISO/IEC 42001:2023"}
	state := map[string]fixture.Page{
		"example-terms":     fixture.ConsumerTerms(fixture.TrainingNever),
		"example-retention": fixture.RetentionArticle(false),
		"example-baa":       fixture.BAAArticle(true),
		"example-security":  fixture.SecurityPage(certs...),
	}
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	seq := uint64(0)
	imp := func(id string) (string, int) {
		t.Helper()
		seq++
		at = at.Add(24 * time.Hour)
		p := state[id]
		p.Noise = seq
		file := filepath.Join(pages, fmt.Sprintf("%s-%d.html", id, seq))
		if err := os.WriteFile(file, p.HTML(), 0o644); err != nil {
			t.Fatal(err)
		}
		out, errs, code := r.run("import", "--source", id, "--fetched-at", at.Format(time.RFC3339), "--format", "json", file)
		if code != cli.ExitOK && code != cli.ExitChanges {
			t.Fatalf("import %s: exit %d\n%s\n%s", id, code, out, errs)
		}
		return out, code
	}
	ids := []string{"example-terms", "example-retention", "example-baa", "example-security"}
	for _, id := range ids {
		imp(id)
	}
	noise := func(k int) {
		for i := 0; i < k; i++ {
			id := ids[i%len(ids)]
			out, code := imp(id)
			var o struct{ Events []terms.Event }
			json.Unmarshal([]byte(out), &o)
			if code != cli.ExitOK || len(o.Events) != 0 {
				t.Errorf("noise-only import of %s: exit %d, events %+v", id, code, o.Events)
			}
		}
	}
	noise(5)
	state["example-terms"] = fixture.ConsumerTerms(fixture.TrainingOptOut)
	imp("example-terms")
	noise(5)
	state["example-retention"] = fixture.RetentionArticle(true)
	imp("example-retention")
	noise(5)
	state["example-baa"] = fixture.BAAArticle(false)
	imp("example-baa")
	noise(3)
	state["example-security"] = fixture.SecurityPage(certs[:2]...)
	imp("example-security")
	noise(2)

	out, errs, code := r.run("changes", "--format", "json", "--kind", terms.ValueChanged)
	if code != 0 {
		t.Fatalf("changes: exit %d\n%s", code, errs)
	}
	var evs []terms.Event
	if err := json.Unmarshal([]byte(out), &evs); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var got []string
	for _, e := range evs {
		// Values as they were first read on the first import are not changes.
		if e.Old == nil {
			continue
		}
		got = append(got, fmt.Sprintf("%s %s %s: %s -> %s (%s)", e.Source, e.Tier, e.Attribute, e.Old, e.New, e.Severity))
	}
	sort.Strings(got)
	want := []string{
		"example-baa team hipaa-baa: available -> not-available (critical)",
		"example-security enterprise security: [iso27001 iso42001 soc2-type2] -> [iso27001 soc2-type2] (critical)",
		"example-security team security: [iso27001 iso42001 soc2-type2] -> [iso27001 soc2-type2] (critical)",
		"example-terms consumer training: never -> opt-out (critical)",
	}
	var retention []string
	for _, g := range got {
		if strings.HasPrefix(g, "example-retention") {
			retention = append(retention, g)
		}
	}
	if len(retention) != 1 || !strings.Contains(retention[0], "training-opt-in=1825") || !strings.HasSuffix(retention[0], "(critical)") ||
		strings.Contains(strings.Split(retention[0], "->")[0], "training-opt-in") {
		t.Errorf("retention events %q: want one critical change gaining training-opt-in=1825", retention)
	}
	var rest []string
	for _, g := range got {
		if !strings.HasPrefix(g, "example-retention") {
			rest = append(rest, g)
		}
	}
	if strings.Join(rest, "\n") != strings.Join(want, "\n") {
		t.Errorf("value-changed events:\n%s\nwant:\n%s", strings.Join(rest, "\n"), strings.Join(want, "\n"))
	}

	// Nothing else of severity low or above.
	out, _, _ = r.run("changes", "--format", "json", "--severity", "low")
	evs = nil
	json.Unmarshal([]byte(out), &evs)
	for _, e := range evs {
		if e.Kind != terms.ValueChanged {
			t.Errorf("unexpected event %s %s %s %s: %s", e.Kind, e.Source, e.Tier, e.Attribute, e.Detail)
		}
	}
}
