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
		{"a payment authorisation is no data", paras("Payment", "This authorisation remains in force until you remove your bank details from your account."), nil},
		{"after requesting account closure", paras("Closing your account", "After requesting account closure, we wait 60 days before permanently deleting the account."),
			map[string]string{"after-deletion": "60"}},
		{"a deletion that only ends a block is no retention", paras("Storage", "If you exceed your quota, you cannot send messages until you remove excess content or buy sufficient storage."), nil},
		{"stays in your account until deleted", paras("History", "Your history stays in your account until you delete it."),
			map[string]string{"default": "until-deleted"}},
		{"kept to detect misuse is the default", paras("API", "To detect misuse, we keep API prompts for 45 days."),
			map[string]string{"default": "45"}},
		{"flagged for misuse is a violation", paras("API", "Prompts flagged for misuse are kept for 2 years."),
			map[string]string{"policy-violation": "730"}},
		{"data once it is months old", paras("History", "We delete your history once it is 18 months old."),
			map[string]string{"default": "540"}},
		{"a person's age in years is no period", paras("Eligibility", "You must be 18 years old to use the service, and we delete the data of anyone younger."), nil},
		{"data older than a number of months", paras("History", "Chats older than six months are removed automatically."),
			map[string]string{"default": "180"}},
		{"the retention policy an administrator sets", paras("Retention", "Chats are kept for as long as the retention policy your administrator sets."),
			map[string]string{"default": "configurable"}},
		{"rolling days", paras("API", "We keep your inputs and outputs for thirty (30) rolling days to monitor abuse."),
			map[string]string{"default": "30"}},
		{"a period outliving a deletion conceded", paras("Review", "Chats a reviewer has seen are kept for up to 2 years, even if you delete your history."),
			map[string]string{"after-deletion": "730"}},
		{"a sentence carrying on the one before it", paras("Keep in mind", "If you delete your history, chats a reviewer has seen are not deleted. Instead, they are kept for up to 3 years."),
			map[string]string{"after-deletion": "1095"}},
		{"an unrelated sentence before", paras("Keep in mind", "If you delete your history, nothing else changes. Your chats are kept for up to 3 years."),
			map[string]string{"default": "1095"}},
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
			"Inputs are kept for 30 days, and they cannot be sent from workspaces with ZDR enabled."),
			map[string]string{"default": "30"}},
		{"a class of models with a retention rule of its own", paras("Models",
			"Some models require 30-day retention, and they cannot be used in workspaces with ZDR enabled."), nil},
		{"prompts to one class of models", paras("Models",
			"Prompts sent to frontier-class models are retained for 30 days for safety review."), nil},

		// Durations that are not retention periods state nothing.
		{"notice period", paras("Changes", "We will give you 30 days' notice before these terms change."), nil},
		{"written notice to terminate", paras("Term", "Either side may end the contract on sixty days written notice."), nil},
		{"age", paras("Eligibility", "You must be at least 18 years old to open an account."), nil},
		{"age of a minor", paras("Minors", "A child is anyone under the age of 13 years."), nil},
		{"payment term", paras("Fees", "Invoices are payable within thirty (30) days of the invoice date."), nil},
		{"effective after posting", paras("Fees", "We may change our prices, effective 14 days after we post them."), nil},
		{"objection window", paras("Subprocessors", "The customer may object to a new subprocessor within 15 days of our notice."), nil},
		{"response deadline", paras("Rights", "We answer every access request within one month of receiving it."), nil},
		{"cure period", paras("Breach", "A party may terminate if the other fails to cure a breach within 30 days."), nil},
		{"key rotation advice", paras("Security", "Rotate your API keys at least every 90 days."), nil},
		{"inactivity", paras("Accounts", "We may close accounts that have been inactive for over a year."), nil},
		{"money kept back is not data", paras("Refunds",
			"You may cancel during the 14-day cooling-off period, but we may retain a fee for the days used."), nil},
		{"retrieval window", paras("Switching", "After the switch you have 30 days to retrieve your exported data."), nil},
		{"a window of recent history", paras("Context", "The assistant reads the last 24 hours of your chat history as context."), nil},
		{"invoices kept for years", paras("Records", "Invoices and billing records: kept for 10 years for tax purposes."), nil},
		{"contact details kept after closure", paras("Records", "Contact details are held for 3 years after your account closes."), nil},
		{"cookies last a year", []terms.Clause{row("| Cookie: session_id | Duration: 1 year | Purpose: sign-in |")}, nil},
		{"temporary chats are a mode of their own", paras("Chats", "Temporary chats are erased within 30 days."), nil},
		{"signing in is no log", paras("Accounts", "Points expire if you do not log in for 12 months."), nil},
		{"the vendor decides how long", paras("Retention", "We decide how long to keep information based on our needs."), nil},

		// Wordings of a retention period.
		{"vendor's own deleting is the default period", paras("API", "API prompts are deleted after 30 days."),
			map[string]string{"default": "30"}},
		{"last before deletion", paras("API", "API inputs last 30 days before deletion."),
			map[string]string{"default": "30"}},
		{"after the customer deletes its account", paras("Term", "We erase Customer Content within 30 days after Customer deletes its account."),
			map[string]string{"after-deletion": "30"}},
		{"after the agreement ends", paras("Term",
			"If this agreement ends: (a) your licence stops at once; and (b) we will delete your content within 60 days."),
			map[string]string{"after-deletion": "60"}},
		{"you have control to delete", paras("History",
			"You have control to delete chats, which then leave our back-end within 30 days."),
			map[string]string{"after-deletion": "30"}},
		{"elliptical second period", paras("Safety",
			"Flagged content may be kept for up to two years, and the safety scores attached to it for up to seven years."),
			map[string]string{"policy-violation": "730", "safety-scores": "2555"}},
		{"contrast does not lend its scope", paras("History",
			"Deleted chats are purged within 30 days, whereas other chats are kept for 90 days."),
			map[string]string{"after-deletion": "30", "default": "90"}},
		{"item reads its lead-in's verb", []terms.Clause{
			{Path: []string{"Longer retention"}, Kind: terms.KindParagraph, Text: "We may hold your data for longer in these cases:"},
			item("Longer retention", "chats flagged under our Usage Policy: up to 2 years;"),
		}, map[string]string{"policy-violation": "730"}},
		{"consent to model improvement", paras("Data", "Chats you let us use for model improvement stay in our training sets for up to ten years."),
			map[string]string{"training-opt-in": "3650"}},
		{"model improvement switched on", paras("Data", "Where you have switched on model improvement, your chats may be stored for as long as 5 years."),
			map[string]string{"training-opt-in": "1825"}},
		{"batch results remain available", paras("Batches", "Batch results remain available for 29 days after creation."),
			map[string]string{"batch": "29"}},
		{"batch results expire", paras("Batches", "Results expire 29 days after the batch was created."),
			map[string]string{"batch": "29"}},
		{"files kept regardless of ZDR", paras("ZDR", "Files uploaded to the Files API are kept regardless of a zero data retention agreement, until you delete them."),
			map[string]string{"files": "until-deleted"}},
		{"for as long as you keep them", paras("History", "We hold your chats for as long as you choose to keep them."),
			map[string]string{"default": "until-deleted"}},
		{"until a member deletes them", []terms.Clause{row("| Plan: Team | Chats kept: Until a member deletes them | After deletion: Purged within 30 days |")},
			map[string]string{"default": "until-deleted", "after-deletion": "30"}},
		{"period set by the administrator", []terms.Clause{row("| Plan: Enterprise | Retention period: Set by your administrators |")},
			map[string]string{"default": "configurable"}},
		{"extraction's row form", []terms.Clause{row("Feature: Message batches; Endpoint: /v1/batches; Retention: 29 days")},
			map[string]string{"batch": "29"}},
		{"owners choose how long", paras("Admin", "The Enterprise plan lets owners choose how long chats are kept."),
			map[string]string{"default": "configurable"}},
		{"how long is up to the administrators", paras("Admin", "How long chats are retained is up to your organization's administrators."),
			map[string]string{"default": "configurable"}},
		{"while the subscription is active", paras("Plans", "While your Team plan subscription is active, we keep your chats."),
			map[string]string{"default": "account-lifetime"}},
		{"as long as the account remains active", paras("Plans", "We retain chats for as long as your Team plan account remains active."),
			map[string]string{"default": "account-lifetime"}},
		{"discarded once answered", paras("Cloud", "The service processes each request in memory and discards it once the answer is sent."),
			map[string]string{"default": "none"}},
		{"keeps no copy", paras("Cloud", "The cloud keeps no copy of your prompts once a request completes."),
			map[string]string{"default": "none"}},
		{"nothing kept beyond the request", paras("ZDR", "Under zero data retention, nothing you send us is kept beyond the time it takes to answer."),
			map[string]string{"zdr": "none"}},
		{"the customer's duty to delete", paras("Term", "You must delete our materials within 7 days of termination."), nil},
		{"the customer's enumerated duty to destroy", paras("Term",
			"On termination you will (a) stop using the service; and (b) destroy all copies of our software within 7 days."), nil},
		{"a deletion request", paras("Rights", "You may request deletion, and we will erase the data within 30 days of the request."),
			map[string]string{"after-deletion": "30"}},
		{"an alternative period keeps its own scope", paras("Safety", "We keep prompts 30 days, or 2 years if flagged."),
			map[string]string{"default": "30", "policy-violation": "730"}},
		{"reporting a bug is feedback", paras("Support", "When you report a bug, we keep the related session for 5 years."),
			map[string]string{"feedback": "1825"}},
		{"hundreds in words", paras("Logs", "Inputs are kept for one hundred and twenty days."),
			map[string]string{"default": "120"}},
		{"a decimal number of years", paras("Logs", "Inputs are kept for 2.5 years."),
			map[string]string{"default": "913"}},
		{"a year and a half", paras("Logs", "Inputs are kept for a year and a half."),
			map[string]string{"default": "548"}},
		{"neither nor stored", paras("Processing", "Neither prompts nor outputs are stored."),
			map[string]string{"default": "none"}},
		{"only for the duration of the request", paras("Processing", "Data is retained only for the duration of the request."),
			map[string]string{"default": "none"}},
		{"chats you delete", paras("History", "Chats you delete are removed from our servers within 30 days."),
			map[string]string{"after-deletion": "30"}},
		{"chats you don't delete", paras("History", "Chats you don't delete are kept for 1 year."),
			map[string]string{"default": "365"}},
		{"upon account deletion", paras("History", "Upon account deletion, all data is erased within 60 days."),
			map[string]string{"after-deletion": "60"}},
		{"the user's deletion opens the sentence, the period after a semicolon", paras("Review",
			"Erasing your conversations leaves the copies our reviewers annotated in place; they stay for 2 years."),
			map[string]string{"after-deletion": "730"}},
		{"a condition before a semicolon frames the clause after it", paras("Review",
			"When a customer removes a project that was escalated to support, its support copy is not removed; it is held for at most 90 days."),
			map[string]string{"after-deletion": "90"}},
		{"elliptical clause after a stop", paras("Training",
			"If you turn on model improvement, chats are retained for 5 years; if you turn it off, for 30 days."),
			map[string]string{"training-opt-in": "1825", "default": "30"}},
		{"an enumerated item does not borrow a verb", paras("Duties",
			"You are responsible for: (a) letting the service store your content; and (b) maintaining that access for the duration of your subscription."), nil},
		{"a prohibition bounds the period", paras("DPA", "The vendor shall not retain Customer Content for more than thirty (30) days."),
			map[string]string{"default": "30"}},
		{"inverted: the period first", paras("API", "Thirty days is how long we keep API data."),
			map[string]string{"default": "30"}},
		{"not stored after a period is the period", paras("Logs", "Request logs are not kept after 14 days."),
			map[string]string{"default": "14"}},
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
