package pipeline

import (
	"errors"
	"testing"

	"github.com/clausewatch/clausewatch/internal/extract"
	"github.com/clausewatch/clausewatch/internal/terms"
)

func obs(source, tier, attr string) terms.Observation {
	return terms.Observation{Tier: tier, Attribute: attr, Value: terms.Scalar("never"), Evidence: terms.Evidence{Source: source}}
}

func TestSettled(t *testing.T) {
	v := terms.Vendor{ID: "x", Rules: []terms.Rule{
		{Source: "a", Tiers: []string{"consumer"}, Attribute: "training"},
		{Source: "b", Tiers: []string{"consumer"}, Attribute: "training"},
		{Source: "c", Tiers: []string{"team"}, Attribute: "retention"},
	}}
	base := map[string]map[string]terms.Value{
		"consumer": {"training": terms.Scalar("never"), "sensitive-data": terms.Scalar("yes")},
		"team":     {"retention": terms.MapOf(map[string]string{"default": "30"}), "training": terms.Scalar("never")},
	}
	has := func(m map[string]map[string]terms.Value, tier, attr string) bool { _, ok := m[tier][attr]; return ok }

	// Only a has been read, and now c: consumer training waits for b.
	got := settled(base, v, []terms.Observation{obs("a", "consumer", "training")}, "c")
	if has(got, "consumer", "training") || has(got, "consumer", "sensitive-data") {
		t.Errorf("consumer cells compared before b was read: %v", got)
	}
	if !has(got, "team", "retention") || !has(got, "team", "training") {
		t.Errorf("team cells held back: %v", got)
	}
	// b arrives: everything settles, and b is what settled consumer training.
	got = settled(base, v, []terms.Observation{obs("a", "consumer", "training"), obs("c", "team", "retention")}, "b")
	if !has(got, "consumer", "training") {
		t.Errorf("consumer training not compared once a and b are in: %v", got)
	}
	just := justSettled(v, []terms.Observation{obs("a", "consumer", "training")}, "b")
	if len(just) != 2 { // training and the tier's derived sensitive-data
		t.Errorf("justSettled = %v, want consumer training and sensitive-data", just)
	}
	if j := justSettled(v, []terms.Observation{obs("a", "consumer", "training"), obs("b", "consumer", "training")}, "b"); j != nil {
		t.Errorf("a source read before settles nothing anew: %v", j)
	}
	if settled(nil, v, nil, "a") != nil {
		t.Error("no baseline: want nil")
	}
}

func TestExtractByContentType(t *testing.T) {
	src := terms.Source{ID: "s", Select: []string{"main"}}
	doc, err := Extract(src, "text/plain; charset=utf-8", []byte("# Title\n\nWe keep chats for 30 days.\n"))
	if err != nil || len(doc.Clauses) == 0 {
		t.Fatalf("text page: %v, %+v", err, doc)
	}
	if _, err := Extract(src, "text/markdown", []byte("\n\n")); !errors.Is(err, extract.ErrNoContent) {
		t.Errorf("empty text: %v, want ErrNoContent", err)
	}
	if _, err := Extract(src, "text/html", []byte("<html><body><div>app shell</div></body></html>")); !errors.Is(err, extract.ErrNoContent) {
		t.Errorf("HTML without main: %v, want ErrNoContent", err)
	}
}
