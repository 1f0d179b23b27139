package attr

import (
	"testing"

	"github.com/clausewatch/clausewatch/internal/terms"
)

func TestReadProcessor(t *testing.T) {
	vendor := terms.Scalar(ProcessorVendor)
	cloud := terms.Scalar(ProcessorCloud)
	unknown := terms.UnknownValue("x")
	runReaderCases(t, readProcessor, []readerCase{
		{name: "model provider has no access", clauses: []string{"The model provider does not have access to your prompts or completions."}, want: cloud},
		{name: "platform does not share with model providers", clauses: []string{"Amazon Bedrock doesn't share your data with model providers."}, want: cloud},
		{name: "never sent to the model vendor", clauses: []string{"Your requests are never sent to the model vendor."}, want: cloud},
		{name: "no data shared with model provider", clauses: []string{"Nothing from your requests is kept by the platform or shared with the model provider."}, want: cloud},
		{name: "microsoft product terms and dpa", clauses: []string{"Your data is processed under Microsoft's Product Terms and DPA."}, want: cloud},
		{name: "aws customer agreement governs", clauses: []string{"Use of hosted models is governed by the AWS Customer Agreement and its data processing addendum."}, want: cloud},
		{name: "cloud provider is the processor", clauses: []string{"On this marketplace, the cloud provider is the data processor."}, want: cloud},
		{name: "microsoft acts as processor", clauses: []string{"Microsoft acts as the data processor for prompts sent to hosted models."}, want: cloud},
		{name: "vendor is a subprocessor", clauses: []string{"Anthropic acts as a subprocessor under Microsoft's agreements."}, want: cloud},
		{name: "vendor is a sub-processor hyphenated", clauses: []string{"In this product, Anthropic is a sub-processor of Microsoft."}, want: cloud},
		{name: "processor is named after", clauses: []string{"For hosted deployments the data processor is Google Cloud."}, want: cloud},
		{name: "anthropic acts as data processor", clauses: []string{"Anthropic acts as data processor for prompts and outputs."}, want: vendor},
		{name: "vendor is the customer's processor", clauses: []string{"For personal data in customer content, the customer is the controller and Anthropic is the customer's processor."}, want: vendor},
		{name: "vendor is your processor", clauses: []string{"Anthropic is your processor for the data you upload to the API."}, want: vendor},
		{name: "governed by anthropic terms and dpa", clauses: []string{"Data handling is governed by Anthropic's commercial terms and DPA."}, want: vendor},
		{name: "anthropic is the processor in foundry", clauses: []string{"Anthropic is the data processor for Claude in Foundry."}, want: vendor},
		{name: "not microsoft aside", clauses: []string{"Once purchased, the model's traffic is handled by Anthropic (not Microsoft), which is the processor."}, want: vendor},
		{name: "independent processor after long subject", clauses: []string{"In either setup, Anthropic runs the models hosted inside Microsoft Foundry and acts as an independent data processor."}, want: vendor},
		{name: "where clause names vendor", clauses: []string{"This page covers the API and the Azure offering, where OpenAI is the data processor."}, want: vendor, vendor: "openai"},
		{name: "table row", clauses: []string{"| Data processor | Anthropic | Anthropic |"}, want: vendor},
		{name: "table row cloud", clauses: []string{"| Data processor | Microsoft | Microsoft |"}, want: cloud},
		{name: "terms provided by vendor", clauses: []string{"Your use of the model is subject to the terms of use provided by the model provider."}, want: vendor},
		{name: "role beats governance", clauses: []string{
			"Anthropic acts as the processor for model traffic.",
			"Hosting is covered by the Microsoft data protection addendum.",
		}, want: vendor, evidence: "Microsoft data protection addendum"},
		{name: "tie goes to first", vendor: "lumen", clauses: []string{
			"For the direct API, Lumen is the data processor.",
			"On Beam on Stratus, the cloud provider is the data processor.",
		}, want: vendor, evidence: "cloud provider is the data processor"},
		{name: "majority wins", vendor: "lumen", clauses: []string{
			"Lumen is the data processor for direct API calls.",
			"On Stratus, SWS is the processor.",
			"For Beam on Stratus, the cloud provider is the processor.",
		}, want: cloud},
		// A cloud that is no tier, named as the way in, speaks for none.
		{name: "untiered cloud channel", clauses: []string{"If you reach Claude through Vertex AI, Google is the processor."}, want: unknown},
		{name: "hosting location is no channel", clauses: []string{"Anthropic acts as the processor for data it hosts on Google Cloud servers."}, want: vendor},
		{name: "vendor processes on behalf", vendor: "lumen", clauses: []string{"Lumen processes the personal data in your prompts on your behalf, in line with your instructions."}, want: vendor},
		{name: "vendor processes as a processor", vendor: "lumen", clauses: []string{"Lumen handles and processes Customer data as a processor."}, want: vendor},
		{name: "elided role", vendor: "lumen", clauses: []string{"The customer is the controller and Lumen the processor of that data."}, want: vendor},
		{name: "agreement with the cloud governs", vendor: "lumen", clauses: []string{"Use of hosted models is governed by your contract with Stratus Web Services."}, want: cloud},
		{name: "its own terms after the vendor", vendor: "lumen", clauses: []string{"Prompts are forwarded to Lumen, which handles them under its own commercial terms."}, want: vendor},
		{name: "instead of the vendor's", vendor: "lumen", clauses: []string{"The SWS customer agreement and DPA govern your data instead of Lumen's terms."}, want: cloud},
		{name: "hosting subprocessor states nothing", vendor: "lumen", clauses: []string{"We rely on Stratus Web Services as a subprocessor to host our infrastructure."}, want: unknown},
		{name: "our subprocessor states nothing", vendor: "lumen", clauses: []string{"SWS runs the Lumen API as our sub-processor."}, want: unknown},
		{name: "subprocessor obligations state nothing", clauses: []string{"Anthropic will bind each Subprocessor to obligations as protective as Anthropic's obligations under this DPA."}, want: unknown},
		{name: "credits terms state nothing", clauses: []string{"Prepaid credits are subject to Anthropic's credit terms."}, want: unknown},
		{name: "one product's use states nothing", vendor: "openai", clauses: []string{"Use of the OpenAI Atlas browser is subject to OpenAI's Atlas terms."}, want: unknown},
		{name: "terms that do not apply state nothing", vendor: "openai", clauses: []string{"For workspace members, the OpenAI business terms do not apply to use of the Academy courses."}, want: unknown},
		{name: "these terms do not govern; the cloud's does", vendor: "lumen", clauses: []string{"These Terms do not govern access to Beam on Stratus; the Stratus customer agreement does."}, want: cloud},
		{name: "definition states nothing", vendor: "openai", clauses: []string{`Capitalized terms not defined here have the meanings in the agreement you have with OpenAI governing your use.`}, want: unknown},
		// The vendor as controller of its own product's data: its terms govern.
		{name: "vendor as controller", clauses: []string{"Anthropic PBC is the controller of the personal data described in this policy."}, want: vendor},
		{name: "vendor responsible for the data", vendor: "lumen", clauses: []string{"Lumen Labs runs the apps and is responsible for the personal data you share in them."}, want: vendor},
		{name: "cloud as controller", vendor: "lumen", clauses: []string{"For Beam on Stratus, SWS is the controller of the data you submit."}, want: cloud},
		{name: "customer as controller states nothing", vendor: "lumen", clauses: []string{"You remain the controller of any personal data you include in your prompts."}, want: unknown},
		{name: "definition of controller states nothing", vendor: "lumen", clauses: []string{`"Controller" means the party that decides why and how personal data is processed, such as Lumen.`}, want: unknown},
		{name: "denied controller states nothing", vendor: "lumen", clauses: []string{"Lumen is not the controller of the content your organization uploads."}, want: unknown},
		{name: "we as controller states nothing", clauses: []string{"We are the controller of the personal data described in this policy."}, want: unknown},
		{name: "table row names the governing agreement", vendor: "lumen", clauses: []string{"Offering: Beam on Stratus | Agreement that governs your data: SWS customer agreement"}, want: cloud},
		{name: "table row of another thing", vendor: "lumen", clauses: []string{"Subprocessor: Stratus Web Services | Purpose: hosting | Location: EU"}, want: unknown},
		{name: "negated role is no vote", clauses: []string{"Anthropic does not act as the processor for Bedrock traffic."}, want: unknown},
		{name: "both parties' terms is no vote", clauses: []string{"Both the AWS Customer Agreement and Anthropic's commercial terms apply."}, want: unknown},
		{name: "we is not a party", clauses: []string{"We act as the data processor for your content."}, want: unknown},
		{name: "infrastructure is not processing role", clauses: []string{"Your prompts are processed on Azure infrastructure in your chosen region."}, want: unknown},
		{name: "storage not access", clauses: []string{"Anthropic does not store inputs under these arrangements."}, want: unknown},
		{name: "optional sharing mode is no vote", clauses: []string{"This mode lets the platform share your data with model providers when they require it."}, want: unknown},
		{name: "no mention", clauses: []string{"Use multi-factor authentication on every account."}, want: unknown},
		{name: "no clauses", clauses: nil, want: unknown},
		{name: "governance em dash not", clauses: []string{"Microsoft's Product Terms and DPA govern data handling - not Anthropic's consumer terms."}, want: cloud},
		// A made-up vendor and its cloud, known by their declared names only.
		{name: "lumen acts as processor", clauses: []string{"Lumen Labs acts as data processor for prompts and outputs."}, want: vendor, vendor: "lumen"},
		{name: "lumen's cloud is the processor", clauses: []string{"For hosted models, Stratus Web Services is the data processor."}, want: cloud, vendor: "lumen"},
		{name: "lumen's cloud short name governs", clauses: []string{"Hosted use is governed by the SWS customer agreement and its DPA."}, want: cloud, vendor: "lumen"},
		{name: "lumen has no access", clauses: []string{"Lumen does not have access to prompts sent through Stratus."}, want: cloud, vendor: "lumen"},
		{name: "processor named after is lumen's cloud", clauses: []string{"On that marketplace the data processor is Stratus."}, want: cloud, vendor: "lumen"},
		{name: "lumen table row", clauses: []string{"| Data processor | Lumen | Lumen |"}, want: vendor, vendor: "lumen"},
		{name: "lumen and its cloud in one row is no vote", clauses: []string{"| Data processor | Lumen | SWS |"}, want: unknown, vendor: "lumen"},
		{name: "another vendor's name is no party", clauses: []string{"Lumen Labs acts as data processor for prompts and outputs."}, want: unknown},
		{name: "another vendor's cloud is no party", clauses: []string{"For hosted models, Stratus Web Services is the data processor."}, want: unknown},
		{name: "pursuant to vendor dpa", clauses: []string{"Processing in the vendor-hosted option is pursuant to OpenAI's data processing addendum."}, want: vendor, vendor: "openai"},
	})
}
