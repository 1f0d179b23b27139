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

// observeFixture is a small vendor with one terms page, written by us:
// a page declared for both tiers, one section of which names one of them.
func observeFixture() (terms.Vendor, terms.Source, terms.Document, terms.Snapshot) {
	src := terms.Source{ID: "acme-terms", Vendor: "acme", Tiers: []string{"personal", "business"}}
	v := terms.Vendor{
		ID:    "acme",
		Name:  "Acme",
		Tiers: []terms.Tier{{ID: "personal", Names: []string{"personal account"}}, {ID: "business", Names: []string{"business account", "Acme for Work"}}},
	}
	doc := terms.Document{Clauses: []terms.Clause{
		{Path: []string{"Acme Terms", "3. Use of Content"}, Kind: terms.KindParagraph,
			Text: "We may use your content to train our models. You can turn this setting off in your data controls."},
		{Path: []string{"Acme Terms", "3. Use of Content"}, Kind: terms.KindParagraph, Text: "We also publish a newsletter."},
		{Path: []string{"Acme Terms", "4. Business Accounts"}, Kind: terms.KindParagraph,
			Text: "We do not train on your data, except content flagged for safety review."},
		{Path: []string{"Acme Terms", "5. Retention", "Standard"}, Kind: terms.KindParagraph, Text: "Chats are kept for 30 days."},
		{Path: []string{"Acme Terms", "5. Retention", "Deletion"}, Kind: terms.KindParagraph, Text: "Deleted chats leave our back-end within 14 days."},
		{Path: []string{"Acme Terms", "5. Retention"}, Kind: terms.KindParagraph, Text: "For Acme for Work, chats are kept for 90 days unless an admin deletes them sooner."},
	}}
	snap := terms.Snapshot{ID: 42, Source: "acme-terms", FetchedAt: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	return v, src, doc, snap
}

// show renders observations as "tier/attribute=value[*]" (* when the tier
// was named), unknowns with their reason.
func show(obs []terms.Observation) string {
	var got []string
	for _, o := range obs {
		s := o.Tier + "/" + o.Attribute + "=" + o.Value.String()
		if o.Value.Unknown {
			s += "(" + o.Value.Reason + ")"
		}
		if o.Evidence.Named {
			s += "*"
		}
		got = append(got, s)
	}
	return strings.Join(got, "; ")
}

func TestObserveReadsEverySentenceAboutWhom(t *testing.T) {
	v, src, doc, snap := observeFixture()
	obs := Observe(v, src, doc, snap)
	want := "personal/training=opt-out; personal/retention=after-deletion=14, default=30; " +
		"business/training=never*; business/retention=after-deletion=14, default=90*"
	if got := show(obs); got != want {
		t.Fatalf("Observe =\n  %s\nwant\n  %s", got, want)
	}
	for _, o := range obs {
		e := o.Evidence
		if e.Source != "acme-terms" || e.Snapshot != 42 || !e.SnapshotAt.Equal(snap.FetchedAt) || e.Clause == "" || e.Text == "" {
			t.Errorf("%s/%s evidence %+v", o.Tier, o.Attribute, e)
		}
		if o.Attribute == SensitiveData {
			t.Errorf("sensitive-data observed from a page: %+v", o)
		}
	}
	if o := obs[2]; o.Evidence.Clause != "Acme Terms > 4. Business Accounts" || !strings.Contains(o.Evidence.Text, "flagged for safety review") {
		t.Errorf("business training evidence %+v", o.Evidence)
	}
}

func TestObserveWhom(t *testing.T) {
	v, _, _, snap := observeFixture()
	src := terms.Source{ID: "acme-help", Vendor: "acme", Tiers: []string{"personal"}}
	tests := []struct {
		name string
		doc  terms.Document
		want string
	}{
		{"a name in the sentence speaks for that tier only, even off the page's tiers",
			terms.Document{Clauses: []terms.Clause{{Path: []string{"Help"}, Text: "Business accounts are never used to train our models."}}},
			"business/training=never*"},
		{"a name only in an exception does not count",
			terms.Document{Clauses: []terms.Clause{{Path: []string{"Help"}, Text: "We keep chats for 30 days, except chats of a business account, which an admin can delete sooner."}}},
			"personal/retention=default=30"},
		{"a list lead-in names the tier of its items",
			terms.Document{Clauses: []terms.Clause{
				{Path: []string{"Help"}, Text: "For a business account:"},
				{Path: []string{"Help"}, Kind: terms.KindListItem, Text: "chats are deleted within 7 days of deletion by an admin."},
			}},
			"business/retention=after-deletion=7*"},
		{"a name in a heading speaks for the sentences under it",
			terms.Document{Clauses: []terms.Clause{{Path: []string{"Help", "Acme for Work"}, Text: "Chats are kept for 60 days."}}},
			"business/retention=default=60*"},
		{"a sentence whose clauses name different tiers is read clause by clause",
			terms.Document{Clauses: []terms.Clause{{Path: []string{"Help"}, Text: "Personal account chats are kept for 60 days, while business account chats are kept for 14 days."}}},
			"personal/retention=default=60*; business/retention=default=14*"},
		{"a table row whose columns are tiers speaks for each column's tier",
			terms.Document{Clauses: []terms.Clause{{Path: []string{"Help"}, Kind: terms.KindTableRow,
				Text: "Data: Chats | Personal account: kept for 60 days | Business account: kept for 14 days"}}},
			"personal/retention=default=60*; business/retention=default=14*"},
		{"no name: the page's tiers",
			terms.Document{Clauses: []terms.Clause{{Path: []string{"Help"}, Text: "Chats are kept for 60 days."}}},
			"personal/retention=default=60"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := show(Observe(v, src, tt.doc, snap)); got != tt.want {
				t.Errorf("Observe = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestObserveRules(t *testing.T) {
	v, src, doc, snap := observeFixture()
	tests := []struct {
		name  string
		rules []terms.Rule
		want  string
	}{
		{"rules of another source change nothing", []terms.Rule{{Source: "x", Tiers: []string{"personal"}, Attribute: "retention", Clause: "Nothing"}},
			"personal/training=opt-out; personal/retention=after-deletion=14, default=30; business/training=never*; business/retention=after-deletion=14, default=90*"},
		{"a rule narrows one attribute to its clauses", []terms.Rule{{Source: "acme-terms", Tiers: []string{"personal", "business"}, Attribute: "retention", Clause: "Retention > Standard"}},
			"personal/training=opt-out; personal/retention=default=30; business/training=never*; business/retention=default=30"},
		{"a rule excludes clauses", []terms.Rule{{Source: "acme-terms", Attribute: "training", Clause: "Use of Content", Exclude: true}},
			"personal/retention=after-deletion=14, default=30; business/training=never*; business/retention=after-deletion=14, default=90*"},
		{"a rule's tiers say whom unnamed sentences speak for", []terms.Rule{{Source: "acme-terms", Tiers: []string{"personal"}, Attribute: "training", Clause: "Use of Content"}},
			"personal/training=opt-out; personal/retention=after-deletion=14, default=30; business/retention=after-deletion=14, default=90*"},
		{"a narrowing rule that selects nothing: unknown, naming the rule", []terms.Rule{{Source: "acme-terms", Tiers: []string{"personal"}, Attribute: "training", Clause: "Gone Section", File: "acme.yaml", Line: 12}},
			`personal/training=unknown(no clause matches "Gone Section" in acme-terms (rule acme.yaml:12)); personal/retention=after-deletion=14, default=30; business/retention=after-deletion=14, default=90*`},
		{"match is case-insensitive", []terms.Rule{{Source: "acme-terms", Tiers: []string{"personal"}, Attribute: "retention", Match: "DELETED"}},
			"personal/training=opt-out; personal/retention=after-deletion=14; business/training=never*"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v.Rules = tt.rules
			if got := show(Observe(v, src, doc, snap)); got != tt.want {
				t.Errorf("Observe =\n  %s\nwant\n  %s", got, tt.want)
			}
		})
	}
}
