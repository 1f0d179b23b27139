package attr

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/clausewatch/clausewatch/internal/terms"
	regexp "github.com/clausewatch/clausewatch/internal/wordre"
)

// Lexicon is what the readers know of one vendor's names, all taken from
// its declaration: the vendor itself (terms.Vendor.Names, or its Name when
// it declares none), its products (Products), the clouds and marketplaces
// that resell its models (Clouds) and the names of its tiers
// (terms.Tier.Names). The readers' patterns hold the generic words ("we",
// "the provider", "the model provider", "the cloud provider", "the
// marketplace"); every proper name comes from here.
//
// Each list is compiled into one case-insensitive, word-bounded regular
// expression of the names quoted with regexp.QuoteMeta, longest first,
// white space in a name matching any run of white space and typographic
// quotes and hyphens matching their plain forms. An empty list matches
// nothing. The readers' own patterns that name a party are compiled from
// these once per Lexicon. A Lexicon is never modified after it is built
// it, so one may be shared.
type Lexicon struct {
	vendor   *regexp.Regexp // the vendor's own names
	products *regexp.Regexp // its products and models
	clouds   *regexp.Regexp // clouds and marketplaces that resell them

	tierNames *regexp.Regexp      // every tier name, a plural allowed
	tierIDs   map[string][]string // folded tier name → the tiers it names, in declaration order

	// Reader patterns compiled from the names.
	own       ownershipPatterns
	proc      processorPatterns
	train     *regexp.Regexp // a sentence about training or improving the models (training)
	trainWord *regexp.Regexp // a context about training (retention)
	rightsBy  *regexp.Regexp // the vendor acting on its own (rights)
	whom      whomPatterns   // names that do not say whom a sentence speaks for (speaksFor)
}

// LexiconOf compiles the Lexicon of v (a few milliseconds: build it once
// per vendor and run, as NewReader does, not once per page).
func LexiconOf(v terms.Vendor) *Lexicon { return newLexicon(v) }

// vendorNames are the names pages use for v itself: Names, or Name when it
// declares none.
func vendorNames(v terms.Vendor) []string {
	if len(v.Names) == 0 && strings.TrimSpace(v.Name) != "" {
		return []string{v.Name}
	}
	return v.Names
}

func newLexicon(v terms.Vendor) *Lexicon {
	l := &Lexicon{
		vendor:   regexp.MustCompile(namesPattern(vendorNames(v), false)),
		products: regexp.MustCompile(namesPattern(v.Products, false)),
		clouds:   regexp.MustCompile(namesPattern(v.Clouds, false)),
		tierIDs:  map[string][]string{},
	}
	var tierNames []string
	for _, t := range v.Tiers {
		for _, n := range t.Names {
			k := foldName(n)
			if k == "" {
				continue
			}
			if _, seen := l.tierIDs[k]; !seen {
				tierNames = append(tierNames, n)
			}
			if !slices.Contains(l.tierIDs[k], t.ID) {
				l.tierIDs[k] = append(l.tierIDs[k], t.ID)
			}
		}
	}
	l.tierNames = regexp.MustCompile(namesPattern(tierNames, true))
	l.own = newOwnershipPatterns(l)
	l.proc = newProcessorPatterns(l)
	l.train = newTrainingPattern(l)
	l.trainWord = newTrainingWordPattern(l)
	l.rightsBy = newRightsVendorPattern(l)
	l.whom = newWhomPatterns(l)
	return l
}

// TiersNamed returns the tiers that the tier names in text name, in the
// order of their first mention, each once. Names are found left to right,
// the longest at each place, without overlapping ("Team and Enterprise
// plans" is one name, not also "Enterprise plan"); a name may be in the
// plural. Nil when text names no tier.
func (l *Lexicon) TiersNamed(text string) []string {
	var out []string
	for _, m := range l.tierNames.FindAllString(text, -1) {
		for _, id := range l.tierOf(foldName(m)) {
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	return out
}

// tierOf returns the tiers of a folded tier name as matched, which may be
// the plural of the declared name.
func (l *Lexicon) tierOf(k string) []string {
	if ids, ok := l.tierIDs[k]; ok {
		return ids
	}
	singular, ok := strings.CutSuffix(k, "s")
	if !ok {
		return nil
	}
	if ids, ok := l.tierIDs[singular]; ok {
		return ids
	}
	return l.tierIDs[strings.TrimSuffix(singular, "e")]
}

// nothing is a pattern that matches no text.
const nothing = `[^\x00-\x{10FFFF}]`

// namesPattern is the case-insensitive alternation of names, longest
// first, each word-bounded where it starts or ends with a letter or digit;
// plural lets each name take a final "s" or "es". It is a group "(?i:…)"
// that other patterns embed; no names give a pattern that matches nothing.
func namesPattern(names []string, plural bool) string {
	var alts []string
	for _, n := range names {
		if p := namePattern(n, plural); p != "" && !slices.Contains(alts, p) {
			alts = append(alts, p)
		}
	}
	if len(alts) == 0 {
		return `(?:` + nothing + `)`
	}
	slices.SortStableFunc(alts, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	return `(?i:` + strings.Join(alts, `|`) + `)`
}

// namePattern is the pattern of one name: its words quoted, joined by
// white space of any length, word-bounded at a letter or digit. "" for a
// name without words.
func namePattern(name string, plural bool) string {
	words := strings.Fields(foldName(name))
	if len(words) == 0 {
		return ""
	}
	for i, w := range words {
		w = regexp.QuoteMeta(w)
		w = strings.ReplaceAll(w, "'", `['‘’]`)
		words[i] = strings.ReplaceAll(w, "-", `[-‐‑]`)
	}
	p := strings.Join(words, `\s+`)
	first, _ := utf8.DecodeRuneInString(words[0])
	last, _ := utf8.DecodeLastRuneInString(words[len(words)-1])
	if isWordRune(first) {
		p = `\b` + p
	}
	if isWordRune(last) {
		if plural {
			p += `(?:e?s)?`
		}
		p += `\b`
	}
	return p
}

func isWordRune(r rune) bool {
	return r == '_' || r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// foldName is the form of a name or a matched text in which two spellings
// of one name are equal: normalized as sentences are (case, typographic
// quotes and hyphens, white space).
func foldName(s string) string { return normalize(s) }
