package attr

import (
	"strings"

	"github.com/clausewatch/clausewatch/internal/terms"
	regexp "github.com/clausewatch/clausewatch/internal/wordre"
)

// Values of the output-ownership attribute.
const (
	OwnerCustomer    = "customer"
	OwnerVendor      = "vendor"
	OwnerShared      = "shared"
	OwnerUnspecified = "unspecified"
)

const (
	// customerParty names the customer's side in an ownership sentence.
	customerParty = `(?:you|your (?:company|organi[sz]ation|business|end users?)|customers?|the customer|users?|the user|developers?|the developer|end users?|licensee|subscribers?|the organi[sz]ation)`
	// provider names the vendor's side in generic words; the vendor's and its
	// clouds' names come from the Lexicon. "we"/"us" are the page's author,
	// which on a vendor's own terms is the vendor.
	provider = `we|us|our company|the company|the provider|the vendor|licensor`
	// providerOwns are the generic possessives of the vendor's side.
	providerOwns = `our|its|the company's|the provider's`
	// outputWords is the output of the service.
	outputWords = `(?:outputs?|completions?|responses?|generated (?:content|text|material|code|images?)|content (?:you generate|generated))`
	// ownershipRights is an ownership interest (a licence is not one).
	ownershipRights = `(?:all\s+|full\s+|sole\s+|exclusive\s+|any\s+)?(?:of\s+)?(?:the\s+|our\s+|its\s+|their\s+|your\s+)?(?:right,?\s+title,?\s+and\s+interest|ownership(?:\s+rights)?|rights?|title|intellectual property(?:\s+rights)?|ip(?:\s+rights)?)`
)

var (
	outputRe = regexp.MustCompile(`\b` + outputWords + `\b`)

	sharedOwnerRe = regexp.MustCompile(`\bjoint(?:ly)?[\s-]+own|\bco-?own|\bshared ownership\b|\bown(?:s|ed)?\b[^;]{0,40}\bjointly\b|\bjoint ownership\b|\bboth (?:parties|of us)\s+(?:will\s+)?own\b`)

	// extentRe is a hedge that names the vendor's rights only to hand them
	// on ("to the extent we hold any rights in Outputs, we assign them to
	// you", "any interest that we might otherwise hold"): it claims nothing.
	extentRe = regexp.MustCompile(`\b(?:if and )?to the extent (?:that )?[^,;]{0,100},|\((?:if any)\)|,?\s*if any,?|\b(?:that|which)\s+\S+\s+(?:may|might|could)\s+(?:otherwise\s+)?(?:have|hold)\b|\b(?:we|it|they)\s+(?:may|might|could)\s+(?:otherwise\s+)?(?:have|hold)\b`)

	// anaphorOwnRe is a pronoun by which a clause gives outputs named
	// elsewhere in the sentence an owner ("…; they are yours", "to the
	// extent we hold rights in Outputs, we hand them over to you").
	anaphorOwnRe = regexp.MustCompile(`\b(?:they|these|those|them)\b`)

	// ownerNegRe is a denial just before a customer's claim ("not owned by
	// you or the vendor", "do not belong to you").
	ownerNegRe = regexp.MustCompile(`\b(?:not|neither|nor|never|no longer)\s+(?:\w+\s+){0,2}$`)

	// ownershipWordRe is talk of ownership: a sentence on outputs without it (how
	// outputs are stored, used or filtered) says nothing about their owner.
	ownershipWordRe = regexp.MustCompile(`\bown(?:s|ed|er|ers|ership)?\b|\brights?\b|\btitle\b|\bproperty\b|\bintellectual\b|\bassign\w*|\bbelong\w*|\byours\b|\binterest\b|\btransfer\w*|\b(?:customer|user)'s\b`)
	// ownershipOpenRe says the terms leave ownership open.
	ownershipOpenRe = regexp.MustCompile(`\b(?:do not|does not|don't|doesn't|make no|makes no)\s+(?:address|determine|decide|specify|representations?|warrant\w*|promise\w*)\b[^;]{0,60}\b(?:own|owns|ownership|owned)\b`)
)

// ownershipPatterns are the ownership patterns that name the vendor's
// side: the generic words of provider, the vendor's names and the names of
// the clouds that resell it (on a cloud's page, the cloud is the provider).
type ownershipPatterns struct {
	// andSplit breaks "you own X and we own Y" into its two statements.
	andSplit         *regexp.Regexp
	customer, vendor []*regexp.Regexp
	// vendorCell is a table cell that names the vendor's side as owner.
	vendorCell *regexp.Regexp
}

func newOwnershipPatterns(lex *Lexicon) ownershipPatterns {
	names := lex.vendor.String() + `|` + lex.clouds.String()
	vend := `(?:` + provider + `|` + names + `)`
	owns := `(?:` + providerOwns + `|(?:` + names + `)'s)`
	return ownershipPatterns{
		vendorCell: regexp.MustCompile(`^\W*(?:the\s+)?` + vend + `\b`),
		andSplit:   regexp.MustCompile(`,?\s+and\s+(` + customerParty + `|` + vend + `)\s+(own|owns|retain|retains|reserve|reserves|hold|holds|keep|keeps|assign|assigns)\b`),
		customer: []*regexp.Regexp{
			// "we assign to you all our right, title and interest in Outputs"
			regexp.MustCompile(`\bassigns?\s+(?:and agrees? to assign\s+)?(?:to\s+` + customerParty + `\b|[^;]{0,80}?\bto\s+` + customerParty + `\b)`),
			// "we transfer to you any interest in them", "we hand them over to you"
			regexp.MustCompile(`\b(?:transfers?|conveys?|hands?|pass|passes)\s+(?:over\s+)?to\s+` + customerParty + `\b[^;]{0,60}?\b(?:rights?|interest|title|ownership)\b|\b(?:transfers?|conveys?|hands?|pass|passes)\b[^;]{0,60}?\b(?:rights?|interest|title|ownership|them|those)\b[^;]{0,40}?\b(?:over\s+)?to\s+` + customerParty + `\b|\b(?:rights?|interest|title|ownership)\b[^;]{0,60}?\b(?:pass|passes|transfer|transfers|vest|vests)\s+(?:to|in)\s+` + customerParty + `\b`),
			// "you are the owner of your Outputs", "the Outputs are Customer's"
			regexp.MustCompile(`\b` + customerParty + `\s+(?:are|is|remains?|will be|shall be)\s+the\s+(?:sole\s+|exclusive\s+)?owners?\b|\b(?:are|is|remain|remains|will be|shall be)\s+(?:the\s+)?(?:customer's|the customer's|the user's|your own|yours)(?:\s|$|[,.;])`),
			// "we do not claim ownership of Outputs", "<vendor> claims no rights in outputs", "makes no claim of ownership to"
			regexp.MustCompile(`\b` + vend + `\s+(?:do not|don't|does not|doesn't|will not|won't|shall not|make no|makes no|claim no|claims no|assert no|asserts no|have no|has no)\s+(?:claim\s+|assert\s+|take\s+|acquire\s+)?(?:to\s+|of\s+)?(?:any\s+)?(?:ownership|own|rights?|title|ip|intellectual property)`),
			regexp.MustCompile(`\bbelongs?\s+(?:entirely\s+|solely\s+|exclusively\s+)?to\s+` + customerParty + `\b`),
			regexp.MustCompile(`\b(?:your|customer's|the customer's|users'|developers')\s+(?:sole\s+|exclusive\s+)?property\b|\bproperty of\s+` + customerParty + `\b|\bowned by\s+` + customerParty + `\b|\b(?:are|is)\s+yours\b`),
			// "you own the Outputs", "Customer owns all Outputs", "you retain ownership of your inputs and outputs"
			regexp.MustCompile(`\b` + customerParty + `\s+(?:will\s+|shall\s+|also\s+|alone\s+)?(?:own|owns|retain|retains|keep|keeps|hold|holds|maintain|maintains)\b(?:\s+` + ownershipRights + `\s+(?:in|to|of|over)\b)?[^;]{0,60}?\b` + outputWords + `\b`),
		},
		vendor: []*regexp.Regexp{
			regexp.MustCompile(`\b(?:you|customer|the customer)\s+(?:hereby\s+)?assigns?\b[^;]{0,80}?\bto\s+` + vend + `\b`),
			// "you do not own Outputs", "Customer acquires no rights in outputs"
			regexp.MustCompile(`\b` + customerParty + `\s+(?:do not|don't|does not|doesn't|will not|won't|shall not)\s+(?:own|acquire|obtain|receive|hold|retain)\b|\b` + customerParty + `\s+(?:acquire|acquires|obtain|obtains|receive|receives)\s+no\s+(?:ownership|rights?|title)`),
			regexp.MustCompile(`\bbelongs?\s+(?:entirely\s+|solely\s+|exclusively\s+)?to\s+` + vend + `\b`),
			regexp.MustCompile(`\b` + owns + `\s+(?:sole\s+|exclusive\s+)?property\b|\bproperty of\s+` + vend + `\b|\bowned by\s+` + vend + `\b`),
			// "we retain all rights to outputs", "we own all Outputs"
			regexp.MustCompile(`\b` + vend + `\s+(?:will\s+|shall\s+|also\s+)?(?:retain|retains|reserve|reserves|own|owns|keep|keeps|hold|holds)\s+` + ownershipRights + `\s+(?:in|to|of|over)\s+(?:and\s+to\s+)?[^;]{0,30}?\b` + outputWords + `\b`),
			regexp.MustCompile(`\b` + vend + `\s+(?:will\s+|shall\s+)?(?:own|owns)\s+(?:all\s+|the\s+|any\s+|each\s+)*` + outputWords + `\b`),
			// "Lumen owns the Services and all Outputs"
			regexp.MustCompile(`\b` + vend + `\s+(?:will\s+|shall\s+)?(?:own|owns)\s+[^;]{0,60}?\band\s+(?:all\s+|the\s+|any\s+|each\s+)*` + outputWords + `\b`),
		},
	}
}

// readOwnership reads the output-ownership attribute from the sentences
// that speak of outputs (outputs, responses, completions, generated
// content):
//   - "customer" when the customer owns them ("as between you and us, you
//     own the Outputs", "we assign to you all our right, title and interest
//     in Outputs", "Customer owns all Outputs", "we claim no ownership of
//     outputs");
//   - "vendor" when the vendor does ("we retain all rights to outputs",
//     "Outputs are our property", "you do not own Outputs");
//   - "shared" when both do ("jointly owned");
//   - "unspecified" when a sentence says the terms leave it open ("these
//     Terms do not address who owns Outputs"); talk of outputs and rights
//     that gives them no owner (a licence, similar outputs for others, an
//     indemnity) states nothing.
//
// Inputs alone, the vendor's own services and IP ("we own the Services"),
// and a licence granted to the vendor to use outputs are not ownership of
// outputs. When sentences disagree, the value said most often wins, the
// first one said on a tie; the disagreeing sentences are kept in Sentences.
// A table row is read by the cell under an ownership column ("Output
// ownership: Customer"). Unknown when no sentence gives outputs an owner.
func readOwnership(lex *Lexicon, sents []sentence) Reading {
	if len(sents) == 0 {
		return Reading{Value: terms.UnknownValue(noClauses)}
	}
	var votes []vote
	var open []sentence
	for _, s := range sents {
		if thatContentRe.MatchString(s.norm) && !outputRe.MatchString(s.norm) {
			// "Some services let you generate content. We claim no
			// ownership of that content.": that content is the output.
			// The sentence before is the clause's, whichever tiers it
			// names (it may be read with another statement).
			if prev := sentenceBefore(s); prev != "" && generatesRe.MatchString(normalize(prev)) {
				s.norm = thatContentRe.ReplaceAllString(s.norm, "generated content")
				s.text = prev + " " + s.text
			}
		}
		if v, ok := ownerRow(lex, s.norm); ok {
			if v != "" {
				votes = append(votes, vote{s, v})
			}
			continue
		}
		if strings.HasSuffix(s.norm, "?") || !outputRe.MatchString(s.norm) || !ownershipWordRe.MatchString(s.norm) {
			continue
		}
		if v := ownerOf(lex, s.norm); v != "" {
			votes = append(votes, vote{s, v})
		} else if ownershipOpenRe.MatchString(s.norm) {
			open = append(open, s)
		}
	}
	if r, ok := tally(votes); ok {
		return r
	}
	if len(open) > 0 {
		return Reading{Value: terms.Scalar(OwnerUnspecified), Clause: open[0].clause, Sentences: texts(open)}
	}
	return Reading{Value: terms.UnknownValue("no sentence says who owns outputs")}
}

// customerClaim reports whether f gives outputs to the customer by one of
// res, a claim not denied just before it ("not owned by you or the
// vendor" gives them to nobody).
func customerClaim(f string, res []*regexp.Regexp) bool {
	for _, re := range res {
		for _, m := range re.FindAllStringIndex(f, -1) {
			if !ownerNegRe.MatchString(f[:m[0]]) {
				return true
			}
		}
	}
	return false
}

// ownerRow reads a table row ("Plan: Team plan | Output ownership:
// Customer"): the owner named by the cell under an ownership column, ""
// when that cell names none. ok is false when norm is no row or has no
// ownership column.
func ownerRow(lex *Lexicon, norm string) (string, bool) {
	cells := labelledCells(norm)
	if len(cells) < 2 {
		return "", false
	}
	for _, c := range cells {
		if !ownColumnRe.MatchString(c.header) {
			continue
		}
		v := c.value
		switch {
		case sharedCellRe.MatchString(v):
			return OwnerShared, true
		case lex.own.vendorCell.MatchString(v):
			return OwnerVendor, true
		case customerCellRe.MatchString(v):
			return OwnerCustomer, true
		case openCellRe.MatchString(v):
			return OwnerUnspecified, true
		}
		return "", true
	}
	return "", false
}

var (
	// thatContentRe points back at content named in the sentence before;
	// generatesRe is a sentence about content the service generates.
	thatContentRe = regexp.MustCompile(`\b(?:that|this|such) content\b`)
	generatesRe   = regexp.MustCompile(`\bgenerat(?:e|es|ed|ing)\b[^.;]{0,40}?\bcontent\b`)

	// ownColumnRe is a column about who owns outputs.
	ownColumnRe = regexp.MustCompile(`\bown(?:s|er|ers|ership)?\b.*\b(?:` + outputWords + `|content|generations?)\b|\b(?:` + outputWords + `|content)\s+(?:ownership|owner|rights)\b`)
	// customerCellRe, sharedCellRe and openCellRe are a cell naming the
	// customer, both parties, or no owner.
	customerCellRe = regexp.MustCompile(`^\W*(?:` + customerParty + `|your\b|the customer\b|customer\b|yours\b)`)
	sharedCellRe   = regexp.MustCompile(`\bjoint(?:ly)?\b|\bshared\b|\bboth\b|\bco-?own`)
	openCellRe     = regexp.MustCompile(`\bnot (?:specified|stated|addressed)\b|\bunspecified\b|\bsilent\b`)
)

// ownerOf reads one normalized sentence: the owner it gives outputs, or
// "" when it gives none.
func ownerOf(lex *Lexicon, norm string) string {
	if sharedOwnerRe.MatchString(norm) {
		return OwnerShared
	}
	norm = setAsideRe.ReplaceAllString(norm, " ")
	norm = extentRe.ReplaceAllString(norm, " ")
	norm = lex.own.andSplit.ReplaceAllString(norm, "; $1 $2")
	cust, vend := false, false
	for _, f := range fragments(norm) {
		if !outputRe.MatchString(f) && !anaphorOwnRe.MatchString(f) {
			continue
		}
		switch {
		case anyMatch(f, lex.own.vendor...):
			vend = true
		case customerClaim(f, lex.own.customer):
			cust = true
		}
	}
	switch {
	case cust && vend:
		return OwnerShared
	case cust:
		return OwnerCustomer
	case vend:
		return OwnerVendor
	}
	return ""
}
