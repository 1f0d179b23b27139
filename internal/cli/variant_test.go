package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/cli"
	"github.com/clausewatch/clausewatch/internal/fixture"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// regional returns the consumer terms as served to one region: the
// contracting entity differs, and so may the training clause.
func regional(region, training string) fixture.Page {
	p := fixture.ConsumerTerms(training)
	entity := "If you live in the European Economic Area, your contract is with Example AI Ireland Limited."
	if region == "row" {
		entity = "If you live in the rest of the world, your contract is with Example AI Inc. of California."
	}
	p.Sections[0].Paras = append(p.Sections[0].Paras, fixture.Para{Text: entity})
	return p
}

func TestRegionalVariantsAndTierRenames(t *testing.T) {
	s, srv := newSite(t)
	dir := t.TempDir()
	decl := func(teamLabel string) {
		y := `vendor: example
name: Example AI
tiers:
  - id: consumer
    label: ` + teamLabel + `
documents:
  - id: example-terms
    url: ` + srv.URL + `/terms
    select: [main]
    tiers: [consumer]
    headers: {Accept-Language: en-GB}
    variants:
      - {id: eea, match: "European Economic Area"}
      - {id: row, match: "rest of the world"}
attributes:
  - source: example-terms
    attribute: training
    clause: "Use of your content"
`
		if err := os.WriteFile(filepath.Join(dir, "example.yaml"), []byte(y), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	decl("Consumer")
	r := newRunner(t, srv, "/terms")
	r.sources = dir
	type outcome struct {
		Status string
		Events []terms.Event
	}
	check := func() outcome {
		t.Helper()
		out, errs, code := r.check("--format", "json")
		if code != cli.ExitOK && code != cli.ExitChanges {
			t.Fatalf("check: exit %d\n%s\n%s", code, out, errs)
		}
		var res []outcome
		if err := json.Unmarshal([]byte(out), &res); err != nil || len(res) != 1 {
			t.Fatalf("%v\n%s", err, out)
		}
		return res[0]
	}
	kinds := func(o outcome) string {
		var k []string
		for _, e := range o.Events {
			k = append(k, e.Kind)
		}
		return strings.Join(k, ",")
	}

	// The EEA variant, where the vendor does not train; the rest of the
	// world, where it does unless you opt out.
	s.page("/terms", regional("eea", fixture.TrainingNever))
	check()
	s.page("/terms", regional("row", fixture.TrainingOptOut))
	o := check()
	if kinds(o) != terms.VariantChanged || o.Events[0].Severity != terms.Info {
		t.Fatalf("switch to the rest-of-world variant: events %s, want one variant-changed (info) and no change of terms", kinds(o))
	}
	if o.Events[0].Old.String() != "eea" || o.Events[0].New.String() != "row" {
		t.Errorf("variant-changed %s → %s, want eea → row", o.Events[0].Old, o.Events[0].New)
	}
	// Back to the EEA text it served before: a variant switch, nothing else.
	s.page("/terms", regional("eea", fixture.TrainingNever))
	if o = check(); kinds(o) != terms.VariantChanged {
		t.Errorf("back to the EEA variant: events %s, want only variant-changed", kinds(o))
	}
	// A real change within the EEA variant is reported against EEA's text.
	s.page("/terms", regional("eea", fixture.TrainingOptOut))
	if o = check(); !strings.Contains(kinds(o), terms.ValueChanged) || strings.Contains(kinds(o), terms.VariantChanged) {
		t.Errorf("EEA training change: events %s, want value-changed and no variant-changed", kinds(o))
	}

	// The tier's label changes (Team → Business): same id, no event.
	decl("Consumer (renamed)")
	if o = check(); len(o.Events) != 0 || o.Status != "unchanged" {
		t.Errorf("after a tier label change: %s with events %s, want unchanged and none", o.Status, kinds(o))
	}
	out, _, _ := r.run("sources")
	if !strings.Contains(out, "example") {
		t.Errorf("sources output:\n%s", out)
	}
}
