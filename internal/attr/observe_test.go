package attr

import (
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/terms"
)

func TestRead(t *testing.T) {
	cs := paras("Use", "We do not use your conversations to train our models.")
	tests := []struct {
		name, attribute string
		wantScalar      string // "" for unknown
		wantReason      string // substring of the unknown reason
	}{
		{"training dispatches", "training", "never", ""},
		{"sensitive-data is derived", "sensitive-data", "", "derived"},
		{"unknown attribute", "favourite-colour", "", `no reader for attribute "favourite-colour"`},
		{"empty attribute", "", "", "no reader"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Read(testAnthropic, tt.attribute, cs)
			if tt.wantScalar != "" {
				if r.Value.Scalar != tt.wantScalar {
					t.Fatalf("Read(%q) = %v, want %s", tt.attribute, r.Value, tt.wantScalar)
				}
				return
			}
			if !r.Value.Unknown || !strings.Contains(r.Value.Reason, tt.wantReason) {
				t.Fatalf("Read(%q) = %v (%q), want unknown containing %q", tt.attribute, r.Value, r.Value.Reason, tt.wantReason)
			}
		})
	}
	t.Run("every attribute but sensitive-data has a reader", func(t *testing.T) {
		for _, a := range terms.Attributes {
			if (readerFor(a) == nil) != (a == SensitiveData) {
				t.Errorf("readerFor(%q) presence wrong", a)
			}
		}
	})
}

// observeFixture is a small vendor with one terms page, written by us.
func observeFixture() (terms.Vendor, terms.Source, terms.Document, terms.Snapshot) {
	src := terms.Source{ID: "acme-terms", Vendor: "acme", Tiers: []string{"personal", "business"}}
	v := terms.Vendor{
		ID:    "acme",
		Tiers: []terms.Tier{{ID: "personal"}, {ID: "business"}},
		Rules: []terms.Rule{
			{Source: "acme-terms", Tiers: []string{"business"}, Attribute: "training", Clause: "Business Accounts"},
			{Source: "acme-terms", Tiers: []string{"personal"}, Attribute: "retention", Clause: "Retention > Standard"},
			{Source: "acme-terms", Tiers: []string{"personal"}, Attribute: "retention", Clause: "Retention > Deletion"},
			{Source: "acme-terms", Tiers: []string{"personal"}, Attribute: "training", Clause: "Use of Content", Match: "train"},
			{Source: "acme-terms", Tiers: []string{"personal", "business"}, Attribute: "sensitive-data", Clause: "Use of Content"},
			{Source: "acme-other", Tiers: []string{"personal"}, Attribute: "training", Clause: "Use of Content"},
			{Source: "acme-terms", Tiers: []string{"business"}, Attribute: "retention", Clause: "Gone Section"},
			{Source: "acme-terms", Tiers: []string{"business"}, Attribute: "retention", Clause: "Retention > Standard", Match: "(", File: "acme.yaml", Line: 12},
			// Two rules for one scalar: the first reads nothing, the second decides.
			{Source: "acme-terms", Tiers: []string{"personal"}, Attribute: "training", Clause: "Retention > Standard"},
		},
	}
	doc := terms.Document{Clauses: []terms.Clause{
		{Path: []string{"Acme Terms", "3. Use of Content"}, Kind: terms.KindParagraph,
			Text: "We may use your content to train our models. You can turn this setting off in your data controls."},
		{Path: []string{"Acme Terms", "3. Use of Content"}, Kind: terms.KindParagraph, Text: "We also publish a newsletter."},
		{Path: []string{"Acme Terms", "4. Business Accounts"}, Kind: terms.KindParagraph,
			Text: "We do not train on business account data, except content flagged for safety review."},
		{Path: []string{"Acme Terms", "5. Retention", "Standard"}, Kind: terms.KindParagraph, Text: "Chats are kept for 30 days."},
		{Path: []string{"Acme Terms", "5. Retention", "Deletion"}, Kind: terms.KindParagraph, Text: "Deleted chats leave our back-end within 14 days."},
		{Path: []string{"Acme Terms", "5. Retention", "Deletion"}, Kind: terms.KindParagraph, Text: "Chats are kept for 90 days."},
	}}
	snap := terms.Snapshot{ID: 42, Source: "acme-terms", FetchedAt: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	return v, src, doc, snap
}

func TestObserve(t *testing.T) {
	v, src, doc, snap := observeFixture()
	obs := Observe(v, src, doc, snap)

	type want struct {
		tier, attr, value, reason, clause, text string
	}
	wants := []want{
		{tier: "personal", attr: "training", value: "opt-out", clause: "Acme Terms > 3. Use of Content",
			text: "We may use your content to train our models. You can turn this setting off in your data controls."},
		{tier: "personal", attr: "retention", value: "after-deletion=14, default=30", clause: "Acme Terms > 5. Retention > Standard",
			text: "Chats are kept for 30 days. Deleted chats leave our back-end within 14 days."},
		{tier: "business", attr: "training", value: "never", clause: "Acme Terms > 4. Business Accounts",
			text: "We do not train on business account data, except content flagged for safety review."},
		{tier: "business", attr: "retention", value: "unknown",
			reason: `no clause matches "Gone Section" in acme-terms; rule acme.yaml:12: match "(": `},
	}
	if len(obs) != len(wants) {
		for _, o := range obs {
			t.Logf("got %s/%s = %v (%s)", o.Tier, o.Attribute, o.Value, o.Value.Reason)
		}
		t.Fatalf("got %d observations, want %d", len(obs), len(wants))
	}
	for i, w := range wants {
		o := obs[i]
		t.Run(w.tier+"/"+w.attr, func(t *testing.T) {
			if o.Vendor != "acme" || o.Tier != w.tier || o.Attribute != w.attr {
				t.Fatalf("observation %d is %s/%s/%s, want acme/%s/%s", i, o.Vendor, o.Tier, o.Attribute, w.tier, w.attr)
			}
			if got := o.Value.String(); got != w.value {
				t.Errorf("value %s (%s), want %s", got, o.Value.Reason, w.value)
			}
			if w.reason != "" && !strings.HasPrefix(o.Value.Reason, w.reason) {
				t.Errorf("reason %q, want prefix %q", o.Value.Reason, w.reason)
			}
			e := o.Evidence
			if e.Source != "acme-terms" || e.Snapshot != 42 || !e.SnapshotAt.Equal(snap.FetchedAt) {
				t.Errorf("evidence provenance %+v", e)
			}
			if e.Clause != w.clause || e.Text != w.text {
				t.Errorf("evidence clause %q text %q, want %q %q", e.Clause, e.Text, w.clause, w.text)
			}
		})
	}
	for _, o := range obs {
		if o.Attribute == SensitiveData {
			t.Errorf("sensitive-data observed from a page: %+v", o)
		}
	}
}

func TestObserveClauseGone(t *testing.T) {
	v, src, doc, snap := observeFixture()
	// The next version of the page dropped the business section.
	var kept []terms.Clause
	for _, c := range doc.Clauses {
		if !c.Matches("Business Accounts") {
			kept = append(kept, c)
		}
	}
	doc.Clauses = kept
	for _, o := range Observe(v, src, doc, snap) {
		if o.Tier == "business" && o.Attribute == "training" {
			if !o.Value.Unknown || o.Value.Reason != `no clause matches "Business Accounts" in acme-terms` {
				t.Errorf("business training = %v (%q), want unknown: clause gone", o.Value, o.Value.Reason)
			}
			if o.Evidence.Source != "acme-terms" || o.Evidence.Clause != "" || o.Evidence.Text != "" {
				t.Errorf("unknown evidence %+v", o.Evidence)
			}
			return
		}
	}
	t.Fatal("no business training observation")
}

func TestObserveCases(t *testing.T) {
	src := terms.Source{ID: "s"}
	snap := terms.Snapshot{ID: 1}
	doc := terms.Document{Clauses: []terms.Clause{
		{Path: []string{"Security"}, Text: "We encrypt everything."},
		{Path: []string{"Retention"}, Text: "Inputs are kept for 30 days."},
	}}
	tests := []struct {
		name  string
		rules []terms.Rule
		want  string // "tier/attr=value" joined by "; "
	}{
		{"no rules", nil, ""},
		{"rules of another source only", []terms.Rule{{Source: "x", Tiers: []string{"t"}, Attribute: "retention"}}, ""},
		{"matched clause with nothing readable", []terms.Rule{{Source: "s", Tiers: []string{"t"}, Attribute: "training", Clause: "Security"}},
			"t/training=unknown(no sentence says whether customer data is used for training)"},
		{"match is case-insensitive", []terms.Rule{{Source: "s", Tiers: []string{"t"}, Attribute: "retention", Match: "INPUTS"}},
			"t/retention=default=30"},
		{"match selects nothing", []terms.Rule{{Source: "s", Tiers: []string{"t"}, Attribute: "retention", Clause: "Retention", Match: "outputs"}},
			`t/retention=unknown(no clause matches "Retention" with text matching "outputs" in s)`},
		{"unknown attribute", []terms.Rule{{Source: "s", Tiers: []string{"t"}, Attribute: "colour", File: "v.yaml", Line: 3}},
			`t/colour=unknown(rule v.yaml:3: no reader for attribute "colour")`},
		{"undeclared tiers sort after declared ones", []terms.Rule{
			{Source: "s", Tiers: []string{"zeta", "alpha"}, Attribute: "retention", Clause: "Retention"},
			{Source: "s", Tiers: []string{"alpha"}, Attribute: "training", Clause: "Retention"},
		}, "alpha/training=unknown(no sentence says whether customer data is used for training); alpha/retention=default=30; zeta/retention=default=30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs := Observe(terms.Vendor{ID: "v", Rules: tt.rules}, src, doc, snap)
			var got []string
			for _, o := range obs {
				s := o.Tier + "/" + o.Attribute + "=" + o.Value.String()
				if o.Value.Unknown {
					s += "(" + o.Value.Reason + ")"
				}
				got = append(got, s)
			}
			if g := strings.Join(got, "; "); g != tt.want {
				t.Errorf("Observe = %q\nwant      %q", g, tt.want)
			}
		})
	}
}

