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

// oaDecl declares a second vendor shaped like OpenAI: a privacy page that
// speaks for consumers, business plans and the API, and a platform page for
// the API. extraTier adds a tier (a new plan appearing).
func oaDecl(extraTier bool) string {
	tiers := "  - id: consumer\n    label: Chat Free and Plus\n  - id: team\n    label: Chat Business\n  - id: api\n    label: API platform\n"
	rules := ""
	if extraTier {
		tiers += "  - id: edu\n    label: Chat Edu\n"
		rules = "  - source: oa-privacy\n    tiers: [edu]\n    attribute: training\n    clause: \"Connectors\"\n"
	}
	return `vendor: oa
name: Example Second Vendor
tiers:
` + tiers + `documents:
  - id: oa-privacy
    url: https://oa.example.test/privacy
    select: [main]
    tiers: [consumer, team, api]
  - id: oa-platform
    url: https://platform.oa.example.test/your-data
    select: [main]
    tiers: [api]
attributes:
  - source: oa-privacy
    tiers: [team]
    attribute: training
    clause: "Connectors"
  - source: oa-privacy
    tiers: [api]
    attribute: retention
    clause: "API data"
  - source: oa-platform
    tiers: [api]
    attribute: retention
    clause: "Retention"
` + rules
}

type oaState struct {
	dateUS         bool // "July 8, 2026" or "8 July 2026"
	apiInPrivacy   bool // the API retention sentence is on the privacy page
	apiInPlatform  bool // … or on the platform page
	connectorByDef bool // "by default, we do not train" instead of "we do not train"
}

func oaPrivacy(s oaState) fixture.Page {
	date := "8 July 2026"
	if s.dateUS {
		date = "July 8, 2026"
	}
	api := "Requests sent through the API are handled under the services agreement."
	if s.apiInPrivacy {
		api = "API inputs and outputs are retained for up to 30 days, and then deleted."
	}
	conn := "We do not train our models on content that comes from connected apps."
	if s.connectorByDef {
		conn = "By default, we do not train our models on content that comes from connected apps."
	}
	return fixture.Page{Title: "Example privacy policy", Sections: []fixture.Section{
		{Heading: "About this policy", Paras: []fixture.Para{{Text: "This policy explains what we collect and why, for every plan we sell; it was last updated on " + date + "."}}},
		{Heading: "Connectors", Paras: []fixture.Para{{Lead: "Connected apps", Text: conn}}},
		{Heading: "API data", Paras: []fixture.Para{{Lead: "Platform requests", Text: api}}},
		{Heading: "Your rights", Paras: []fixture.Para{{Text: "You can ask for a copy of your data or ask us to delete it through the privacy portal at any time."}}},
	}}
}

func oaPlatform(s oaState) fixture.Page {
	ret := "The platform keeps logs of request metadata for billing and abuse monitoring purposes."
	if s.apiInPlatform {
		ret = "API inputs and outputs are retained for up to 30 days, and then deleted."
	}
	return fixture.Page{Title: "Your data on the platform", Sections: []fixture.Section{
		{Heading: "Retention", Paras: []fixture.Para{{Lead: "How long we keep data", Text: ret}}},
		{Heading: "Controls", Paras: []fixture.Para{{Text: "Organization owners can review usage and export request logs from the dashboard at any time."}, {Text: "Project keys can be rotated or revoked by an owner, and every rotation is written to the audit log."}}},
	}}
}

// TestSecondVendorTimeline imports a timeline of OpenAI-shaped fixture pages:
// API retention stated, then moved from one document to another; a connector
// clause going from "we do not train" to "by default, we do not train"; a new
// tier appearing; and noise from tracking parameters and date formats. It
// checks that exactly the expected events are raised.
func TestSecondVendorTimeline(t *testing.T) {
	dir := t.TempDir()
	write := func(extra bool) {
		if err := os.WriteFile(filepath.Join(dir, "oa.yaml"), []byte(oaDecl(extra)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(false)
	r := &runner{t: t, db: filepath.Join(t.TempDir(), "cw.db"), sources: dir, now: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)}
	pages := t.TempDir()
	at := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	n := uint64(0)
	var got []string
	imp := func(id string, p fixture.Page) {
		t.Helper()
		n++
		at = at.Add(24 * time.Hour)
		p.Noise = n // fresh tracking parameters, nonces and build ids
		file := filepath.Join(pages, fmt.Sprintf("%s-%d.html", id, n))
		os.WriteFile(file, p.HTML(), 0o644)
		out, errs, code := r.run("import", "--source", id, "--fetched-at", at.Format(time.RFC3339), "--format", "json", file)
		if code != cli.ExitOK && code != cli.ExitChanges {
			t.Fatalf("import %s: exit %d\n%s\n%s", id, code, out, errs)
		}
		var o struct{ Events []terms.Event }
		if err := json.Unmarshal([]byte(out), &o); err != nil {
			t.Fatal(err)
		}
		for _, e := range o.Events {
			got = append(got, fmt.Sprintf("%s %s %s %s %s %s->%s", e.Kind, e.Severity, e.Source, e.Tier, e.Attribute, show(e.Old), show(e.New)))
		}
	}
	s := oaState{dateUS: true, apiInPrivacy: true}
	imp("oa-privacy", oaPrivacy(s))
	imp("oa-platform", oaPlatform(s))
	// Noise: the date format flips, tracking parameters rotate.
	s.dateUS = false
	imp("oa-privacy", oaPrivacy(s))
	s.dateUS = true
	imp("oa-privacy", oaPrivacy(s))
	imp("oa-platform", oaPlatform(s))
	if len(got) != 0 {
		t.Fatalf("noise raised events: %v", got)
	}
	// The API retention sentence moves from the privacy page to the platform page.
	s.apiInPlatform = true
	imp("oa-platform", oaPlatform(s))
	s.apiInPrivacy = false
	imp("oa-privacy", oaPrivacy(s))
	// The connector clause gains "by default": same value, new wording.
	s.connectorByDef = true
	imp("oa-privacy", oaPrivacy(s))
	// A new tier appears in the declarations; the pages do not change.
	write(true)
	s.dateUS = false
	imp("oa-privacy", oaPrivacy(s))

	sort.Strings(got)
	want := []string{
		"clause-changed low oa-privacy team training -",
		"evidence-found info oa-platform api retention ->default=30",
		"evidence-lost high oa-privacy api retention default=30->unknown",
	}
	var trimmed []string
	for _, g := range got {
		if strings.HasPrefix(g, "clause-changed") {
			g = strings.SplitAfter(g, "training")[0] + " -"
		}
		trimmed = append(trimmed, g)
	}
	if strings.Join(trimmed, "\n") != strings.Join(want, "\n") {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// The new tier is observed from the existing page, and its label shows.
	out, _, _ := r.run("status", "--vendor", "oa", "--tier", "edu", "--format", "json")
	if !strings.Contains(out, `"tier": "edu"`) || !strings.Contains(out, `"observed": "never"`) {
		t.Errorf("status of the new tier:\n%s", out)
	}
}

func show(v *terms.Value) string {
	if v == nil {
		return ""
	}
	return v.String()
}
