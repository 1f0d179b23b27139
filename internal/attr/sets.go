package attr

import (
	"slices"
	"strings"
	"sync"

	"github.com/clausewatch/clausewatch/internal/terms"
	regexp "github.com/clausewatch/clausewatch/internal/wordre"
)

// emptySet is the empty set: terms.SetOf() with no items returns a zero
// Value, which would read as "nothing observed" rather than "observed: none".
func emptySet() terms.Value { return terms.Value{Set: []string{}} }

// setItem is one member of a set attribute: mention finds any talk of it
// (including in a negation), assert finds a statement that it is in place.
type setItem struct {
	name    string
	mention *regexp.Regexp
	assert  *regexp.Regexp
	floor   *regexp.Regexp // optional: asserts the member even inside a negation ("no TLS below 1.2")
	not     *regexp.Regexp // optional: the same words used for something else ("export control laws"), removed before reading
	self    *regexp.Regexp // optional: an assertion that says on its own that the customer can act ("opt out of training")
	cert    bool           // a certification or attestation: "aligned with" it is not holding it
	agent   *regexp.Regexp // optional: who must act for an assertion to be a right (instead of the spec's able)
	access  bool           // an access control: applied to the vendor's own staff or systems it is no feature of the offering
}

// Patterns shared by the security items.
const (
	// aesRe is AES with 256-bit keys under its usual spellings.
	aesRe = `\baes[\s-]*(?:gcm[\s-]*|cbc[\s-]*|xts[\s-]*)?256\b|\b256[\s-]*bits?\s+(?:aes|advanced encryption standard)\b|\b(?:aes|advanced encryption standard)\b(?:\s*\(aes\))?[^.;]{0,20}?\b256[\s-]*bits?\b`
	// tlsRe is TLS at version 1.2 or 1.3.
	tlsRe = `\btls\s*(?:v|version\s*)?1\.[23]\b|\btransport layer security\s*(?:\(tls\)\s*)?(?:v|version\s*)?1\.[23]\b`
)

// securityItems are the security set's members, in DESIGN.md's order.
var securityItems = []setItem{
	{name: "soc2-type2", cert: true,
		mention: regexp.MustCompile(`\bsoc\s*-?\s*2\b|\bsoc2\b`),
		assert:  regexp.MustCompile(`\bsoc\s*-?\s*2,?\s*(?:\(?type\s*-?\s*(?:ii|2)\b)|\bsoc2,?\s*\(?type\s*-?\s*(?:ii|2)\b|\btype\s*(?:ii|2)\s+soc\s*-?\s*2\b`)},
	{name: "iso27001", cert: true,
		mention: regexp.MustCompile(`\biso\s*(?:/\s*iec)?\s*27001\b`),
		assert:  regexp.MustCompile(`\biso\s*(?:/\s*iec)?\s*27001\b`)},
	{name: "iso42001", cert: true,
		mention: regexp.MustCompile(`\biso\s*(?:/\s*iec)?\s*42001\b`),
		assert:  regexp.MustCompile(`\biso\s*(?:/\s*iec)?\s*42001\b`)},
	{name: "fedramp-high", cert: true,
		mention: regexp.MustCompile(`\bfedramp\b`),
		assert:  regexp.MustCompile(`\bfedramp\s*(?:\(\s*high\s*\)|high\b)|\bfedramp(?:'s)?\b[^.;]{0,30}?\bhigh\s+(?:impact|baseline|level)\b|\bhigh\s+(?:impact\s+)?(?:baseline\s+)?fedramp\b`)},
	{name: "hitrust", cert: true,
		mention: regexp.MustCompile(`\bhitrust\b`),
		assert:  regexp.MustCompile(`\bhitrust\b`)},
	{name: "pci-dss", cert: true,
		mention: regexp.MustCompile(`\bpci\b`),
		assert:  regexp.MustCompile(`\bpci[\s-]*dss\b`)},
	{name: "dod-il2", cert: true,
		mention: regexp.MustCompile(`\bdod\b|\bimpact levels?\b|\bil\s*-?\s*\d\b`),
		assert:  regexp.MustCompile(`\b(?:dod\s*)?il\s*-?\s*2\b|\bimpact levels?\s*(?:2|ii)\b`)},
	{name: "sso", access: true,
		mention: regexp.MustCompile(`\bsingle[\s-]sign[\s-]on\b|\bsso\b|\bsaml\b`),
		assert:  regexp.MustCompile(`\bsingle[\s-]sign[\s-]on\b|\bsso\b|\bsaml\b`)},
	{name: "scim", access: true,
		mention: regexp.MustCompile(`\bscim\b|\bautomat(?:ed|ic)\s+(?:user\s+)?(?:provisioning|de-?provisioning)\b`),
		assert:  regexp.MustCompile(`\bscim\b|\bautomat(?:ed|ic)\s+(?:user\s+)?(?:provisioning|de-?provisioning)\b`)},
	{name: "rbac", access: true,
		mention: regexp.MustCompile(`\brole[\s-]based\b|\brbac\b`),
		assert:  regexp.MustCompile(`\brole[\s-]based (?:access|permissions?|controls?)|\brbac\b`)},
	{name: "audit-logs", access: true,
		mention: regexp.MustCompile(`\baudit\s*(?:logs?|logging|trails?)\b`),
		assert:  regexp.MustCompile(`\baudit\s*(?:logs?|logging|trails?)\b`)},
	{name: "tls1.2+",
		mention: regexp.MustCompile(`\btls(?:\b|v?1\.)|\btransport layer security\b`),
		assert:  regexp.MustCompile(tlsRe),
		floor:   regexp.MustCompile(`\btls\b[^;]{0,40}\b(?:below|older than|earlier than|lower than|prior to|before)\s*(?:tls\s*)?(?:v|version\s*)?1\.2\b|\btls\s*(?:v|version\s*)?1\.[01]\b[^;]{0,30}\b(?:not supported|unsupported|disabled|rejected|refused)`)},
	{name: "aes-256",
		// Encryption at rest denied ("data at rest is not encrypted")
		// denies AES-256 too; said without a cipher it confirms nothing.
		mention: regexp.MustCompile(`\baes(?:\b|\d)|\badvanced encryption standard\b|\bat rest\b[^;.]{0,40}?\bencrypt\w*|\bencrypt\w*[^;.]{0,40}?\bat rest\b`),
		assert:  regexp.MustCompile(aesRe)},
}

var (
	// securityNegRe is a statement that a certification or control is not in
	// place: not offered, not (yet) obtained, no longer held, lacking,
	// lapsed, or still being worked towards. A verb as general as "have" or
	// "use" negates only with a member as its object ("does not have a SOC 2
	// report"), so that "staff do not have access" denies nothing.
	securityNegRe = regexp.MustCompile(`(?:\bno longer|\bnot|\bnever|n't|\bcannot|\bunable to|\byet to)\s+(?:\w+\s+){0,3}?(?:available|offered|supported|included|provided|certified|compliant|accredited|authori[sz]ed|audited|enabled|encrypted|held|maintain\w*|offer|offers|support|supports|provide|provides|include|includes|renew\w*|part of|eligible|covered|in scope|complete|completed|obtain\w*|achiev\w*|receiv\w*|attain\w*|undergo\w*|undergone|pass|passed|granted|issued|validated|assessed|verified|attested)\b` +
		`|(?:\bnot|\bnever|n't)\s+(?:\w+\s+){0,2}?(?:have|has|had|hold|holds|held|use|uses|used)\s+(?:an?\s+|any\s+|the\s+)?(?:soc|iso|fedramp|hitrust|pci|dod|impact level|sso|single sign|saml|scim|rbac|role-based|audit|tls|aes)` +
		`|\bneither\b[^;]{0,60}?\bnor\b|\bno longer\b|\b(?:lack|lacks|lacking|lost|loses|dropped|discontinued|withdrawn|revoked|expired|lapsed|suspended|deprecated)\b|\bno\s+(?:\w+\s+){0,1}(?:soc|iso|fedramp|hitrust|pci|dod|sso|single sign|saml|scim|rbac|role-based|audit|tls|aes)\b|\bunavailable\b|\bwithout\s+(?:sso|scim|single sign|saml|audit|rbac)` +
		`|\bwork(?:ing)? towards?\b|\bpursu(?:e|es|ing)\b|\bin (?:the )?process of\b|\bin progress\b|\bunderway\b|\bseeking\b|\bcoming soon\b|\b(?:plan|plans|planned|intend|intends|expect|expects|aim|aims|hope|hopes) to (?:obtain|achieve|complete|pursue|receive|become|get|earn)\b`)
	// securityAlignedRe says controls follow a framework without a
	// certificate or audit against it ("aligned with ISO 27001").
	securityAlignedRe = regexp.MustCompile(`\b(?:aligned|aligns?|consistent|in line) with\b|\b(?:based|modell?ed|inspired|mapped) on\b|\bmapped to\b|\bfollows? the\b[^;]{0,20}\bframework\b`)
	// securityOtherRe puts a certification on someone other than the vendor or
	// the platform that serves the tier (a subprocessor, a payment processor,
	// the customer), or makes it the customer's own duty or our advice to the
	// customer ("you must use TLS", "we recommend SSO", "keep your own audit
	// log"): such a fragment states nothing of the offering.
	securityOtherRe = regexp.MustCompile(`\b(?:our|its|their)\s+(?:sub-?processors|vendors|suppliers|partners|service providers)\b|\b(?:sub-?processors|suppliers|third parties)\s+(?:are|must|maintain|hold)\b|\b(?:payment|card)\s+(?:processors?|providers?)\b|\b(?:our|its|their)\s+(?:payment\s+|card\s+)?processors?\b` +
		`|\b(?:our|its|their|an?|the)\s+(?:infrastructure|hosting|cloud|data[\s-]cent(?:er|re))\s+(?:providers?|partners?|vendors?|suppliers?)\b` +
		`|\byou are responsible for\b|\b(?:customers?|you|users?)\s+(?:\w+\s+)?(?:must|should|shall|are required to|is required to|need to|agrees? to|will need to)\b|\byour own\s+(?:\w+\s+)?(?:soc|iso|pci|hitrust|fedramp|compliance|certification|audit|logs?|encryption|sso)` +
		`|\bwe (?:also )?(?:strongly )?(?:recommend|encourage|advise|suggest)\b|\b(?:it is|it's) (?:recommended|advisable)\b|\b(?:if|when|where)\s+(?:you|your \w+|customers?)\s+(?:\w+\s+)?(?:need|needs|require|requires)\b` +
		`|^(?:please\s+)?(?:keep|use|ensure|make sure|maintain|implement|store|consider|protect|rotate|review|remember)\b` +
		`|\b(?:regulated|governed|defined) (?:under|by|in)\b|\bwithin the meaning of\b|\bas defined (?:in|by|under)\b|\b(?:payment card|cardholder|card)\s+(?:data|information|details|numbers?)\b`)
	// securityListRe is a heading over a list of other parties (the
	// subprocessors and what each does for the vendor).
	securityListRe = regexp.MustCompile(`(?i)\bsub-?processors?\b|\bthird[\s-]party (?:providers|vendors|services)\b`)
	// securityLinkRe names the other party only as an end of a connection
	// ("in transit between us and our service providers"), which does not
	// make the statement theirs.
	securityLinkRe = regexp.MustCompile(`\b(?:between|to|from|with)\s+(?:us\s+and\s+|you\s+and\s+)?(?:our|its|their)\s+(?:sub-?processors|vendors|suppliers|partners|service providers)\b`)
	// setIdiomRe are uses of "not" that negate nothing of the sentence's
	// claim ("whether or not", "including but not limited to").
	setIdiomRe = regexp.MustCompile(`\bwhether or not\b|\bnot only\b|\bnot limited to\b|\bif not\b`)
)

// cloudPatterns are the Lexicon-dependent patterns of the set readers,
// built once per Lexicon.
type setPatterns struct {
	// cloudOwn is a fragment about a cloud or marketplace in its own right:
	// its certification ("<cloud>'s FedRAMP authorization"), its customers,
	// the models as offered on it, or the cloud as the subject.
	cloudOwn *regexp.Regexp
	cloud    *regexp.Regexp
	// staff is the vendor's own personnel or systems ("restricting our
	// personnel to…", "systems with access to Customer Data"): an access
	// control applied to them is an internal measure, not a feature the
	// customer gets.
	staff *regexp.Regexp
	// vendorActs is a clause in which the vendor deletes, exports or keeps
	// data itself ("Anthropic automatically deletes prompts…"): cut out
	// before a right is read, so that the rest of the sentence ("when you
	// delete a chat") still counts.
	vendorActs *regexp.Regexp
	// selfStanding is a list item that opens with the vendor as its
	// subject: a statement of its own, whatever its lead-in advises.
	selfStanding *regexp.Regexp
	// example is one product given as an example ("<product>, for
	// instance, improves…"): in a sentence that names no tier it speaks
	// for that product, not for every tier of the page.
	example *regexp.Regexp
}

var setPatternCache sync.Map // *Lexicon → *setPatterns

func setPatternsOf(lex *Lexicon) *setPatterns {
	if p, ok := setPatternCache.Load(lex); ok {
		return p.(*setPatterns)
	}
	c := lex.clouds.String()
	p := &setPatterns{
		cloud: lex.clouds,
		cloudOwn: regexp.MustCompile(c + `(?:'s|')|^(?:the\s+)?` + c + `\b|\b(?:offered|available|sold|provided|deployed|hosted|running|accessed|used)\s+(?:on|through|via|in)\s+` + c +
			`|` + c + `\s+(?:customers?|users?|accounts?)\b`),
		vendorActs:   regexp.MustCompile(`\b(?:we|us|the company|the provider|` + lex.vendor.String() + `)\s+(?:(?:will|may|also|then|automatically|permanently|promptly|can|shall)\s+){0,3}(?:delete|deletes|erase|erases|remove|removes|purge|purges|export|exports|retain|retains|keep|keeps|set|sets)\b[^;.,:]*`),
		example:      regexp.MustCompile(lex.products.String() + `\s*,?\s*(?:for instance|for example)\b|\b(?:for instance|for example|e\.g\.),?\s+(?:in\s+|on\s+|with\s+)?` + lex.products.String()),
		selfStanding: regexp.MustCompile(`^(?:we|our|us|` + lex.vendor.String() + `)\b`),
		staff:        regexp.MustCompile(`\b(?:our|its|` + lex.vendor.String() + `(?:'s)?)\s+(?:own\s+)?(?:\w+\s+)?(?:personnel|employees|staff|workforce|engineers|contractors)\b|\b` + lex.vendor.String() + `\s+(?:personnel|employees|staff)\b|\binternal (?:systems?|tools?|access|networks?|infrastructure)\b|\bsystems? (?:with|that have) access to\b|\bproduction (?:systems?|environments?|access)\b`),
	}
	v, _ := setPatternCache.LoadOrStore(lex, p)
	return v.(*setPatterns)
}

// readSecurity reads the security attribute: the set of certifications and
// controls the sentences state are in place, from soc2-type2, iso27001,
// iso42001, fedramp-high, hitrust, pci-dss, dod-il2, sso, scim, rbac,
// audit-logs, tls1.2+ and aes-256, under their usual spellings ("SOC 2
// Type II", "ISO/IEC 27001:2022", "Impact Level 2", "single sign-on",
// "TLS 1.2 or higher", "256-bit AES"), in prose, in list items read with
// their lead-in, and in table rows ("SSO: Yes"). A member named in a
// negation ("no longer SOC 2 certified", "SSO is not available on this
// plan", "we have not yet completed a SOC 2 Type II audit", "working towards
// FedRAMP High") is left out, even if another sentence asserts it. Nothing
// is stated by: a certification held by someone else (a subprocessor, a
// payment processor, the customer, a cloud that serves no tier the sentence
// names); the customer's own duties and advice to the customer ("you must
// use TLS 1.2", "keep your own audit log"); controls merely aligned with a
// framework; a certification in another form ("SOC 2 Type I", "FedRAMP
// Moderate", "SOC 2 report" without a type); unqualified encryption; a
// question. The value is unknown when no sentence states or denies any
// member; it is the empty set when members are only denied. Sentences
// holds every sentence that asserted or denied a member; Clause is the
// clause of the first of them.
func readSecurity(lex *Lexicon, sents []sentence) Reading {
	p := setPatternsOf(lex)
	return readSet(lex, sents, setSpec{
		items: securityItems, neg: securityNegRe, aligned: securityAlignedRe,
		other: func(s sentence, f string) bool {
			g := securityLinkRe.ReplaceAllString(f, " ")
			return securityOtherRe.MatchString(g) || (len(s.tiers) == 0 && p.cloudOwn.MatchString(f)) || securityListRe.MatchString(s.clause.Heading()) || (len(s.tiers) == 0 && p.example.MatchString(f))
		},
		staff:  p.staff,
		cloud:  p.cloud,
		reason: "no sentence states or denies a certification or security control",
	})
}

// rightsItems are the rights set's members.
var rightsItems = []setItem{
	{name: "delete-conversations",
		mention: regexp.MustCompile(`\bdelet(?:e|es|ed|ing|ion)\b|\beras(?:e|es|ed|ing|ure)\b|\bclear(?:s|ing)?\b|\bremov(?:e|es|ing)\b`),
		assert: regexp.MustCompile(`\b(?:delet(?:e|es|ing)|eras(?:e|es|ing)|clear(?:s|ing)?|remov(?:e|es|ing))\b[^;.]{0,50}?\b(?:conversations?|chats?|threads?|(?:chat|conversation|message|prompt)\s+history|history)\b` +
			`|\b(?:delet(?:e|es|ing)|eras(?:e|es|ing))\b[^;.]{0,50}?\b(?:messages|prompts|inputs|outputs|(?:stored|your|their|its|all)\s+(?:\w+\s+)?(?:data|content))\b` +
			`|\b(?:conversations?|chats?|threads?|history|messages)\b[^;.]{0,30}?\b(?:can|may|cannot|can't)\s+(?:\w+\s+)?be\s+(?:deleted|erased|cleared|removed)\b` +
			`|\b(?:deletion|erasure) of (?:\w+\s+){0,2}?(?:conversations?|chats?|(?:chat|conversation) history|threads?)\b|\b(?:conversation|chat|history)\s+deletion\b`),
		self: regexp.MustCompile(`\b(?:conversations?|chats?|threads?)\s+(?:that\s+)?(?:you|users?|members?)\s+(?:have\s+)?(?:delete|deleted|remove|removed)\b|^(?:deleting|removing|clearing)\s+(?:a|an|any|your|individual|single|one)\s+(?:\w+\s+)?(?:conversations?|chats?|threads?)\b`),
		// Personal data deleted on request is the data-protection right of
		// everyone, not the product's control; browsing history is not a
		// conversation; an account or a key is not a conversation.
		not: regexp.MustCompile(`\bpersonal\s+(?:data|information)\b|\b(?:browsing|search|location|purchase|payment|billing|watch)\s+history\b|\baccount data\b|\bdelet\w*\s+(?:your\s+|their\s+|the\s+|an?\s+|its\s+)?(?:\w+\s+)?accounts?\b|\brequests?\b[^;.]{0,40}?\b(?:delet|eras)\w*\b[^;.]{0,30}?\b(?:data|information|content)\b`)},
	{name: "export",
		mention: regexp.MustCompile(`\bexport|\bdownload\b|\bcopy of\b`),
		assert: regexp.MustCompile(`\bexport(?:s|ing)?\b[^;.]{0,50}?\b(?:data|conversations?|chats?|history|content|workspace|logs?|account|information|archive|copy)\b` +
			`|\b(?:conversations?|chats?|history)\b[^;.]{0,40}?\bexport(?:s|ing)?\s+(?:them|it)\b` +
			`|\bdownload(?:s|ing)?\s+(?:a\s+copy\s+of\s+|an?\s+(?:\w+\s+)?(?:archive|file|export)\s+of\s+)?(?:your|all your|all of your|all|their|its|the organization's|the workspace's)\s+(?:\w+\s+){0,2}?(?:data|conversations?|chats?|history|content|information|archive)\b|\bdownload(?:s|ing)?\s+a\s+copy\b` +
			`|\b(?:obtain|get|receive)\s+a\s+copy\s+of\s+(?:all\s+)?(?:your|their|its)\s+(?:data|conversations?|chats?|history|content|account data)\b` +
			`|\b(?:data|conversations?|chats?|history|content)\b[^;.]{0,30}?\b(?:can|may)\s+(?:\w+\s+)?be\s+(?:exported|downloaded)\b` +
			`|\b(?:data|chat|conversation|history|account|workspace)\s+exports?\b|\bexport of\b[^;.]{0,40}?\b(?:data|conversations?|chats?|history|content)\b`),
		not: regexp.MustCompile(`\bexport(?:s|ed|ing)?\s+(?:control|administration|law|regulation|sanction|restriction|classification|compliance)s?\b|\b(?:laws?|regulations?|rules|sanctions)\s+(?:about|on|governing|regarding|relating to|concerning)\s+(?:the\s+)?(?:export|import)\w*\b[^;.]*|\bexport\w*\b[^;.]{0,60}?\b(?:to|from|into)\s+(?:and\s+from\s+)?(?:any\s+|other\s+|certain\s+|those\s+|the\s+)?(?:countr(?:y|ies)|jurisdictions?|territor(?:y|ies)|destinations?|regions?)\b|\b(?:export|import)\s+(?:and|or)\s+(?:import|export)\b|\bre-?export\w*|\bdownload\s+(?:instructions|links?|pages?)\b`)},
	{name: "opt-out-training",
		mention: regexp.MustCompile(`\bopt(?:ing|s)?[\s-]*out\b|\b(?:turn|switch|toggle)\w*\s+off\b|\bdisabl\w*\b|\b(?:train|training|improv\w*)\b`),
		assert: regexp.MustCompile(`\b(?:turn|switch|toggle)\w*\s+off\b[^;]{0,50}?\b(?:train\w*|model improvement|improv\w*)\b|\b(?:train\w*|model improvement|improv\w*)\b[^;]{0,40}?\b(?:turn|switch|toggle)\w*\s+off\b` +
			`|\bdisabl\w*\b[^;]{0,40}?\b(?:train\w*|model improvement)\b` +
			`|\b(?:choose|decide|control)\s+(?:whether|if)\b[^;]{0,60}?\b(?:train\w*|improv\w*)\b|\b(?:choose|elect|decide)s?\s+not\s+to\b[^;]{0,60}?\b(?:train\w*|improv\w*)\b` +
			`|\b(?:train\w*|model improvement|improv\w*)\b[^;]{0,80}?\bwithdraw\w*\b[^;]{0,20}?\bconsent\b|\bwithdraw\w*\b[^;]{0,20}?\bconsent\b[^;]{0,60}?\b(?:train\w*|model improvement|improv\w*)\b` +
			`|\b(?:stop|prevent|exclude|keep|block)\w*\b[^;]{0,50}?\b(?:from|out of)\s+(?:\w+\s+){0,3}?(?:train\w*|model improvement|improv\w*)` +
			`|\bobject(?:ing)? to\b[^;]{0,70}?\b(?:train\w*|model improvement)\b`),
		self: regexp.MustCompile(`\bopt(?:ing|s)?[\s-]*out\b[^;]{0,60}?\b(?:train\w*|model improvement|improv\w*)\b|\b(?:train\w*|improv\w*)\b[^;]{0,60}?\bunless\s+(?:you|the user|users|an? (?:admin\w*|owner))\s+(?:\w+\s+){0,2}?opt[\s-]*out\b` +
			`|\b(?:train\w*|model improvement)\b[^;]{0,60}?\b(?:option|choice|ability|right)\s+to\s+opt(?:ing)?[\s-]*out\b|\btraining\s+opt[\s-]*out\b`),
		// "You don't need to opt out" says there is nothing to opt out of.
		not: regexp.MustCompile(`\b(?:no need|(?:do|does|will)(?: not|n't) (?:need|have) to|never need to)\s+opt[\s-]*out\b`)},
	{name: "admin-retention-controls",
		mention: regexp.MustCompile(`\bretention\b|\bretain\w*\b|\bkept\b|\bkeep\b|\bstored\b|\bhow long\b`),
		assert: regexp.MustCompile(`\b(?:set|sets|setting|configur\w*|customi[sz]\w*|choose|chooses|adjust\w*|change|changes|define|defines|control|controls|manage|manages|shorten\w*|extend\w*|decide|decides|determine|determines|specify|specifies)\b[^;.]{0,40}?\b(?:retention|how long)\b` +
			`|\b(?:custom|configurable|customi[sz]able|adjustable|flexible)\s+(?:data\s+)?retention\b` +
			`|\bretention\s+(?:periods?|policy|policies|settings?|windows?|controls?|durations?)\b[^;.]{0,60}?\b(?:is|are|can be)\s+(?:\w+\s+)?(?:configurable|customi[sz]able|adjustable|set|controlled|chosen|determined|defined|managed|configured)\b` +
			`|\b(?:organi[sz]ation|admin|administrator|workspace|owner)(?:'s|s'|s)?\s+(?:custom\s+)?(?:data\s+)?retention\s+(?:policy|policies|period|periods|settings?)\b|\bretention\s+(?:settings?|controls?)\b` +
			`|\b(?:set|sets|configur\w*|customi[sz]\w*|choose|chooses|adjust\w*|change|changes|define|defines|control|controls|manage|manages|shorten\w*|extend\w*|decide|decides|determine|determines|specify|specifies)\b[^;.]{0,30}?\b(?:the\s+)?(?:period|duration|length of time|time)\s+(?:for which|that|during which)\b[^;.]{0,30}?\b(?:kept|stored|retained)\b` +
			`|\b(?:retention|period|duration)\b[^;.]{0,40}?\b(?:can|cannot|can't|can not|may)\s+(?:\w+\s+)?be\s+(?:changed|adjusted|configured|customi[sz]ed|set|shortened|extended)\b`),
		self: regexp.MustCompile(`\bhow long\b[^;.]{0,40}?\b(?:is|are)\s+up to\s+(?:you|your|the|each|its|their)\b`),
		// A zero data retention arrangement is agreed with the vendor, not
		// a retention the admins set.
		not:   regexp.MustCompile(`\bzero[\s-]+data[\s-]+retention\b|\bzdr\b|\b(?:its|their|your) own\s+(?:data\s+)?retention\s+polic(?:y|ies)\b`),
		agent: retentionAgentRe},
}

// retentionAgentRe is the customer's side as the one who sets retention:
// the subject of the verb ("owners can set", "your admins control",
// "you choose"), the agent of a passive ("controlled by the organization's
// owners"), an instruction ("Configure custom retention…"), or a setting
// that is the customer's by its name ("custom retention", "configurable").
// A retention decided by nobody named ("criteria used to determine
// retention periods") is no control of the customer's.
var retentionAgentRe = regexp.MustCompile(`\b(?:you|your\s+(?:\w+\s+)?(?:admins?|administrators?|owners?)|admins?|administrators?|owners?|customers?|organi[sz]ations?|account holders?)\b(?:\s+[\w']+){0,8}?\s+(?:can|may|could|are able to|is able to|will be able to|have the (?:option|ability|right) to|has the (?:option|ability|right) to|control|controls|choose|chooses|decide|decides|determine|determines|set|sets|configure|configures|manage|manages|define|defines|adjust|adjusts|customi[sz]e|customi[sz]es|specify|specifies)\b` +
	`|\b(?:chosen|set|configured|defined|controlled|determined|decided|managed|specified) by (?:the |its |their |your |an? |each )?(?:organi[sz]ation'?s?\s+|workspace'?s?\s+)?(?:owners?|admins?|administrators?|customers?|you|organi[sz]ations?)\b` +
	`|^(?:please\s+)?(?:configure|set|choose|adjust|customi[sz]e|change|define)\b|\b(?:configurable|custom|customi[sz]able|adjustable)\b|\b(?:option|ability|right|choice) to\b|\b(?:allow|allows|let|lets|enable|enables|permit|permits)\s+(?:you|admins?|administrators?|owners?|customers?|organi[sz]ations?)\b|\bvia (?:the )?(?:api|settings|console)\b`)

var (
	// rightsNegRe denies a right: the action cannot be taken, is not
	// offered, or is no longer possible.
	rightsNegRe = regexp.MustCompile(`\b(?:cannot|can't|can not|unable to|not able to|not be able to|no (?:option|ability|way|means|setting|control) to|not (?:currently )?(?:possible|available|supported|offered|permitted|allowed)|unavailable|(?:do|does|will|did)(?: not|n't) (?:allow|let|permit|support|offer|provide|enable|give)|(?:don't|doesn't|won't) (?:allow|let|permit|support|offer|provide|enable|give)|can no longer|no longer (?:possible|available|offered|supported|able|allow\w*|let\w*|offer\w*|support\w*|provid\w*|permit\w*))\b`)
	// rightsAbleRe says someone on the customer's side can do the thing.
	rightsAbleRe = regexp.MustCompile(`\b(?:you|users?|admins?|administrators?|owners?|members?|customers?|developers?|organi[sz]ations?|account holders?|individuals|people)\b(?:\s+[\w']+){0,8}?\s+(?:can|may|could|are able to|is able to|will be able to|have the (?:option|ability|right) to|has the (?:option|ability|right) to|control|controls|choose|chooses|decide|decides|determine|determines|manage|manages)\b` +
		`|^(?:please\s+)?(?:turn|switch|toggle|go|open|click|select|tap|visit|delete|export|download|opt|disable|uncheck)\b` +
		`|\b(?:allow|allows|let|lets|enable|enables|permit|permits|give|gives)\s+(?:you|users?|admins?|administrators?|owners?|members?|customers?|developers?|organi[sz]ations?)\b|\b(?:admins?|administrators?|owners?)\s+(?:choose|set|configure|define|decide|determine)\b|\b(?:chosen|set|configured|defined|controlled|determined|decided|managed|requested) by\b` +
		`|\b(?:option|ability|right|choice) to\b|\bcan be (?:deleted|erased|cleared|exported|downloaded|requested|configured|set|changed|adjusted)\b|\b(?:when|if|once|after|unless)\s+(?:you|a user|users|an? admin\w*|admins?|an? owner|owners)\b` +
		`|\b(?:click|select|tap|go to|navigate to|open|visit|follow the (?:instructions|steps))\b|\bset (?:in|by|from)\b|\bconfigurable\b|\bcustom\b|\bcustomi[sz]able\b|\bvia (?:the )?(?:api|settings|console)\b|\bavailable to (?:you|users?|admins?|administrators?|owners?|members?|customers?)\b|\byours to\b`)
)

// newRightsVendorPattern is the vendor acting on its own ("we may
// delete…", "<vendor> will export…", "retention periods are set by us"),
// which is no right of the customer.
func newRightsVendorPattern(lex *Lexicon) *regexp.Regexp {
	v := lex.vendor.String()
	return regexp.MustCompile(`^(?:[^,]{0,80},\s*)?(?:we|us|the company|the provider|` + v + `)\s+(?:\w+\s+)?(?:reserve|may|will|can|might|delete|deletes|retain|retains|export|exports|set|sets|decide|decides|determine|determines|keep|keeps|choose|chooses)\b` +
		`|\bby (?:us|the company|the provider|` + v + `)\b|\breserves? the right\b`)
}

// rightsAimRe is an aim or a plan, not a control in place ("we aim to
// give customers control over…").
var rightsAimRe = regexp.MustCompile(`\b(?:aims?|strives?|intends?|plans?|hopes?|expects?) to\b|\bworking (?:on|to|towards?)\b|\bin the future\b|\bcoming soon\b` +
	// a pointer to another document ("we encourage you to read it to
	// understand how you can export your information") grants nothing here
	`|\b(?:read|see|consult|review)\b[^;.]{0,60}?\bto (?:better )?(?:understand|learn|find out)\b`)

// rightsGrantRe is the vendor granting the customer a right ("we let you
// export", "we will give admins the option to…"): not the vendor acting
// on its own.
var rightsGrantRe = regexp.MustCompile(`\b(?:allow|allows|let|lets|enable|enables|permit|permits|give|gives|offer|offers|provide|provides)\s+(?:you|users?|admins?|administrators?|owners?|customers?|organi[sz]ations?|the (?:ability|option|choice)|an option|controls?)\b`)

// readRights reads the rights attribute: the set of things the customer (a
// user or an admin) is said to be able to do, from delete-conversations
// ("you can delete your conversations"), export ("export your data"),
// opt-out-training ("opt out of training", "turn off model improvement",
// "withdraw your consent to training") and admin-retention-controls
// ("admins can set how long chats are kept"), in prose, in list items read
// with their lead-in, and in table rows ("Export chat history: Yes"). A
// right that a sentence denies ("you cannot export…") is left out. Not a
// right: the vendor acting on its own ("we may delete conversations
// that…"); the data-protection right to have personal data erased or
// copied on request; deleting an account or a key; export control laws;
// opting out of marketing. Unknown when no sentence grants or denies any
// of them; the empty set when all are denied. Sentences holds every
// sentence that granted or denied a right; Clause is the clause of the
// first of them.
func readRights(lex *Lexicon, sents []sentence) Reading {
	p := setPatternsOf(lex)
	return readSet(lex, sents, setSpec{
		items: rightsItems, neg: rightsNegRe, able: rightsAbleRe,
		other: func(s sentence, f string) bool {
			return (lex.rightsBy.MatchString(f) && !rightsGrantRe.MatchString(f)) || rightsAimRe.MatchString(f) || (len(s.tiers) == 0 && p.example.MatchString(f))
		},
		strip:  p.vendorActs,
		gate:   map[string]*regexp.Regexp{"opt-out-training": lex.train},
		cloud:  p.cloud,
		reason: "no sentence states a right to delete, export, opt out of training or set retention",
	})
}

// setSpec configures readSet.
type setSpec struct {
	items   []setItem
	neg     *regexp.Regexp                  // a fragment that denies what it names
	aligned *regexp.Regexp                  // optional: a fragment that names a certification without holding it
	other   func(s sentence, f string) bool // a fragment about another party, or advice: skipped
	able    *regexp.Regexp                  // when set, an assertion also needs this (the customer can act)
	strip   *regexp.Regexp                  // optional: clauses cut out of a fragment before it is read
	gate    map[string]*regexp.Regexp       // optional, by member: what a fragment must also be about ("training" for opt-out-training)
	staff   *regexp.Regexp                  // optional: the vendor's own staff or systems (an access control applied to them is no feature)
	cloud   *regexp.Regexp                  // the clouds of the vendor (a table row about one that serves no named tier is skipped)
	reason  string                          // unknown reason when nothing is named
}

// itemReading is what one fragment says of one member of a set.
type itemReading int

const (
	itemSilent itemReading = iota // nothing
	itemHeld                      // it is in place
	itemDenied                    // it is not
)

var (
	// conditionRe ends the opening of a condition: a negation right after it
	// is hypothetical ("if you are unable to export…, contact us"), not a
	// denial.
	conditionRe = regexp.MustCompile(`\b(?:if|unless|whether|in case|should|where)\s+(?:[\w']+\s+){0,5}$`)
	// lapseRe is a negation tied to the end of the account or contract
	// ("may not be able to export once the account is terminated"): it
	// denies nothing while the service runs.
	lapseRe = regexp.MustCompile(`\b(?:once|after|when|upon|following|prior to|before)\b[^;]{0,60}?\b(?:terminat\w*|clos(?:e|ed|ing|ure)|cancel\w*|expir\w*|deactivat\w*|ends?)\b`)
)

// negates reports whether neg denies something in fragment f: some match
// of neg that does not open right after a condition ("if you are unable
// to…").
func negates(neg *regexp.Regexp, f string) bool {
	for _, m := range neg.FindAllStringIndex(f, -1) {
		if !conditionRe.MatchString(f[:m[0]]) {
			return true
		}
	}
	return false
}

// readItem is what fragment f says of member it. needAble is false where
// the form of the text (a table cell) already says the customer has it.
func (spec setSpec) readItem(it setItem, f string, needAble bool) itemReading {
	if it.not != nil {
		f = it.not.ReplaceAllString(f, " ")
	}
	if !spec.inScope(it, f) {
		return itemSilent
	}
	asserted := it.assert.MatchString(f) || it.namesSelf(f)
	g := setIdiomRe.ReplaceAllString(f, " ")
	able := spec.ableOf(it)
	switch {
	case it.floor != nil && it.floor.MatchString(f):
		return itemHeld
	case negates(spec.neg, g):
		return spec.denial(asserted, g)
	case !asserted:
		// A certification named in a form outside the set ("SOC 2 Type I",
		// "FedRAMP Moderate") states nothing of the member.
		return itemSilent
	case it.cert && spec.aligned != nil && spec.aligned.MatchString(f):
		return itemSilent
	case able == nil || !needAble || it.namesSelf(f) || able.MatchString(f):
		return itemHeld
	}
	return itemSilent
}

// inScope reports whether fragment f may speak of member it at all: it
// mentions the member, passes the member's gate if the set has one, and,
// for an access right, is not about the vendor's staff.
func (spec setSpec) inScope(it setItem, f string) bool {
	if !it.mention.MatchString(f) {
		return false
	}
	if g := spec.gate[it.name]; g != nil && !g.MatchString(f) {
		return false
	}
	return !(it.access && spec.staff != nil && spec.staff.MatchString(f))
}

// ableOf is what an assertion of member it also needs to hold: the
// member's own agent pattern if it has one, else the set's able (nil when
// neither is set).
func (spec setSpec) ableOf(it setItem) *regexp.Regexp {
	if it.agent != nil {
		return it.agent
	}
	return spec.able
}

// namesSelf reports whether f names member it by its own pattern.
func (it setItem) namesSelf(f string) bool {
	return it.self != nil && it.self.MatchString(f)
}

// denial is what a negated fragment g says of a member, asserted or not.
// Rights are denied only when the denial names the action; a
// certification is denied by its bare name ("no longer SOC 2 certified",
// "not FedRAMP authorized"). A denial tied to the end of the account
// denies nothing.
func (spec setSpec) denial(asserted bool, g string) itemReading {
	if (asserted || spec.able == nil) && !lapseRe.MatchString(g) {
		return itemDenied
	}
	return itemSilent
}

// isQuestion reports whether a sentence asks rather than states ("Can I
// delete my chats?"): a question heading or an FAQ question states nothing.
func isQuestion(text string) bool {
	return strings.HasSuffix(strings.TrimRight(strings.TrimSpace(text), `"'”’*`), "?")
}

// readSet is the engine of readSecurity and readRights. Each sentence is
// read with its list lead-in. A member is present when a fragment of a
// sentence (or a cell of a table row) asserts it and neither negates it nor
// is about another party; a member negated anywhere is absent.
func readSet(lex *Lexicon, sents []sentence, spec setSpec) Reading {
	if len(sents) == 0 {
		return Reading{Value: terms.UnknownValue(noClauses)}
	}
	have := map[string]bool{}
	denied := map[string]bool{}
	var used []sentence
	for _, s := range sents {
		if isQuestion(s.text) {
			continue
		}
		hit := false
		note := func(name string, r itemReading) {
			switch r {
			case itemHeld:
				have[name], hit = true, true
			case itemDenied:
				denied[name], hit = true, true
			}
		}
		if cells := tableCells(s); cells != nil {
			spec.readRow(lex, s, cells, note)
		} else {
			spec.readProse(lex, s, note)
		}
		if hit {
			used = append(used, s)
		}
	}
	if len(used) == 0 {
		return Reading{Value: terms.UnknownValue(spec.reason)}
	}
	return Reading{Value: spec.setValue(have, denied), Clause: used[0].clause, Sentences: texts(used)}
}

// readProse reads sentence s, no table row, fragment by fragment, each
// with the sentence's list lead-in, and notes what each says of each
// member.
func (spec setSpec) readProse(lex *Lexicon, s sentence, note func(string, itemReading)) {
	lead := ""
	if s.leadIn != "" {
		lead = normalize(s.leadIn)
		// A lead-in that is advice or another party's ("You are
		// responsible for:") makes its items so, unless an item
		// is a statement of the vendor's own.
		if spec.other(s, lead) && !setPatternsOf(lex).selfStanding.MatchString(s.norm) {
			return
		}
	}
	for _, f := range fragments(s.norm) {
		if spec.strip != nil {
			f = strings.TrimSpace(spec.strip.ReplaceAllString(f, " "))
		}
		if f == "" || spec.other(s, f) {
			continue
		}
		if lead != "" {
			f = lead + " " + f // negation and the customer's ability may sit in the lead-in
		}
		for _, it := range spec.items {
			note(it.name, spec.readItem(it, f, true))
		}
	}
}

// setValue is the set of members held and never denied, or the empty set,
// with the members denied (DESIGN.md: an item a page denies is
// contradicted, "we do not hold ISO 42001").
func (spec setSpec) setValue(have, denied map[string]bool) terms.Value {
	var set, no []string
	for _, it := range spec.items {
		switch {
		case denied[it.name]:
			no = append(no, it.name)
		case have[it.name]:
			set = append(set, it.name)
		}
	}
	return terms.DenySet(set, no)
}

// overlaySet is the set a tier's named statements (named) make together
// with those of the page's unnamed sentences (doc): the items either
// confirms, those named denies left out, and the items either denies, those
// named confirms left out (a statement that names the tier outranks one
// that speaks for the whole page).
func overlaySet(named, doc terms.Value) terms.Value {
	confirmed := slices.Clone(named.Set)
	for _, it := range doc.Set {
		if !slices.Contains(named.Denied, it) {
			confirmed = append(confirmed, it)
		}
	}
	denied := slices.Clone(named.Denied)
	for _, it := range doc.Denied {
		if !slices.Contains(named.Set, it) {
			denied = append(denied, it)
		}
	}
	return terms.DenySet(confirmed, denied)
}
