package attr

import (
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// paras builds paragraph clauses under one heading.
func paras(heading string, texts ...string) []terms.Clause {
	out := make([]terms.Clause, len(texts))
	for i, t := range texts {
		out[i] = terms.Clause{Path: []string{heading}, Kind: terms.KindParagraph, Text: t}
	}
	return out
}

// item builds a list-item clause under heading.
func item(heading, text string) terms.Clause {
	return terms.Clause{Path: []string{heading}, Kind: terms.KindListItem, Text: text}
}

func TestReadTraining(t *testing.T) {
	tests := []struct {
		name    string
		clauses []terms.Clause
		want    string // "" for unknown
	}{
		{"plain denial", paras("Data", "We do not use your conversations to train our models."), TrainingNever},
		{"denial with feedback and safety exceptions", paras("Data",
			"We will not use your inputs to train our models, except when you submit feedback or your conversation is flagged for safety review."), TrainingNever},
		{"by default we do not train on business data", paras("Business", "By default, we do not train on your business data."), TrainingNever},
		{"by default no, with an opt-in path", paras("Business",
			"By default, we do not train on your business data.",
			"If you have opted in to share data with us, we may use the shared data for training."), TrainingOptIn},
		{"may use content to train, data-controls opt-out", paras("Content",
			"We may use your content to train our models.",
			"You can turn off model improvement for everyone in your data controls."), TrainingOptOut},
		{"may use content to train, no choice", paras("Content", "We may use your content to train our models."), TrainingAlways},
		{"contract: no use to develop or improve the products unless the customer agrees", paras("4. Customer Data",
			"The Provider will not use Customer Content to improve or develop the products unless Customer expressly agrees in writing."), TrainingOptIn},
		{"contract: never used to develop and improve the services", paras("Customer Data",
			"Customer data is never used to develop and improve our services."), TrainingNever},
		{"a list of purposes is not a training statement", paras("Use",
			"We use feedback to provide, maintain, develop, and improve our services."), ""},
		{"unless you opt out", paras("Use", "We use your chats to train our models unless you opt out in settings."), TrainingOptOut},
		{"you can turn it off in a later sentence", paras("Use",
			"Your conversations help train our models. You can switch this setting off at any time in Privacy Settings."), TrainingOptOut},
		{"you may choose to disable", paras("Use", "You may choose to disable the use of your chats for model training."), TrainingOptOut},
		{"only with your permission", paras("Use", "We train on your data only with your permission."), TrainingOptIn},
		{"if you opt in", paras("Use", "If you opt in, we may use your sessions to improve our models."), TrainingOptIn},
		{"if you choose to allow", paras("Use", "If you choose to allow it, we use your prompts to improve Claude."), TrainingOptIn},
		{"public web data only", paras("Sources", "Our models are trained on publicly available web data and licensed datasets."), ""},
		{"public data does not flip a denial", paras("Sources",
			"We train on public web data.", "We never train on your prompts."), TrainingNever},
		{"feedback only", paras("Feedback", "We may use feedback you send us to train our models."), ""},
		{"aggregated usage data does not flip a denial", paras("Usage",
			"We may use aggregated, de-identified usage statistics to improve our models.",
			"We do not use customer content for training."), TrainingNever},
		{"customer may not train competitors", paras("Restrictions", "You may not use outputs to train a competing model."), ""},
		{"competitor clause beside a denial", paras("Restrictions",
			"Customer may not use the Services to train competing models.",
			"The vendor may not train models on Customer Content."), TrainingNever},
		{"conditional lead-in with list items", []terms.Clause{
			{Path: []string{"Use"}, Kind: terms.KindParagraph, Text: "We will use your chats for training if:"},
			item("Use", "you choose to allow us to do so in settings"),
			item("Use", "your chat is flagged for a safety review"),
		}, TrainingOptIn},
		{"cannot opt out", paras("Use", "We use your inputs to train our models and you cannot opt out."), TrainingAlways},
		{"neither party trains", paras("Cloud", "Neither we nor our cloud partner trains on data you submit through this service."), TrainingNever},
		{"never without express consent", paras("Use", "Your prompts are never used to train models without your express consent."), TrainingOptIn},
		{"excluded from model training", paras("Business", "Data from business accounts is excluded from model training."), TrainingNever},
		{"no clauses", nil, ""},
		{"unrelated text", paras("Security", "We encrypt data in transit and at rest."), ""},
		{"incognito denial beside an opt-out", paras("Use",
			"Incognito chats are not used for training.",
			"We use your other chats to train our models unless you opt out."), TrainingOptOut},
		{"even if you opt out, flagged content", paras("Use",
			"We may use your chats to train our models unless you switch this off in settings.",
			"Even if you opt out, we may still train on conversations flagged for safety review."), TrainingOptOut},
		{"if you do not want us to: negation in the condition", paras("Use",
			"If you do not want us to use your content to improve our models, you can opt out in your account settings."), TrainingOptOut},
		{"contraction denial on API traffic", paras("API", "We don't train our models on API traffic."), TrainingNever},
		{"unless you join a partner program", paras("Use",
			"We do not use your data for training unless your organization joins our development partner program."), TrainingOptIn},
		{"de-identified chats are still your chats", paras("Use", "We use de-identified data from your chats to train our models."), TrainingAlways},
		{"a question is not a statement", paras("FAQ", "Is my data used to train models?"), ""},
		{"human trainers", paras("Quality", "Human trainers review samples of model output."), ""},
		{"exceptions only, flagged content", paras("Safety",
			"Conversations flagged for safety review may be used to train our classifiers."), ""},
		{"never used for training, API and workspace", paras("API",
			"Prompts and completions sent through the API are never used for model training."), TrainingNever},
		{"we may not train: contract wording", paras("Customer Content", "The provider may not train models on Customer Content from the Services."), TrainingNever},
		{"the setting is on by default", paras("Settings",
			"Model improvement is on by default and uses your chats to train our models.",
			"You can turn it off under Data Controls."), TrainingOptOut},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := onClauses(readTraining)(testLex, tt.clauses)
			if tt.want == "" {
				if !r.Value.Unknown {
					t.Fatalf("readTraining = %v, want unknown; sentences %q", r.Value, r.Sentences)
				}
				if r.Value.Reason == "" {
					t.Errorf("unknown without a reason")
				}
				return
			}
			if r.Value.Unknown || r.Value.Scalar != tt.want {
				t.Fatalf("readTraining = %v (%s), want %s; sentences %q", r.Value, r.Value.Reason, tt.want, r.Sentences)
			}
			if len(r.Sentences) == 0 {
				t.Errorf("no supporting sentences")
			}
			if len(r.Clause.Path) == 0 {
				t.Errorf("no clause recorded")
			}
		})
	}
}

func TestReadTrainingEvidence(t *testing.T) {
	t.Run("exceptions are kept with the denial", func(t *testing.T) {
		cs := paras("Our use of content",
			"We will not use your inputs to train our models.",
			"We may use feedback you send us to improve our models.")
		r := onClauses(readTraining)(testLex, cs)
		if r.Value.Scalar != TrainingNever {
			t.Fatalf("value %v, want never", r.Value)
		}
		if len(r.Sentences) != 2 || !strings.Contains(r.Sentences[1], "feedback") {
			t.Errorf("sentences %q, want the denial and the feedback exception", r.Sentences)
		}
	})
	t.Run("clause is the one holding the deciding sentence", func(t *testing.T) {
		cs := []terms.Clause{
			{Path: []string{"Terms", "Intro"}, Text: "Welcome to the service."},
			{Path: []string{"Terms", "Materials"}, Text: "We may use Materials to train our models unless you opt out of training."},
		}
		r := onClauses(readTraining)(testLex, cs)
		if got := r.Clause.Heading(); got != "Terms > Materials" {
			t.Errorf("clause %q, want Terms > Materials", got)
		}
	})
	t.Run("list item evidence carries its lead-in", func(t *testing.T) {
		cs := []terms.Clause{
			{Path: []string{"Use"}, Text: "We will use your sessions to improve our models if:"},
			item("Use", "you explicitly opt in to training"),
		}
		r := onClauses(readTraining)(testLex, cs)
		if len(r.Sentences) != 1 || !strings.HasPrefix(r.Sentences[0], "We will use your sessions") {
			t.Errorf("sentences %q, want the item with its lead-in", r.Sentences)
		}
	})
}

func TestReadTrainingProducts(t *testing.T) {
	// "Improve <product>" is talk of training for the vendor whose product
	// it is, and only for it.
	tests := []struct {
		name, vendor, text string
		want               string // "" for unknown
	}{
		{"anthropic product", "anthropic", "If you choose to allow it, we use your prompts to improve Claude.", TrainingOptIn},
		{"lumen product", "lumen", "If you choose to allow it, we use your chats to improve Beam.", TrainingOptIn},
		{"lumen product of two words", "lumen", "We use your conversations to improve Lumen Chat unless you opt out.", TrainingOptOut},
		{"another vendor's product", "anthropic", "If you choose to allow it, we use your chats to improve Beam.", ""},
		{"a product name inside a word is not the product", "lumen", "If you choose to allow it, we use your chats to improve Beams.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := onClauses(readTraining)(lexFor(tt.vendor), paras("Use", tt.text))
			if tt.want == "" {
				if !r.Value.Unknown {
					t.Fatalf("training = %v, want unknown; sentences %q", r.Value, r.Sentences)
				}
				return
			}
			if r.Value.Scalar != tt.want {
				t.Fatalf("training = %v (%s), want %s", r.Value, r.Value.Reason, tt.want)
			}
		})
	}
}
