package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// One sentence edit that moved two tiers is shown once, with both tiers,
// in every format.
func TestOneChangeShownOnceWithItsTiers(t *testing.T) {
	old, nw := terms.Scalar("never"), terms.Scalar("opt-out")
	side := &terms.Side{Clause: "Your content", Text: "We use your chats to train our models unless you opt out."}
	evs := []terms.Event{
		{ID: "c-000001", Kind: terms.ValueChanged, Severity: terms.Critical, Vendor: "acme", Tier: "consumer", Attribute: "training", Old: &old, New: &nw, Source: "acme-terms", After: side, Change: "g-000001"},
		{ID: "c-000002", Kind: terms.ValueChanged, Severity: terms.Critical, Vendor: "acme", Tier: "team", Attribute: "training", Old: &old, New: &nw, Source: "acme-terms", After: side, Change: "g-000001"},
		{ID: "c-000003", Kind: terms.ValueChanged, Severity: terms.Critical, Vendor: "acme", Tier: "api", Attribute: "training", Old: &old, New: &nw, Source: "acme-terms", After: side},
	}
	o := Options{TierLabel: func(_, tier string) string { return strings.ToUpper(tier[:1]) + tier[1:] }}
	for name, write := range map[string]func(*bytes.Buffer) error{
		"text":     func(b *bytes.Buffer) error { return Text(b, evs, o) },
		"markdown": func(b *bytes.Buffer) error { return Markdown(b, evs, o) },
		"html":     func(b *bytes.Buffer) error { return HTML(b, evs, o) },
	} {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if n := strings.Count(out, "Consumer, Team training"); n != 1 {
			t.Errorf("%s: the grouped change is shown %d times:\n%s", name, n, out)
		}
		if !strings.Contains(out, "Api training") {
			t.Errorf("%s: the other change is missing:\n%s", name, out)
		}
	}
	if got := Subject(evs, o); !strings.Contains(got, "2 critical") {
		t.Errorf("subject %q", got)
	}
}
