package attr

import (
	"regexp"
	"slices"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// Values of the hipaa-baa and zdr attributes.
const (
	Available    = "available"
	NotAvailable = "not-available"
)

// availabilitySpec describes one available / not-available attribute. Each
// sentence that mentions the topic is classed, fragment by fragment, as
//   - exclusion: a part of the offering is outside it ("beta products are
//     not covered by the BAA", "ZDR does not apply to the Files API");
//   - denial: the offering itself is refused ("we do not offer a BAA",
//     "ZDR is not available");
//   - offer: it is available ("we sign BAAs", "with a ZDR agreement").
//
// Exclusions and denials are tested before offers so that "not covered by
// the BAA" never reads as "covered by the BAA".
type availabilitySpec struct {
	topic   *regexp.Regexp
	exclude []*regexp.Regexp
	deny    []*regexp.Regexp
	offer   []*regexp.Regexp
	name    string // for unknown reasons ("a business associate agreement")
}

var (
	// conditionalRe marks a fragment whose negation is a condition, not a
	// statement ("if ZDR is not enabled, …").
	conditionalRe = regexp.MustCompile(`^(?:if|unless|when|where|whether)\b|\b(?:if|unless|whether)\s+(?:you|your|the|a|an|it|this|customers?|users?)\b[^;]*\b(?:not|n't)\b`)
	// partScopeRe finds what a denial is limited to: a named plan, product or
	// feature ("for consumer plans", "on the Team plan", "to beta features").
	partScopeRe = regexp.MustCompile(`\b(?:for|on|to|in|through|via|under|with|from)\s+(?:the\s+|our\s+|any\s+|all\s+)?(?:[a-z0-9'.-]+\s+){0,3}?(?:plans?|tiers?|products?|features?|accounts?|customers?|services?|interfaces?|integrations?|endpoints?|apis?|users?|versions?|models?|workspaces?|organi[sz]ations?|subscriptions?|offerings?|regions?|console|workbench|beta)\b`)
	// selfScopeRe is a scope that is the tier itself ("this plan", "your plan").
	selfScopeRe = regexp.MustCompile(`\b(?:this|your|these|the current)\s+(?:plan|plans|tier|tiers|product|products|service|services|account|accounts|subscription|offering)\b`)
)

// denialPrefix is the negation that opens a denial ("we do not", "BAAs are no longer").
const denialPrefix = `(?:do not|don't|does not|doesn't|did not|isn't|aren't|wasn't|weren't|cannot|can't|can not|will not|won't|no longer|are not able to|is not able to|are unable to|is unable to|not)`

var baaSpec = availabilitySpec{
	name:  "a business associate agreement or HIPAA",
	topic: regexp.MustCompile(`\bbaas?\b|\bbusiness associate (?:agreement|addendum|addenda)s?\b|\bhipaa\b|\bbaa-`),
	exclude: []*regexp.Regexp{
		regexp.MustCompile(`\b(?:not|aren't|isn't|never|no longer)\s+(?:be\s+|been\s+)?(?:covered|included|eligible|in scope)\s+(?:by|under|in|for)\b`),
		regexp.MustCompile(`\b(?:does not|doesn't|do not|don't|would not|wouldn't|will not|won't|shall not|may not|cannot|can't)\s+(?:automatically\s+)?(?:apply|extend|cover)\b`),
		regexp.MustCompile(`\bexclud(?:e|es|ed|ing)\b|\bexclusions?\b|\boutside (?:of )?(?:the |a |your |our |its )?(?:baa|business associate|hipaa)`),
		regexp.MustCompile(`\bno\s+(?:\w+\s+){0,2}?configuration\b|\bno\b[^;]{0,40}\bbaa-covered\b`),
	},
	deny: []*regexp.Regexp{
		regexp.MustCompile(`\b` + denialPrefix + `\s+(?:currently\s+|yet\s+)?(?:offer|offered|sign|signed|provide|provided|enter into|entered into|execute|executed|support|supported|make available|agree to)\b`),
		regexp.MustCompile(`\b(?:baas?|business associate (?:agreement|addendum)s?)\b[^;]{0,40}\b(?:is|are|will be)\s+(?:not|no longer|not currently)\s+(?:available|offered|provided|supported|an option)\b`),
		regexp.MustCompile(`\b(?:baas?|business associate (?:agreement|addendum)s?)\b[^;]{0,40}\b(?:is|are)\s+unavailable\b|\b(?:isn't|aren't)\s+(?:available|offered)\b`),
		regexp.MustCompile(`\b(?:not|isn't|aren't|never)\s+(?:\w+\s+)?hipaa[\s-](?:compliant|eligible|ready|covered|certified)\b|\bnot\s+(?:\w+\s+)?(?:compliant|eligible)\s+(?:with|for|under)\s+hipaa\b|\bnot\s+(?:designed|intended|suitable)\s+for\s+(?:\w+\s+){0,3}?(?:hipaa|phi|protected health)`),
		regexp.MustCompile(`\bno\s+(?:baas?|business associate)\b|\b(?:baas?|business associate (?:agreement|addendum)s?|hipaa[\s-]ready \w+)\b[^;]{0,40}?\b(?:discontinued|withdrawn|retired|terminated|ended)\b`),
	},
	offer: []*regexp.Regexp{
		regexp.MustCompile(`\b(?:unless|until)\b[^;]*\b(?:signed|executed|entered into|have|has)\b[^;]*\b(?:baas?|business associate)\b`),
		regexp.MustCompile(`\b(?:offer|offers|offered|offering|provide|provides|sign|signs|signed|signing|execute|executes|executed|enter into|entered into|enters into|request|requests|make available|makes available|have|has|obtain|get)\b[^;]{0,50}?\b(?:baas?|business associate (?:agreement|addendum))`),
		regexp.MustCompile(`\b(?:baas?|business associate (?:agreement|addendum)s?)\b[^;]{0,60}?\b(?:is|are)\s+(?:only\s+|also\s+|now\s+)?(?:available|offered|provided|included)\b|\b(?:baas?|business associate (?:agreement|addendum)s?)\b[^;]{0,40}?\bavailable\b`),
		regexp.MustCompile(`\bhipaa[\s-](?:eligible|ready|readiness|enabled|configuration|compliant)\b|\b(?:support|supports|supporting|enable|enables)\s+(?:\w+\s+){0,3}?hipaa(?:\s+compliance)?\b`),
		regexp.MustCompile(`\b(?:under|with|covered by|covered under|pursuant to|per)\s+(?:a|an|the|our|your|its|their|[a-z]+'s)?\s*(?:signed\s+|executed\s+)?(?:baas?|business associate)\b`),
		regexp.MustCompile(`\b(?:baas?|business associate (?:agreement|addendum))\b[^;]{0,40}?\b(?:extend|extends|cover|covers|apply|applies|applicable)\b|\bbaa-covered\b`),
		// "the BAA provided by the vendor to the customer", a contract's definition
		regexp.MustCompile(`\b(?:baas?|business associate (?:agreement|addendum)s?)\b\s+(?:\w+\s+){0,2}?(?:provided|offered|supplied|made available)\s+(?:by|to)\b`),
	},
}

var zdrSpec = availabilitySpec{
	name:  "zero data retention",
	topic: regexp.MustCompile(`\bzero[\s-]+(?:data[\s-]+)?retention\b|\bzdr\b`),
	exclude: []*regexp.Regexp{
		regexp.MustCompile(`\b(?:not|aren't|isn't|never|no longer)\s+(?:be\s+|been\s+)?(?:covered|included|in scope)\s+(?:by|under|in|for)\b|\bnot\s+covered\b`),
		regexp.MustCompile(`\b(?:not|isn't|aren't|never)\s+(?:\w+\s+)?(?:zdr|zero[\s-]data[\s-]retention)[\s-](?:eligible|covered)\b|\bnot\s+eligible\s+for\s+(?:zdr|zero)|\bineligible\b`),
		regexp.MustCompile(`\b(?:does not|doesn't|do not|don't|would not|wouldn't|will not|won't|shall not|may not)\s+(?:\w+\s+)?(?:apply|extend|cover)\b`),
		regexp.MustCompile(`\bexclud(?:e|es|ed|ing)\b|\bexclusions?\b|\boutside (?:of )?(?:the |a |your )?(?:zdr|zero)|\bregardless of\b|\boverride\b|\bnot zdr\b`),
	},
	deny: []*regexp.Regexp{
		regexp.MustCompile(`\b` + denialPrefix + `\s+(?:currently\s+|yet\s+)?(?:offer|offered|provide|provided|support|supported|make available|available|an option)\b`),
		regexp.MustCompile(`\b(?:zdr|zero[\s-]+data[\s-]+retention)\b[^;]{0,40}\b(?:is|are|will be)\s+(?:not|no longer|not currently)\s+(?:available|offered|provided|supported|an option)\b|\bunavailable\b`),
		regexp.MustCompile(`\bno\s+(?:zdr|zero[\s-]+data[\s-]+retention)\b|\b(?:zdr|zero[\s-]+data[\s-]+retention)\b[^;]{0,40}?\b(?:discontinued|withdrawn|retired|deprecated|sunset|ended)\b`),
	},
	offer: []*regexp.Regexp{
		regexp.MustCompile(`\b(?:zdr|zero[\s-]+(?:data[\s-]+)?retention)\b(?:\s*\(zdr\))?[^;]{0,60}?\b(?:is|are)\s+(?:only\s+|also\s+|now\s+)?(?:available|offered|provided|supported)\b`),
		regexp.MustCompile(`\b(?:offer|offers|offered|provide|provides|support|supports|enable|enables|enabled|request|requests|ask for|asks for|ask us to|qualify for|qualifies for|eligible for|apply for|activate|activated|have|has)\b[^;]{0,40}?\b(?:zdr|zero[\s-]+(?:data[\s-]+)?retention)\b`),
		regexp.MustCompile(`\b(?:zdr|zero[\s-]+(?:data[\s-]+)?retention)\b(?:\s*\(zdr\))?\s*[-:]?\s*(?:is\s+)?(?:enabled|activated|applied|arrangements?|agreements?|eligible|eligibility|applies|covers|endpoints?|customers?|organi[sz]ations?)\b`),
		regexp.MustCompile(`\b(?:with|under)\s+(?:a|an|the|your|their)?\s*(?:zdr|zero[\s-]+(?:data[\s-]+)?retention)\b|\bto which (?:zdr|zero[\s-]+(?:data[\s-]+)?retention) applies\b|\bzdr-(?:eligible|enabled)\b`),
		regexp.MustCompile(`\b(?:zdr|zero[\s-]+(?:data[\s-]+)?retention)\b(?:\s*\(zdr\))?\s+is\s+(?:an?|the|our|[a-z]+'s)\s+(?:\w+\s+)?(?:commitment|arrangement|option|offering|feature|program|policy)\b`),
	},
}

// readBAA reads the hipaa-baa attribute: "available" when the clauses say a
// Business Associate Agreement is offered, can be signed or covers HIPAA-
// eligible or HIPAA-ready services ("we offer a BAA", "sign a BAA",
// "HIPAA-eligible"); "not-available" when they refuse it ("we do not offer a
// BAA", "not HIPAA compliant", "a BAA is not available for this plan"), or
// when they only exclude things from it.
//
// A refusal limited to a named part of the offering ("we do not sign BAAs
// for consumer plans") is an exclusion when another sentence offers the BAA:
// the value stays "available" and the exclusion is reported in Sentences
// with the offer. A refusal of the offering as a whole, or of "this plan",
// reads "not-available" whatever else is said. Unknown when no sentence
// speaks of a BAA or HIPAA, or speaks of it without saying either.
// Clause is the clause of the first deciding sentence.
func readBAA(_ *Lexicon, sents []sentence) Reading { return readAvailability(sents, baaSpec) }

// readZDR reads the zdr attribute: "available" when the clauses say zero
// data retention is offered or in force ("ZDR is available for qualifying
// customers", "with a ZDR agreement", "ZDR-eligible endpoints");
// "not-available" when they refuse it ("ZDR is not available", "we do not
// offer ZDR", "ZDR does not apply to this plan"). Exclusions ("ZDR does not
// apply to beta products", "the Batch API is not ZDR-eligible") keep
// "available" when another sentence offers ZDR and are reported in
// Sentences; alone they read "not-available". The same scoping rules as
// readBAA apply. Unknown when no sentence speaks of ZDR or none decides.
func readZDR(_ *Lexicon, sents []sentence) Reading { return readAvailability(sents, zdrSpec) }

// availabilityClass is what a sentence says about an offering.
type availabilityClass struct {
	offer, exclude, denyAll, denyPart bool
}

// classifyAvailability classes one normalized sentence.
func classifyAvailability(norm string, spec availabilitySpec) availabilityClass {
	var c availabilityClass
	for _, f := range fragments(norm) {
		switch {
		case anyMatch(f, spec.exclude...):
			c.exclude = true
		case anyMatch(f, spec.deny...) && !conditionalRe.MatchString(f):
			if partScopeRe.MatchString(f) && !selfScopeRe.MatchString(f) {
				c.denyPart = true
			} else {
				c.denyAll = true
			}
		case anyMatch(f, spec.offer...):
			c.offer = true
		}
	}
	return c
}

// decides reports whether a sentence so classed says anything.
func (c availabilityClass) decides() bool { return c.offer || c.denyAll || c.denyPart || c.exclude }

// classedSentence is a sentence on the topic with what it says.
type classedSentence struct {
	s sentence
	c availabilityClass
}

func readAvailability(sents []sentence, spec availabilitySpec) Reading {
	if len(sents) == 0 {
		return Reading{Value: terms.UnknownValue(noClauses)}
	}
	var all []classedSentence
	mentioned := false
	for _, s := range sents {
		if !spec.topic.MatchString(s.norm) {
			continue
		}
		mentioned = true
		if c := classifyAvailability(s.norm, spec); c.decides() {
			all = append(all, classedSentence{s, c})
		}
	}
	switch {
	case len(all) > 0:
		return decideAvailability(all)
	case mentioned:
		return Reading{Value: terms.UnknownValue("sentences mention " + spec.name + " but none says whether it is available")}
	}
	return Reading{Value: terms.UnknownValue("no sentence mentions " + spec.name)}
}

// decideAvailability decides from the sentences that say something: a
// refusal of the offering as a whole wins, then an offer (its exclusions
// kept as evidence), and exclusions or refusals of parts alone are
// not-available.
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
	every := func(availabilityClass) bool { return true }
	if slices.ContainsFunc(all, func(x classedSentence) bool { return x.c.denyAll }) {
		// The offering is refused: the refusal and any exclusions are the
		// evidence; offers it overrides are not.
		return pick(NotAvailable, func(c availabilityClass) bool { return c.denyAll || c.denyPart || c.exclude })
	}
	if i := slices.IndexFunc(all, func(x classedSentence) bool { return x.c.offer }); i >= 0 {
		r := pick(Available, every)
		r.Clause = all[i].s.clause // the first offer, not the first exclusion
		return r
	}
	return pick(NotAvailable, every)
}
