package attr

import (
	"maps"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/terms"
)

func TestReadRetention(t *testing.T) {
	row := func(text string) terms.Clause {
		return terms.Clause{Path: []string{"Features"}, Kind: terms.KindTableRow, Text: text}
	}
	tests := []struct {
		name    string
		clauses []terms.Clause
		want    map[string]string // nil for unknown
	}{
		{"API inputs retained up to 30 days", paras("API", "API inputs and outputs are retained for up to 30 days."),
			map[string]string{"default": "30"}},
		{"words with digits in brackets", paras("Data", "We keep your data for thirty (30) days."),
			map[string]string{"default": "30"}},
		{"deleted conversations", paras("Data", "Deleted conversations are removed from our systems within 30 days."),
			map[string]string{"after-deletion": "30"}},
		{"batch results", paras("API", "Batch results are stored for 29 days."),
			map[string]string{"batch": "29"}},
		{"29-day batch retention", paras("API", "A 29-day retention applies to message batches."),
			map[string]string{"batch": "29"}},
		{"Files API until deleted", paras("API", "Anything sent to the Files API is kept until you delete it."),
			map[string]string{"files": "until-deleted"}},
		{"fine-tuning data until deleted, other API data 30 days", paras("API",
			"Data uploaded for fine-tuning is kept until you delete it.",
			"Other API inputs and outputs are retained for up to 30 days."),
			map[string]string{"files": "until-deleted", "default": "30"}},
		{"training allowed: five years", paras("Data", "If you allow us to use your chats for training, we keep them for five years."),
			map[string]string{"training-opt-in": "1825"}},
		{"training not allowed: default", paras("Data", "If you do not allow training, chats are kept for 30 days."),
			map[string]string{"default": "30"}},
		{"choose not to allow improving the model", paras("Data",
			"If you choose not to allow us to use your sessions to improve our models, we keep them for up to 30 days."),
			map[string]string{"default": "30"}},
		{"policy violation", paras("Safety", "Chats flagged for violating our usage policy are kept for up to 2 years."),
			map[string]string{"policy-violation": "730"}},
		{"classifier scores", paras("Safety", "Safety classifier scores are kept for seven years."),
			map[string]string{"safety-scores": "2555"}},
		{"two periods, two scopes in one sentence", paras("Safety",
			"We keep inputs for up to 2 years and classifier scores for up to 7 years if a conversation is flagged as violating our rules."),
			map[string]string{"policy-violation": "730", "safety-scores": "2555"}},
		{"feedback", paras("Feedback", "When you send feedback, we store the related conversation for 10 years."),
			map[string]string{"feedback": "3650"}},
		{"zero data retention: not stored", paras("ZDR", "Under zero data retention, prompts are not stored after the response is returned."),
			map[string]string{"zdr": "none"}},
		{"configured for zero data retention", paras("Modes", "Projects configured for zero data retention are refused models that must keep data."),
			map[string]string{"zdr": "none"}},
		{"life of the account", paras("History", "Your history is kept for the life of your account."),
			map[string]string{"default": "account-lifetime"}},
		{"as long as the account is active", paras("History", "Conversations are kept as long as your account is active."),
			map[string]string{"default": "account-lifetime"}},
		{"until the account is closed", paras("History", "Projects stay on our servers until your account is closed."),
			map[string]string{"default": "account-lifetime"}},
		{"as configured by your administrator", paras("Enterprise", "Retention is as configured by your administrator."),
			map[string]string{"default": "configurable"}},
		{"custom retention windows", paras("Enterprise", "Enterprise admins can set custom retention windows."),
			map[string]string{"default": "configurable"}},
		{"not retained", paras("Processing", "Request data is not retained after the response completes."),
			map[string]string{"default": "none"}},
		{"within 30 days of deletion", paras("Data", "Content is purged within 30 days of deletion."),
			map[string]string{"after-deletion": "30"}},
		{"months", paras("Logs", "Access records are kept for 6 months."),
			map[string]string{"default": "180"}},
		{"twenty-four months in words", paras("Logs", "Access records are kept for twenty-four months."),
			map[string]string{"default": "720"}},
		{"exceptions do not move the scope", paras("Commercial",
			"We automatically delete inputs within 30 days of receipt, except when you have a zero data retention agreement or we must keep them longer to enforce our usage policy."),
			map[string]string{"default": "30"}},
		{"list item reads its lead-in", []terms.Clause{
			{Path: []string{"Your history"}, Kind: terms.KindParagraph, Text: "When you delete a chat it is:"},
			item("Your history", "Hidden from your history at once"),
			item("Your history", "Erased from our servers within 30 days"),
		}, map[string]string{"after-deletion": "30"}},
		{"heading names the scope", []terms.Clause{
			{Path: []string{"Retention", "Usage Policy Violations"}, Text: "We keep such inputs for up to two years."},
		}, map[string]string{"policy-violation": "730"}},
		{"heading names consent to training", []terms.Clause{
			{Path: []string{"Retention", "If You Allow Training on Your Chats"}, Text: "We keep your data for up to 5 years."},
			{Path: []string{"Retention", "If You Do Not Allow Training"}, Text: "We keep your data for up to 30 days."},
		}, map[string]string{"training-opt-in": "1825", "default": "30"}},
		{"table row names the scope in its first cell", []terms.Clause{
			row("| Zero data retention | Nothing is written to disk. Requests are never retained. |"),
		}, map[string]string{"zdr": "none"}},
		{"no period stated", paras("Privacy", "We care about your privacy."), nil},
		{"no clauses", nil, nil},
		{"de-identified for training", paras("Training", "Data used for training is de-identified and kept for up to five years."),
			map[string]string{"training-opt-in": "1825"}},
		{"trust and safety purposes is the default period", paras("Models", "Prompts are kept for 30 days for trust and safety purposes."),
			map[string]string{"default": "30"}},
		{"first period for a scope wins", paras("Data", "Inputs are kept for 30 days.", "Inputs are kept for 90 days."),
			map[string]string{"default": "30"}},
		{"after 30 days removed unless legally required", paras("API",
			"After 30 days, API inputs and outputs are removed from our systems, unless we are legally required to retain them."),
			map[string]string{"default": "30"}},
		{"hours round up to days", paras("Logs", "Request logs are discarded after 36 hours."),
			map[string]string{"default": "2"}},
		{"account lifetime then deletion in one sentence", paras("History",
			"Chats are kept for the life of your account, and deleted chats leave our back-end within 30 days."),
			map[string]string{"default": "account-lifetime", "after-deletion": "30"}},
		{"ZDR beside an unrelated clause", paras("Models",
			"Some models require 30-day retention, and they cannot be used in workspaces with ZDR enabled."),
			map[string]string{"default": "30"}},
		{"legal holds without a period", paras("Law", "We may keep data longer where the law requires it."), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := onClauses(readRetention)(testLex, tt.clauses)
			if tt.want == nil {
				if !r.Value.Unknown || r.Value.Reason == "" {
					t.Fatalf("readRetention = %v, want unknown with a reason; sentences %q", r.Value, r.Sentences)
				}
				return
			}
			if r.Value.Unknown || !maps.Equal(r.Value.Map, tt.want) {
				t.Fatalf("readRetention = %v (%s), want %v; sentences %q", r.Value, r.Value.Reason, terms.MapOf(tt.want), r.Sentences)
			}
			if len(r.Sentences) == 0 || len(r.Clause.Path) == 0 {
				t.Errorf("evidence missing: clause %q sentences %q", r.Clause.Heading(), r.Sentences)
			}
		})
	}
}

func TestReadRetentionEvidence(t *testing.T) {
	cs := []terms.Clause{
		{Path: []string{"Retention", "Intro"}, Text: "We care about your privacy."},
		{Path: []string{"Retention", "Standard"}, Text: "Inputs are kept for 30 days. This helps us find abuse."},
		{Path: []string{"Retention", "Deletion"}, Text: "Deleted chats leave our systems within 30 days."},
	}
	r := onClauses(readRetention)(testLex, cs)
	if got := r.Clause.Heading(); got != "Retention > Standard" {
		t.Errorf("clause %q, want the first clause that gave a period", got)
	}
	want := []string{"Inputs are kept for 30 days.", "Deleted chats leave our systems within 30 days."}
	if strings.Join(r.Sentences, "|") != strings.Join(want, "|") {
		t.Errorf("sentences %q, want %q", r.Sentences, want)
	}
}

func TestReadRetentionProducts(t *testing.T) {
	// Consent to improving the vendor's product is consent to training.
	text := "If you allow us to use your chats to improve Beam, we keep them for five years."
	for _, tt := range []struct {
		vendor string
		want   map[string]string
	}{
		{"lumen", map[string]string{"training-opt-in": "1825"}},
		{"anthropic", map[string]string{"default": "1825"}}, // Beam is not Anthropic's
	} {
		t.Run(tt.vendor, func(t *testing.T) {
			r := onClauses(readRetention)(lexFor(tt.vendor), paras("Data", text))
			if !maps.Equal(r.Value.Map, tt.want) {
				t.Errorf("retention = %v (%s), want %v", r.Value, r.Value.Reason, terms.MapOf(tt.want))
			}
		})
	}
}
