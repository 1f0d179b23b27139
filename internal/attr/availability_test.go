package attr

import (
	"testing"

	"github.com/clausewatch/clausewatch/internal/terms"
)

func TestReadBAA(t *testing.T) {
	avail := terms.Scalar(Available)
	notAvail := terms.Scalar(NotAvailable)
	unknown := terms.UnknownValue("x")
	runReaderCases(t, readBAA, []readerCase{
		{name: "we offer a BAA", clauses: []string{"We offer a Business Associate Agreement (BAA) to eligible customers."}, want: avail},
		{name: "hipaa eligible services", clauses: []string{"The Messages API is one of our HIPAA-eligible services."}, want: avail},
		{name: "sign a BAA", clauses: []string{"Contact our sales team to sign a BAA before you send any PHI."}, want: avail},
		{name: "a duty to sign one", clauses: []string{"Admins must sign the BAA shown in billing settings before patient data is uploaded."}, want: avail},
		{name: "a duty to accept one first", clauses: []string{"Health customers need to first accept our business associate addendum."}, want: avail},
		{name: "the one offered somewhere", clauses: []string{"The BAA offered through our sales team is part of every API contract."}, want: avail},
		{name: "a duty not to sign up", clauses: []string{"You must not sign up for the free plan when you handle PHI."}, want: unknown},
		{name: "openai style eligible api customers", clauses: []string{"We can enter into a Business Associate Agreement with API customers who are eligible for it."}, want: avail},
		{name: "request a BAA", clauses: []string{"Eligible API customers may request a BAA by email."}, want: avail},
		{name: "accept an amendment in the console", clauses: []string{"Customers subject to HIPAA can accept the Business Associate Amendment in the admin console."}, want: avail},
		{name: "baa only available to qualifying", clauses: []string{"Our BAA is only available to customers that qualify for zero retention."}, want: avail},
		{name: "hipaa ready with signed baa", clauses: []string{"Clinics can sign a BAA and then turn on HIPAA-ready mode for the API."}, want: avail},
		// A BAA in force for a product, a condition or a definition offers
		// nothing to the tiers of a page whose sentence names none.
		{name: "baa extends to cover a product", clauses: []string{"If you already have a BAA with us, the BAA extends to cover the command-line tool."}, want: unknown},
		{name: "baa extends to a named tier", vendor: "lumen", clauses: []string{"Your BAA with us extends to the Business plan."}, want: avail},
		{name: "unless signed is a condition", clauses: []string{"You must not upload PHI unless you have signed a BAA with us."}, want: unknown},
		{name: "defined term: the baa offered by us", clauses: []string{`"Health Schedule" means our Business Associate Agreement offered by us to covered customers.`}, want: unknown},
		{name: "coverage requires signing", clauses: []string{"Note: coverage under our BAA always requires signing it and using the HIPAA-ready settings."}, want: unknown},
		{name: "introduction", clauses: []string{"This page tells you which plans a BAA can cover and how to get one."}, want: unknown},
		{name: "offer of a list of arrangements", clauses: []string{"We offer two ways to handle data for the API: zero data retention and HIPAA readiness."}, want: avail},
		{name: "offer inside a pointer", clauses: []string{"If you have questions about our BAA, which is only available to customers of the API, please read this article."}, want: avail},
		{name: "pointer", clauses: []string{"Learn more about HIPAA-ready plans and the BAA."}, want: unknown},
		{name: "indirect question", clauses: []string{"Ask your account manager whether a BAA is available for you."}, want: unknown},
		{name: "condition with a firm offer", clauses: []string{"If your clinic uses the API, you may ask us to enter into a BAA."}, want: avail},
		{name: "permission under a signed baa", clauses: []string{"Clinics that have signed our BAA may process patient records with the API."}, want: avail},
		{name: "model access denied under hipaa setting", clauses: []string{"Preview models cannot be used by organizations with the HIPAA setting turned on."}, want: unknown},
		{name: "offered to one named tier refused to another", vendor: "lumen", clauses: []string{"We sign BAAs with Business plan customers, but not with Personal plan users."}, want: unknown},
		{name: "refused to a named tier", vendor: "lumen", clauses: []string{"Personal plan users cannot sign a BAA with us."}, want: notAvail},
		{name: "refused unless a named tier", vendor: "lumen", clauses: []string{"We will not sign a BAA unless you are on the Business plan."}, want: unknown},
		{name: "not by default but on request", clauses: []string{"Our top plan doesn't include a BAA by default; you can request one."}, want: avail},
		{name: "available for one api, not another", clauses: []string{"A BAA is available for the Messages API, but not for the Batch API."}, want: avail},
		{name: "refused for another plan only", clauses: []string{"A BAA is not available for the starter bundle plans, only for larger plans."}, want: unknown},
		{name: "table row names a tier", vendor: "lumen", clauses: []string{"Plan: Business plan | Business associate agreement: Yes, on request"}, want: avail},
		{name: "table row refused", vendor: "lumen", clauses: []string{"Plan: Business plan | HIPAA BAA: Not offered"}, want: notAvail},
		{name: "table row of a feature states nothing", clauses: []string{"Feature: Web search | Covered by the BAA: No"}, want: unknown},
		{name: "no longer signs", clauses: []string{"From June, we no longer sign new BAAs."}, want: notAvail},
		{name: "withdrawn option", clauses: []string{"Clinics could sign a BAA with us until June; this option has been withdrawn."}, want: notAvail},
		{name: "refusing a baa provided by others", clauses: []string{"We do not sign the business associate agreement provided to us by clinics."}, want: notAvail},
		{name: "cloud marketplace offers its own BAA", clauses: []string{"AWS makes a BAA available through its self-service compliance portal."}, want: avail},
		{name: "exclusion kept with offer", clauses: []string{
			"We sign Business Associate Agreements with enterprise customers.",
			"Beta products such as our spreadsheet add-in are not covered by the BAA.",
		}, want: avail, evidence: "not covered by the BAA"},
		{name: "marketplace purchases outside the baa", clauses: []string{
			"Enterprise plans are HIPAA-ready.",
			"Purchases made through a cloud marketplace fall outside our BAA.",
		}, want: avail, evidence: "fall outside our BAA"},
		{name: "scoped refusal with offer is an exclusion", clauses: []string{
			"A BAA is available for the Enterprise plan.",
			"We do not offer BAAs for consumer plans.",
		}, want: avail, evidence: "consumer plans"},
		// What the BAA leaves out says nothing of whether it is offered.
		{name: "outside the baa alone", clauses: []string{"Editor plugins still run under the HIPAA setting; they fall outside your BAA."}, want: unknown},
		{name: "we do not offer a BAA", clauses: []string{"We do not offer a Business Associate Agreement."}, want: notAvail},
		{name: "we will not sign a BAA", clauses: []string{"We won't sign BAAs, so do not send us health records."}, want: notAvail},
		{name: "not hipaa compliant", clauses: []string{"This service is not HIPAA compliant."}, want: notAvail},
		{name: "baa not available for this plan", clauses: []string{"A BAA is not available for this plan."}, want: notAvail},
		{name: "refusal of this plan beats offer elsewhere", clauses: []string{
			"BAAs are offered on our top tier.",
			"A BAA is not available on your plan.",
		}, want: notAvail, evidence: "not available on your plan"},
		{name: "no longer offer", clauses: []string{"We no longer offer Business Associate Agreements."}, want: notAvail},
		{name: "no baa in a list", clauses: []string{"Consumer plans come with no SOC 2 report, no BAA and no ZDR."}, want: notAvail},
		{name: "not intended for PHI under HIPAA", clauses: []string{"The free plan is not designed for HIPAA workloads."}, want: notAvail},
		{name: "a tier excluded is not available", vendor: "lumen", clauses: []string{"Business plans are excluded from the BAA."}, want: notAvail},
		{name: "a tier's feature excluded", vendor: "lumen", clauses: []string{"Business plan connectors are excluded from the BAA."}, want: unknown},
		{name: "baa unavailable", clauses: []string{"A business associate agreement is unavailable for individual accounts."}, want: notAvail},
		{name: "conditional refusal is not a refusal", clauses: []string{"If you have not signed a BAA, you must not submit PHI; enterprise customers can sign one."}, want: avail},
		{name: "customer's own business associates", clauses: []string{"HIPAA requires covered entities to manage their business associates."}, want: unknown},
		{name: "mention without availability", clauses: []string{"Questions about HIPAA go to the privacy team."}, want: unknown},
		{name: "no mention", clauses: []string{"We use encryption at rest and in transit."}, want: unknown},
		{name: "no clauses", clauses: nil, want: unknown},
		{name: "subprocessor not baa", clauses: []string{"BAA stands for an agreement the privacy rule describes."}, want: unknown},
		{name: "covered under a BAA", clauses: []string{"Enterprise chat is covered under our BAA."}, want: avail},
		{name: "markdown link label", clauses: []string{"Organizations that have a [Business Associate Agreement](https://example.com/baa) with us can turn on the HIPAA setting."}, want: avail},
		{name: "would not apply example", clauses: []string{
			"Only customers of our HIPAA eligible services can get a BAA.",
			"Some tools stay outside the agreement (for instance the BAA would not apply to live browsing).",
		}, want: avail, evidence: "would not apply"},
	})
}

func TestReadZDR(t *testing.T) {
	avail := terms.Scalar(Available)
	notAvail := terms.Scalar(NotAvailable)
	unknown := terms.UnknownValue("x")
	runReaderCases(t, readZDR, []readerCase{
		{name: "available for qualifying customers", clauses: []string{"Zero data retention (ZDR) is available for qualifying customers."}, want: avail},
		{name: "offered", clauses: []string{"We offer ZDR to enterprise API customers after review."}, want: avail},
		{name: "can be enabled on request", clauses: []string{"Zero data retention can be enabled for API customers on request."}, want: avail},
		{name: "ask the vendor to turn it on", clauses: []string{"With a legitimate reason, you can ask Anthropic to turn on zero data retention."}, want: avail},
		{name: "with a ZDR agreement", clauses: []string{"With a ZDR agreement, prompts are discarded once the response is sent."}, want: avail},
		{name: "openai style eligible endpoints", clauses: []string{"ZDR is supported for eligible endpoints once your organization is approved."}, want: avail},
		{name: "ask us to turn on zdr", clauses: []string{"Teams with a qualifying use case can ask us to turn on zero data retention for eligible endpoints."}, want: avail},
		{name: "zdr-eligible features", clauses: []string{"The chat endpoint and token counting are ZDR-eligible."}, want: avail},
		{name: "to which zdr applies", clauses: []string{"Products to which ZDR applies are listed below."}, want: avail},
		{name: "arrangement definition", clauses: []string{"ZDR is an arrangement under which we keep nothing once a reply is sent."}, want: avail},
		// ZDR as the setting of someone the sentence does not name offers
		// nothing to the page's tiers.
		{name: "zdr enabled per organization", clauses: []string{"Each organization has ZDR enabled separately."}, want: unknown},
		{name: "qualify for zero data retention", clauses: []string{"Customers who qualify for zero data retention may also sign a BAA."}, want: unknown},
		{name: "zdr named tier enabled", vendor: "lumen", clauses: []string{"Lumen API organizations have ZDR enabled on request."}, want: avail},
		{name: "table header column", clauses: []string{"| Feature | Endpoint | ZDR eligible | Notes |"}, want: unknown},
		{name: "models blocked with zdr", clauses: []string{"Preview models can't be reached from workspaces with ZDR enabled."}, want: unknown},
		{name: "nothing stored under zdr", clauses: []string{"When you call endpoints under ZDR, prompts are not stored once the answer is returned."}, want: avail},
		{name: "zero retention default", clauses: []string{"The hub keeps nothing, so zero retention is the default for every call."}, want: avail},
		{name: "no agreement needed", clauses: []string{"The platform stores no prompts, so no zero data retention addendum is needed."}, want: avail},
		{name: "cannot be set up for a named tier", vendor: "lumen", clauses: []string{"Personal plan accounts cannot be set up for zero data retention."}, want: notAvail},
		{name: "can turn on zdr", vendor: "lumen", clauses: []string{"Business plan admins can turn on zero data retention in settings."}, want: avail},
		{name: "another offering's pointer", clauses: []string{"If you have questions about our BAA, which is only available to customers who qualify for zero data retention, please read this article."}, want: unknown},
		{name: "eligible column described", clauses: []string{"Some tools are marked with a note in the ZDR eligible column."}, want: unknown},
		{name: "offer of a list of arrangements", clauses: []string{"We offer two ways to handle data for the API: zero data retention and a HIPAA-ready setup."}, want: avail},
		{name: "headerless feature row", clauses: []string{
			"ZDR is available for the Messages endpoint.",
			"| Uploads | /v1/uploads | Kept until deleted. | Beta features are excluded from ZDR. |",
		}, want: avail, evidence: "excluded from ZDR"},
		{name: "covers neither", clauses: []string{"ZDR covers neither batch jobs nor uploaded files."}, want: unknown},
		{name: "feature may be eligible", clauses: []string{"Where a tool needs no stored prompts, it may be eligible for ZDR."}, want: unknown},
		{name: "approved for zero retention pointer", vendor: "lumen", clauses: []string{"If you use the Business plan and have been approved for zero retention, you can read more details here."}, want: unknown},
		{name: "exclusion kept with offer", clauses: []string{
			"ZDR is available for the chat endpoint.",
			"ZDR won't cover preview products or the console.",
		}, want: avail, evidence: "won't cover preview products"},
		{name: "files api excluded", clauses: []string{
			"Endpoints with ZDR enabled keep nothing after the response.",
			"Uploaded files are kept regardless of your zero data retention agreement.",
		}, want: avail, evidence: "regardless of"},
		{name: "beta features excluded", clauses: []string{
			"We provide ZDR for approved organizations.",
			"Features still in beta are excluded from ZDR.",
		}, want: avail, evidence: "excluded from ZDR"},
		{name: "not zdr-eligible by default", clauses: []string{
			"Basic web search is ZDR-eligible.",
			"The filtering version is not ZDR-eligible by default.",
		}, want: avail, evidence: "not ZDR-eligible"},
		{name: "scoped refusal kept as exclusion", clauses: []string{
			"ZDR is available for the API.",
			"We do not offer ZDR for chat plans.",
		}, want: avail, evidence: "chat plans"},
		{name: "does not apply to this plan", clauses: []string{"ZDR does not apply to this plan."}, want: notAvail},
		{name: "does not apply to a named tier in a list", vendor: "lumen", clauses: []string{"ZDR does not apply to preview tools, Beam for Teams, or the desktop app."}, want: notAvail},
		{name: "not available", clauses: []string{"Zero data retention is not available."}, want: notAvail},
		{name: "we do not offer zdr", clauses: []string{"We do not offer zero data retention."}, want: notAvail},
		{name: "no longer offered", clauses: []string{"ZDR is no longer offered to new customers."}, want: notAvail},
		{name: "discontinued", clauses: []string{"Our ZDR program was discontinued last year."}, want: notAvail},
		{name: "no zdr in list", clauses: []string{"Free accounts get no ZDR and no BAA."}, want: notAvail},
		{name: "refusal overrides offer", clauses: []string{
			"ZDR is offered to enterprise accounts.",
			"ZDR is not available on your plan.",
		}, want: notAvail, evidence: "not available on your plan"},
		{name: "not covered by zdr alone", clauses: []string{"Console usage is not covered by ZDR."}, want: unknown},
		{name: "conditional not enabled", clauses: []string{"If ZDR is not enabled, we keep logs for thirty days."}, want: unknown},
		{name: "mention only", clauses: []string{"Questions about zero data retention go to sales."}, want: unknown},
		{name: "no mention", clauses: []string{"We keep logs for thirty days."}, want: unknown},
		{name: "no clauses", clauses: nil, want: unknown},
		{name: "zero retention short form", clauses: []string{"Zero retention is available on request."}, want: avail},
		{name: "but clause both ways", clauses: []string{"ZDR applies to the chat endpoint, but it does not cover batch jobs."}, want: avail, evidence: "does not cover batch"},
		{name: "curly apostrophe", vendor: "lumen", clauses: []string{"ZDR isn’t available for Personal plan accounts."}, want: notAvail},
		{name: "override controls", clauses: []string{"Prompt caching may override the zero data retention controls."}, want: unknown},
	})
}

func TestReadAvailabilityClause(t *testing.T) {
	cs := []terms.Clause{
		{Path: []string{"ZDR", "Exclusions"}, Kind: terms.KindListItem, Text: "Beta products are not covered by ZDR."},
		{Path: []string{"ZDR", "Scope"}, Kind: terms.KindParagraph, Text: "ZDR is available for the Messages endpoint."},
	}
	r := onClauses(readZDR)(testLex, cs)
	if !r.Value.Equal(terms.Scalar(Available)) {
		t.Fatalf("zdr = %v, want available", r.Value)
	}
	if got := r.Clause.Heading(); got != "ZDR > Scope" {
		t.Errorf("clause = %q, want the offer's clause ZDR > Scope", got)
	}
	if len(r.Sentences) != 2 || r.Sentences[0] != cs[0].Text {
		t.Errorf("sentences = %q, want both in page order", r.Sentences)
	}
}

func TestReadAvailabilityWithdrawal(t *testing.T) {
	// A withdrawn offering reads not-available; a deprecated feature in the
	// same sentence as ZDR does not withdraw ZDR.
	runReaderCases(t, readBAA, []readerCase{
		{name: "baa program ended", clauses: []string{"Our BAA program ended on 1 March for all plans."}, want: terms.Scalar(NotAvailable)},
		{name: "terminated agreement is conditional", clauses: []string{"If your contract is terminated, the BAA ends with it; enterprise customers can sign a BAA."}, want: terms.Scalar(Available)},
	})
	runReaderCases(t, readZDR, []readerCase{
		{name: "zdr withdrawn", clauses: []string{"Zero data retention was withdrawn for new organizations."}, want: terms.Scalar(NotAvailable)},
		{name: "deprecated feature with zdr", clauses: []string{"The legacy search tool is deprecated; ZDR is available for its successor."}, want: terms.Scalar(Available)},
	})
}
