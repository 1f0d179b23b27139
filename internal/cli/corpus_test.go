package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/report"
	"github.com/clausewatch/clausewatch/internal/terms"
)

const corpusDir = "../../../shared/corpus"

// piece returns the text of piece n of a corpus text file.
func piece(t *testing.T, file string, n int) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(string(b), "\n## Piece ")
	if n >= len(parts) {
		t.Fatalf("%s has no piece %d", file, n)
	}
	_, text, ok := strings.Cut(parts[n], "~~~~text\n")
	if !ok {
		t.Fatalf("%s piece %d: no text block", file, n)
	}
	text, _, _ = strings.Cut(text, "\n~~~~")
	return text
}

// TestRealCorpusStatus imports the real pages we hold (HTML copies under
// latest/, and the text of the pages we hold no HTML of) with the shipped
// declarations and baseline, and checks the observations those pages support
// today, with their evidence, and the baseline drifts they imply.
func TestRealCorpusStatus(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("no real pages to read: %s is absent (it sits beside the repository on the project's machines)", corpusDir)
	}
	r := &runner{t: t, db: filepath.Join(t.TempDir(), "cw.db"), sources: "", now: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
	imp := func(id, at, file string) {
		t.Helper()
		out, errs, code := r.run("import", "--source", id, "--fetched-at", at, file)
		if code != 0 && code != 3 {
			t.Fatalf("import %s: exit %d\n%s\n%s", id, code, out, errs)
		}
	}
	latest := filepath.Join(corpusDir, "latest", "Claude.ai")
	html := map[string][2]string{
		"anthropic-consumer-terms":   {"Terms of Service.html", "2026-08-22T10:31:35Z"},
		"anthropic-privacy-policy":   {"Privacy Policy #legal-privacy.html", "2026-08-22T10:31:36Z"},
		"anthropic-commercial-terms": {"Commercial Terms.html", "2026-08-20T22:31:38Z"},
		"anthropic-dpa":              {"Data Processor Agreement #legal-data-processing-addendum.html", "2026-08-20T22:31:47Z"},
		"anthropic-usage-policy":     {"Acceptable Use Policy #legal-aup.html", "2026-08-22T10:31:42Z"},
	}
	for id, f := range html {
		imp(id, f[1], filepath.Join(latest, f[0]))
	}
	// The pages we hold only as text: the piece with the newest wording.
	text := map[string]int{
		"anthropic-retention-consumer":      1,
		"anthropic-retention-commercial":    1,
		"anthropic-api-data-retention":      2,
		"anthropic-baa":                     1,
		"anthropic-certifications":          1,
		"aws-bedrock-data-protection":       1,
		"aws-bedrock-data-retention":        1,
		"azure-foundry-claude-data-privacy": 1,
	}
	dir := t.TempDir()
	for id, n := range text {
		f := filepath.Join(dir, id+".txt")
		if err := os.WriteFile(f, []byte(piece(t, filepath.Join(corpusDir, "text", id+".md"), n)), 0o644); err != nil {
			t.Fatal(err)
		}
		imp(id, "2026-11-26T00:00:00Z", f)
	}

	out, errs, code := r.run("status", "--vendor", "anthropic", "--format", "json")
	if code != 0 {
		t.Fatalf("status: exit %d\n%s", code, errs)
	}
	var rows []report.Row
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	cell := map[string]report.Row{}
	for _, row := range rows {
		cell[row.Tier+"/"+row.Attribute] = row
	}
	text2, _, _ := r.run("status", "--vendor", "anthropic")
	t.Logf("status matrix of the real corpus:\n%s", text2)

	cases := []struct {
		cell, value, source, clause, says string
	}{
		{"consumer/training", "opt-out", "anthropic-consumer-terms", "Our use of Materials", "train"},
		{"consumer/output-ownership", "customer", "anthropic-consumer-terms", "Inputs, Outputs", "Outputs"},
		{"consumer/retention", "", "anthropic-retention-consumer", "Standard Retention", "5 years"},
		{"team/training", "never", "anthropic-commercial-terms", "Customer Content", "train"},
		{"enterprise/training", "never", "anthropic-commercial-terms", "Customer Content", "train"},
		{"api/output-ownership", "customer", "anthropic-commercial-terms", "Customer Content", "Outputs"},
		{"team/data-processor", "vendor", "anthropic-dpa", "Processing", "processor"},
		{"api/zdr", "available", "anthropic-api-data-retention", "", "ZDR"},
		{"enterprise/hipaa-baa", "available", "anthropic-baa", "", "HIPAA-ready Claude Enterprise"},
		{"azure-foundry/data-processor", "vendor", "azure-foundry-claude-data-privacy", "", "Anthropic"},
		{"bedrock/zdr", "available", "aws-bedrock-data-retention", "", ""},
	}
	for _, c := range cases {
		t.Run(c.cell, func(t *testing.T) {
			row, ok := cell[c.cell]
			if !ok || row.Observed == nil {
				t.Fatalf("%s not observed", c.cell)
			}
			if c.value != "" && row.Observed.String() != c.value {
				t.Errorf("%s observed %s, want %s", c.cell, row.Observed, c.value)
			}
			ev := row.Evidence
			if ev == nil {
				t.Fatalf("%s has no evidence", c.cell)
			}
			if ev.Source != c.source || !strings.Contains(ev.Clause, c.clause) || !strings.Contains(strings.ToLower(ev.Text), strings.ToLower(c.says)) {
				t.Errorf("%s evidence %s › %q: %q; want source %s, clause containing %q, text saying %q",
					c.cell, ev.Source, ev.Clause, ev.Text, c.source, c.clause, c.says)
			}
		})
	}
	ret := cell["consumer/retention"].Observed
	if ret == nil || ret.Map["training-opt-in"] != "1825" || ret.Map["default"] != "30" {
		t.Errorf("consumer retention %v: want default 30 days and five years for training", ret)
	}

	// Where today's pages contradict the analysis, the drift is raised.
	out, _, _ = r.run("changes", "--kind", terms.BaselineDrift, "--format", "json")
	var drifts []terms.Event
	if err := json.Unmarshal([]byte(out), &drifts); err != nil {
		t.Fatal(err)
	}
	got := map[string]terms.Event{}
	for _, e := range drifts {
		got[e.Tier+"/"+e.Attribute] = e
	}
	for _, want := range []struct{ cell, observed string }{
		{"bedrock/retention", "default=configurable"}, // no longer zero by default: retention modes
		{"azure-foundry/data-processor", "vendor"},    // Anthropic's DPA governs, not Microsoft's
		{"enterprise/retention", "default=30"},        // the article states 30 days, not admin-configured
		{"team/retention", "default=30"},              // the same article, against "life of the account"
	} {
		e, ok := got[want.cell]
		if !ok {
			t.Errorf("no baseline-drift for %s; drifts: %v", want.cell, keys(got))
			continue
		}
		if e.New == nil || !strings.Contains(e.New.String(), want.observed) || e.Severity != terms.High {
			t.Errorf("drift %s: new %v severity %s, want observed containing %q, high", want.cell, e.New, e.Severity, want.observed)
		}
	}
}

func keys(m map[string]terms.Event) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestRealCorpusOpenAI imports the ChatGPT pages we hold and checks them
// against the shipped openai baseline (adopted from these pages): every
// documented cell is observed and agrees, with evidence, and no drift is
// raised. A reader change that misreads them fails here.
func TestRealCorpusOpenAI(t *testing.T) {
	dir := filepath.Join(corpusDir, "latest", "ChatGPT")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no real pages to read: %s is absent", dir)
	}
	r := &runner{t: t, db: filepath.Join(t.TempDir(), "cw.db"), sources: "", now: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
	pages := map[string][2]string{
		"openai-terms-of-use":       {"Terms of Service #policies-eu-terms-of-use.html", "2026-08-22T10:30:01Z"},
		"openai-privacy-policy":     {"Privacy Policy #policies-eu-privacy-policy.html", "2026-08-22T10:30:09Z"},
		"openai-model-improvement":  {"Privacy Policy #policies-how-your-data-is-used-to-improve-model-performance.html", "2026-08-22T10:30:09Z"},
		"openai-enterprise-privacy": {"Business Privacy Policy.html", "2026-01-30T11:31:12Z"},
		"openai-services-agreement": {"Commercial Terms.html", "2026-01-30T11:30:48Z"},
		"openai-service-terms":      {"Terms of Service #policies-service-terms.html", "2026-08-22T10:30:01Z"},
		"openai-dpa":                {"Data Processor Agreement.html", "2026-08-22T10:30:55Z"},
	}
	for id, f := range pages {
		if out, errs, code := r.run("import", "--source", id, "--fetched-at", f[1], filepath.Join(dir, f[0])); code != 0 && code != 3 {
			t.Fatalf("import %s: exit %d\n%s\n%s", id, code, out, errs)
		}
	}
	out, _, code := r.run("status", "--vendor", "openai", "--format", "json")
	if code != 0 {
		t.Fatalf("status: exit %d", code)
	}
	var rows []report.Row
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	text, _, _ := r.run("status", "--vendor", "openai")
	t.Logf("openai status of the real corpus:\n%s", text)
	documented := 0
	for _, row := range rows {
		if row.Documented == nil {
			continue
		}
		documented++
		if !row.Agrees {
			t.Errorf("%s %s: documented %s, observed %v", row.Tier, row.Attribute, row.Documented, row.Observed)
		}
		if row.Attribute != "sensitive-data" && (row.Evidence == nil || row.Evidence.Text == "") {
			t.Errorf("%s %s: no evidence", row.Tier, row.Attribute)
		}
	}
	if documented < 30 {
		t.Errorf("only %d documented cells for openai", documented)
	}
	out, _, _ = r.run("changes", "--vendor", "openai", "--kind", terms.BaselineDrift, "--format", "json")
	if strings.TrimSpace(out) != "[]" {
		t.Errorf("drift against the adopted baseline:\n%s", out)
	}
}
