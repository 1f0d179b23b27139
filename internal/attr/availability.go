package attr

import (
	"slices"
	"strings"

	"github.com/clausewatch/clausewatch/internal/terms"
	regexp "github.com/clausewatch/clausewatch/internal/wordre"
)

// Values of the hipaa-baa and zdr attributes.
const (
	Available    = "available"
	NotAvailable = "not-available"
)

// availabilitySpec describes one available / not-available attribute. A
// sentence on the topic is read fragment by fragment (see fragments), each
// fragment classed as
//   - exclusion: a part of the offering is outside it ("beta products are
//     not covered by the BAA", "ZDR does not apply to the Files API");
//   - denial: the offering is refused to whoever the fragment speaks for
//     ("we do not offer a BAA", "ZDR is not available for the Team plan",
//     "Team plans are excluded from the BAA");
//   - offer: it is offered ("we sign BAAs", "customers can request ZDR",
//     "a BAA is available on request");
//   - in force: it is in place for someone the sentence names ("Enterprise
//     plans covered by our BAA", "ZDR customers' requests"). Such a
//     fragment counts as an offer only when its sentence names a tier: a
//     sentence that names none speaks for every tier of its page, and
//     "organizations with ZDR enabled cannot use the preview models" offers
//     nothing to any of them.
//
// Exclusions and denials are tested before offers so that "not covered by
// the BAA" never reads as "covered by the BAA".
type availabilitySpec struct {
	name    string
	topic   *regexp.Regexp
	exclude []*regexp.Regexp
	deny    []*regexp.Regexp
	offer   []*regexp.Regexp
	inForce []*regexp.Regexp
	// firm are the offers that hold despite a condition in their fragment
	// ("if you use the API, you may ask us to enter into a BAA").
	firm []*regexp.Regexp
	// byDefault is an offer tested before the denials ("no ZDR agreement
	// is needed": nothing is kept anyway); nil for none.
	byDefault *regexp.Regexp
	// effect is what the offering does to data: an in-force fragment that
	// says it is an offer even in a sentence that names no tier ("with ZDR,
	// prompts are not stored"); nil for none.
	effect *regexp.Regexp
}

var (
	// conditionalRe marks a fragment whose negation is a condition, not a
	// statement ("if ZDR is not enabled, …").
	conditionalRe = regexp.MustCompile(`^(?:if|unless|when|where|whether)\b|\b(?:if|unless|whether)\s+(?:you|your|the|a|an|it|this|customers?|users?)\b[^;]*\b(?:not|n't)\b`)
	// offerConditionRe marks a fragment that states a condition or requirement
	// rather than an offer ("if you have a BAA, …", "coverage requires
	// signing the BAA", "where a feature may be eligible for ZDR").
	offerConditionRe = regexp.MustCompile(`^(?:if|when|whenever|once|where|unless|until|whether)\b|\b(?:if|when|whenever|unless)\s+(?:you|your|the|a|an|it|this|that|customers?|users?|organi[sz]ations?|an?\s+\w+)\b|\brequir(?:e|es|ed|ing|ements?)\b|\b(?:may|might|could)\s+(?:also\s+)?(?:be|become)\s+(?:\w+[\s-])?eligible\b`)
	// partScopeRe finds what a denial is limited to: a named plan, product,
	// feature or group of customers ("for consumer plans", "on the Team
	// plan", "to beta features", "to new customers").
	partScopeRe = regexp.MustCompile(`\b(?:for|on|to|in|through|via|under|with|from)\s+(?:the\s+|our\s+|any\s+|all\s+)?(?:[a-z0-9'.-]+\s+){0,4}?(?:plans?|tiers?|products?|features?|accounts?|customers?|services?|interfaces?|integrations?|endpoints?|apis?|users?|subscribers?|versions?|models?|workspaces?|organi[sz]ations?|subscriptions?|offerings?|regions?|console|workbench|beta|tools?|files|uploads?|jobs|requests)\b`)
	// selfScopeRe is a scope that is the tier itself ("this plan", "your plan").
	selfScopeRe = regexp.MustCompile(`\b(?:this|your|these|the current)\s+(?:plan|plans|tier|tiers|product|products|service|services|account|accounts|subscription|offering)\b|\b(?:the|our)\s+services\b|\b(?:all|every|any)\s+(?:of (?:our|the)\s+)?(?:plans?|tiers?|customers?|accounts?|users?|organi[sz]ations?)\b`)
	// partWordRe is a word that names a part of an offering rather than a
	// tier or its customers: a feature, tool, product or kind of request.
	partWordRe = regexp.MustCompile(`\b(?:features?|products?|tools?|integrations?|interfaces?|endpoints?|apis?|models?|beta|preview|betas|functionality|functions?|capabilit(?:y|ies)|connectors?|plugins?|add-ons?|extensions?|files?|uploads?|batch(?:es)?|jobs?|requests?|calls?|caching|cache|search|console|workbench|versions?|modes?|sessions?|plans?|offerings?|subscriptions?|usage|traffic|configurations?|purchases?)\b`)
	// groupWordRe is a word that names a group of customers: a denial
	// limited to them speaks for whoever the sentence speaks for ("not
	// available to new customers", "for individual accounts").
	groupWordRe = regexp.MustCompile(`\b(?:customers?|users?|subscribers?|accounts?|organi[sz]ations?|workspaces?|members?|individuals?|businesses|companies|clients?)\b`)
	// listBreakRe separates the members of a list.
	listBreakRe = regexp.MustCompile(`,|;|\bor\b|\bnor\b`)
	// pointerRe is a sentence or fragment that points elsewhere or
	// introduces a page rather than stating something ("Learn about …",
	// "This article explains which plans …", "Read on to see whether …").
	pointerRe = regexp.MustCompile(`^(?:learn|read|see|find out|to learn|to find out|for more|for details|for further|for information|for the (?:most )?(?:up-to-date|latest|full)|refer to|visit|check out|click|below,? you|in this (?:article|page|guide|section))\b` +
		`|\bthis (?:article|page|section|guide|document|faq|help article|post)\s+(?:explains|describes|covers|provides|lists|shows|outlines|is for|will|helps|tells|answers|walks|details|summari[sz]es|contains|gives)\b` +
		`|\b(?:explains?|describes?|shows?|outlines?|see|find|learn(?:\s+more)?(?:\s+about)?|tells?\s+you|lists?|answers?|check|understand|determine|confirm)\s+(?:you\s+)?(?:which|whether|how|what|if)\b` +
		`|\bif you have (?:any )?questions\b|\b(?:you can|please) (?:also )?read (?:more|this)\b|\bbelow you will find\b|\bread on\b`)
	// definitionRe is a contract's definition of a term ("“Healthcare
	// Addendum” means …", "Capitalized terms have the meanings …").
	definitionRe = regexp.MustCompile(`^(?:"[^"]{1,80}"|'[^']{1,80}'|[a-z][\w -]{0,60}?)\s+(?:means|shall mean|refers to|has the meaning)\b|\bhave the meanings?\b|\bcapitali[sz]ed terms\b`)
	// indirectRe is an indirect question ("whether a BAA is available for
	// your plan"): what follows is asked, not stated.
	indirectRe = regexp.MustCompile(`\bwhether\b.*$`)
	// onlyForRe opens the second half of "not for X, only for Y": it is
	// cut off as a fragment of its own.
	onlyForRe = regexp.MustCompile(`,?\s*\b(?:but\s+|and\s+)?(?:only|instead|rather)\s+(?:for|to|on|in|with|through|via)\b`)
	// ellipticDenialRe is the elliptic second half of "offered to X, but
	// not to Y".
	ellipticDenialRe = regexp.MustCompile(`^(?:and\s+|or\s+)?not\s+(?:to|for|on|in|with|through|via|under)\b`)
	// offerCellYesRe and offerCellNoRe are the cells of a table that answer a
	// column about the offering.
	offerCellYesRe = regexp.MustCompile(`^(?:yes|y|✓|✔|available|offered|included|supported|provided|eligible|enabled|on request|by request|by agreement|upon request|with (?:a |an )?(?:signed |separate )?(?:agreement|addendum|contract)|optional|self-service|standard|default|by default)\b`)
	offerCellNoRe  = regexp.MustCompile(`^(?:no|n|✗|✘|x|not\b|unavailable|none|n/a|—|-|–|ineligible|excluded|not applicable)`)
)

// denialPrefix is the negation that opens a denial ("we do not", "BAAs are no longer").
const denialPrefix = `(?:do not|don't|does not|doesn't|did not|isn't|aren't|wasn't|weren't|cannot|can't|can not|could not|will not|won't|no longer|are not able to|is not able to|are unable to|is unable to|not)`

// obtainVerbs are what a customer does to get an offering.
const obtainVerbs = `(?:sign|accept|review and accept|request|obtain|get|ask for|ask us for|ask (?:us|[\w-]+) to (?:sign|enter into|execute|turn on|enable|apply|provide)|enter into|execute|turn on|switch on|enable|set up|opt into|opt in to|activate|apply for|qualify for|be covered by|be covered under|have)`

var (
	// baaCanGet: a customer can get a BAA ("Enterprise customers can sign
	// a BAA", "you may ask us to enter into a BAA").
	baaCanGet = regexp.MustCompile(`\b(?:can|may|could|are able to|is able to|are eligible to|is eligible to|will|are welcome to)\s+(?:also\s+|now\s+|still\s+|then\s+)?` + obtainVerbs + `\b[^;]{0,50}?\b(?:baas?|business associate|one)\b`)
	// baaContact: "contact our sales team to sign a BAA".
	baaContact = regexp.MustCompile(`\bcontact\b[^;]{0,60}?\bto\s+` + obtainVerbs + `\b[^;]{0,40}?\b(?:baas?|business associate)`)
	// zdrCanGet: a customer can get ZDR ("API customers can request zero
	// data retention").
	zdrCanGet = regexp.MustCompile(`\b(?:can|may|could|are able to|is able to|are eligible to|is eligible to|are welcome to)\s+(?:also\s+|now\s+|still\s+)?` + obtainVerbs + `\b[^;]{0,40}?\b` + zdrName + `\b` +
		`|\b` + zdrName + `\b[^;]{0,20}?\b(?:can|may)\s+be\s+(?:enabled|activated|turned on|switched on|requested|granted|set up)\b`)
	// zdrWillApply: the vendor will apply ZDR, or is to be contacted for it.
	zdrWillApply = regexp.MustCompile(`\b(?:will|shall|can|may)\s+(?:\w+\s+)?(?:apply|enable|activate|provide|turn on|switch on|configure)\s+` + zdrName + `\b|\bcontact\b[^;]{0,60}?\bto\s+` + obtainVerbs + `\b[^;]{0,40}?\b` + zdrName + `\b`)
	// zdrIfYouNeed: "if you require zero retention, set the mode to none".
	zdrIfYouNeed = regexp.MustCompile(`\bif you (?:require|need|want)\b[^;]{0,40}?\b` + zdrName + `\b[^;]{0,20}?,?\s*(?:set|enable|turn on|choose|select|configure|contact|ask)\b`)
)

var (
	// onRequestRe is an offer whose only condition is that the customer
	// asks ("available if you ask for one", "signed when a customer
	// requests it"): an offer on request, not a condition stated elsewhere.
	onRequestRe = regexp.MustCompile(`\b(?:available|offered|provided|signed|executed|granted|enabled|applied|set up)\b[^;]{0,30}?\b(?:if|when|once|whenever)\s+(?:you|they|customers?|the customer|users?|an?\s+\w+)\s+(?:ask|asks|request|requests|apply|applies|contact|contacts)\b`)
	// baaPassive: a BAA can be signed ("a BAA can be signed on request").
	baaPassive = regexp.MustCompile(`\b(?:baas?|business associate (?:agreement|addendum)s?)\b[^;]{0,40}?\b(?:can|may|will|could)\s+(?:also\s+|now\s+|still\s+)?be\s+(?:signed|executed|requested|obtained|arranged|put in place|entered into|concluded)\b`)
	// baaPassiveDenied: a BAA cannot be signed.
	baaPassiveDenied = regexp.MustCompile(`\b(?:baas?|business associate (?:agreement|addendum)s?)\b[^;]{0,40}?\b(?:cannot|can't|can not|may not|will not|won't|could not|is not able to|are not able to|can no longer)\s+be\s+(?:signed|executed|requested|obtained|arranged|put in place|entered into|concluded)\b`)
)

var baaSpec = availabilitySpec{
	name:  "a business associate agreement or HIPAA",
	firm:  []*regexp.Regexp{baaCanGet, baaContact, baaPassive, onRequestRe},
	topic: regexp.MustCompile(`\bbaas?\b|\bbusiness associate (?:agreement|addendum|addenda|amendment)s?\b|\bhipaa\b|\bbaa-`),
	exclude: []*regexp.Regexp{
		regexp.MustCompile(`\b(?:not|aren't|isn't|never|no longer)\s+(?:be\s+|been\s+)?(?:covered|included|eligible|in scope)\s+(?:by|under|in|for)\b`),
		regexp.MustCompile(`\b(?:does not|doesn't|do not|don't|would not|wouldn't|will not|won't|shall not|may not|cannot|can't)\s+(?:automatically\s+)?(?:apply|extend|cover)\b`),
		regexp.MustCompile(`\bexclud(?:e|es|ed|ing)\b|\bexclusions?\b|\boutside\b[^;]{0,30}?\b(?:scope|baa|business associate|hipaa)`),
		regexp.MustCompile(`\bno\s+(?:\w+\s+){0,2}?configuration\b|\bno\b[^;]{0,40}\bbaa-covered\b|\b(?:covers?|includes?|applies to|extends? to)\s+(?:neither|none of|no)\b`),
	},
	deny: []*regexp.Regexp{
		baaPassiveDenied,
		regexp.MustCompile(`\b` + denialPrefix + `\s+(?:currently\s+|yet\s+|\w+\s+)?(?:offer|offers|offered|sign|signs|signed|provide|provides|provided|enter into|enters into|entered into|execute|executes|executed|support|supports|supported|make available|makes available|agree to|agrees to)\b[^;]{0,60}?\b(?:baas?|business associate|hipaa)`),
		regexp.MustCompile(`\b(?:cannot|can't|can not|could not|may not|are unable to|is unable to|are not able to|is not able to|are not eligible to|is not eligible to|no longer)\s+(?:\w+\s+)?` + obtainVerbs + `\b[^;]{0,40}?\b(?:baas?|business associate)`),
		regexp.MustCompile(`\b(?:baas?|business associate (?:agreement|addendum|amendment)s?)\b[^;]{0,40}\b(?:is|are|will be)\s+(?:not|no longer|not currently)\s+(?:available|offered|provided|supported|an option)\b`),
		regexp.MustCompile(`\b(?:baas?|business associate (?:agreement|addendum|amendment)s?)\b[^;]{0,40}\b(?:is|are)\s+unavailable\b|\b(?:isn't|aren't)\s+(?:available|offered)\b`),
		regexp.MustCompile(`\b(?:not|isn't|aren't|never)\s+(?:a\s+|an\s+)?(?:\w+\s+)?hipaa[\s-](?:compliant|eligible|ready|covered|certified)\b|\bnot\s+(?:\w+\s+)?(?:compliant|eligible)\s+(?:with|for|under)\s+hipaa\b|\bnot\s+(?:designed|intended|suitable)\s+for\s+(?:\w+\s+){0,3}?(?:hipaa|phi|protected health)`),
		regexp.MustCompile(`\bno\s+(?:baas?|business associate)\b|\b(?:baas?|business associate (?:agreement|addendum|amendment)s?|hipaa[\s-]ready \w+)\b[^;]{0,40}?\b(?:discontinued|withdrawn|retired|terminated|ended)\b`),
		regexp.MustCompile(`^(?:this|that|the|such) (?:option|offer|offering|program|programme|arrangement|possibility) (?:has been|was|is being|will be|is) (?:withdrawn|discontinued|retired|ended|removed|no longer (?:available|offered))\b`),
	},
	offer: []*regexp.Regexp{
		// the vendor (or a cloud) offers or signs one
		regexp.MustCompile(`\b(?:offer|offers|offered|offering|provide|provides|sign|signs|signed|signing|execute|executes|enter into|enters into|make available|makes available|agree to|agrees to)\b[^;]{0,50}?\b(?:baas?|business associate (?:agreement|addendum|amendment))`),
		regexp.MustCompile(`\b(?:makes?|made)\s+(?:a|an|the|its|our)\s+(?:baa|business associate (?:agreement|addendum|amendment))\s+available\b`),
		// a customer can get one, or gets one on request
		baaCanGet, baaContact, baaPassive, onRequestRe,
		// a customer must get one (a duty to sign what is there to sign),
		// or the one offered somewhere ("the BAA offered in the console")
		regexp.MustCompile(`\b(?:must|need to|needs to|have to|has to|will need to)\s+(?:first\s+|also\s+)?` + obtainVerbs + `\b[^;]{0,40}?\b(?:baas?|business associate)\b` +
			`|\b(?:baas?|business associate (?:agreement|addendum|amendment)s?)\s+(?:offered|provided|made available)\s+(?:in|by|through|via|from|on|to)\b`),
		// it is available
		regexp.MustCompile(`\b(?:baas?|business associate (?:agreement|addendum|amendment)s?)\b[^;]{0,60}?\b(?:is|are)\s+(?:only\s+|also\s+|now\s+|generally\s+)?(?:available|offered|provided|included)\b|\b(?:baas?|business associate (?:agreement|addendum|amendment)s?)\b[^;]{0,40}?\bavailable\b|\bwhich (?:is|are) (?:only\s+|also\s+)?available\b`),
		// a service or plan is HIPAA-eligible or HIPAA-ready
		regexp.MustCompile(`\b(?:is|are)\s+(?:a\s+|an\s+|one of (?:our|the)\s+)?(?:\w+\s+)?hipaa[\s-](?:eligible|ready|enabled|compliant)\b|\bhipaa[\s-](?:eligible|ready|enabled)\s+(?:services?|products?|offerings?|plans?|api|apis|access|integrations?|tiers?|versions?|mode|service)\b`),
		regexp.MustCompile(`\b(?:offer|offers|offered|provide|provides|support|supports|supporting|enable|enables)\s+(?:\w+\s+){0,4}?hipaa(?:[\s-](?:ready|readiness|eligible|compliance|compliant|workloads))?\b|\b(?:offer|offers|offered|provide|provides)\b[^;.]{0,80}?\bhipaa[\s-](?:ready|readiness|eligible)\b`),
		// a BAA covers something the sentence names, or may be relied on
		regexp.MustCompile(`\b(?:can|may)\s+(?:also\s+)?(?:cover|include)\b[^;]{0,40}?\b(?:under|with|by)\s+(?:a|an|the|your|our|its)?\s*(?:\w+\s+){0,3}?(?:baa|business associate)`),
		regexp.MustCompile(`\b(?:who|that)\s+(?:have|has)\s+(?:signed|executed|entered into)?\s*(?:a|an|the|our|their)?\s*(?:\w+\s+){0,3}?(?:baa|business associate (?:agreement|addendum|amendment))\b[^;]{0,40}?\b(?:can|may)\s+(?:\w+\s+)?(?:use|process|submit|send|store|handle|turn on|enable)\b`),
		regexp.MustCompile(`\bwith\s+(?:a|an|the)\s+signed\s+(?:baa|business associate (?:agreement|addendum|amendment))\b[^;]{0,60}?\b(?:can|may)\s+(?:\w+\s+)?(?:use|process|submit|send|store|handle)\b`),
		regexp.MustCompile(`^(?:[\w'-]+\s+){1,6}?(?:is|are)\s+(?:also\s+|now\s+)?covered\s+(?:by|under)\s+(?:a|an|the|our|its|your)?\s*(?:\w+\s+){0,3}?(?:baa|business associate)`),
	},
	inForce: []*regexp.Regexp{
		regexp.MustCompile(`\b(?:under|with|covered by|covered under|pursuant to|per)\s+(?:a|an|the|our|your|its|their|[a-z]+'s)?\s*(?:signed\s+|executed\s+)?(?:baas?|business associate)\b`),
		regexp.MustCompile(`\b(?:baas?|business associate (?:agreement|addendum|amendment))\b[^;]{0,40}?\b(?:extend|extends|cover|covers|apply|applies|applicable)\b|\bbaa-covered\b`),
		regexp.MustCompile(`\b(?:have|has|having)\s+(?:signed\s+|executed\s+)?(?:a|an|the|our|their)\s+(?:signed\s+)?(?:baa|business associate)\b|\bhipaa[\s-](?:ready|eligible|enabled|configuration|readiness|setting)\b`),
	},
}

// zdrName is the topic of the zdr attribute, for patterns.
const zdrName = `(?:zdr|zero[\s-]+(?:data[\s-]+)?retention)`

var zdrSpec = availabilitySpec{
	name:      "zero data retention",
	firm:      []*regexp.Regexp{zdrCanGet, zdrWillApply, zdrIfYouNeed, onRequestRe},
	byDefault: zeroByDefaultRe,
	effect:    retentionEffectRe,
	topic:     regexp.MustCompile(`\b` + zdrName + `\b`),
	exclude: []*regexp.Regexp{
		regexp.MustCompile(`\b(?:not|aren't|isn't|never|no longer)\s+(?:be\s+|been\s+)?(?:covered|included|in scope)\s+(?:by|under|in|for)\b|\bnot\s+covered\b`),
		regexp.MustCompile(`\b(?:not|isn't|aren't|never)\s+(?:\w+\s+)?(?:zdr|zero[\s-]data[\s-]retention)[\s-](?:eligible|covered)\b|\bnot\s+eligible\s+for\s+(?:zdr|zero)|\bineligible\b`),
		regexp.MustCompile(`\b(?:does not|doesn't|do not|don't|would not|wouldn't|will not|won't|shall not|may not)\s+(?:\w+\s+)?(?:apply|extend|cover)\b`),
		regexp.MustCompile(`\bexclud(?:e|es|ed|ing)\b|\bexclusions?\b|\boutside\b[^;]{0,30}?\b(?:scope|zdr|zero)|\bregardless of\b|\boverride\b|\bnot zdr\b|\b(?:covers?|includes?|applies to|extends? to)\s+(?:neither|none of|no)\b`),
	},
	deny: []*regexp.Regexp{
		regexp.MustCompile(`\b` + denialPrefix + `\s+(?:currently\s+|yet\s+|\w+\s+)?(?:offer|offers|offered|provide|provides|provided|support|supports|supported|make available|makes available|available|an option)\b`),
		regexp.MustCompile(`\b(?:cannot|can't|can not|could not|may not|are unable to|is unable to|are not able to|is not able to|no longer)\s+(?:be\s+)?(?:\w+\s+)?(?:` + obtainVerbs + `|set up|turned on|switched on|enabled|activated|configured|requested|applied|opted into)\b`),
		regexp.MustCompile(`\b` + zdrName + `\b[^;]{0,40}\b(?:is|are|will be)\s+(?:not|no longer|not currently)\s+(?:available|offered|provided|supported|an option)\b|\bunavailable\b`),
		regexp.MustCompile(`\bno\s+` + zdrName + `\b|\b` + zdrName + `\b[^;]{0,40}?\b(?:discontinued|withdrawn|retired|deprecated|sunset|ended)\b`),
	},
	offer: []*regexp.Regexp{
		regexp.MustCompile(`\b` + zdrName + `\b(?:\s*\(zdr\))?[^;]{0,60}?\b(?:is|are)\s+(?:only\s+|also\s+|now\s+|generally\s+)?(?:available|offered|provided|supported)\b`),
		regexp.MustCompile(`\b(?:offer|offers|offered|provide|provides|support|supports|make available|makes available)\b[^;.]{0,80}?\b` + zdrName + `\b`),
		zdrCanGet, zdrWillApply, onRequestRe,
		regexp.MustCompile(`\b(?:to which|for which|where)\s+` + zdrName + `\s+applies\b|\b` + zdrName + `\s+(?:applies|is applied)\s+(?:to|when|for)\b|\b` + zdrName + `[\s-]eligible\b(?:\s+(?:endpoints?|features?|apis?|models?|services?|products?|tools?|requests?|calls?|workloads?)\b|[^\w\s]|\s*$)|\b(?:is|are)\s+(?:also\s+)?eligible\s+for\s+` + zdrName + `\b`),
		regexp.MustCompile(`\b` + zdrName + `\b(?:\s*\(zdr\))?\s+is\s+(?:an?|the|our|[a-z]+'s)\s+(?:\w+\s+)?(?:commitment|arrangement|option|offering|feature|program|programme|policy)\b`),
		// zero retention is how the service runs
		regexp.MustCompile(`\b` + zdrName + `\b[^;]{0,20}?\b(?:is|as)\s+(?:the\s+)?default\b|\b(?:makes?|is)\s+` + zdrName + `\s+the\s+default\b|\b(?:handled|processed|served|run|operated|performed)\s+(?:\w+\s+)?(?:with|under)\s+` + zdrName + `\b`),
		zdrIfYouNeed,
	},
	inForce: []*regexp.Regexp{
		regexp.MustCompile(`\b(?:with|under|using)\s+(?:a|an|the|your|their|its)?\s*` + zdrName + `\b|\b` + zdrName + `[\s-](?:enabled|covered)\b`),
		regexp.MustCompile(`\b` + zdrName + `\b(?:\s*\(zdr\))?\s*[-:]?\s*(?:is\s+)?(?:enabled|activated|applied|arrangements?|agreements?|addend(?:um|a)|eligibility|applies|covers|endpoints?|customers?|organi[sz]ations?|accounts?|workspaces?)\b`),
	},
}

// zeroByDefaultRe is a statement that nothing is kept anyway, so that no
// zero data retention agreement is needed: an offer, not a refusal.
var zeroByDefaultRe = regexp.MustCompile(`\bno\s+(?:separate\s+)?(?:` + zdrName + `\s+)?(?:addendum|agreement|arrangement|contract|opt-in|request)\s+(?:is\s+)?(?:required|needed|necessary)\b`)

// sentenceEndRe is the end of a sentence inside a table cell.
var sentenceEndRe = regexp.MustCompile(`[.!?](?:\s|$)`)

// pointedOfferRe is an offer stated in a relative clause of a pointer.
var pointedOfferRe = regexp.MustCompile(`,\s*which\s+(?:is|are)\s+(?:only\s+|also\s+|now\s+)?(?:available|offered)\b`)

// pointedOffer reports whether f, a pointer, says in a relative clause
// that the offering itself (named right before it) is available.
func pointedOffer(f string, spec availabilitySpec) bool {
	loc := pointedOfferRe.FindStringIndex(f)
	if loc == nil {
		return false
	}
	ms := spec.topic.FindAllStringIndex(f[:loc[0]], -1)
	if len(ms) == 0 {
		return false
	}
	between := f[ms[len(ms)-1][1]:loc[0]]
	return len(between) <= 40 && !strings.ContainsAny(between, ",;")
}

// requirementRe marks a requirement ("coverage requires signing the BAA").
var requirementRe = regexp.MustCompile(`\brequir(?:e|es|ed|ing|ements?)\b`)

// retentionEffectRe is what zero data retention does to data: a sentence
// that says it of data under ZDR says the arrangement is in force.
var retentionEffectRe = regexp.MustCompile(`\bnot\s+(?:be\s+)?(?:stored|retained|kept|logged|written|persisted|saved)\b|\bno\s+(?:\w+\s+){0,2}?(?:logging|storage|retention)\b|\b(?:promptly|immediately)\s+discarded\b|\bdiscarded\b|\bkeeps?\s+(?:no|nothing)\b|\bnothing\s+(?:is\s+)?(?:stored|kept|retained|logged)\b|\bleaves?\s+nothing\b|\bnever\s+(?:stored|retained|kept|logged)\b`)

// readBAA reads the hipaa-baa attribute: "available" when the sentences
// say a Business Associate Agreement is offered, can be signed or covers
// HIPAA-eligible or HIPAA-ready services ("we offer a BAA", "customers can
// sign a BAA", "a HIPAA-eligible service"); "not-available" when they
// refuse it to whoever they speak for ("we do not offer a BAA", "not HIPAA
// compliant", "a BAA is not available for this plan", "the Team plan is
// excluded from the BAA").
//
// What a sentence leaves out of the BAA ("beta features are not covered by
// the BAA"), or a refusal limited to another plan, product or feature than
// the tier ("we do not sign BAAs for the preview tools"), is an exclusion:
// it is reported with an offer and states nothing alone. Introductions,
// pointers ("learn about HIPAA-ready plans"), indirect questions ("whether a
// BAA is available for your plan"), definitions and requirements
// ("coverage requires signing the BAA") state nothing. A sentence that
// offers to some tiers it names and refuses others it names is left
// unread: which of them it is read for is not known here. Unknown when no
// sentence speaks of a BAA or HIPAA, or speaks of it without saying either.
func readBAA(lex *Lexicon, sents []sentence) Reading {
	return readAvailability(lex, sents, baaSpec)
}

// readZDR reads the zdr attribute: "available" when the sentences say zero
// data retention is offered or in force ("ZDR is available for qualifying
// customers", "customers can request ZDR", "ZDR-eligible endpoints",
// "zero retention is the default", "with ZDR, prompts are not stored");
// "not-available" when they refuse it ("ZDR is not available", "we do not
// offer ZDR", "ZDR cannot be enabled for the Team plan", "ZDR does not apply
// to this plan"). What ZDR does not cover ("ZDR does not apply to beta
// products", "batch jobs fall outside ZDR") is an exclusion, reported with
// an offer and stating nothing alone. The other rules of readBAA apply.
func readZDR(lex *Lexicon, sents []sentence) Reading {
	return readAvailability(lex, sents, zdrSpec)
}

// availabilityClass is what a sentence says about an offering.
type availabilityClass struct {
	offer, exclude, deny bool
}

// decides reports whether a sentence so classed says anything.
func (c availabilityClass) decides() bool { return c.offer || c.deny || c.exclude }

// classedSentence is a sentence on the topic with what it says.
type classedSentence struct {
	s sentence
	c availabilityClass
}

func readAvailability(lex *Lexicon, sents []sentence, spec availabilitySpec) Reading {
	if len(sents) == 0 {
		return Reading{Value: terms.UnknownValue(noClauses)}
	}
	var all []classedSentence
	mentioned := false
	for _, s := range sents {
		if !spec.topic.MatchString(s.norm) && !ellipticRefusal(s, spec) {
			continue
		}
		mentioned = true
		if c := classifySentence(lex, s, spec); c.decides() {
			all = append(all, classedSentence{s, c})
		}
	}
	switch {
	case slices.ContainsFunc(all, func(x classedSentence) bool { return x.c.offer || x.c.deny }):
		return decideAvailability(all)
	case len(all) > 0:
		return Reading{Value: terms.UnknownValue("sentences say only what " + spec.name + " leaves out, not whether it is available")}
	case mentioned:
		return Reading{Value: terms.UnknownValue("sentences mention " + spec.name + " but none says whether it is available")}
	}
	return Reading{Value: terms.UnknownValue("no sentence mentions " + spec.name)}
}

// ellipticRefusal reports whether s is the elliptic second half of "offered
// to X, but not to Y" cut from its sentence because it names other tiers:
// it refuses the offering its antecedent (see splitByWhom) speaks of.
func ellipticRefusal(s sentence, spec availabilitySpec) bool {
	return s.antecedent != "" && spec.topic.MatchString(s.antecedent) && ellipticDenialRe.MatchString(s.norm)
}

// classifySentence classes one sentence on the topic (see
// availabilitySpec). A table row is read by its cells when a column is
// about the offering.
func classifySentence(lex *Lexicon, s sentence, spec availabilitySpec) availabilityClass {
	named := s.tiers != nil || lex.TiersNamed(s.text) != nil
	if c, ok := classifyRow(s, spec, named); ok {
		return c
	}
	if definitionRe.MatchString(s.norm) {
		return availabilityClass{}
	}
	var c availabilityClass
	var offerTiers, denyTiers []string
	for _, f := range availabilityFragments(s.norm) {
		if pointerRe.MatchString(f) {
			// "If you have questions about our BAA, which is only available
			// to …, read this article": the relative clause still states.
			if pointedOffer(f, spec) {
				c.offer = true
				offerTiers = append(offerTiers, lex.TiersNamed(beforeException(f))...)
			}
			continue
		}
		f = strings.TrimSpace(indirectRe.ReplaceAllString(f, ""))
		if f == "" {
			continue
		}
		tiers := lex.TiersNamed(beforeException(f))
		switch k := classifyFragment(lex, f, spec, named); k {
		case classDeny:
			if len(tiers) == 0 && exceptionNamesTier(lex, f) {
				// "We do not sign BAAs unless you are on the Enterprise
				// plan": refused to all but a tier, offered to it; which
				// this sentence is read for is not known here. A tier the
				// refusal itself names stays refused ("ZDR does not apply
				// to the Team plan or any product other than the API").
				return availabilityClass{}
			}
			c.deny = true
			denyTiers = append(denyTiers, tiers...)
		case classExclude:
			c.exclude = true
		case classOffer:
			c.offer = true
			offerTiers = append(offerTiers, tiers...)
		}
	}
	// "Offered to X, but not to Y": which of X and Y this sentence is read
	// for is not known here, so it is not read.
	if c.offer && c.deny && len(offerTiers) > 0 && len(denyTiers) > 0 &&
		!slices.ContainsFunc(offerTiers, func(t string) bool { return slices.Contains(denyTiers, t) }) {
		return availabilityClass{}
	}
	return c
}

// Fragment classes.
const (
	classNone = iota
	classExclude
	classDeny
	classOffer
)

// availabilityFragments is fragments, with "not for X, only for Y" cut
// before "only".
func availabilityFragments(norm string) []string {
	var out []string
	for _, f := range fragments(norm) {
		start := 0
		for _, loc := range onlyForRe.FindAllStringIndex(f, -1) {
			if loc[0] > start {
				out = append(out, strings.TrimSpace(f[start:loc[0]]))
				start = loc[0]
			}
		}
		out = append(out, strings.TrimSpace(strings.TrimLeft(f[start:], ", ")))
	}
	return out
}

// classifyFragment classes one fragment of a sentence; named says whether
// the sentence names a tier.
func classifyFragment(lex *Lexicon, f string, spec availabilitySpec, named bool) int {
	if spec.topic.MatchString(f) && anyMatch(f, spec.exclude...) {
		if excludesTier(lex, f) || selfScopeRe.MatchString(f) {
			return classDeny
		}
		return classExclude
	}
	if spec.byDefault != nil && spec.byDefault.MatchString(f) {
		return classOffer
	}
	if at := denialAt(f, spec); at >= 0 && !conditionalRe.MatchString(f) {
		// The scope is looked for from the denial on: "may not submit PHI
		// to the Services, because we do not sign BAAs" refuses the BAA.
		if m := partScopeRe.FindString(f[at:]); m != "" && !selfScopeRe.MatchString(m) && !scopeIsTier(lex, m) {
			return classExclude
		}
		return classDeny
	}
	if spec.effect != nil && anyMatch(f, spec.inForce...) && spec.effect.MatchString(f) {
		return classOffer // "with ZDR, prompts are not stored"
	}
	if offerConditionRe.MatchString(f) && !offerDespiteCondition(f, spec) {
		return classNone
	}
	if anyMatch(f, spec.offer...) {
		return classOffer
	}
	if named && anyMatch(f, spec.inForce...) {
		return classOffer
	}
	return classNone
}

// denialAt returns where the first denial of f starts, -1 for none.
func denialAt(f string, spec availabilitySpec) int {
	if ellipticDenialRe.MatchString(f) {
		return 0
	}
	at := -1
	for _, re := range spec.deny {
		if loc := re.FindStringIndex(f); loc != nil && (at < 0 || loc[0] < at) {
			at = loc[0]
		}
	}
	return at
}

// offerDespiteCondition reports whether a fragment that states a
// condition still makes an offer in its main clause ("if you use the API,
// you may ask us to enter into a BAA", "once a ZDR agreement is in place,
// we can also sign a BAA"): the offer must be a customer's or the
// vendor's modal one, outside a requirement.
func offerDespiteCondition(f string, spec availabilitySpec) bool {
	return !requirementRe.MatchString(f) && anyMatch(f, spec.firm...)
}

// exceptionNamesTier reports whether the exception tail of f ("unless
// you are on the Team plan", "except for Enterprise customers") names a
// tier.
func exceptionNamesTier(lex *Lexicon, f string) bool {
	loc := exceptionRe.FindStringIndex(f)
	return loc != nil && lex.TiersNamed(f[loc[0]:]) != nil
}

// excludesTier reports whether an exclusion leaves out a tier the fragment
// names, and not a part of one: a member of its list that, its tier names
// taken out, names no feature, product or kind of request ("Team plans are
// excluded from the BAA", "ZDR does not apply to beta products, Team
// plans or …"; not "Team plan connectors are not covered").
func excludesTier(lex *Lexicon, f string) bool {
	for _, member := range listBreakRe.Split(beforeException(f), -1) {
		if lex.TiersNamed(member) == nil {
			continue
		}
		rest := lex.tierNames.ReplaceAllString(member, " ")
		if !partWordRe.MatchString(rest) {
			return true
		}
	}
	return false
}

// scopeIsTier reports whether the scope a denial is limited to is a tier
// or a group of customers (the denial then speaks for them) rather than
// another plan, product or feature (an exclusion).
func scopeIsTier(lex *Lexicon, scope string) bool {
	if lex.TiersNamed(scope) != nil {
		rest := lex.tierNames.ReplaceAllString(scope, " ")
		return !partWordRe.MatchString(rest)
	}
	return groupWordRe.MatchString(scope) && !partWordRe.MatchString(scope)
}

// classifyRow reads a table row ("Plan: Team plan | HIPAA BAA: Not
// available") whose column header is about the offering: its cell says
// yes or no for the tier the row names. A row that names no tier (a
// feature or product table) states nothing. ok is false when no column is
// about the offering.
func classifyRow(s sentence, spec availabilitySpec, named bool) (availabilityClass, bool) {
	if s.clause.Kind != terms.KindTableRow && !strings.Contains(s.norm, " | ") {
		return availabilityClass{}, false
	}
	var c availabilityClass
	found := false
	for _, cell := range strings.Split(s.norm, "|") {
		header, value, ok := strings.Cut(cell, ":")
		if !ok || !spec.topic.MatchString(header) {
			continue
		}
		found = true
		if !named {
			continue
		}
		value = strings.TrimSpace(value)
		switch {
		case offerCellNoRe.MatchString(value):
			c.deny = true
		case offerCellYesRe.MatchString(value):
			c.offer = true
		}
	}
	if !found && !strings.Contains(s.norm, ":") && !sentenceEndRe.MatchString(s.norm) {
		found = true // a header row: the offering is a column, not a statement
	}
	return c, found
}

// decideAvailability decides from the sentences that say something: a
// refusal wins, then an offer (its exclusions kept as evidence).
func decideAvailability(all []classedSentence) Reading {
	// pick returns the reading made of the sentences keep selects, in page
	// order, with the clause of the first.
	pick := func(value string, keep func(availabilityClass) bool) Reading {
		var sents []sentence
		for _, x := range all {
			if keep(x.c) {
				sents = append(sents, x.s)
			}
		}
		return Reading{Value: terms.Scalar(value), Clause: sents[0].clause, Sentences: texts(sents)}
	}
	if slices.ContainsFunc(all, func(x classedSentence) bool { return x.c.deny }) {
		// The offering is refused: the refusal and any exclusions are the
		// evidence; offers it overrides are not.
		return pick(NotAvailable, func(c availabilityClass) bool { return c.deny || c.exclude })
	}
	i := slices.IndexFunc(all, func(x classedSentence) bool { return x.c.offer })
	r := pick(Available, func(availabilityClass) bool { return true })
	r.Clause = all[i].s.clause // the first offer, not the first exclusion
	return r
}
