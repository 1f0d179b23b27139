// Package demo is the offline demonstration of clausewatch: a local site
// serving fixture pages of our own wording for every anthropic source, a
// timeline of page changes, and the flow that copies the bundled
// declarations onto that site, runs `clausewatch check` at each step and
// shows the report, the status matrix and the email caught by a local mail
// catcher.
//
// The fixture pages (built with internal/fixture) are shaped like the real
// ones (the markup the declared selectors expect, headings and bold lead-ins
// that the shipped rules select, phrasing that the attribute readers read)
// but every sentence is ours: no vendor text is copied here.
package demo

import (
	"fmt"

	"github.com/clausewatch/clausewatch/internal/fixture"
)

// Training states of the consumer terms fixture (DESIGN.md's values).
const (
	TrainingOptOut = "opt-out"
	TrainingAlways = "always"
)

// State is what the fixture pages say at one point of the timeline. The
// zero value is not meaningful; start from Initial.
type State struct {
	// ConsumerTraining is what the consumer terms say about training on
	// chats: TrainingOptOut or TrainingAlways.
	ConsumerTraining string
	// CommercialRetentionDays is how long the commercial retention article
	// says inputs and outputs are kept by default.
	CommercialRetentionDays int
	// EnterpriseBAA says whether the BAA article offers a Business
	// Associate Agreement to the Enterprise plan.
	EnterpriseBAA bool
	// Epoch changes only what the declarations never read: related
	// articles, "updated" badges, footer counters.
	Epoch int
}

// Initial is the first state of the timeline: the pages agree with the
// documented baseline wherever one page can (a page that speaks for
// several tiers gives them all the same value).
func Initial() State {
	return State{ConsumerTraining: TrainingOptOut, CommercialRetentionDays: 30, EnterpriseBAA: true}
}

// Vendor is the vendor whose sources the demo site serves.
const Vendor = "anthropic"

// Pages returns the fixture page of every anthropic source, by source id,
// as they read in state st.
func Pages(st State) map[string]fixture.Page {
	return map[string]fixture.Page{
		"anthropic-consumer-terms":           consumerTerms(st),
		"anthropic-privacy-policy":           privacyPolicy(),
		"anthropic-commercial-terms":         commercialTerms(),
		"anthropic-dpa":                      dpa(),
		"anthropic-usage-policy":             usagePolicy(),
		"anthropic-retention-consumer":       retentionConsumer(),
		"anthropic-retention-commercial":     retentionCommercial(st),
		"anthropic-api-data-retention":       apiDataRetention(),
		"anthropic-baa":                      baa(st),
		"anthropic-certifications":           certifications(),
		"aws-bedrock-data-protection":        bedrockProtection(),
		"aws-bedrock-data-retention":         bedrockRetention(),
		"azure-foundry-claude-data-privacy":  foundryPrivacy(),
		"anthropic-zdr-agreement":            zdrAgreement(),
		"anthropic-covered-models-retention": coveredModelsRetention(),
		"anthropic-training-consumer":        trainingConsumer(),
		"anthropic-training-commercial":      trainingCommercial(),
	}
}

func zdrAgreement() fixture.Page {
	return fixture.Page{Layout: fixture.HelpArticle, Title: "Which products does a zero data retention agreement cover?", Sections: []fixture.Section{
		{Heading: "Covered products", Paras: []fixture.Para{
			{Text: "A zero data retention agreement applies to the API endpoints named in it: inputs and outputs sent to them are not stored after the response is returned."},
			{Text: "It does not extend to the assistant apps, to beta features or to files you upload for later use."},
			{Text: "Ask your account team which endpoints your agreement names."},
		}},
	}}
}

func coveredModelsRetention() fixture.Page {
	return fixture.Page{Layout: fixture.HelpArticle, Title: "How long are prompts to covered models kept?", Sections: []fixture.Section{
		{Heading: "Retention for covered models", Paras: []fixture.Para{
			{Text: "Prompts and responses of covered models follow the retention of your plan; nothing here lengthens it."},
			{Text: "Administrators of business plans can change how long conversations are kept from the admin console."},
			{Text: "Deleted conversations leave our systems on the schedule of your plan."},
		}},
	}}
}

// trainingConsumer is the help article, which the timeline leaves alone:
// when the terms change, the terms (primary for training) decide.
func trainingConsumer() fixture.Page {
	text := "Your chats may be used to improve our models unless you switch the model improvement setting off."
	return fixture.Page{Layout: fixture.HelpArticle, Title: "Do you train on my chats?", Sections: []fixture.Section{
		{Heading: "Model training on individual plans", Paras: []fixture.Para{
			{Text: text},
			{Text: "Ratings you send with the thumbs buttons are kept with the conversation they belong to."},
			{Text: "You can change the setting at any time from the privacy page of your account settings."},
		}},
	}}
}

func trainingCommercial() fixture.Page {
	return fixture.Page{Layout: fixture.HelpArticle, Title: "Do you train on my organization's data?", Sections: []fixture.Section{
		{Heading: "Business plans and the API", Paras: []fixture.Para{
			{Text: "By default we do not train our models on data from business plans or the API."},
			{Text: "An organization may choose to share data with us for training, for example through a development partner program."},
			{Text: "Ratings and bug reports that members send us are handled under our feedback terms."},
		}},
	}}
}

func consumerTerms(st State) fixture.Page {
	training := fixture.Para{Lead: "Our use of Materials", Text: "We may use your Inputs and Outputs to train and improve our models, unless you switch off the model improvement setting in your privacy settings."}
	if st.ConsumerTraining == TrainingAlways {
		training = fixture.Para{Lead: "Our use of Materials", Text: "We use your Inputs and Outputs to train and improve our models."}
	}
	return fixture.Page{Layout: fixture.LocalizedLegalPage, Title: "Consumer Terms of Service", Updated: "Effective 1 March 2026", Sections: []fixture.Section{
		{Number: "1.", Heading: "About these Terms", Paras: []fixture.Para{
			{Text: "These Terms govern your personal use of our assistant apps and websites. Please read them with care before you start."},
			{Text: "If you use the services on behalf of a business, the business agreement you signed applies instead of these Terms."},
		}},
		{Number: "2.", Heading: "Your account", Paras: []fixture.Para{
			{Lead: "Age", Text: "You must be 18 or older to hold an account."},
			{Lead: "Keeping it safe", Text: "Keep your login details to yourself and tell us promptly if you think someone else has used them."},
		}},
		{Number: "3.", Heading: "Acceptable use", Paras: []fixture.Para{
			{Text: "Use the services lawfully and in line with our Usage Policy."},
		}, Items: []string{
			"Do not probe or break our security measures.",
			"Do not resell access to the services without our written agreement.",
		}},
		{Number: "4.", Heading: "Inputs, Outputs and Materials", Paras: []fixture.Para{
			{Lead: "Definitions", Text: "What you send to the services is an Input, what the services send back is an Output, and together they are Materials."},
			{Lead: "Ownership", Text: "As between you and us, you keep all right, title and interest in your Inputs, and we assign to you all of our right, title and interest in the Outputs."},
			training,
		}},
		{Number: "5.", Heading: "Ending these Terms", Paras: []fixture.Para{
			{Text: "You may close your account whenever you like from the settings page."},
			{Text: "We may suspend an account that breaks these Terms, and we will say why where the law lets us."},
		}},
	}}
}

func privacyPolicy() fixture.Page {
	return fixture.Page{Layout: fixture.LocalizedLegalPage, Title: "Privacy Policy", Updated: "Last updated 1 March 2026", Sections: []fixture.Section{
		{Number: "1.", Heading: "What this policy covers", Paras: []fixture.Para{
			{Text: "This policy explains which personal data we collect when you use our consumer apps, why we collect it and the choices you have."},
		}},
		{Number: "2.", Heading: "Data we collect", Items: []string{
			"Account details such as your name and email address.",
			"The prompts you write and the responses you receive.",
			"Technical data such as device type and approximate location.",
		}},
		{Number: "3.", Heading: "Your choices", Paras: []fixture.Para{
			{Text: "You can view, correct or export your personal data from your account settings, and you can ask us questions at any time."},
		}},
	}}
}

func commercialTerms() fixture.Page {
	return fixture.Page{Layout: fixture.LocalizedLegalPage, Title: "Commercial Terms of Service", Updated: "Effective 1 March 2026", Sections: []fixture.Section{
		{Number: "A.", Heading: "Services", Paras: []fixture.Para{
			{Text: "These Terms apply to businesses that use our API, our developer console or our business plans."},
			{Lead: "Support", Text: "We provide support through the channels described in the customer's order form."},
		}},
		{Number: "B.", Heading: "Customer Content", Paras: []fixture.Para{
			{Lead: "Inputs and Outputs", Text: "The customer may send Inputs to the services and receive Outputs, and together these are Customer Content."},
			{Lead: "Ownership", Text: "As between the parties, the customer owns all Outputs, and we assign to the customer any right, title and interest we may hold in them."},
			{Lead: "Our use of Customer Content", Text: "We will not train our models on Customer Content from the services."},
		}},
		{Number: "C.", Heading: "Fees", Paras: []fixture.Para{
			{Text: "The customer pays the fees in its order form within 30 days of each invoice."},
		}},
		{Number: "D.", Heading: "Term and termination", Paras: []fixture.Para{
			{Text: "Either party may end these Terms on written notice if the other party materially breaches them and does not cure the breach."},
		}},
	}}
}

func dpa() fixture.Page {
	return fixture.Page{Layout: fixture.LocalizedLegalPage, Title: "Data Processing Addendum", Updated: "Effective 1 March 2026", Sections: []fixture.Section{
		{Number: "A.", Heading: "Scope", Paras: []fixture.Para{
			{Text: "This Addendum forms part of the commercial agreement and applies whenever Customer Personal Data is processed under it."},
		}},
		{Number: "B.", Heading: "Processing", Paras: []fixture.Para{
			{Lead: "Roles", Text: "Anthropic acts as a processor of Customer Personal Data on behalf of the customer, who remains the controller."},
			{Lead: "Instructions", Text: "The processing follows the customer's documented instructions and nothing else."},
		}},
		{Number: "C.", Heading: "Security", Paras: []fixture.Para{
			{Lead: "Encryption", Text: "Customer Personal Data is encrypted in transit with TLS 1.2 or higher and at rest with AES-256."},
			{Lead: "Audits", Text: "Our controls are audited each year against SOC 2 Type II, and the customer may ask for the latest report."},
		}},
		{Number: "D.", Heading: "Sub-processors", Paras: []fixture.Para{
			{Text: "We publish a list of our sub-processors and give notice before we add a new one."},
		}},
	}}
}

func usagePolicy() fixture.Page {
	return fixture.Page{Layout: fixture.LocalizedLegalPage, Title: "Usage Policy", Updated: "Effective 1 March 2026", Sections: []fixture.Section{
		{Number: "1.", Heading: "Who this applies to", Paras: []fixture.Para{
			{Text: "This policy applies to everyone who uses our models, whether through our apps, our API or a cloud marketplace."},
		}},
		{Number: "2.", Heading: "Prohibited uses", Items: []string{
			"Creating malware or attacking computer systems.",
			"Planning violence or harming children.",
			"Deceiving people at scale, for example with fake reviews.",
		}},
		{Number: "3.", Heading: "Enforcement", Paras: []fixture.Para{
			{Text: "We may warn, limit or suspend accounts that break this policy, depending on how serious the breach is."},
		}},
	}}
}

func retentionConsumer() fixture.Page {
	return fixture.Page{Layout: fixture.HelpArticle, Title: "How long do you store my data?", Sections: []fixture.Section{
		{Heading: "Consumer plans", Paras: []fixture.Para{
			{Text: "This article covers the Free, Pro and Max plans."},
			{Text: "If you do not allow us to use your chats for model training, we keep your prompts and responses on our back-end for up to 30 days."},
			{Text: "If you allow us to use your chats to improve our models, we keep them in de-identified form for up to 5 years."},
			{Text: "When you delete a conversation, it is removed from our back-end systems within 30 days."},
		}},
	}}
}

func retentionCommercial(st State) fixture.Page {
	return fixture.Page{Layout: fixture.HelpArticle, Title: "How long do you store my organization's data?", Sections: []fixture.Section{
		{Heading: "Commercial products", Paras: []fixture.Para{
			{Text: "This article covers our business plans and the API."},
			{Text: fmt.Sprintf("By default, we retain inputs and outputs on our back-end for %d days.", st.CommercialRetentionDays)},
			{Text: "Results of batch requests are retained for 29 days."},
			{Text: "Files uploaded through the Files API are retained until you delete them."},
			{Text: "Content flagged for breaking our usage policy may be retained for up to 2 years."},
		}},
	}}
}

func apiDataRetention() fixture.Page {
	return fixture.Page{Layout: fixture.PlatformDocs, Title: "API and data retention", Sections: []fixture.Section{
		{Heading: "How retention works", Paras: []fixture.Para{
			{Text: "Requests to the API are handled according to the retention rules below."},
			{Text: "Zero Data Retention (ZDR) is available to qualifying organizations that sign a ZDR agreement with Anthropic."},
			{Text: "Under ZDR, inputs and outputs are not stored after the response is returned."},
		}},
		{Heading: "Exceptions", Paras: []fixture.Para{
			{Text: "Content flagged for violating our usage policy may be retained for up to 2 years."},
			{Text: "Batch API results are retained for 29 days."},
			{Text: "Files uploaded through the Files API are retained until you delete them."},
		}},
		{Heading: "Training and roles", Paras: []fixture.Para{
			{Text: "We do not train our models on inputs or outputs from organizations with ZDR."},
			{Text: "For organizations with ZDR, Anthropic acts as a data processor under our Data Processing Addendum."},
		}},
	}}
}

func baa(st State) fixture.Page {
	enterprise := fixture.Para{Lead: "Enterprise plan", Text: "Enterprise customers can sign a Business Associate Agreement (BAA) with us for workloads that fall under HIPAA."}
	if !st.EnterpriseBAA {
		enterprise = fixture.Para{Lead: "Enterprise plan", Text: "We no longer offer a Business Associate Agreement (BAA) for the Enterprise plan."}
	}
	return fixture.Page{Layout: fixture.HelpArticle, Title: "Business Associate Agreements (BAA) for commercial customers", Sections: []fixture.Section{
		{Heading: "Which plans can sign one", Paras: []fixture.Para{
			{Text: "Some health-care organisations need a signed agreement before they may share protected health information with a vendor."},
			enterprise,
			{Lead: "Team plan", Text: "We do not offer a Business Associate Agreement (BAA) for the Team plan."},
			{Lead: "First-party API", Text: "Customers of our API can sign a Business Associate Agreement (BAA) that covers eligible endpoints."},
			{Lead: "Consumer plans", Text: "Free, Pro and Max plans are never covered by a BAA."},
		}},
		{Heading: "How to ask", Paras: []fixture.Para{
			{Text: "Contact your account manager to start the review, and say which products you plan to use."},
		}},
	}}
}

func certifications() fixture.Page {
	return fixture.Page{Layout: fixture.HelpArticle, Title: "What certifications do you hold?", Sections: []fixture.Section{
		{Heading: "Audits and certifications", Paras: []fixture.Para{
			{Text: "Independent auditors review our controls every year. Current reports are available to business customers on request."},
		}, Items: []string{
			"SOC 2 Type II report",
			"ISO/IEC 27001:2022 certificate",
			"ISO/IEC 42001:2023 certificate",
		}},
		{Heading: "Controls for business plans", Paras: []fixture.Para{
			{Text: "Business plans offer single sign-on (SSO), SCIM provisioning, role-based access control and audit logs for administrators."},
			{Text: "Customer data is encrypted in transit with TLS 1.2 or higher and at rest with AES-256."},
		}},
	}}
}

func bedrockProtection() fixture.Page {
	return fixture.Page{Layout: fixture.CloudDocs, Title: "Data protection", Sections: []fixture.Section{
		{Heading: "Overview", Paras: []fixture.Para{
			{Text: "Security of your data is a responsibility we share with you: we protect the infrastructure, and you protect the content you put on it."},
		}},
		{Heading: "Prompts and completions", Paras: []fixture.Para{
			{Text: "Amazon Bedrock does not use your prompts and completions to train any models."},
			{Text: "Amazon Bedrock does not share your prompts and completions with model providers, and model providers have no access to them."},
		}},
	}}
}

func bedrockRetention() fixture.Page {
	return fixture.Page{Layout: fixture.CloudDocs, Title: "Data retention", Sections: []fixture.Section{
		{Heading: "Overview", Paras: []fixture.Para{
			{Text: "By default, Amazon Bedrock does not retain your prompts and completions after it returns a response."},
			{Text: "Model invocations are ZDR by default, and ZDR is available to every account without a separate agreement."},
		}},
		{Heading: "Invocation logging", Paras: []fixture.Para{
			{Text: "You can turn on invocation logging to keep a copy of requests in your own storage bucket."},
		}},
	}}
}

func foundryPrivacy() fixture.Page {
	return fixture.Page{Layout: fixture.LearnDocs, Title: "Data, privacy, and security for Claude models in Foundry", Sections: []fixture.Section{
		{Heading: "What data is processed", Paras: []fixture.Para{
			{Text: "Prompts and completions sent to Claude models in Foundry are processed under the Microsoft Product Terms and Data Protection Addendum."},
		}},
		{Heading: "Training", Paras: []fixture.Para{
			{Text: "Neither Microsoft nor Anthropic uses your prompts or completions to train models."},
		}},
		{Heading: "Retention", Paras: []fixture.Para{
			{Text: "Prompts and completions may be retained for up to 30 days to detect abuse, unless your organization is approved to switch abuse monitoring off."},
		}},
	}}
}
