package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/compare"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// A conflict shows both quotes and an unknown cell says why, in every format.
func TestStatusShowsConflictsAndReasons(t *testing.T) {
	v := terms.Vendor{ID: "acme", Tiers: []terms.Tier{{ID: "api"}}}
	obs := []terms.Observation{
		{Vendor: "acme", Tier: "api", Attribute: "training", Value: terms.Scalar("never"), Evidence: terms.Evidence{Source: "terms", Clause: "Data", Text: "We never train on API data."}},
		{Vendor: "acme", Tier: "api", Attribute: "training", Value: terms.Scalar("opt-out"), Evidence: terms.Evidence{Source: "help", Clause: "FAQ", Text: "API data trains our models unless you opt out."}},
		{Vendor: "acme", Tier: "api", Attribute: "zdr", Value: terms.UnknownValue("the page no longer states it"), Evidence: terms.Evidence{Source: "terms"}},
	}
	rows := Rows(compare.Build(v, obs, nil))
	for name, write := range map[string]func(*bytes.Buffer) error{
		"text":     func(b *bytes.Buffer) error { return StatusText(b, rows) },
		"markdown": func(b *bytes.Buffer) error { return StatusMarkdown(b, rows) },
		"json":     func(b *bytes.Buffer) error { return StatusJSON(b, rows) },
	} {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for _, want := range []string{"conflict", "We never train on API data.", "unless you opt out", "the page no longer states it"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s lacks %q:\n%s", name, want, out)
			}
		}
	}
}
