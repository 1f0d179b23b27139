package attr

import (
	"regexp"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// Values of the data-processor attribute.
const (
	ProcessorVendor = "vendor"
	ProcessorCloud  = "cloud-provider"
)

const (
	// p2modelVendor names the model's vendor (or model vendors generally).
	p2modelVendor = `(?:anthropic|openai|mistral(?: ai)?|cohere|the model (?:provider|vendor|developer)s?|model (?:providers?|vendors?|developers?)|third[- ]party model providers?)`
	// p2cloud names a cloud platform or marketplace that resells a model.
	p2cloud = `(?:microsoft|azure|aws|amazon(?: web services)?|amazon bedrock|bedrock|google(?: cloud)?|vertex(?: ai)?|the cloud provider|cloud providers?|the marketplace|the platform provider)`
	// p2terms is a document that governs data.
	p2terms = `(?:terms|dpa|data (?:processing|protection) (?:addendum|agreement)|customer agreement|agreements?|product terms)`
)

var (
	p2partyRe = regexp.MustCompile(`\b(?:(` + p2modelVendor + `)|(` + p2cloud + `))\b`)
	// p2roleRe is a role statement; group 1 is set for a sub-processor.
	p2roleRe = regexp.MustCompile(`\b(?:is|are|acts?\s+as|serves?\s+as|remains?|will\s+act\s+as|operates?\s+as|functions?\s+as)\s+(?:the\s+|an\s+|a\s+)?(?:(?:the\s+)?(?:customer|controller|your|its|their)(?:'s|’s|s')?\s+)?(?:independent\s+|sole\s+)?(?:data\s+)?(sub-?)?processors?\b`)
	// p2roleAfterRe is a role statement naming the party after the role.
	p2roleAfterRe = regexp.MustCompile(`\b(?:data\s+)?processor\s+(?:is|will be|remains)\s+(?:the\s+)?(?:(` + p2modelVendor + `)|(` + p2cloud + `))\b`)
	// p2roleNegRe ends a text that negates the role verb after it.
	p2roleNegRe = regexp.MustCompile(`\b(?:not|n't|never|no longer)\s*$`)
	// p2subjectSplit cuts a sentence at commas and relative words.
	p2subjectSplit = regexp.MustCompile(`,|\bwhere\b|\bwhich\b|\bwho\b|\bwhile\b`)
	// p2tableRe is a table row "| Data processor | X | Y |".
	p2tableRe = regexp.MustCompile(`\bdata processor\s*\|([^\n]*)`)
	// p2noAccessRe: the model vendor does not see the data.
	p2noAccessRe = regexp.MustCompile(`\b` + p2modelVendor + `\s+(?:do not|does not|don't|doesn't|cannot|can't|never|will not|won't|has no|have no)\s+(?:have\s+)?(?:any\s+)?(?:access|see|receive|view)\b`)
	// p2noShareRe: the platform does not pass the data to the model vendor.
	p2noShareRe = regexp.MustCompile(`\b(?:do not|does not|don't|doesn't|never|will not|won't|is not|isn't|are not|aren't)\s+(?:\w+\s+){0,2}?(?:shar\w*|sen[dt]\w*|pass\w*|disclos\w*|provid\w*|transmit\w*)\b[^;]{0,50}?\b(?:with|to)\s+(?:the\s+|any\s+)?` + p2modelVendor + `\b` +
		`|\b(?:no|not|never|neither|nor|nothing)\b[^;]{0,80}?\b(?:shared|sent|passed|disclosed|transmitted)\s+(?:\w+\s+)?(?:with|to)\s+(?:the\s+|any\s+)?` + p2modelVendor + `\b`)
	// p2governRe marks a sentence about which terms govern the data.
	p2governRe = regexp.MustCompile(`\bgovern\w*|\bsubject to\b|\bpursuant to\b|\bunder\b|\bin accordance with\b|\bcovered by\b|\bappl(?:y|ies)\b|\bsee\b`)
	// p2govVendorRe / p2govCloudRe: a party's own terms or DPA.
	p2govVendorRe = regexp.MustCompile(`\b` + p2modelVendor + `'s?\s+(?:[\w-]+\s+){0,3}?` + p2terms + `\b|\bthe\s+` + p2modelVendor + `\s+(?:[\w-]+\s+){0,4}?` + p2terms + `\b|\bterms\b[^;]{0,40}?\b(?:provided by|from|of)\s+` + p2modelVendor + `\b|\bterms(?: of (?:use|service))?\s+` + p2modelVendor + `\s+provides\b`)
	p2govCloudRe  = regexp.MustCompile(`\b` + p2cloud + `'s?\s+(?:[\w-]+\s+){0,3}?` + p2terms + `\b|\bthe\s+` + p2cloud + `\s+(?:[\w-]+\s+){0,4}?` + p2terms + `\b|\bterms\b[^;]{0,40}?\b(?:provided by|from|of)\s+` + p2cloud + `\b`)
)

// ReadProcessor reads the data-processor attribute: whose terms and DPA
// govern the data. "vendor" when the model's vendor is the processor or its
// terms govern ("Anthropic acts as data processor", "governed by
// Anthropic's commercial terms and DPA", a "Data processor | Anthropic"
// table row); "cloud-provider" when the cloud platform is ("the model
// provider does not have access to your data", "Bedrock doesn't share your
// data with model providers", "processed under Microsoft's product terms and
// DPA", "the cloud provider is the data processor", the vendor acting as
// a sub-processor).
//
// Statements of role or access outrank statements of which terms govern;
// among statements of one rank the value said most often wins, the first
// said on a tie (a page covering several platforms leads with its own).
// Sentences holds every deciding sentence, those that disagree included.
// "we" is not taken for either party: on a platform's page it is the
// platform. Unknown when no sentence says who processes the data.
func ReadProcessor(clauses []terms.Clause) Reading {
	if len(clauses) == 0 {
		return Reading{Value: terms.UnknownValue(p2none)}
	}
	var strong, govern, all []p2vote
	for _, s := range p2split(clauses) {
		norm := p2notParty.ReplaceAllString(s.norm, " ")
		if v := p2processorRole(norm); v != "" {
			strong = append(strong, p2vote{s, v})
			all = append(all, p2vote{s, v})
			continue
		}
		if v := p2processorTerms(norm); v != "" {
			govern = append(govern, p2vote{s, v})
			all = append(all, p2vote{s, v})
		}
	}
	votes := strong
	if len(votes) == 0 {
		votes = govern
	}
	r, ok := p2tally(clauses, votes)
	if !ok {
		return Reading{Value: terms.UnknownValue("no sentence says who processes the data or whose terms govern it")}
	}
	r.Sentences = p2texts(p2voteSents(all))
	return r
}

func p2voteSents(votes []p2vote) []p2sent {
	out := make([]p2sent, len(votes))
	for i, v := range votes {
		out[i] = v.s
	}
	return out
}

// p2processorRole reads a statement of role or access, fragment by
// fragment; the first decided fragment wins.
func p2processorRole(norm string) string {
	if m := p2tableRe.FindStringSubmatch(norm); m != nil {
		return p2partyValue(m[1])
	}
	for _, f := range p2fragments(norm) {
		if p2noAccessRe.MatchString(f) || p2noShareRe.MatchString(f) {
			return ProcessorCloud
		}
		if m := p2roleAfterRe.FindStringSubmatch(f); m != nil {
			if m[1] != "" {
				return ProcessorVendor
			}
			return ProcessorCloud
		}
		for _, loc := range p2roleRe.FindAllStringSubmatchIndex(f, -1) {
			sub := loc[2] >= 0
			if p2roleNegRe.MatchString(f[:loc[0]]) {
				continue // "does not act as the processor"
			}
			if v := p2subject(f[:loc[0]]); v != "" {
				if sub { // the sub-processor works under the other party's terms
					if v == ProcessorVendor {
						return ProcessorCloud
					}
					return ProcessorVendor
				}
				return v
			}
		}
	}
	return ""
}

// p2subject classes the subject of the role verb that follows before: the
// first party named in the last comma- or where-delimited part of before
// that names one ("…in Microsoft Foundry, where Anthropic is…": Anthropic;
// "Anthropic remains the operator of models in Microsoft Foundry and acts
// as…": Anthropic).
func p2subject(before string) string {
	parts := p2subjectSplit.Split(before, -1)
	for i := len(parts) - 1; i >= 0; i-- {
		if m := p2partyRe.FindStringSubmatch(parts[i]); m != nil {
			if m[1] != "" {
				return ProcessorVendor
			}
			return ProcessorCloud
		}
	}
	return ""
}

// p2partyValue classes the parties named in s: the only kind named, or ""
// when none or both kinds are named.
func p2partyValue(s string) string {
	ms := p2partyRe.FindAllStringSubmatch(s, -1)
	vendor, cloud := false, false
	for _, m := range ms {
		vendor = vendor || m[1] != ""
		cloud = cloud || m[2] != ""
	}
	switch {
	case vendor && !cloud:
		return ProcessorVendor
	case cloud && !vendor:
		return ProcessorCloud
	}
	return ""
}

// p2processorTerms reads a statement of which party's terms govern: the
// sentence must speak of governing and name one party's terms only.
func p2processorTerms(norm string) string {
	if !p2governRe.MatchString(norm) {
		return ""
	}
	v, c := p2govVendorRe.MatchString(norm), p2govCloudRe.MatchString(norm)
	switch {
	case v && !c:
		return ProcessorVendor
	case c && !v:
		return ProcessorCloud
	}
	return ""
}

// readProcessor is ReadProcessor under the name Read's dispatch uses.
func readProcessor(clauses []terms.Clause) Reading { return ReadProcessor(clauses) }
