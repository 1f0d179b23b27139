package cli_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// corpusPages are the real pages we hold for the shipped sources: HTML
// copies under latest/, by source id, with their capture time.
var corpusPages = map[string][2]string{
	"anthropic-consumer-terms":   {"Claude.ai/Terms of Service.html", "2026-08-22T10:31:35Z"},
	"anthropic-privacy-policy":   {"Claude.ai/Privacy Policy #legal-privacy.html", "2026-08-22T10:31:36Z"},
	"anthropic-commercial-terms": {"Claude.ai/Commercial Terms.html", "2026-08-20T22:31:38Z"},
	"anthropic-dpa":              {"Claude.ai/Data Processor Agreement #legal-data-processing-addendum.html", "2026-08-20T22:31:47Z"},
	"anthropic-usage-policy":     {"Claude.ai/Acceptable Use Policy #legal-aup.html", "2026-08-22T10:31:42Z"},
	"openai-terms-of-use":        {"ChatGPT/Terms of Service #policies-eu-terms-of-use.html", "2026-08-22T10:30:01Z"},
	"openai-privacy-policy":      {"ChatGPT/Privacy Policy #policies-eu-privacy-policy.html", "2026-08-22T10:30:09Z"},
	"openai-model-improvement":   {"ChatGPT/Privacy Policy #policies-how-your-data-is-used-to-improve-model-performance.html", "2026-08-22T10:30:09Z"},
	"openai-enterprise-privacy":  {"ChatGPT/Business Privacy Policy.html", "2026-01-30T11:31:12Z"},
	"openai-services-agreement":  {"ChatGPT/Commercial Terms.html", "2026-01-30T11:30:48Z"},
	"openai-service-terms":       {"ChatGPT/Terms of Service #policies-service-terms.html", "2026-08-22T10:30:01Z"},
	"openai-dpa":                 {"ChatGPT/Data Processor Agreement.html", "2026-08-22T10:30:55Z"},
}

// corpusText are the pages we hold only as text: which piece of the
// source's text file holds its newest wording.
var corpusText = map[string]int{
	"anthropic-retention-consumer":       1,
	"anthropic-retention-commercial":     1,
	"anthropic-api-data-retention":       2,
	"anthropic-baa":                      1,
	"anthropic-certifications":           1,
	"anthropic-zdr-agreement":            1,
	"anthropic-covered-models-retention": 1,
	"anthropic-training-consumer":        1,
	"anthropic-training-commercial":      1,
	"aws-bedrock-data-protection":        1,
	"aws-bedrock-data-retention":         1,
	"azure-foundry-claude-data-privacy":  1,
}

// importCorpus imports every real page we hold into a new database with
// the shipped declarations, or skips the test when the corpus is absent.
func importCorpus(t *testing.T) *runner {
	t.Helper()
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("no real pages to read: %s is absent (it sits beside the repository on the project's machines)", corpusDir)
	}
	r := &runner{t: t, db: filepath.Join(t.TempDir(), "cw.db"), sources: "", now: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
	importInto(t, r)
	return r
}

// importInto imports every real page we hold into r's database.
func importInto(t *testing.T, r *runner) {
	t.Helper()
	imp := func(id, at, file string) {
		t.Helper()
		if out, errs, code := r.run("import", "--source", id, "--fetched-at", at, file); code != 0 && code != 3 {
			t.Fatalf("import %s: exit %d\n%s\n%s", id, code, out, errs)
		}
	}
	for id, f := range corpusPages {
		imp(id, f[1], filepath.Join(corpusDir, "latest", f[0]))
	}
	dir := t.TempDir()
	for id, n := range corpusText {
		f := filepath.Join(dir, id+".txt")
		if err := os.WriteFile(f, []byte(piece(t, filepath.Join(corpusDir, "text", id+".md"), n)), 0o644); err != nil {
			t.Fatal(err)
		}
		imp(id, "2026-11-26T00:00:00Z", f)
	}
}

// TestCorpusDump prints, with CLAUSEWATCH_DUMP=1 (and optionally
// CLAUSEWATCH_DUMP_ATTRIBUTE=retention), every statement the real pages
// make, source by source, and the status matrix of every vendor (the
// pages of corpusVendors included): the view a reader author
// checks a change against. It asserts nothing.
func TestCorpusDump(t *testing.T) {
	if os.Getenv("CLAUSEWATCH_DUMP") == "" {
		t.Skip("set CLAUSEWATCH_DUMP=1 to print what the real pages state")
	}
	r := importCorpus(t)
	vendors := []string{"anthropic", "openai"}
	for _, cv := range corpusVendors {
		importVendorPages(t, r, cv.vendor)
		vendors = append(vendors, cv.vendor)
	}
	only := os.Getenv("CLAUSEWATCH_DUMP_ATTRIBUTE")
	db := openDB(t, r.db)
	var lines []string
	for _, vendor := range vendors {
		obs, err := db.LatestObservations(context.Background(), vendor)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range obs {
			if only != "" && o.Attribute != only {
				continue
			}
			named := ""
			if o.Evidence.Named {
				named = " (named)"
			}
			why := o.Evidence.Text
			if o.Value.Unknown {
				why = o.Value.Reason
			}
			lines = append(lines, fmt.Sprintf("%s %s %s %s = %s%s\n    [%s] %s", vendor, o.Evidence.Source, o.Tier, o.Attribute, o.Value, named, o.Evidence.Clause, why))
		}
	}
	sort.Strings(lines)
	fmt.Println(strings.Join(lines, "\n"))
	for _, vendor := range vendors {
		args := []string{"status", "--vendor", vendor}
		if only != "" {
			args = append(args, "--attribute", only)
		}
		out, _, _ := r.run(args...)
		fmt.Println(out)
	}
}
