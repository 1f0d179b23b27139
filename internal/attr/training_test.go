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

func TestReadTrainingQuotesTheDecidingSentenceFirst(t *testing.T) {
	r := onClauses(readTraining)(testLex, paras("Data",
		"Your chats may be used to improve our services, including training our models.",
		"If you switch History off, your chats are not used to train our models."))
	if r.Value.String() != TrainingOptOut || len(r.Sentences) != 2 || !strings.Contains(r.Sentences[0], "switch History off") {
		t.Errorf("readTraining = %v, sentences %q: want opt-out, the opt-out sentence quoted first", r.Value, r.Sentences)
	}
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
		{"denial under a heading that turns the setting off", paras("If you switch History off",
			"Your later chats are not used to train our models, unless you choose to send us feedback."), TrainingOptOut},
		{"choosing to send feedback is no opt-in", paras("Data",
			"Your chats are not used to train our models unless you choose to send us feedback on an answer."), TrainingNever},
		{"opt-out for chats outranks opt-in for recordings", append(paras("If History is off",
			"Your chats are not used to train our models."), paras("Voice",
			"Your voice recordings are not used to train our models unless you opt in.")...), TrainingOptOut},
		{"training materials by email are no model training", paras("Communications",
			"You may receive emails such as training and onboarding materials; you can opt out of them."), ""},
		{"use of the service is no condition", paras("Paid services",
			"When you use the API, we use your prompts to train our models."), TrainingAlways},
		{"not used except while no opt-out was made", paras("Training",
			"We do not use your data to train our models except (a) where you use a free plan and have not opted out of training, or (b) where you send feedback."), TrainingOptOut},
		{"used unless (a) the customer opted out", paras("Controller",
			"We may process personal data to train our models, unless (a) Customer opted-out of training or (b) the product is off by default and Customer has not opted in."), TrainingOptOut},
		{"switching a named setting off after a training sentence", paras("History",
			"We use your saved chats to train our models.", "You can switch History off at any time."), TrainingOptOut},
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
		// Precision on whole pages: sentences not about the vendor training
		// on the customer's data state nothing.
		{"notice period", paras("Changes", "Customer may object within 30 days of the notice."), ""},
		{"age limit", paras("Eligibility", "You must be at least 18 years old to use the Services."), ""},
		{"staff are properly trained", paras("Personnel", "All personnel with access to Customer Data are properly trained and bound by confidentiality."), ""},
		{"staff complete awareness training", paras("Personnel", "Our employees complete security awareness and other relevant training every year."), ""},
		{"we train our support team", paras("Security", "We train our support team to handle personal information with care."), ""},
		{"reviewers trained in handling content", paras("Safety", "Reviewers who look at conversations are trained in handling sensitive material."), ""},
		{"using our services to train a model is the customer's act", []terms.Clause{
			{Path: []string{"Usage"}, Kind: terms.KindParagraph, Text: "This includes using our products or services to:"},
			item("Usage", "extract inputs and outputs to train a model without prior authorization from us"),
		}, ""},
		{"customer may not train without consent", paras("Restrictions", "You may not use Outputs to train any machine learning model without our prior written consent."), ""},
		{"excluded purpose", paras("Legal bases", "Purpose: To improve the Services (excluding model training); Type of Data: Inputs and Outputs"), ""},
		{"an introduction", paras("Training", "This page explains whether your chats are used to train our models."), ""},
		{"a list lead-in alone", paras("Sources", "We train our models using data from these sources:"), ""},
		{"training data of other origin", paras("Sources", "Training data for our models is collected in accordance with this policy."), ""},
		{"data we generate internally", []terms.Clause{
			{Path: []string{"Sources"}, Kind: terms.KindParagraph, Text: "We train our models using data from these sources:"},
			item("Sources", "data that we generate internally"),
		}, ""},
		{"concession alone states nothing", paras("Use", "Even if you turn off model improvement, chats our safety team flags may be used to build abuse classifiers."), ""},
		// Recall: denials, choices and no choice in many wordings.
		{"shall not, and shall not permit others to", paras("Content", "The Provider shall not, and shall not allow any subcontractor to, train any model on Customer Content."), TrainingNever},
		{"nothing becomes training data", paras("API", "Nothing you send through the API becomes training data."), TrainingNever},
		{"kept out of training", paras("Business", "Chats of your organization are kept out of our model training."), TrainingNever},
		{"refrains from training, except where enabled", paras("Use", "We refrain from training on your chats, except where you have expressly enabled it."), TrainingOptIn},
		{"unless you elect, with an aside, to share", paras("Use", "Unless you elect, in your settings, to share your chats with us for training, we will not use them."), TrainingOptIn},
		{"off unless switched on", paras("Use", "Model improvement is off unless you switch it on in Settings."), TrainingOptIn},
		{"only after you switch it on", paras("Use", "Apart from that, we train on your chats only after you switch on model improvement."), TrainingOptIn},
		{"disabled by default, you can enable it", paras("Use", "Model training is disabled by default; you can enable it in Settings."), TrainingOptIn},
		{"opted out by default unless they opt in", paras("Business",
			"By default, we do not train on business data.",
			"Unless they explicitly opt in, organizations are opted out of data sharing by default."), TrainingOptIn},
		{"volunteering through a programme", paras("Enterprise",
			"Enterprise data is not used for training.",
			"An organization may volunteer its data through our research programme."), TrainingOptIn},
		{"a programme denied", paras("Enterprise", "Enterprise data is not used for training, and there is no programme through which it can be shared."), TrainingNever},
		{"if you give us permission", paras("Use", "We may use your chats to improve our models if you give us permission."), TrainingOptIn},
		{"opt out stated on its own", paras("Use", "We use the data you provide to train our models.", "You may opt out at any time."), TrainingOptOut},
		{"opt out of marketing is no training choice", paras("Use", "We use the data you provide to train our models.", "You may opt out of marketing emails at any time."), TrainingAlways},
		{"stop this by disabling the toggle", paras("Use", "Your chats will be used to train our models.", "To stop this, disable the toggle in Privacy."), TrainingOptOut},
		{"if you turn it off, we will not use", paras("Use", "If you turn off the training setting, we will not use new chats for training."), TrainingOptOut},
		{"not just the rated ones", paras("Use", "We use all your chats, not just the ones you rate, to train our models unless you switch off model improvement."), TrainingOptOut},
		{"cannot opt out of this use", paras("Use", "Your content may be used to train our models, and you cannot opt out of this use."), TrainingAlways},
		{"no setting to turn it off", paras("Use", "All chats on the free plan may be used to develop our models, and there is no setting to turn this off."), TrainingAlways},
		{"a condition of the plan", paras("Use", "Use of your chats to develop our models is a condition of the free plan."), TrainingAlways},
		{"choose whether, on by default", paras("Use", "You can choose whether your chats are used to train our models; it is on by default."), TrainingOptOut},
		{"vendor permission beside a customer restriction", paras("Use", "Customer may not use Outputs to train a competing model, while we may use Inputs and Outputs to train our own models."), TrainingAlways},
		{"denial of non-public content with two narrow exceptions", paras("Use",
			"We will not train our models on any content you submit that is not publicly available, except in two cases: if you send us feedback, or if your content is flagged for safety review."), TrainingNever},
		{"denial with narrow exceptions and an opt-in among them", paras("Use",
			"We do not use your prompts to train our models unless: your chat is flagged for safety review, you report it to us, or you have otherwise explicitly opted in to training."), TrainingOptIn},
		{"help develop and improve, then an opt-out form", paras("Use",
			"We may use content from services other than the API to help develop and improve our services.",
			"If you do not want that content used to improve model performance, you can opt out by filling in this form."), TrainingOptOut},
		{"a generic purpose list is no training statement", paras("Use", "We use your personal data to provide, maintain, develop, and improve our services."), ""},
		{"unless you turn off history", paras("Use", "Unless you turn off chat history, your conversations may be used to train our models."), TrainingOptOut},
		{"table row: no", []terms.Clause{{Path: []string{"Plans"}, Kind: terms.KindTableRow, Text: "Plan: Team | Used for model training: No"}}, TrainingNever},
		{"table row: off by default, can turn on", []terms.Clause{{Path: []string{"Plans"}, Kind: terms.KindTableRow, Text: "Plan: Free | Used for model training: Off by default; you can turn it on"}}, TrainingOptIn},
		{"table row: yes unless opted out", []terms.Clause{{Path: []string{"Plans"}, Kind: terms.KindTableRow, Text: "Plan: Free | Model training: Yes, unless you opt out"}}, TrainingOptOut},
		{"table row: yes, cannot be turned off", []terms.Clause{{Path: []string{"Plans"}, Kind: terms.KindTableRow, Text: "Plan: Free | Model training: Yes; this cannot be turned off"}}, TrainingAlways},
		{"table row: a training course column", []terms.Clause{{Path: []string{"Plans"}, Kind: terms.KindTableRow, Text: "Plan: Team | Training and onboarding: Included"}}, ""},
		{"table row in the extractor's form", []terms.Clause{{Path: []string{"Plans"}, Kind: terms.KindTableRow, Text: "Plan: Team; Trains on your chats: Never"}}, TrainingNever},
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
