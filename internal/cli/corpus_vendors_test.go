package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/report"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// vendorPage is one real page held under the corpus's latest/ folder, the
// source it is a copy of and its capture time (MANIFEST.md).
type vendorPage struct {
	source, file, at string
}

// corpusVendor is a vendor declared from its pages alone, its tiers and the
// real pages held for it.
type corpusVendor struct {
	vendor string
	tiers  []string
	pages  []vendorPage
}

// corpusVendors are the vendors declared from their pages alone (no
// published analysis), with their tiers and the pages held for them.
var corpusVendors = []corpusVendor{
	{
		vendor: "google",
		tiers:  []string{"consumer", "workspace", "enterprise-business", "api", "vertex"},
		pages: []vendorPage{
			{"google-terms", "Google Generative AI Services/Terms of Service #terms.html", "2026-08-22T10:31:58Z"},
			{"google-generative-ai-terms", "Google Generative AI Services/Terms of Service #terms-generative-ai.html", "2026-08-22T10:31:58Z"},
			{"google-generative-ai-use-policy", "Google Generative AI Services/Acceptable Use Policy.html", "2026-08-22T10:32:05Z"},
			{"google-privacy-policy", "Google Generative AI Services/Privacy Policy #privacy.html", "2026-08-22T10:32:03Z"},
			{"google-gemini-apps-privacy-hub", "Google Generative AI Services/Privacy Policy #gemini-answer-13594961.html", "2026-08-22T10:32:03Z"},
			{"google-gemini-enterprise-business-terms", "Google Generative AI Services/Terms of Service #terms-gemini-enterprise-business.html", "2026-08-22T10:31:58Z"},
		},
	},
	{
		vendor: "mistral",
		tiers:  []string{"consumer", "team", "enterprise", "api", "api-free", "partner-served"},
		pages: []vendorPage{
			// The 2025 layout: every document a section of one page
			// (mistral.ai/terms/), held once per document it was archived
			// as. The partner-served terms are a section of the same page,
			// archived under no document of their own.
			{"mistral-consumer-terms", "Mistral AI/Terms of Service.html", "2025-07-31T12:34:45Z"},
			{"mistral-privacy-policy", "Mistral AI/Privacy Policy.html", "2025-07-31T12:34:46Z"},
			{"mistral-additional-terms", "Mistral AI/Developer Terms.html", "2025-07-31T12:34:47Z"},
			{"mistral-dpa", "Mistral AI/Data Processor Agreement.html", "2025-07-31T12:34:59Z"},
			{"mistral-partner-served-terms", "Mistral AI/Terms of Service.html", "2025-07-31T12:34:45Z"},
			// The 2026 layout: one page a document on legal.mistral.ai.
			{"mistral-consumer-terms", "Le Chat/Terms of Service #terms-eu-consumers-terms-of-service.html", "2026-07-09T22:33:18Z"},
			{"mistral-privacy-policy", "Le Chat/Privacy Policy.html", "2026-07-09T22:33:20Z"},
			{"mistral-dpa", "Le Chat/Data Processor Agreement.html", "2026-07-09T22:33:21Z"},
			{"mistral-commercial-terms", "Le Chat/Commercial Terms.html", "2026-07-09T22:33:22Z"},
			{"mistral-usage-policy", "Le Chat/Acceptable Use Policy.html", "2026-07-09T22:33:22Z"},
		},
	},
	{
		vendor: "microsoft",
		tiers:  []string{"consumer", "m365-consumer", "enterprise"},
		pages: []vendorPage{
			{"microsoft-copilot-terms", "Microsoft Copilot/Terms of Service.html", "2026-08-22T10:33:54Z"},
			{"microsoft-privacy-statement", "Microsoft Copilot/Privacy Policy.html", "2026-08-22T10:34:07Z"},
			{"microsoft-services-agreement", "Microsoft Copilot/Acceptable Use Policy.html", "2026-08-22T10:34:08Z"},
		},
	},
}

// importVendorPages imports the real pages held for vendor (one of
// corpusVendors) into r's database, or skips the test when the corpus is
// absent. It reports whether every page was imported; a page that is
// missing or that its selectors do not read fails the test.
func importVendorPages(t *testing.T, r *runner, vendor string) bool {
	t.Helper()
	latest := filepath.Join(corpusDir, "latest")
	if _, err := os.Stat(latest); err != nil {
		t.Skipf("no real pages to read: %s is absent (it sits beside the repository on the project's machines)", latest)
	}
	i := slices.IndexFunc(corpusVendors, func(cv corpusVendor) bool { return cv.vendor == vendor })
	if i < 0 {
		t.Fatalf("no pages are listed for vendor %q", vendor)
	}
	ok := true
	for _, p := range corpusVendors[i].pages {
		file := filepath.Join(latest, p.file)
		if _, err := os.Stat(file); err != nil {
			t.Fatalf("%s: the page the test imports as %s is missing: %v", p.file, p.source, err)
		}
		out, errs, code := r.run("import", "--source", p.source, "--fetched-at", p.at, file)
		if code != 0 && code != 3 {
			t.Errorf("import %s %q: exit %d (do its selectors find the content?)\n%s\n%s", p.source, p.file, code, out, errs)
			ok = false
		}
	}
	return ok
}

// TestRealCorpusVendors imports, vendor by vendor, the real pages held for
// the google, mistral and microsoft declarations and checks that each is
// read (its selectors find the content) and that status lists every tier ×
// attribute cell of the vendor. The values of the cells are the readers'
// business and are not asserted here; the matrix is logged for review.
func TestRealCorpusVendors(t *testing.T) {
	for _, cv := range corpusVendors {
		t.Run(cv.vendor, func(t *testing.T) {
			r := &runner{t: t, db: filepath.Join(t.TempDir(), "cw.db"), sources: "", now: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
			if !importVendorPages(t, r, cv.vendor) {
				return
			}

			out, errs, code := r.run("status", "--vendor", cv.vendor, "--format", "json")
			if code != 0 {
				t.Fatalf("status --vendor %s: exit %d\n%s", cv.vendor, code, errs)
			}
			var rows []report.Row
			if err := json.Unmarshal([]byte(out), &rows); err != nil {
				t.Fatalf("status JSON: %v\n%s", err, out)
			}
			cells := map[string]bool{}
			for _, row := range rows {
				if row.Vendor != cv.vendor {
					t.Errorf("status --vendor %s lists a row of vendor %q", cv.vendor, row.Vendor)
				}
				cells[row.Tier+"/"+row.Attribute] = true
			}
			for _, tier := range cv.tiers {
				for _, a := range terms.Attributes {
					if !cells[tier+"/"+a] {
						t.Errorf("status lists no cell %s/%s", tier, a)
					}
				}
			}
			if want := len(cv.tiers) * len(terms.Attributes); len(rows) != want {
				t.Errorf("status lists %d cells, want %d (%d tiers × %d attributes)", len(rows), want, len(cv.tiers), len(terms.Attributes))
			}

			text, _, _ := r.run("status", "--vendor", cv.vendor)
			t.Logf("%s status of the real corpus:\n%s", cv.vendor, text)
		})
	}
}
