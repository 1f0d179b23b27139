package cli_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/report"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// vendorCell is one expected cell of a vendor declared from its pages
// alone: the value the held pages support, its agreement with the
// hand-written baseline, the page that decides it and a few words of the
// sentence it is read from ("" for both when no page states it, or for a
// derived cell).
type vendorCell struct {
	vendor, tier, attribute, value, agreement, source, fragment string
}

// vendorCells are the cells of google, mistral and microsoft that a page
// states or the baseline claims, each reviewed against the real pages: a
// careful reader would take the same value from the quoted sentence. Every
// cell not listed here is not observed and not documented either.
var vendorCells = []vendorCell{
	{"google", "consumer", "training", "opt-out", "agrees", "google-gemini-apps-privacy-hub", "used to train our AI models, unless"},
	{"google", "consumer", "retention", "after-deletion=1095, default=540, feedback=1095", "agrees", "google-gemini-apps-privacy-hub", "the default of 18 months"},
	{"google", "consumer", "output-ownership", "customer", "agrees", "google-terms", "claim ownership over that content"},
	{"google", "consumer", "data-processor", "vendor", "agrees", "google-gemini-apps-privacy-hub", "under the Google Terms of Service"},
	{"google", "consumer", "sensitive-data", "no", "agrees", "", ""},
	{"google", "consumer", "rights", "[delete-conversations export opt-out-training]", "agrees", "google-gemini-apps-privacy-hub", "You can also export your information"},
	{"google", "enterprise-business", "output-ownership", "customer", "agrees", "google-terms", "claim ownership over that content"},
	{"google", "enterprise-business", "data-processor", "vendor", "agrees", "google-gemini-enterprise-business-terms", "in accordance with the Google Data Processing Addendum"},
	{"mistral", "consumer", "training", "opt-out", "agrees", "mistral-consumer-terms", "you have not opted-out of training"},
	{"mistral", "consumer", "retention", "default=until-deleted", "agrees", "mistral-privacy-policy", "until you delete the conversation"},
	{"mistral", "consumer", "output-ownership", "customer", "agrees", "mistral-consumer-terms", "you own all rights to your Outputs"},
	{"mistral", "consumer", "data-processor", "vendor", "agrees", "mistral-additional-terms", "subject to our Terms of Mistral AI Product"},
	{"mistral", "consumer", "sensitive-data", "no", "agrees", "", ""},
	{"mistral", "consumer", "rights", "[delete-conversations export opt-out-training]", "agrees", "mistral-consumer-terms", "export features provided on your Mistral AI Account"},
	{"mistral", "team", "training", "opt-out", "agrees", "mistral-commercial-terms", "Customer has not opted-out of training"},
	{"mistral", "team", "retention", "after-deletion=30, default=until-deleted", "agrees", "mistral-dpa", "thirty (30) days period following the termination"},
	{"mistral", "team", "output-ownership", "customer", "agrees", "mistral-commercial-terms", "hereby assigns to Customer"},
	{"mistral", "team", "data-processor", "vendor", "agrees", "mistral-dpa", "on behalf of Customer as a Processor"},
	{"mistral", "team", "sensitive-data", "no", "agrees", "", ""},
	{"mistral", "team", "rights", "[export opt-out-training]", "unverified", "mistral-privacy-policy", "object to the use of your input and output data"},
	{"mistral", "enterprise", "training", "never", "agrees", "mistral-privacy-policy", "when you use Le Chat Enterprise"},
	{"mistral", "enterprise", "retention", "after-deletion=30, default=until-deleted", "agrees", "mistral-dpa", "thirty (30) days period following the termination"},
	{"mistral", "enterprise", "output-ownership", "customer", "agrees", "mistral-commercial-terms", "hereby assigns to Customer"},
	{"mistral", "enterprise", "data-processor", "vendor", "agrees", "mistral-dpa", "on behalf of Customer as a Processor"},
	{"mistral", "enterprise", "sensitive-data", "limited", "agrees", "", ""},
	{"mistral", "enterprise", "rights", "[export opt-out-training]", "unverified", "mistral-privacy-policy", "export your data at all times"},
	{"mistral", "api", "training", "never", "agrees", "mistral-privacy-policy", "the paid version of our APIs"},
	{"mistral", "api", "retention", "default=30, files=until-deleted, zdr=none", "agrees", "mistral-additional-terms", "are not retained further"},
	{"mistral", "api", "output-ownership", "customer", "agrees", "mistral-commercial-terms", "hereby assigns to Customer"},
	{"mistral", "api", "zdr", "available", "agrees", "mistral-additional-terms", "can request zero data retention"},
	{"mistral", "api", "data-processor", "vendor", "agrees", "mistral-dpa", "on behalf of Customer as a Processor"},
	{"mistral", "api", "sensitive-data", "limited", "agrees", "", ""},
	{"mistral", "api", "rights", "[export opt-out-training]", "agrees", "mistral-privacy-policy", "export your data at all times"},
	{"mistral", "api-free", "training", "opt-out", "agrees", "mistral-commercial-terms", "Customer has not opted-out of training"},
	{"mistral", "api-free", "retention", "default=30", "unverified", "mistral-privacy-policy", "thirty (30) rolling days to monitor abuse"},
	{"mistral", "api-free", "output-ownership", "customer", "agrees", "mistral-commercial-terms", "hereby assigns to Customer"},
	{"mistral", "api-free", "zdr", "available", "undocumented", "mistral-privacy-policy", "unless zero data retention is activated"},
	{"mistral", "api-free", "data-processor", "vendor", "agrees", "mistral-additional-terms", "in accordance with the Terms of Mistral AI Product"},
	{"mistral", "api-free", "sensitive-data", "no", "agrees", "", ""},
	{"mistral", "api-free", "rights", "[delete-conversations export opt-out-training]", "agrees", "mistral-consumer-terms", "export features provided on your Mistral AI Account"},
	{"mistral", "partner-served", "training", "never", "agrees", "mistral-partner-served-terms", "do not use Your Data to train our Models"},
	{"mistral", "partner-served", "output-ownership", "customer", "agrees", "mistral-partner-served-terms", "in and to Output that we may have"},
	{"mistral", "partner-served", "data-processor", "cloud-provider", "agrees", "mistral-partner-served-terms", "contract with the Partner that governs"},
	{"microsoft", "consumer", "output-ownership", "", "unverified", "", ""},
	{"microsoft", "consumer", "training", "opt-out", "agrees", "microsoft-privacy-statement", "help train our AI models in Microsoft Copilot"},
	{"microsoft", "consumer", "data-processor", "vendor", "agrees", "microsoft-copilot-terms", "agreeing to the Microsoft Services Agreement"},
	{"microsoft", "consumer", "sensitive-data", "no", "agrees", "", ""},
	{"microsoft", "consumer", "rights", "[delete-conversations export opt-out-training]", "agrees", "microsoft-privacy-statement", "export and delete Copilot activity history"},
	{"microsoft", "m365-consumer", "output-ownership", "", "unverified", "", ""},
	{"microsoft", "m365-consumer", "data-processor", "vendor", "agrees", "microsoft-services-agreement", "a separate agreement with Microsoft"},
	{"microsoft", "m365-consumer", "rights", "[delete-conversations export]", "agrees", "microsoft-privacy-statement", "export and delete Copilot activity history"},
	{"microsoft", "enterprise", "data-processor", "", "unverified", "", ""},
}

// doubtfulVendorCells are cells whose reading is still wrong, with why: the
// readers take them from a sentence that does not say what they read. They
// are left out of vendorCells until the readers improve, but must still
// quote their evidence.
var doubtfulVendorCells = map[[3]string]string{
	{"microsoft", "consumer", "retention"}:           "a child-data deletion request and account closure, not the retention of Copilot conversations",
	{"microsoft", "m365-consumer", "training"}:       "only the statement's general purposes (data may be used to train AI models) speak for Copilot in the Microsoft 365 apps; read as always, which the pages do not say of this tier and the guide leaves unspecified",
	{"microsoft", "m365-consumer", "retention"}:      "a child-data deletion request and account closure, not the retention of Copilot conversations",
	{"microsoft", "m365-consumer", "sensitive-data"}: "derived from the doubtful training cell",
	{"microsoft", "enterprise", "retention"}:         "a HoloLens feature processed on the device, under the enterprise heading",
	{"microsoft", "enterprise", "rights"}:            "a sentence about personal Microsoft accounts that names Microsoft 365 Copilot, which stands for the enterprise tier too",
}

// TestRealCorpusVendorCells imports, vendor by vendor, the real pages held
// for google, mistral and microsoft and checks every tier × attribute cell
// of status: the value, agreement, deciding source and a fragment of the
// quoted sentence of each cell of vendorCells; evidence quoted by the
// doubtful ones; not-observed for all the others; and a baseline-drift
// raised exactly where a cell drifts.
func TestRealCorpusVendorCells(t *testing.T) {
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
				t.Fatal(err)
			}
			want := map[[3]string]vendorCell{}
			for _, c := range vendorCells {
				if c.vendor == cv.vendor {
					want[[3]string{c.vendor, c.tier, c.attribute}] = c
				}
			}
			seen := map[[3]string]bool{}
			for _, row := range rows {
				k := [3]string{row.Vendor, row.Tier, row.Attribute}
				seen[k] = true
				checkVendorCell(t, row, want, k)
			}
			for k := range want {
				if !seen[k] {
					t.Errorf("%s: no such cell in status", strings.Join(k[:], "/"))
				}
			}
			for k := range doubtfulVendorCells {
				if k[0] == cv.vendor && !seen[k] {
					t.Errorf("%s: a doubtful cell that status does not list", strings.Join(k[:], "/"))
				}
			}
			checkVendorDrifts(t, r, rows)
		})
	}
}

// checkVendorCell checks one row of status against its expected cell (or
// its doubtful entry, or not-observed).
func checkVendorCell(t *testing.T, row report.Row, want map[[3]string]vendorCell, k [3]string) {
	t.Helper()
	name := strings.Join(k[:], "/")
	val, src, text := "", "", ""
	if row.Observed != nil {
		val = row.Observed.String()
	}
	if row.Evidence != nil {
		src, text = row.Evidence.Source, row.Evidence.Text
	}
	if why, ok := doubtfulVendorCells[k]; ok {
		if row.Observed != nil && !row.Observed.Unknown && row.Attribute != "sensitive-data" && (src == "" || strings.TrimSpace(text) == "") {
			t.Errorf("%s = %s (doubtful: %s) quotes no evidence", name, val, why)
		}
		return
	}
	w, ok := want[k]
	if !ok {
		if row.Observed != nil || row.Agreement != "not-observed" || row.Evidence != nil {
			t.Errorf("%s = %q (%s, from %q), want not-observed: a page states it or the baseline claims it, and the table of cells does not say so", name, val, row.Agreement, src)
		}
		return
	}
	if val != w.value || row.Agreement != w.agreement || src != w.source {
		t.Errorf("%s = %q (%s, from %q), want %q (%s, from %q)", name, val, row.Agreement, src, w.value, w.agreement, w.source)
	}
	if w.fragment != "" && !strings.Contains(text, w.fragment) {
		t.Errorf("%s: the quoted evidence does not hold %q:\n%s", name, w.fragment, text)
	}
	if w.source != "" && w.fragment == "" {
		t.Errorf("%s: the table names a deciding source but no fragment of its sentence", name)
	}
}

// checkVendorDrifts checks that a baseline-drift event was raised for
// every cell that drifts from the guide, and for none that agrees.
func checkVendorDrifts(t *testing.T, r *runner, rows []report.Row) {
	t.Helper()
	out, _, _ := r.run("changes", "--kind", terms.BaselineDrift, "--format", "json")
	var drifts []terms.Event
	if err := json.Unmarshal([]byte(out), &drifts); err != nil {
		t.Fatal(err)
	}
	raised := map[string]bool{}
	for _, e := range drifts {
		raised[e.Vendor+"/"+e.Tier+"/"+e.Attribute] = true
	}
	for _, row := range rows {
		k := row.Vendor + "/" + row.Tier + "/" + row.Attribute
		if row.Attribute == "sensitive-data" {
			continue // derived: its drift follows the cells it is derived from
		}
		if row.Agreement == "drift" && !raised[k] {
			t.Errorf("%s drifts from the guide but no baseline-drift was raised", k)
		}
		if row.Agreement == "agrees" && raised[k] {
			t.Errorf("%s agrees with the guide but a baseline-drift was raised", k)
		}
	}
}
