package attr

import (
	"regexp"

	"github.com/clausewatch/clausewatch/internal/terms"
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
}

// securityItems are the security set's members, in DESIGN.md's order.
var securityItems = []setItem{
	{"soc2-type2", regexp.MustCompile(`\bsoc\s*-?\s*2\b|\bsoc2\b`),
		regexp.MustCompile(`\bsoc\s*-?\s*2,?\s*(?:\(?type\s*-?\s*(?:ii|2)\b)|\bsoc2,?\s*type\s*-?\s*(?:ii|2)\b|\btype\s*(?:ii|2)\s+soc\s*-?\s*2\b`), nil},
	{"iso27001", regexp.MustCompile(`\biso\s*(?:/\s*iec)?\s*27001\b`), regexp.MustCompile(`\biso\s*(?:/\s*iec)?\s*27001\b`), nil},
	{"iso42001", regexp.MustCompile(`\biso\s*(?:/\s*iec)?\s*42001\b`), regexp.MustCompile(`\biso\s*(?:/\s*iec)?\s*42001\b`), nil},
	{"fedramp-high", regexp.MustCompile(`\bfedramp\b`), regexp.MustCompile(`\bfedramp\s*(?:\(\s*high\s*\)|high\b)`), nil},
	{"hitrust", regexp.MustCompile(`\bhitrust\b`), regexp.MustCompile(`\bhitrust\b`), nil},
	{"pci-dss", regexp.MustCompile(`\bpci\b`), regexp.MustCompile(`\bpci[\s-]*dss\b`), nil},
	{"dod-il2", regexp.MustCompile(`\bdod\b|\bimpact level\b|\bil\s*-?\s*\d\b`),
		regexp.MustCompile(`\b(?:dod\s*)?il\s*-?\s*2\b|\bimpact level\s*(?:2|ii)\b`), nil},
	{"sso", regexp.MustCompile(`\bsingle[\s-]sign[\s-]on\b|\bsso\b`), regexp.MustCompile(`\bsingle[\s-]sign[\s-]on\b|\bsso\b`), nil},
	{"scim", regexp.MustCompile(`\bscim\b`), regexp.MustCompile(`\bscim\b`), nil},
	{"rbac", regexp.MustCompile(`\brole[\s-]based\b|\brbac\b`), regexp.MustCompile(`\brole[\s-]based (?:access|permissions?)|\brbac\b`), nil},
	{"audit-logs", regexp.MustCompile(`\baudit\s*(?:logs?|logging|trails?)\b`), regexp.MustCompile(`\baudit\s*(?:logs?|logging|trails?)\b`), nil},
	{"tls1.2+", regexp.MustCompile(`\btls(?:\b|v?1\.)`), regexp.MustCompile(`\btls\s*(?:v|version\s*)?1\.[23]\b`),
		regexp.MustCompile(`\btls\b[^;]{0,40}\b(?:below|older than|earlier than|lower than|prior to|before)\s*(?:tls\s*)?(?:v|version\s*)?1\.2\b|\btls\s*1\.[01]\b[^;]{0,30}\b(?:not supported|unsupported|disabled|rejected|refused)`)},
	{"aes-256", regexp.MustCompile(`\baes\b`), regexp.MustCompile(`\baes[\s-]*256\b`), nil},
}

var (
	// securityNegRe is a statement that a certification or control is not in
	// place: not offered, no longer held, lacking, lapsed.
	securityNegRe = regexp.MustCompile(`\b(?:no longer|not|never|n't|cannot|unable to)\s+(?:\w+\s+){0,2}?(?:available|offered|supported|included|provided|certified|compliant|accredited|authori[sz]ed|audited|enabled|hold|holds|have|has|maintain|maintains|offer|offers|support|supports|provide|provides|include|includes|use|uses|renew|renewed|part of|eligible|covered)\b` +
		`|\bno longer\b|\b(?:lack|lacks|lacking|lost|loses|dropped|discontinued|withdrawn|revoked|expired|lapsed|removed|suspended)\b|\bno\s+(?:\w+\s+){0,1}(?:soc|iso|fedramp|hitrust|pci|sso|single sign|scim|rbac|role-based|audit|tls|aes)\b|\bunavailable\b|\bwithout\s+(?:sso|scim|single sign|audit|rbac)`)
	// securityOtherRe puts a certification on someone other than the vendor or the
	// platform that serves the tier (a subprocessor, the customer).
	// securityLinkRe names the other party only as an end of a connection
	// ("in transit between us and our service providers"), which does not
	// make the statement theirs.
	securityLinkRe  = regexp.MustCompile(`\b(?:between|to|from|with)\s+(?:us\s+and\s+|you\s+and\s+)?(?:our|its|their)\s+(?:sub-?processors|vendors|suppliers|partners|service providers)\b`)
	securityOtherRe = regexp.MustCompile(`\b(?:our|its|their)\s+(?:sub-?processors|vendors|suppliers|partners|service providers)\b|\b(?:sub-?processors|suppliers|third parties)\s+(?:are|must|maintain|hold)\b|\byou are responsible for\b|\b(?:customers?|you) (?:must|should) (?:obtain|maintain|achieve)\b|\byour own\s+(?:soc|iso|pci|hitrust|fedramp|compliance)`)
)

// readSecurity reads the security attribute: the set of certifications and
// controls the clauses state are in place, from soc2-type2, iso27001,
// iso42001, fedramp-high, hitrust, pci-dss, dod-il2, sso, scim, rbac,
// audit-logs, tls1.2+ and aes-256, under their usual spellings ("SOC 2
// Type II", "ISO/IEC 27001:2022", "Impact Level 2", "single sign-on",
// "TLS 1.2 or higher"). A member named in a negation ("no longer SOC 2
// certified", "SSO is not available on this plan") is left out, even if
// another sentence asserts it; a certification held by someone else (a
// subprocessor, the customer) does not count, and one named in another
// form ("SOC 2 Type I", "FedRAMP Moderate") is not the member. The value is
// unknown when no sentence names any of them; it is the empty set when they
// are named only to be denied or in other forms. Sentences holds every sentence that asserted or denied
// a member; Clause is the clause of the first of them.
func readSecurity(_ *Lexicon, sents []sentence) Reading {
	return readSet(sents, setSpec{
		items: securityItems, neg: securityNegRe, other: securityOtherRe, link: securityLinkRe,
		reason: "no sentence names a certification or security control",
	})
}

// rightsItems are the rights set's members.
var rightsItems = []setItem{
	{"delete-conversations",
		regexp.MustCompile(`\bdelet(?:e|es|ed|ing|ion)\b`),
		regexp.MustCompile(`\bdelet(?:e|es|ing)\b[^;]{0,50}?\b(?:conversations?|chats?|history|threads?|data|content|messages|prompts|projects?)\b|\b(?:conversations?|chats?|threads?|history|data)\b[^;]{0,20}\b(?:can|may)\s+be\s+deleted\b`), nil},
	{"export",
		regexp.MustCompile(`\bexport|\bdownload\b|\bportability\b`),
		regexp.MustCompile(`\bexport(?:s|ing)?\b[^;]{0,50}?\b(?:data|conversations?|chats?|history|content|workspace|logs?|account|information)\b|\b(?:data|conversations?|chats?|history)\b[^;]{0,20}\b(?:can|may)\s+be\s+exported\b|\bdata export\b|\bdownload\b[^;]{0,25}\b(?:copy|archive)\b[^;]{0,20}\b(?:data|conversations?|chats?|history)\b|\bdata portability\b`), nil},
	{"opt-out-training",
		regexp.MustCompile(`\bopt(?:ing)?[\s-]*out\b|\b(?:turn|switch|toggle)\w*\s+off\b|\bdisabl\w*\b|\b(?:train|training|improv\w*)\b`),
		regexp.MustCompile(`\bopt(?:ing|s)?[\s-]*out\b[^;]{0,60}?\b(?:train\w*|model improvement|improv\w*)\b|\b(?:train\w*|improv\w*)\b[^;]{0,60}?\bunless\s+(?:you|the user|users)\s+(?:\w+\s+){0,2}?opt[\s-]*out\b|\b(?:turn|switch|toggle)\w*\s+off\b[^;]{0,50}?\b(?:train\w*|model improvement|improv\w*)\b|\b(?:train\w*|model improvement|improv\w*)\b[^;]{0,40}?\b(?:turn|switch|toggle)\w*\s+off\b|\bdisabl\w*\b[^;]{0,40}?\b(?:train\w*|model improvement)\b|\b(?:choose|decide|control)\s+(?:whether|if)\b[^;]{0,60}?\b(?:train\w*|improv\w*)\b|\b(?:train\w*|model improvement)\b[^;]{0,60}?\b(?:option|choice|ability|right)\s+to\s+opt(?:ing)?[\s-]*out\b`), nil},
	{"admin-retention-controls",
		regexp.MustCompile(`\bretention\b|\bretain\w*\b`),
		regexp.MustCompile(`\b(?:set|configure|customi[sz]e|choose|adjust|change|define|control|manage|shorten|extend)\b[^;]{0,40}?\b(?:retention|how long)\b|\b(?:custom|configurable|customi[sz]able|adjustable)\s+(?:data\s+)?retention\b|\bretention\s+(?:periods?|policy|policies|settings?|windows?)\s+(?:is|are|can be)\s+(?:configurable|customi[sz]able|set by)\b|\b(?:organi[sz]ation|admin|administrator|workspace|owner)(?:'s|s'|s)?\s+(?:custom\s+)?(?:data\s+)?retention\s+(?:policy|policies|period|periods|settings?)\b`), nil},
}

var (
	// rightsNegRe denies a right.
	rightsNegRe = regexp.MustCompile(`\b(?:cannot|can't|can not|unable to|not able to|are not able|is not able|no (?:option|ability|way|means) to|not possible|not (?:currently )?(?:available|supported|offered|permitted|allowed)|unavailable|do(?:es)? not (?:allow|let|permit|support|offer|provide)|don't (?:allow|let|permit|support|offer|provide)|doesn't (?:allow|let|permit|support|offer|provide)|no longer)\b`)
	// rightsAbleRe says someone on the customer's side can do the thing.
	rightsAbleRe = regexp.MustCompile(`\b(?:you|users?|admins?|administrators?|owners?|members?|customers?|developers?|organi[sz]ations?|account holders?|individuals|people)\s+(?:\w+\s+)?(?:can|may|could|are able to|is able to|will be able to|have the (?:option|ability|right) to|has the (?:option|ability|right) to|control)\b` +
		`|\b(?:allow|allows|let|lets|enable|enables|permit|permits|give|gives)\s+(?:you|users?|admins?|administrators?|owners?|members?|customers?|developers?|organi[sz]ations?)\b|\b(?:admins?|administrators?|owners?)\s+(?:choose|set|configure|define|decide)\b|\b(?:chosen|set|configured|defined) by\b|\b(?:option|ability|right|choice) to\b|\bcan be (?:deleted|exported|downloaded|configured|set|changed|adjusted)\b|\b(?:when|if|once|after|unless)\s+(?:you|a user|users|an? admin\w*|admins?)\b|\b(?:click|select|tap|go to|navigate to|open)\b|\bopt[\s-]*out\b|\bset (?:in|by|from)\b|\bconfigurable\b|\bcustom\b|\bcustomi[sz]able\b|\bvia (?:the )?(?:api|settings|console)\b`)
)

// newRightsVendorPattern is the vendor acting on its own ("we may
// delete…", "<vendor> will export…"), which is no right of the customer.
func newRightsVendorPattern(lex *Lexicon) *regexp.Regexp {
	return regexp.MustCompile(`^(?:[^,]{0,80},\s*)?(?:we|us|the company|the provider|` + lex.vendor.String() + `)\s+(?:\w+\s+)?(?:reserve|may|will|can|might|delete|deletes|retain|retains|export|exports)\b`)
}

// readRights reads the rights attribute: the set of things the customer (a
// user or an admin) is said to be able to do, from delete-conversations
// ("you can delete your conversations"), export ("export your data"),
// opt-out-training ("opt out of training", "turn off model improvement") and
// admin-retention-controls ("admins can set custom retention periods"). A
// right that a sentence denies ("you cannot export…") is left out; the
// vendor acting on its own ("we may delete conversations that…") is not a
// right. Unknown when no sentence speaks of any of them; the empty set when
// all are denied. Sentences holds every sentence that granted or denied a
// right; Clause is the clause of the first of them.
func readRights(lex *Lexicon, sents []sentence) Reading {
	return readSet(sents, setSpec{
		items: rightsItems, neg: rightsNegRe, other: lex.rightsBy, able: rightsAbleRe,
		selfEvident: "opt-out-training",
		reason:      "no sentence states a right to delete, export, opt out of training or set retention",
	})
}

// setSpec configures readSet.
type setSpec struct {
	items       []setItem
	neg         *regexp.Regexp // a fragment that denies what it names
	other       *regexp.Regexp // a fragment about another party: skipped
	link        *regexp.Regexp // optional: mentions of another party removed before other is tested
	able        *regexp.Regexp // when set, an assertion also needs this (the customer can act)
	selfEvident string         // member whose assertion needs no able match ("opt out" says it)
	reason      string         // unknown reason when nothing is named
}

// aboutOther reports whether fragment f is about another party than the
// vendor and the customer (mentions of a party only as an end of a
// connection set aside).
func (spec setSpec) aboutOther(f string) bool {
	if spec.link != nil {
		f = spec.link.ReplaceAllString(f, " ")
	}
	return spec.other.MatchString(f)
}

// itemReading is what one fragment says of one member of a set.
type itemReading int

const (
	itemSilent    itemReading = iota // nothing
	itemHeld                         // it is in place
	itemDenied                       // it is not
	itemOtherForm                    // a certification in a form outside the set ("SOC 2 Type I")
)

// readItem is what fragment f says of member it.
func (spec setSpec) readItem(it setItem, f string) itemReading {
	if !it.mention.MatchString(f) {
		return itemSilent
	}
	asserted := it.assert.MatchString(f)
	switch {
	case it.floor != nil && it.floor.MatchString(f):
		return itemHeld
	case spec.neg.MatchString(f):
		// Rights are denied only when the denial names the action; a
		// certification is denied by its bare name ("no longer SOC 2
		// certified").
		if asserted || spec.able == nil {
			return itemDenied
		}
	case asserted && (spec.able == nil || it.name == spec.selfEvident || spec.able.MatchString(f)):
		return itemHeld
	case spec.able == nil:
		// A certification named in a form outside the set ("SOC 2 Type I",
		// "FedRAMP Moderate") is evidence that the set member is not held.
		return itemOtherForm
	}
	return itemSilent
}

// readSet is the engine of readSecurity and readRights. A member is
// present when a fragment of a sentence asserts it and neither negates it
// nor is about another party; a member negated anywhere is absent.
func readSet(sents []sentence, spec setSpec) Reading {
	if len(sents) == 0 {
		return Reading{Value: terms.UnknownValue(noClauses)}
	}
	have := map[string]bool{}
	denied := map[string]bool{}
	var used []sentence
	for _, s := range sents {
		hit := false
		for _, f := range fragments(s.norm) {
			if spec.aboutOther(f) {
				continue
			}
			for _, it := range spec.items {
				switch spec.readItem(it, f) {
				case itemHeld:
					have[it.name], hit = true, true
				case itemDenied:
					denied[it.name], hit = true, true
				case itemOtherForm:
					hit = true
				}
			}
		}
		if hit {
			used = append(used, s)
		}
	}
	if len(used) == 0 {
		return Reading{Value: terms.UnknownValue(spec.reason)}
	}
	var set []string
	for _, it := range spec.items {
		if have[it.name] && !denied[it.name] {
			set = append(set, it.name)
		}
	}
	v := emptySet()
	if len(set) > 0 {
		v = terms.SetOf(set...)
	}
	return Reading{Value: v, Clause: used[0].clause, Sentences: texts(used)}
}
