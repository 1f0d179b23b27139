package attr

import (
	"regexp"
	"slices"
	"strings"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// This file holds the set readers (security, rights) and the small text
// helpers that the part-2 readers (ownership, hipaa-baa, zdr, data-processor,
// security, rights) share. The helpers carry a p2 prefix so that they never
// clash with the helpers of the part-1 readers in the same package.

// p2sent is one sentence of one clause: its original text (what a Reading
// reports) and its normalized form (what the patterns are matched against).
type p2sent struct {
	clause int    // index into the clauses the reader was given
	text   string // the sentence as written, trimmed
	norm   string // lower-cased, quotes/dashes/markup normalized
}

var (
	// p2bullet is a list or heading marker at the start of a sentence.
	p2bullet = regexp.MustCompile(`^(?:[-*+•>#|]+\s*|\d+\.\s+)+`)
	// p2mdlink is a markdown link; its label is kept, its target dropped.
	p2mdlink = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	p2spaces = regexp.MustCompile(`\s+`)
	// p2frag splits a sentence into the parts that may carry opposite
	// statements ("SSO is offered, but SCIM is not").
	p2frag = regexp.MustCompile(`\s*;\s*|,?\s+but\s+|,?\s+however,?\s+|,?\s+whereas\s+|,?\s+while\s+|,?\s+although\s+`)
)

// p2sentences splits text with Sentences and drops leading list and
// heading markers ("- ", "• ", "## ") and the pieces left empty by that.
func p2sentences(text string) []string {
	var out []string
	for _, s := range Sentences(text) {
		if s = strings.TrimSpace(p2bullet.ReplaceAllString(s, "")); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// p2normalize lower-cases s and folds the typographic variants real pages
// use (curly quotes, non-breaking hyphens and spaces, markdown emphasis and
// links) so that patterns can be written once.
func p2normalize(s string) string {
	s = p2mdlink.ReplaceAllString(s, "$1")
	s = strings.NewReplacer(
		"’", "'", "‘", "'", "“", `"`, "”", `"`,
		"‐", "-", "‑", "-", "\u00a0", " ", "\u202f", " ",
		"**", "", "__", "", "`", "", "®", "", "™", "",
	).Replace(s)
	return strings.TrimSpace(p2spaces.ReplaceAllString(strings.ToLower(s), " "))
}

// p2split returns the sentences of all clauses, in order.
func p2split(clauses []terms.Clause) []p2sent {
	var out []p2sent
	for i, c := range clauses {
		for _, s := range p2sentences(c.Text) {
			out = append(out, p2sent{clause: i, text: s, norm: p2normalize(s)})
		}
	}
	return out
}

// p2fragments splits a normalized sentence at ";" and contrastive
// conjunctions.
func p2fragments(norm string) []string { return p2frag.Split(norm, -1) }

// p2any reports whether any of res matches s.
func p2any(s string, res ...*regexp.Regexp) bool {
	for _, re := range res {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// p2texts returns the original texts of sents, without duplicates.
func p2texts(sents []p2sent) []string {
	var out []string
	for _, s := range sents {
		if !slices.Contains(out, s.text) {
			out = append(out, s.text)
		}
	}
	return out
}

// p2none is the reason given when a reader gets no clause at all.
const p2none = "no clause to read"

// p2empty is the empty set: terms.SetOf() with no items returns a zero
// Value, which would read as "nothing observed" rather than "observed: none".
func p2empty() terms.Value { return terms.Value{Set: []string{}} }

// p2item is one member of a set attribute: mention finds any talk of it
// (including in a negation), assert finds a statement that it is in place.
type p2item struct {
	name    string
	mention *regexp.Regexp
	assert  *regexp.Regexp
	floor   *regexp.Regexp // optional: asserts the member even inside a negation ("no TLS below 1.2")
}

// p2securityItems are the security set's members, in DESIGN.md's order.
var p2securityItems = []p2item{
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
	// p2secNeg is a statement that a certification or control is not in
	// place: not offered, no longer held, lacking, lapsed.
	p2secNeg = regexp.MustCompile(`\b(?:no longer|not|never|n't|cannot|unable to)\s+(?:\w+\s+){0,2}?(?:available|offered|supported|included|provided|certified|compliant|accredited|authori[sz]ed|audited|enabled|hold|holds|have|has|maintain|maintains|offer|offers|support|supports|provide|provides|include|includes|use|uses|renew|renewed|part of|eligible|covered)\b` +
		`|\bno longer\b|\b(?:lack|lacks|lacking|lost|loses|dropped|discontinued|withdrawn|revoked|expired|lapsed|removed|suspended)\b|\bno\s+(?:\w+\s+){0,1}(?:soc|iso|fedramp|hitrust|pci|sso|single sign|scim|rbac|role-based|audit|tls|aes)\b|\bunavailable\b|\bwithout\s+(?:sso|scim|single sign|audit|rbac)`)
	// p2secOther puts a certification on someone other than the vendor or the
	// platform that serves the tier (a subprocessor, the customer).
	// p2secLink names the other party only as an end of a connection
	// ("in transit between us and our service providers"), which does not
	// make the statement theirs.
	p2secLink  = regexp.MustCompile(`\b(?:between|to|from|with)\s+(?:us\s+and\s+|you\s+and\s+)?(?:our|its|their)\s+(?:sub-?processors|vendors|suppliers|partners|service providers)\b`)
	p2secOther = regexp.MustCompile(`\b(?:our|its|their)\s+(?:sub-?processors|vendors|suppliers|partners|service providers)\b|\b(?:sub-?processors|suppliers|third parties)\s+(?:are|must|maintain|hold)\b|\byou are responsible for\b|\b(?:customers?|you) (?:must|should) (?:obtain|maintain|achieve)\b|\byour own\s+(?:soc|iso|pci|hitrust|fedramp|compliance)`)
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
func readSecurity(_ *Lexicon, clauses []terms.Clause) Reading {
	return p2readSet(clauses, p2setSpec{
		items: p2securityItems, neg: p2secNeg, other: p2secOther, link: p2secLink,
		reason: "no sentence names a certification or security control",
	})
}

// p2rightsItems are the rights set's members.
var p2rightsItems = []p2item{
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
	// p2rightsNeg denies a right.
	p2rightsNeg = regexp.MustCompile(`\b(?:cannot|can't|can not|unable to|not able to|are not able|is not able|no (?:option|ability|way|means) to|not possible|not (?:currently )?(?:available|supported|offered|permitted|allowed)|unavailable|do(?:es)? not (?:allow|let|permit|support|offer|provide)|don't (?:allow|let|permit|support|offer|provide)|doesn't (?:allow|let|permit|support|offer|provide)|no longer)\b`)
	// p2rightsAble says someone on the customer's side can do the thing.
	p2rightsAble = regexp.MustCompile(`\b(?:you|users?|admins?|administrators?|owners?|members?|customers?|developers?|organi[sz]ations?|account holders?|individuals|people)\s+(?:\w+\s+)?(?:can|may|could|are able to|is able to|will be able to|have the (?:option|ability|right) to|has the (?:option|ability|right) to|control)\b` +
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
func readRights(lex *Lexicon, clauses []terms.Clause) Reading {
	return p2readSet(clauses, p2setSpec{
		items: p2rightsItems, neg: p2rightsNeg, other: lex.rightsBy, able: p2rightsAble,
		selfEvident: "opt-out-training",
		reason:      "no sentence states a right to delete, export, opt out of training or set retention",
	})
}

// p2setSpec configures p2readSet.
type p2setSpec struct {
	items       []p2item
	neg         *regexp.Regexp // a fragment that denies what it names
	other       *regexp.Regexp // a fragment about another party: skipped
	link        *regexp.Regexp // optional: mentions of another party removed before other is tested
	able        *regexp.Regexp // when set, an assertion also needs this (the customer can act)
	selfEvident string         // member whose assertion needs no able match ("opt out" says it)
	reason      string         // unknown reason when nothing is named
}

// p2readSet is the engine of readSecurity and readRights. A member is
// present when a fragment of a sentence asserts it and neither negates it
// nor is about another party; a member negated anywhere is absent.
func p2readSet(clauses []terms.Clause, spec p2setSpec) Reading {
	if len(clauses) == 0 {
		return Reading{Value: terms.UnknownValue(p2none)}
	}
	have := map[string]bool{}
	denied := map[string]bool{}
	var used []p2sent
	for _, s := range p2split(clauses) {
		hit := false
		for _, f := range p2fragments(s.norm) {
			of := f
			if spec.link != nil {
				of = spec.link.ReplaceAllString(f, " ")
			}
			if spec.other.MatchString(of) {
				continue
			}
			for _, it := range spec.items {
				if !it.mention.MatchString(f) {
					continue
				}
				asserted := it.assert.MatchString(f)
				switch {
				case it.floor != nil && it.floor.MatchString(f):
					have[it.name] = true
					hit = true
				case spec.neg.MatchString(f):
					// Rights are denied only when the denial names the
					// action; a certification is denied by its bare name
					// ("no longer SOC 2 certified").
					if asserted || spec.able == nil {
						denied[it.name] = true
						hit = true
					}
				case asserted && (spec.able == nil || it.name == spec.selfEvident || spec.able.MatchString(f)):
					have[it.name] = true
					hit = true
				case spec.able == nil:
					// A certification named in a form outside the set
					// ("SOC 2 Type I", "FedRAMP Moderate") is evidence that
					// the set member is not held.
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
	v := p2empty()
	if len(set) > 0 {
		v = terms.SetOf(set...)
	}
	return Reading{Value: v, Clause: clauses[used[0].clause], Sentences: p2texts(used)}
}
