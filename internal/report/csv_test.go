package report_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/report"
	"github.com/clausewatch/clausewatch/internal/terms"
)

func gridRows() []report.Row {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	optOut, never := terms.Scalar("opt-out"), terms.Scalar("never")
	ret := terms.MapOf(map[string]string{"default": "30", "training-opt-in": "1825"})
	limited := terms.Scalar("limited")
	return []report.Row{
		{Vendor: "example", Tier: "consumer", Attribute: "training", Documented: &never, Observed: &optOut, Agreement: "drift",
			Evidence: &terms.Evidence{Source: "example-terms", Clause: "Your content > Use", Text: "=We use your chats | to train, unless you opt out.", SnapshotAt: at}},
		{Vendor: "example", Tier: "team", Attribute: "training", Documented: &never, Observed: &never, Agreement: "agrees", Agrees: true,
			Evidence: &terms.Evidence{Source: "example-terms", Clause: "Team plan", Text: "Team plan content is never used to train our models.", SnapshotAt: at}},
		{Vendor: "example", Tier: "consumer", Attribute: "retention", Observed: &ret, Agreement: "undocumented",
			Conflicting: []terms.Evidence{{Source: "a", Clause: "x", Text: "kept 30 days"}, {Source: "b", Clause: "y", Text: "kept 60 days"}}},
		{Vendor: "example", Tier: "team", Attribute: "retention", Agreement: "not-observed"},
		{Vendor: "example", Tier: "team", Attribute: "sensitive-data", Observed: &limited, Agreement: "undocumented", Derivation: "no training, but no HIPAA BAA on offer"},
	}
}

func gridOptions() report.Options {
	return report.Options{
		SourceURL: func(id string) string {
			if id == "example-terms" {
				return "https://example.test/terms#top"
			}
			return ""
		},
		TierLabel: func(v, t string) string { return map[string]string{"consumer": "Consumer (Free)", "team": "Team"}[t] },
	}
}

func TestStatusCSV(t *testing.T) {
	var b bytes.Buffer
	if err := report.StatusCSV(&b, gridRows(), gridOptions()); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse back: %v\n%s", err, b.String())
	}
	if len(recs) != 1+len(gridRows()) {
		t.Fatalf("%d records, want a header and %d rows", len(recs), len(gridRows()))
	}
	if strings.Join(recs[0], ",") != strings.Join(report.CSVHeader, ",") {
		t.Errorf("header %q", recs[0])
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	r := recs[1]
	for name, want := range map[string]string{
		"vendor": "example", "tier": "consumer", "attribute": "training", "documented": "never", "observed": "opt-out",
		"agreement": "drift", "agrees": "false", "evidence_source": "example-terms", "evidence_clause": "Your content > Use",
		"evidence_text":  "'=We use your chats | to train, unless you opt out.", // a formula is defused
		"snapshot_at":    "2026-03-01T12:00:00Z",
		"observed_words": "opt-out: used unless you turn it off", "documented_words": "never used for training",
		"evidence_url": "https://example.test/terms#:~:text=%3DWe%20use%20your%20chats%20%7C,train%2C%20unless%20you%20opt%20out.",
	} {
		if got := r[col[name]]; got != want {
			t.Errorf("row 1 %s = %q, want %q", name, got, want)
		}
	}
	if got := recs[2][col["agrees"]]; got != "true" {
		t.Errorf("row 2 agrees = %q", got)
	}
	if got := recs[3][col["conflicting"]]; got != "a › x: “kept 30 days” / b › y: “kept 60 days”" {
		t.Errorf("row 3 conflicting = %q", got)
	}
	if got := recs[4][col["observed"]]; got != "" || recs[4][col["observed_words"]] != "not stated" {
		t.Errorf("row 4 observed = %q / %q", got, recs[4][col["observed_words"]])
	}
	if got := recs[5][col["derivation"]]; got != "no training, but no HIPAA BAA on offer" {
		t.Errorf("row 5 derivation = %q", got)
	}
}

func TestStatusGrid(t *testing.T) {
	var b bytes.Buffer
	if err := report.StatusGrid(&b, gridRows(), gridOptions()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	lines := strings.Split(out, "\n")
	var table []string
	for _, l := range lines {
		if strings.HasPrefix(l, "|") {
			table = append(table, l)
		}
	}
	// Header, rule, then one row per attribute (training, retention,
	// sensitive-data), each with one cell per tier.
	if len(table) != 5 {
		t.Fatalf("table lines %d, want 5:\n%s", len(table), out)
	}
	if table[0] != "| attribute | Consumer (Free) | Team |" {
		t.Errorf("header %q", table[0])
	}
	for _, l := range table {
		// An escaped pipe in page text must not add a column.
		if n := strings.Count(strings.ReplaceAll(l, `\|`, ""), "|"); n != 4 {
			t.Errorf("line %q has %d pipes, want 4", l, n)
		}
	}
	for _, want := range []string{
		"| **training** | opt-out: used unless you turn it off <br>✗ DRIFT; guide: never used for training[^1] | never used for training <br>✓ agrees[^2] |",
		"[^1]: example-terms › Your content \\> Use (2026-03-01): “=We use your chats \\| to train, unless you opt out.” <https://example.test/terms#:~:text=%3DWe%20use",
		"limited: only with care (derived: no training, but no HIPAA BAA on offer) <br>+ undocumented",
		"[^3]: a › x: “kept 30 days”", "[^4]: b › y: “kept 60 days”",
		"not stated <br>· not observed",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("grid lacks %q:\n%s", want, out)
		}
	}
}

func TestTextFragmentURL(t *testing.T) {
	for _, tc := range []struct{ page, text, want string }{
		{"", "x", ""},
		{"https://e.test/p", "", "https://e.test/p"},
		{"https://e.test/p#old", "Data is kept for 30-day periods, & then deleted.", "https://e.test/p#:~:text=Data%20is%20kept%20for%2030%2Dday%20periods%2C%20%26%20then%20deleted."},
	} {
		if got := report.TextFragmentURL(tc.page, tc.text); got != tc.want {
			t.Errorf("TextFragmentURL(%q, %q) = %q, want %q", tc.page, tc.text, got, tc.want)
		}
	}
}
