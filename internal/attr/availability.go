package attr

import (
	"regexp"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// Values of the hipaa-baa and zdr attributes.
const (
	Available    = "available"
	NotAvailable = "not-available"
)

// p2availSpec describes one available / not-available attribute. Each
// sentence that mentions the topic is classed, fragment by fragment, as
//   - exclusion: a part of the offering is outside it ("beta products are
//     not covered by the BAA", "ZDR does not apply to the Files API");
//   - denial: the offering itself is refused ("we do not offer a BAA",
//     "ZDR is not available");
//   - offer: it is available ("we sign BAAs", "with a ZDR agreement").
//
// Exclusions and denials are tested before offers so that "not covered by
// the BAA" never reads as "covered by the BAA".
type p2availSpec struct {
	topic   *regexp.Regexp
	exclude []*regexp.Regexp
	deny    []*regexp.Regexp
	offer   []*regexp.Regexp
	name    string // for unknown reasons ("a business associate agreement")
}

var (
	// p2conditional marks a fragment whose negation is a condition, not a
	// statement ("if ZDR is not enabled, …").
	p2conditional = regexp.MustCompile(`^(?:if|unless|when|where|whether)\b|\b(?:if|unless|whether)\s+(?:you|your|the|a|an|it|this|customers?|users?)\b[^;]*\b(?:not|n't)\b`)
	// p2scope finds what a denial is limited to: a named plan, product or
	// feature ("for consumer plans", "on the Team plan", "to beta features").
	p2scope = regexp.MustCompile(`\b(?:for|on|to|in|through|via|under|with|from)\s+(?:the\s+|our\s+|any\s+|all\s+)?(?:[a-z0-9'.-]+\s+){0,3}?(?:plans?|tiers?|products?|features?|accounts?|customers?|services?|interfaces?|integrations?|endpoints?|apis?|users?|versions?|models?|workspaces?|organi[sz]ations?|subscriptions?|offerings?|regions?|console|workbench|beta)\b`)
	// p2self is a scope that is the tier itself ("this plan", "your plan").
	p2self = regexp.MustCompile(`\b(?:this|your|these|the current)\s+(?:plan|plans|tier|tiers|product|products|service|services|account|accounts|subscription|offering)\b`)
)

// p2neg is the shared negation prefix of denials.
const p2neg = `(?:do not|don't|does not|doesn't|did not|isn't|aren't|wasn't|weren't|cannot|can't|can not|will not|won't|no longer|are not able to|is not able to|are unable to|is unable to|not)`

var p2baa = p2availSpec{
	name:  "a business associate agreement or HIPAA",
	topic: regexp.MustCompile(`\bbaas?\b|\bbusiness associate (?:agreement|addendum|addenda)s?\b|\bhipaa\b|\bbaa-`),
	exclude: []*regexp.Regexp{
		regexp.MustCompile(`\b(?:not|aren't|isn't|never|no longer)\s+(?:be\s+|been\s+)?(?:covered|included|eligible|in scope)\s+(?:by|under|in|for)\b`),
		regexp.MustCompile(`\b(?:does not|doesn't|do not|don't|would not|wouldn't|will not|won't|shall not|may not|cannot|can't)\s+(?:automatically\s+)?(?:apply|extend|cover)\b`),
		regexp.MustCompile(`\bexclud(?:e|es|ed|ing)\b|\bexclusions?\b|\boutside (?:of )?(?:the |a |your |our |its )?(?:baa|business associate|hipaa)`),
		regexp.MustCompile(`\bno\s+(?:\w+\s+){0,2}?configuration\b|\bno\b[^;]{0,40}\bbaa-covered\b`),
	},
	deny: []*regexp.Regexp{
		regexp.MustCompile(`\b` + p2neg + `\s+(?:currently\s+|yet\s+)?(?:offer|offered|sign|signed|provide|provided|enter into|entered into|execute|executed|support|supported|make available|agree to)\b`),
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

var p2zdr = p2availSpec{
	name:  "zero data retention",
	topic: regexp.MustCompile(`\bzero[\s-]+(?:data[\s-]+)?retention\b|\bzdr\b`),
	exclude: []*regexp.Regexp{
		regexp.MustCompile(`\b(?:not|aren't|isn't|never|no longer)\s+(?:be\s+|been\s+)?(?:covered|included|in scope)\s+(?:by|under|in|for)\b|\bnot\s+covered\b`),
		regexp.MustCompile(`\b(?:not|isn't|aren't|never)\s+(?:\w+\s+)?(?:zdr|zero[\s-]data[\s-]retention)[\s-](?:eligible|covered)\b|\bnot\s+eligible\s+for\s+(?:zdr|zero)|\bineligible\b`),
		regexp.MustCompile(`\b(?:does not|doesn't|do not|don't|would not|wouldn't|will not|won't|shall not|may not)\s+(?:\w+\s+)?(?:apply|extend|cover)\b`),
		regexp.MustCompile(`\bexclud(?:e|es|ed|ing)\b|\bexclusions?\b|\boutside (?:of )?(?:the |a |your )?(?:zdr|zero)|\bregardless of\b|\boverride\b|\bnot zdr\b`),
	},
	deny: []*regexp.Regexp{
		regexp.MustCompile(`\b` + p2neg + `\s+(?:currently\s+|yet\s+)?(?:offer|offered|provide|provided|support|supported|make available|available|an option)\b`),
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
func readBAA(_ *Lexicon, clauses []terms.Clause) Reading { return p2readAvailability(clauses, p2baa) }

// readZDR reads the zdr attribute: "available" when the clauses say zero
// data retention is offered or in force ("ZDR is available for qualifying
// customers", "with a ZDR agreement", "ZDR-eligible endpoints");
// "not-available" when they refuse it ("ZDR is not available", "we do not
// offer ZDR", "ZDR does not apply to this plan"). Exclusions ("ZDR does not
// apply to beta products", "the Batch API is not ZDR-eligible") keep
// "available" when another sentence offers ZDR and are reported in
// Sentences; alone they read "not-available". The same scoping rules as
// readBAA apply. Unknown when no sentence speaks of ZDR or none decides.
func readZDR(_ *Lexicon, clauses []terms.Clause) Reading { return p2readAvailability(clauses, p2zdr) }

// p2class is what a sentence says about an offering.
type p2class struct {
	offer, exclude, denyAll, denyPart bool
}

// p2classify classes one normalized sentence.
func p2classify(norm string, spec p2availSpec) p2class {
	var c p2class
	for _, f := range p2fragments(norm) {
		switch {
		case p2any(f, spec.exclude...):
			c.exclude = true
		case p2any(f, spec.deny...) && !p2conditional.MatchString(f):
			if p2scope.MatchString(f) && !p2self.MatchString(f) {
				c.denyPart = true
			} else {
				c.denyAll = true
			}
		case p2any(f, spec.offer...):
			c.offer = true
		}
	}
	return c
}

func p2readAvailability(clauses []terms.Clause, spec p2availSpec) Reading {
	if len(clauses) == 0 {
		return Reading{Value: terms.UnknownValue(p2none)}
	}
	type classed struct {
		s p2sent
		c p2class
	}
	var (
		all                     []classed
		mentioned               bool
		offer, denyAll, limited int
	)
	for _, s := range p2split(clauses) {
		if !spec.topic.MatchString(s.norm) {
			continue
		}
		mentioned = true
		c := p2classify(s.norm, spec)
		if !(c.offer || c.denyAll || c.denyPart || c.exclude) {
			continue
		}
		all = append(all, classed{s, c})
		if c.offer {
			offer++
		}
		if c.denyAll {
			denyAll++
		}
		if c.denyPart || c.exclude {
			limited++
		}
	}
	// pick returns the reading made of the sentences keep selects, in page
	// order, with the clause of the first.
	pick := func(value string, keep func(p2class) bool) Reading {
		var sents []p2sent
		for _, x := range all {
			if keep(x.c) {
				sents = append(sents, x.s)
			}
		}
		return Reading{Value: terms.Scalar(value), Clause: clauses[sents[0].clause], Sentences: p2texts(sents)}
	}
	switch {
	case denyAll > 0:
		// The offering is refused: the refusal and any exclusions are the
		// evidence; offers it overrides are not.
		return pick(NotAvailable, func(c p2class) bool { return c.denyAll || c.denyPart || c.exclude })
	case offer > 0:
		r := pick(Available, func(c p2class) bool { return true })
		for _, x := range all { // Clause: the first offer, not the first exclusion
			if x.c.offer {
				r.Clause = clauses[x.s.clause]
				break
			}
		}
		return r
	case limited > 0:
		return pick(NotAvailable, func(c p2class) bool { return true })
	case mentioned:
		return Reading{Value: terms.UnknownValue("sentences mention " + spec.name + " but none says whether it is available")}
	}
	return Reading{Value: terms.UnknownValue("no sentence mentions " + spec.name)}
}
