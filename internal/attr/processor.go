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
	// modelVendorWords name the model's vendor (or model vendors generally)
	// in generic words; the vendor's own names come from the Lexicon.
	modelVendorWords = `the model (?:provider|vendor|developer)s?|model (?:providers?|vendors?|developers?)|third[- ]party model providers?`
	// cloudWords name a cloud platform or marketplace that resells a model
	// in generic words; the names of the vendor's clouds come from the
	// Lexicon.
	cloudWords = `the cloud provider|cloud providers?|the marketplace|the platform provider`
	// termsDoc is a document that governs data.
	termsDoc = `(?:terms|dpa|data (?:processing|protection) (?:addendum|agreement)|customer agreement|agreements?|product terms)`
)

var (
	// roleRe is a role statement; group 1 is set for a sub-processor.
	roleRe = regexp.MustCompile(`\b(?:is|are|acts?\s+as|serves?\s+as|remains?|will\s+act\s+as|operates?\s+as|functions?\s+as)\s+(?:the\s+|an\s+|a\s+)?(?:(?:the\s+)?(?:customer|controller|your|its|their)(?:'s|’s|s')?\s+)?(?:independent\s+|sole\s+)?(?:data\s+)?(sub-?)?processors?\b`)
	// processorRowRe is a table row "| Data processor | X | Y |".
	processorRowRe = regexp.MustCompile(`\bdata processor\s*\|([^\n]*)`)
	// governRe marks a sentence about which terms govern the data.
	governRe = regexp.MustCompile(`\bgovern\w*|\bsubject to\b|\bpursuant to\b|\bunder\b|\bin accordance with\b|\bcovered by\b|\bappl(?:y|ies)\b|\bsee\b`)
)

// processorPatterns are the data-processor patterns that name the parties:
// the model vendor (modelVendorWords and the vendor's names) and the cloud
// (cloudWords and the names of the vendor's clouds).
type processorPatterns struct {
	// party finds a party; group 1 is set for the model vendor, group 2 for
	// the cloud.
	party *regexp.Regexp
	// roleAfter is a role statement naming the party after the role.
	roleAfter *regexp.Regexp
	// noAccess: the model vendor does not see the data.
	noAccess *regexp.Regexp
	// noShare: the platform does not pass the data to the model vendor.
	noShare *regexp.Regexp
	// govVendor / govCloud: a party's own terms or DPA.
	govVendor, govCloud *regexp.Regexp
}

func newProcessorPatterns(lex *Lexicon) processorPatterns {
	modelVendor := `(?:` + lex.vendor.String() + `|` + modelVendorWords + `)`
	cloud := `(?:` + lex.clouds.String() + `|` + cloudWords + `)`
	governs := func(party string) string {
		return `\b` + party + `'s?\s+(?:[\w-]+\s+){0,3}?` + termsDoc + `\b|\bthe\s+` + party + `\s+(?:[\w-]+\s+){0,4}?` + termsDoc + `\b|\bterms\b[^;]{0,40}?\b(?:provided by|from|of)\s+` + party + `\b`
	}
	return processorPatterns{
		party:     regexp.MustCompile(`\b(?:(` + modelVendor + `)|(` + cloud + `))\b`),
		roleAfter: regexp.MustCompile(`\b(?:data\s+)?processor\s+(?:is|will be|remains)\s+(?:the\s+)?(?:(` + modelVendor + `)|(` + cloud + `))\b`),
		noAccess:  regexp.MustCompile(`\b` + modelVendor + `\s+(?:do not|does not|don't|doesn't|cannot|can't|never|will not|won't|has no|have no)\s+(?:have\s+)?(?:any\s+)?(?:access|see|receive|view)\b`),
		noShare: regexp.MustCompile(`\b(?:do not|does not|don't|doesn't|never|will not|won't|is not|isn't|are not|aren't)\s+(?:\w+\s+){0,2}?(?:shar\w*|sen[dt]\w*|pass\w*|disclos\w*|provid\w*|transmit\w*)\b[^;]{0,50}?\b(?:with|to)\s+(?:the\s+|any\s+)?` + modelVendor + `\b` +
			`|\b(?:no|not|never|neither|nor|nothing)\b[^;]{0,80}?\b(?:shared|sent|passed|disclosed|transmitted)\s+(?:\w+\s+)?(?:with|to)\s+(?:the\s+|any\s+)?` + modelVendor + `\b`),
		govVendor: regexp.MustCompile(governs(modelVendor) + `|\bterms(?: of (?:use|service))?\s+` + modelVendor + `\s+provides\b`),
		govCloud:  regexp.MustCompile(governs(cloud)),
	}
}

// readProcessor reads the data-processor attribute: whose terms and DPA
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
func readProcessor(lex *Lexicon, sents []sentence) Reading {
	if len(sents) == 0 {
		return Reading{Value: terms.UnknownValue(noClauses)}
	}
	var strong, govern []vote
	var deciding []sentence
	for _, s := range sents {
		norm := setAsideRe.ReplaceAllString(s.norm, " ")
		if v := processorRole(lex.proc, norm); v != "" {
			strong = append(strong, vote{s, v})
			deciding = append(deciding, s)
			continue
		}
		if v := processorTerms(lex.proc, norm); v != "" {
			govern = append(govern, vote{s, v})
			deciding = append(deciding, s)
		}
	}
	votes := strong
	if len(votes) == 0 {
		votes = govern
	}
	r, ok := tally(votes)
	if !ok {
		return Reading{Value: terms.UnknownValue("no sentence says who processes the data or whose terms govern it")}
	}
	r.Sentences = texts(deciding)
	return r
}

// processorRole reads a statement of role or access, fragment by
// fragment; the first decided fragment wins.
func processorRole(pp processorPatterns, norm string) string {
	if m := processorRowRe.FindStringSubmatch(norm); m != nil {
		return partyValue(pp, m[1])
	}
	for _, f := range fragments(norm) {
		if pp.noAccess.MatchString(f) || pp.noShare.MatchString(f) {
			return ProcessorCloud
		}
		if m := pp.roleAfter.FindStringSubmatch(f); m != nil {
			if m[1] != "" {
				return ProcessorVendor
			}
			return ProcessorCloud
		}
		for _, loc := range roleRe.FindAllStringSubmatchIndex(f, -1) {
			sub := loc[2] >= 0
			if negated(f, loc[0]) {
				continue // "does not act as the processor"
			}
			if v := roleSubject(pp, f[:loc[0]]); v != "" {
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

// roleSubject classes the subject of the role verb that follows before:
// the first party named in the last clause of before (see clauseParts)
// that names one ("…in Microsoft Foundry, where Anthropic is…": Anthropic;
// "Anthropic remains the operator of models in Microsoft Foundry and acts
// as…": Anthropic).
func roleSubject(pp processorPatterns, before string) string {
	parts := clauseParts(before)
	for i := len(parts) - 1; i >= 0; i-- {
		if m := pp.party.FindStringSubmatch(parts[i]); m != nil {
			if m[1] != "" {
				return ProcessorVendor
			}
			return ProcessorCloud
		}
	}
	return ""
}

// partyValue classes the parties named in s: the only kind named, or ""
// when none or both kinds are named.
func partyValue(pp processorPatterns, s string) string {
	ms := pp.party.FindAllStringSubmatch(s, -1)
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

// processorTerms reads a statement of which party's terms govern: the
// sentence must speak of governing and name one party's terms only.
func processorTerms(pp processorPatterns, norm string) string {
	if !governRe.MatchString(norm) {
		return ""
	}
	v, c := pp.govVendor.MatchString(norm), pp.govCloud.MatchString(norm)
	switch {
	case v && !c:
		return ProcessorVendor
	case c && !v:
		return ProcessorCloud
	}
	return ""
}
