package attr

import (
	"strings"

	"github.com/clausewatch/clausewatch/internal/terms"
	regexp "github.com/clausewatch/clausewatch/internal/wordre"
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
	roleRe = regexp.MustCompile(`\b(?:is|are|acts?\s+as|serves?\s+as|remains?|will\s+act\s+as|operates?\s+as|functions?\s+as|(as))\s+(?:the\s+|an\s+|a\s+)?(?:(?:the\s+)?(?:customer|controller|your|its|their|our)(?:'s|’s|s')?\s+)?(?:independent\s+|sole\s+)?(?:data\s+)?(sub-?)?processors?\b`)
	// controllerRe is a statement that a party itself decides what is done
	// with the personal data of its product: it is the (data) controller
	// ("Lumen is the controller of your information"), decides how the data
	// is used or is responsible for it ("…, which decides how your personal
	// data is used and is responsible for it"), or handles it under its own
	// privacy policy ("…, which handles your data as our Privacy Policy
	// describes"). A controller's processor ("acts as the controller's
	// processor") is no controller: that is roleRe's.
	controllerRe = regexp.MustCompile(`\b(?:is|are|acts?\s+as|serves?\s+as|remains?|will\s+(?:act\s+as|be))\s+(?:the\s+|a\s+|an\s+)?(?:independent\s+|sole\s+)?(?:data\s+)?controllers?\b(?:[^'’]|$)` +
		`|\b(?:is|are|remains?)\s+(?:solely\s+)?responsible\s+for\s+(?:it|them|(?:the\s+|your\s+|such\s+|this\s+|that\s+)?(?:processing\s+of\s+)?(?:your\s+|the\s+)?(?:personal\s+)?(?:data|information))\b` +
		`|\b(?:decides?|determines?)\s+(?:how|why|the\s+purposes?)\b[^;]{0,40}?\b(?:data|information)\b` +
		`|\b(?:handles?|process(?:es)?|uses?)\s+(?:your\s+|the\s+|such\s+)?(?:personal\s+)?(?:data|information)\s+(?:as|in accordance with|under|according to|pursuant to)\s+(?:(?:our|its|their)\s+(?:own\s+)?)?privacy\s+(?:policy|notice|statement)\b`)
	// ourSubRe is the vendor's own sub-processor ("as our subprocessor"):
	// a cloud that hosts the vendor's service, not the cloud tier.
	ourSubRe = regexp.MustCompile(`\b(?:our|its|their)\s+(?:data\s+)?sub-?processors?\b|\bsub-?processors?\s+(?:to|that|which|who)\s+(?:host|hosts|provide|provides|run|runs|support|supports)\b`)
	// subprocessorWordRe mentions sub-processors at all.
	subprocessorWordRe = regexp.MustCompile(`\bsub-?processors?\b`)
	// dataWordRe is a sentence about data or its use, or about the
	// customers who buy the offering: which terms govern something else
	// (credits, trademarks) says nothing here.
	dataWordRe = regexp.MustCompile(`\b(?:data|process\w*|prompts?|inputs?|outputs?|completions?|content|information|use|usage|access\w*|dpa|handl\w*|customers?|buy|buys|bought|purchas\w*)\b`)
	// moreSetAsideRe is a party named only to be set aside ("… instead of
	// Lumen's", "rather than the vendor's terms").
	moreSetAsideRe = regexp.MustCompile(`\b(?:instead of|rather than|in place of)\s+[^,.;]*`)
	// useOfRe finds what a governing statement governs the use of ("use of
	// the Academy is subject to …").
	useOfRe = regexp.MustCompile(`\buse of\s+([^,;]+?)\s+(?:is|are|will be|shall be|remains?)\s+(?:\w+\s+)?(?:subject to|governed by|covered by)\b`)
	// useOfGenericRe are the words a governed use may name besides the
	// parties, products and tiers: the offering itself.
	useOfGenericRe = regexp.MustCompile(`\b(?:the|our|your|its|their|a|an|any|these|this|services?|models?|apis?|platform|products?|offerings?|through|via|on|in|of|and|or|with|hosted|marketplace|cloud)\b`)
	// notGovernRe is a denial that terms govern or apply.
	notGovernRe = regexp.MustCompile(`\b(?:do not|does not|don't|doesn't|shall not|will not|won't|never|no longer)\s+(?:\w+\s+)?(?:apply|govern)\b|\bnot\s+(?:be\s+)?(?:subject to|governed by|covered by)\b`)
	// govCellRe is the header of a table column about which agreement
	// governs the data.
	govCellRe = regexp.MustCompile(`\bgovern\w*|\bagreements?\b|\bterms\b|\bdpa\b|\bdata processing\b|\bprocessor\b|\bcontract\b`)
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
	// elided: a role with its verb left out ("Customer is the controller,
	// and Lumen the processor"); group 1 for the model vendor, 2 for the
	// cloud, 3 set for a sub-processor.
	elided *regexp.Regexp
	// onBehalf: a party processes data on someone's behalf.
	onBehalf *regexp.Regexp
	// ownTerms: "its own terms", "whose terms": the terms of the party
	// named last before it.
	ownTerms *regexp.Regexp
	// channel: access through a cloud ("if you access the models through
	// Cirrus").
	channel *regexp.Regexp
	// names: every name of a party or product, to set them aside.
	names *regexp.Regexp
	// product: the vendor's name used for its models or apps ("Lumen
	// models", "Anthropic's apps"), which names no party.
	product *regexp.Regexp
}

func newProcessorPatterns(lex *Lexicon) processorPatterns {
	modelVendor := `(?:` + lex.vendor.String() + `|` + modelVendorWords + `)`
	cloud := `(?:` + lex.clouds.String() + `|` + cloudWords + `)`
	governs := func(party string) string {
		return `\b` + party + `'s?\s+(?:[\w-]+\s+){0,3}?` + termsDoc + `\b|\b` + party + `\s+(?:[\w-]+\s+){0,4}?` + termsDoc + `\b|\bterms\b[^;]{0,40}?\b(?:provided by|from|of)\s+` + party + `\b` +
			`|\b(?:agreements?|contracts?|terms|dpa)\s+(?:you have\s+|you hold\s+)?with\s+(?:the\s+)?` + party + `\b|\bcontracts?\s+with\s+(?:the\s+)?` + party + `\b`
	}
	return processorPatterns{
		party:     regexp.MustCompile(`\b(?:(` + modelVendor + `)|(` + cloud + `))\b`),
		roleAfter: regexp.MustCompile(`\b(?:data\s+)?processor\s+(?:is|will be|remains)\s+(?:the\s+)?(?:(` + modelVendor + `)|(` + cloud + `))\b`),
		noAccess:  regexp.MustCompile(`\b` + modelVendor + `\s+(?:do not|does not|don't|doesn't|cannot|can't|never|will not|won't|has no|have no)\s+(?:have\s+)?(?:any\s+)?(?:access|see|receive|view)\b`),
		noShare: regexp.MustCompile(`\b(?:do not|does not|don't|doesn't|never|will not|won't|is not|isn't|are not|aren't)\s+(?:\w+\s+){0,2}?(?:shar\w*|sen[dt]\w*|pass\w*|disclos\w*|provid\w*|transmit\w*)\b[^;]{0,50}?\b(?:with|to)\s+(?:the\s+|any\s+)?` + modelVendor + `\b` +
			`|\b(?:no|not|never|neither|nor|nothing)\b[^;]{0,80}?\b(?:shared|sent|passed|disclosed|transmitted)\s+(?:\w+\s+)?(?:with|to)\s+(?:the\s+|any\s+)?` + modelVendor + `\b`),
		govVendor: regexp.MustCompile(governs(modelVendor) + `|\bterms(?: of (?:use|service))?\s+` + modelVendor + `\s+provides\b`),
		govCloud:  regexp.MustCompile(governs(cloud)),
		elided:    regexp.MustCompile(`\b(?:(` + modelVendor + `)|(` + cloud + `))\s+(?:the|a|an|its|their)\s+(?:independent\s+)?(?:data\s+)?(sub-?)?processors?\b`),
		onBehalf:  regexp.MustCompile(`\b(?:(` + modelVendor + `)|(` + cloud + `))\s+(?:\w+\s+){0,2}?process(?:es)?\b[^;]{0,60}?\b(?:on\s+(?:[\w']+\s+){0,2}behalf|as\s+(?:instructed|directed)\s+by)\b`),
		ownTerms:  regexp.MustCompile(`\b(?:its|their|whose)\s+(?:own\s+)?(?:[\w-]+\s+){0,2}?` + termsDoc + `\b`),
		channel:   regexp.MustCompile(`\b(?:through|via)\s+(?:the\s+)?(` + lex.clouds.String() + `)|\b(?:access\w*|use|uses|using|buy|buys|bought|purchas\w*|reach\w*|subscrib\w*|sold|transact\w*)\b[^;,]{0,40}?\b(?:on|in|from)\s+(?:the\s+)?(` + lex.clouds.String() + `)`),
		names:     regexp.MustCompile(lex.vendor.String() + `|` + lex.products.String() + `|` + lex.clouds.String() + `|` + lex.tierNames.String()),
		product:   regexp.MustCompile(`\b` + lex.vendor.String() + `(?:'s|’s)?\s+(?:ai\s+)?(?:models?|apps?|applications?)\b`),
	}
}

// readProcessor reads the data-processor attribute: whose terms and DPA
// govern the data. "vendor" when the model's vendor is the processor or its
// terms govern ("Anthropic acts as data processor", "Lumen processes
// Customer Personal Data on Customer's behalf", "governed by Anthropic's
// commercial terms and DPA", "your agreement with Lumen governs your data",
// a "Data processor | Anthropic" table row); "cloud-provider" when the cloud
// platform is ("the model provider does not have access to your data",
// "Bedrock doesn't share your data with model providers", "processed under
// Microsoft's product terms and DPA", "governed by your agreement with
// Stratus", "the cloud provider is the data processor", the vendor acting
// as a sub-processor).
//
// A party that is the controller of its own product's data, or
// responsible for it, is the party whose terms govern it: "Lumen is the
// controller of the personal data we collect through the Lumen apps" reads
// "vendor" for the tiers the sentence speaks for (a consumer privacy
// policy's), a cloud that says so of itself "cloud-provider". The customer
// as controller says nothing of whose terms govern.
//
// Nothing is read from a cloud named as the vendor's own sub-processor
// ("we use Stratus as a subprocessor to host the API"), a list of
// sub-processors, a controller that is no party, a definition, terms that govern
// something else than data (credits, one named product's use), or a cloud
// named as an access channel in a sentence that names no tier (the cloud
// is then no tier of the page).
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
	pp := lex.proc
	var strong, govern []vote
	var deciding []sentence
	for _, s := range sents {
		if definitionRe.MatchString(s.norm) {
			continue
		}
		norm := setAsideRe.ReplaceAllString(s.norm, " ")
		norm = moreSetAsideRe.ReplaceAllString(norm, " ")
		named := s.tiers != nil || lex.TiersNamed(s.text) != nil
		if !named && untieredChannel(lex, norm) {
			continue // about a cloud that is no tier: it speaks for none
		}
		if v, ok := processorRow(pp, s, named); ok {
			if v != "" {
				strong = append(strong, vote{s, v})
				deciding = append(deciding, s)
			}
			continue
		}
		if v := processorRole(pp, norm); v != "" {
			strong = append(strong, vote{s, v})
			deciding = append(deciding, s)
			continue
		}
		if v := processorTerms(pp, norm); v != "" {
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

// untieredChannel reports whether norm speaks of reaching the models
// through a cloud that no tier is named after ("if you access the models
// through Cirrus Cloud, …"): such a sentence is about that cloud's
// customers, not the page's tiers.
func untieredChannel(lex *Lexicon, norm string) bool {
	for _, m := range lex.proc.channel.FindAllStringSubmatch(norm, -1) {
		name := foldName(m[1] + m[2])
		if !lex.cloudIsTier(name) {
			return true
		}
	}
	return false
}

// cloudIsTier reports whether a cloud's name is part of a tier's name
// ("Bedrock" of "Amazon Bedrock").
func (l *Lexicon) cloudIsTier(name string) bool {
	re := regexp.MustCompile(`\b` + regexp.QuoteMeta(name) + `\b`)
	for k := range l.tierIDs {
		if re.MatchString(k) || strings.Contains(name, k) {
			return true
		}
	}
	return false
}

// processorRow reads a table row "Offering: Stratus | Agreement that
// governs your data: Stratus customer agreement": the party a cell under a
// column about the governing agreement names, for the tier the row names.
// ok is false when no column is about it.
func processorRow(pp processorPatterns, s sentence, named bool) (string, bool) {
	if s.clause.Kind != terms.KindTableRow && !strings.Contains(s.norm, " | ") {
		return "", false
	}
	found := false
	for _, cell := range strings.Split(s.norm, "|") {
		header, value, ok := strings.Cut(cell, ":")
		if !ok || !govCellRe.MatchString(header) {
			continue
		}
		found = true
		if !named {
			continue
		}
		if v := partyValue(pp, value); v != "" {
			return v, true
		}
	}
	return "", found
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
		if ourSubRe.MatchString(f) {
			continue // the vendor's own sub-processor: hosting, not the cloud tier
		}
		for _, loc := range roleRe.FindAllStringSubmatchIndex(f, -1) {
			as, sub := loc[2] >= 0, loc[4] >= 0
			if negated(f, loc[0]) {
				continue // "does not act as the processor"
			}
			v := ""
			if as {
				v = lastParty(pp, f[:loc[0]]) // "uses X as a subprocessor", "processes … as a processor"
			} else {
				v = roleSubject(pp, f[:loc[0]])
			}
			if v != "" {
				return subRole(v, sub)
			}
		}
		for _, m := range pp.elided.FindAllStringSubmatchIndex(f, -1) {
			if negated(f, m[0]) {
				continue
			}
			v := ProcessorCloud
			if m[2] >= 0 {
				v = ProcessorVendor
			}
			return subRole(v, m[6] >= 0)
		}
		for _, m := range pp.onBehalf.FindAllStringSubmatchIndex(f, -1) {
			if negated(f, m[0]) {
				continue
			}
			if m[2] >= 0 {
				return ProcessorVendor
			}
			return ProcessorCloud
		}
	}
	return processorController(pp, norm)
}

// processorController reads a controller statement (see controllerRe):
// the party that is the controller of its own product's data, or
// responsible for it, is the party whose terms govern the data, so "Lumen
// is the controller of your information" reads "vendor" for whom the
// sentence speaks for, and a cloud that says so of itself reads
// "cloud-provider". A controller that is no party (the customer, "you",
// "your employer", "we") and a denied one ("Lumen is not the controller")
// say nothing; so does a definition of the word, which readProcessor
// leaves out before.
func processorController(pp processorPatterns, norm string) string {
	for _, f := range fragments(norm) {
		for _, loc := range controllerRe.FindAllStringIndex(f, -1) {
			if negated(f, loc[0]) {
				continue
			}
			if v := roleSubject(pp, f[:loc[0]]); v != "" {
				return v
			}
		}
	}
	return ""
}

// subRole is the value of a role played by the party of value v: a
// sub-processor works under the other party's terms, and a cloud that is
// the vendor's sub-processor only hosts the vendor's service (nothing).
func subRole(v string, sub bool) string {
	switch {
	case !sub:
		return v
	case v == ProcessorVendor:
		return ProcessorCloud
	}
	return ""
}

// lastParty classes the party named last in s, "" when none is.
func lastParty(pp processorPatterns, s string) string {
	ms := pp.party.FindAllStringSubmatch(s, -1)
	if len(ms) == 0 {
		return ""
	}
	if ms[len(ms)-1][1] != "" {
		return ProcessorVendor
	}
	return ProcessorCloud
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
// sentence must speak of governing data or its use and name one party's
// terms only ("its own terms", "whose terms" are the terms of the party
// named last before them). The vendor's name used for its models or apps
// ("Lumen models") names a product, not a party, here: "Stratus processes
// the prompts you send to Lumen models under its own agreement" is
// Stratus's. A sentence about the vendor's sub-processors,
// or governing the use of one product of the vendor's that is no tier,
// says nothing.
func processorTerms(pp processorPatterns, norm string) string {
	if !governRe.MatchString(norm) || !dataWordRe.MatchString(norm) || subprocessorWordRe.MatchString(norm) {
		return ""
	}
	// A statement that some terms do not govern says nothing of whose do:
	// such clauses are left out ("these Terms do not apply to use of the
	// Academy", "…; the Stratus agreement does" stays).
	var kept []string
	for _, f := range fragments(norm) {
		for _, part := range strings.Split(f, ", and ") {
			if !notGovernRe.MatchString(part) {
				kept = append(kept, part)
			}
		}
	}
	norm = strings.Join(kept, "; ")
	if !governRe.MatchString(norm) && !strings.Contains(norm, " does") {
		return ""
	}
	if m := useOfRe.FindStringSubmatch(norm); m != nil {
		rest := useOfGenericRe.ReplaceAllString(pp.names.ReplaceAllString(m[1], " "), " ")
		if strings.TrimSpace(rest) != "" {
			return "" // the use of a product the page names no tier for
		}
	}
	norm = pp.product.ReplaceAllString(norm, "the models")
	v, c := pp.govVendor.MatchString(norm), pp.govCloud.MatchString(norm)
	for _, loc := range pp.ownTerms.FindAllStringIndex(norm, -1) {
		switch lastParty(pp, norm[:loc[0]]) {
		case ProcessorVendor:
			v = true
		case ProcessorCloud:
			c = true
		}
	}
	switch {
	case v && !c:
		return ProcessorVendor
	case c && !v:
		return ProcessorCloud
	}
	return ""
}
