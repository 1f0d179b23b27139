package attr

import (
	"slices"
	"strings"

	regexp "github.com/clausewatch/clausewatch/internal/wordre"
)

// whomPatterns find the tier names of a sentence that do not say whom it
// speaks for: a name in a qualifier that narrows another named group
// ("Lumen API customers who have a zero data retention agreement"), and a
// name that is the thing obtained ("Enterprise plan customers can sign a
// zero data retention agreement").
type whomPatterns struct {
	// qualifier is a restrictive qualifier naming a tier: a relative
	// clause, a "with …" phrase or a leading or trailing condition.
	qualifier *regexp.Regexp
	// object is a tier name as the object of a verb of obtaining, active
	// or passive ("a ZDR agreement can be signed by …").
	object *regexp.Regexp
}

// qualifierNegRe is a qualifier that excludes rather than narrows ("without
// a ZDR agreement", "if you have not signed a ZDR agreement").
var qualifierNegRe = regexp.MustCompile(`(?i)\bwithout\b|\b(?:not|no|never)\b|n't\b`)

func newWhomPatterns(lex *Lexicon) whomPatterns {
	names := lex.tierNames.String()
	det := `(?:a|an|the|their|its|your|our)\s+(?:signed\s+|executed\s+|active\s+|separate\s+)?`
	// group is the customers a qualifier narrows: "customers who …",
	// "accounts with …" ("integrates with the API" narrows no one).
	group := `\b(?:customers?|users?|organi[sz]ations?|accounts?|workspaces?|businesses|companies|developers?|subscribers?|those|anyone|plans?)\s+`
	// holding is what a condition must say to narrow: that someone has an
	// arrangement ("once a ZDR agreement is in place", "if you have signed
	// a ZDR agreement"), not when something happens ("when the API key is
	// revoked").
	holding := `\b(?:have|has|hold|holds|signed|sign|signs|entered into|in place|in effect|enabled|covered by|are on|is on)\b`
	return whomPatterns{
		qualifier: regexp.MustCompile(`(?i)` + group + `(?:who|that)\s+(?:also\s+|already\s+)?(?:(?:do|does|have|has)\s+not\s+|(?:don't|doesn't|haven't|hasn't)\s+)?(?:have|has|hold|holds|sign|signs|have signed|has signed|signed|have entered into|has entered into|entered into|enter into)\s+` + det + names +
			`|` + group + `(?:with|without|under|having)\s+` + det + names +
			`|^\W*(?:once|if|when|whenever|after|provided that|as long as)\b[^,;]*?` + holding + `[^,;]*,` +
			`|\b(?:once|if|when|whenever|provided that|as long as)\b[^,;]*?` + holding + `[^,;]*$`),
		object: regexp.MustCompile(`(?i)\b(?:sign|signs|request|requests|obtain|obtains|get|gets|enter into|enters into|execute|executes|ask for|asks for|apply for|applies for|purchase|purchases|buy|buys|add|adds)\s+` + det + names +
			`|` + names + `\s+(?:can|may|could|will)\s+(?:also\s+)?be\s+(?:signed|requested|obtained|entered into|executed|purchased|added)\b`),
	}
}

// speaksFor returns the tiers a sentence (or clause) speaks for by the
// names in its main part, the part before an "unless"/"except" tail (see
// beforeException), nil when it names none. Two kinds of name there do not
// widen whom it speaks for when it names other tiers too:
//
//   - a name in a qualifier of another named group narrows it: "Lumen API
//     customers who have a zero data retention agreement can sign a BAA"
//     and "Once a ZDR agreement is in place, we can sign a BAA covering the
//     Lumen API" speak for the ZDR tier only; a qualifier that excludes
//     ("without a ZDR agreement", "if you have not signed one") names no
//     one, as an "unless" tail does not;
//   - a name that is what is obtained is no one it speaks for: "Enterprise
//     plan customers can sign a zero data retention agreement" speaks for
//     the Enterprise plan.
func (l *Lexicon) speaksFor(text string) []string {
	main := beforeException(text)
	all := l.TiersNamed(main)
	if len(all) < 2 {
		return all
	}
	var narrowed, excluded []string
	for _, m := range l.whom.qualifier.FindAllString(main, -1) {
		ts := l.TiersNamed(m)
		if qualifierNegRe.MatchString(m) {
			excluded = appendNew(excluded, ts...)
		} else {
			narrowed = appendNew(narrowed, ts...)
		}
	}
	outside := l.TiersNamed(l.whom.qualifier.ReplaceAllString(main, " "))
	switch {
	case narrowed != nil && outside != nil && !overlaps(narrowed, outside):
		return narrowed
	case excluded != nil && outside != nil && !overlaps(excluded, outside):
		return outside
	}
	if l.whom.object.MatchString(main) {
		if rest := l.TiersNamed(l.whom.object.ReplaceAllString(main, " ")); rest != nil {
			return rest
		}
	}
	return all
}

// overlaps reports whether a and b share a tier.
func overlaps(a, b []string) bool {
	return slices.ContainsFunc(a, func(t string) bool { return slices.Contains(b, t) })
}

// whomBreaks returns where splitByWhom may cut a sentence into clauses that
// speak for different tiers: at stops and contrasts, and at a comma that
// opens a coordinated clause (", and consumer plans keep chats …") unless
// what comes before it since the last cut holds a comma of its own: then
// the ", and" ends a list ("the API, the Team plan, and the Enterprise
// plan"), whose last member is no clause.
func whomBreaks(s string) [][2]int {
	var out [][2]int
	last := 0
	for _, m := range clauseBreakRe.FindAllStringSubmatchIndex(s, -1) {
		switch {
		case m[2*breakStop] >= 0, m[2*breakContrast] >= 0:
		case m[2*breakCoordination] >= 0 && !strings.Contains(s[last:m[0]], ","):
		default:
			continue
		}
		out = append(out, [2]int{m[0], m[1]})
		last = m[1]
	}
	return out
}
