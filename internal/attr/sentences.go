package attr

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/clausewatch/clausewatch/internal/terms"
	regexp "github.com/clausewatch/clausewatch/internal/wordre"
)

// This file is the sentence toolkit every reader reads with: one sentence
// splitter (sentencesIn, sentencesOf), one normal form (normalize), one
// clause-break pattern (clauseBreakRe: fragments, negated, clauseEnd,
// clauseParts), one duration parser (findDurations) and the helpers that
// turn matched sentences into a Reading (texts, vote, tally).

// sentencesIn splits text into sentences, in order, each trimmed of
// surrounding space and of the list and heading markers that open it ("- ",
// "• ", "## ", "| ", "1. "); a sentence left empty by that is dropped. A
// sentence ends at ".", "!" or "?" followed by space and an upper-case
// letter, a digit, a quote or a bracket, and at every line break. Common
// abbreviations ("e.g.", "i.e.", "etc.", "U.S.", "Inc.", "No.", "Sec.") and
// decimal numbers do not end a sentence. A sentence longer than
// maxSentence is read as pieces of at most that length. Empty input gives
// nil.
func sentencesIn(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		for _, s := range splitLine(line) {
			for _, s := range cutLong(s) {
				if startsMarker(s) {
					s = markerRe.ReplaceAllString(s, "")
				}
				if s = strings.TrimSpace(s); s != "" {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// maxSentence is the longest sentence read, in bytes (the longest of the
// real pages is under 2.5 KB). Readers look at a sentence several times
// over, so a longer run of text without a sentence break (a page's text in
// one table cell, thousands of items joined by commas) is read as pieces of
// at most that length: a page's reading then costs time linear in its
// length.
const maxSentence = 4096

// cutLong cuts s into pieces of at most maxSentence bytes, each at the last
// space before the limit (or, without one, at a rune boundary).
func cutLong(s string) []string {
	if len(s) <= maxSentence {
		return []string{s}
	}
	var out []string
	for len(s) > maxSentence {
		cut := strings.LastIndexByte(s[:maxSentence], ' ')
		if cut <= 0 {
			cut = maxSentence
			for cut > 0 && !utf8.RuneStart(s[cut]) {
				cut--
			}
		}
		out = append(out, s[:cut])
		s = strings.TrimLeft(s[cut:], " ")
	}
	return append(out, s)
}

// markerRe is the list or heading markers at the start of a sentence, each
// followed by white space (so that "**bold**" keeps its emphasis marks).
var markerRe = regexp.MustCompile(`^(?:[` + regexp.QuoteMeta(markerChars) + `]+(?:\s+|$)|\d+\.(?:\s+|$))+`)

// markerChars are the characters of markerRe's list and heading markers.
const markerChars = "-*+•>#|"

// startsMarker reports whether s opens with a character markerRe's
// markers open with: only then may it match (it is anchored at the start).
func startsMarker(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return strings.ContainsRune(markerChars, r) || '0' <= r && r <= '9'
}

// abbreviations are lower-cased words (without their final dot) after which
// a dot does not end a sentence.
var abbreviations = map[string]bool{
	"e.g": true, "i.e": true, "etc": true, "u.s": true, "inc": true, "no": true,
	"sec": true, "vs": true, "cf": true, "mr": true, "ms": true, "dr": true,
	"st": true, "co": true, "ltd": true, "llc": true, "art": true, "para": true,
	"approx": true, "incl": true, "e.u": true, "u.k": true, "fig": true,
}

func splitLine(line string) []string {
	var out []string
	rs := []rune(line)
	start := 0
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if r != '.' && r != '!' && r != '?' {
			continue
		}
		// Swallow closing quotes/brackets after the mark.
		j := i + 1
		for j < len(rs) && strings.ContainsRune("\"'”’)]", rs[j]) {
			j++
		}
		if j < len(rs) && !unicode.IsSpace(rs[j]) {
			continue // "1.5", "example.com", "U.S."
		}
		k := j
		for k < len(rs) && unicode.IsSpace(rs[k]) {
			k++
		}
		if k < len(rs) {
			next := rs[k]
			if !(unicode.IsUpper(next) || unicode.IsDigit(next) || strings.ContainsRune("\"'“‘([", next)) {
				continue
			}
		}
		if r == '.' && isAbbreviation(rs[start:i]) {
			continue
		}
		if s := strings.TrimSpace(string(rs[start:j])); s != "" {
			out = append(out, s)
		}
		start = j
		i = j - 1
	}
	if s := strings.TrimSpace(string(rs[start:])); s != "" {
		out = append(out, s)
	}
	return out
}

// isAbbreviation reports whether the text before a dot ends with a known
// abbreviation or a single letter ("A. Smith", "U.S.").
func isAbbreviation(before []rune) bool {
	i := len(before)
	for i > 0 && !unicode.IsSpace(before[i-1]) && before[i-1] != '(' {
		i--
	}
	w := strings.ToLower(string(before[i:]))
	if abbreviations[w] {
		return true
	}
	return len([]rune(w)) == 1 && unicode.IsLetter([]rune(w)[0])
}

// numberWords maps spelled-out numbers to their value.
var numberWords = map[string]int{
	"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
	"six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
	"twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
	"sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
	"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
	"seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
}

// durationRe finds "30 days", "thirty (30) days", "twenty-nine days",
// "29-day", "five years", "2 yrs", "6 months", "48 hours", "two weeks",
// "one hundred and twenty days", "2.5 years", "a year and a half".
// Group 1: the number (digits or words); group 2: a bracketed digit
// restatement; group 3: "calendar"/"business"; group 4: the unit; group 5:
// "and a half".
var durationRe = regexp.MustCompile(`(?i)\b(\d{1,5}(?:\.\d{1,2})?|(?:(?:a|one|two|three|four|five|six|seven|eight|nine)[\s-]+hundred(?:[\s-]+(?:and[\s-]+)?(?:` + tensWords + `(?:[- ]` + unitWords + `)?|` + teenWords + `|` + unitWords + `))?)|` + tensWords + `(?:[- ]` + unitWords + `)?|` + teenWords + `|` + unitWords + `|an?)(?:\s*\((\d{1,5})\))?[\s-]*(calendar[\s-]+|business[\s-]+|rolling[\s-]+|consecutive[\s-]+)?(days?|weeks?|months?|years?|yrs?|hours?|hrs?)\b(\s+and\s+a\s+half\b)?`)

// Number words durationRe knows, as alternations.
const (
	unitWords = `(?:one|two|three|four|five|six|seven|eight|nine)`
	teenWords = `(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)`
	tensWords = `(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)`
)

// duration is one duration found in a sentence.
type duration struct {
	days       int // whole days, rounded up for hours
	start, end int // byte offsets of the match in the sentence
}

// findDurations returns every duration stated in s, in order ("30 days",
// "thirty (30) days", "five years", "up to 2 years", "29-day", "6 months",
// "48 hours"), each in whole days: years count 365 days, months 30, weeks
// 7, hours are rounded up to whole days.
func findDurations(s string) []duration {
	var out []duration
	for _, m := range durationRe.FindAllStringSubmatchIndex(s, -1) {
		num := s[m[2]:m[3]]
		if m[4] >= 0 {
			num = s[m[4]:m[5]] // the digits restating the words win
		}
		var n float64
		if f, err := strconv.ParseFloat(num, 64); err == nil && strings.Contains(num, ".") {
			n = f
		} else if i, ok := parseNumber(num); ok {
			n = float64(i)
		}
		if n <= 0 {
			continue
		}
		if m[10] >= 0 {
			n += 0.5 // "a year and a half"
		}
		unit := strings.ToLower(s[m[8]:m[9]])
		var per float64
		switch {
		case strings.HasPrefix(unit, "d"):
			per = 1
		case strings.HasPrefix(unit, "w"):
			per = 7
		case strings.HasPrefix(unit, "m"):
			per = 30
		case strings.HasPrefix(unit, "y"):
			per = 365
		case strings.HasPrefix(unit, "h"):
			per = 1.0 / 24
		}
		days := int(math.Ceil(n*per - 1e-9)) // hours (and fractions) round up to whole days
		out = append(out, duration{days: days, start: m[0], end: m[1]})
	}
	return out
}

// parseNumber reads digits or number words ("thirty", "twenty-nine",
// "one hundred", "a").
func parseNumber(s string) (int, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if n, err := strconv.Atoi(s); err == nil {
		return n, true
	}
	total := 0
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == ' ' }) {
		if w == "and" {
			continue // "one hundred and twenty"
		}
		v, ok := numberWords[w]
		if !ok {
			return 0, false
		}
		if v == 100 {
			if total == 0 {
				total = 1
			}
			total *= 100
			continue
		}
		total += v
	}
	return total, total > 0
}

// negatorRe finds the words that negate the verb after them in a clause.
var negatorRe = regexp.MustCompile(`(?i)\b(not|never|no|neither|nor|cannot)\b|n't\b`)

// clauseBreakRe finds where one clause of a sentence ends and the next
// begins. The submatch that is set says what kind of break it is:
//
//	1 a stop: ";"
//	2 a contrast: "but", "however", "whereas", "while", "although",
//	  "though", with the commas around it
//	3 a comma opening a coordinated clause: ", and", ", so"
//	4 punctuation: ",", ":", "(", ")"
//	5 a qualifying clause: "except", "unless", "which", "who", "where",
//	  "that is", "and then"
//
// Readers cut at the kinds they need: fragments at stops and contrasts
// (statements that may say opposite things), clauseEnd also at
// coordination, negated and clauseParts at every break.
var clauseBreakRe = regexp.MustCompile(`(?i)(;)|(,?\s*\b(?:but|however|whereas|while|although|though)\b,?)|(,\s*(?:and|so)\b)|([,:()])|\b(except|unless|which|who|where|that is|and then)\b`)

// Kinds of clause break: the submatch of clauseBreakRe that is set.
const (
	breakStop = 1 + iota
	breakContrast
	breakCoordination
	breakPunctuation
	breakQualifier
)

// clauseBreaks returns the [start, end) offsets of the breaks in s of the
// kinds given (every kind when none is given), in order.
func clauseBreaks(s string, kinds ...int) [][2]int {
	var out [][2]int
	for _, m := range clauseBreakRe.FindAllStringSubmatchIndex(s, -1) {
		k := breakStop
		for m[2*k] < 0 {
			k++
		}
		if len(kinds) == 0 || slices.Contains(kinds, k) {
			out = append(out, [2]int{m[0], m[1]})
		}
	}
	return out
}

// fragments splits a sentence at stops and contrasts into the statements
// that may say opposite things ("SSO is included, but SCIM is not
// offered"), each trimmed; empty ones are dropped.
func fragments(s string) []string {
	var out []string
	start := 0
	for _, b := range append(clauseBreaks(s, breakStop, breakContrast), [2]int{len(s), len(s)}) {
		if f := strings.TrimSpace(s[start:b[0]]); f != "" {
			out = append(out, f)
		}
		start = b[1]
	}
	return out
}

// clauseEnd cuts s at the end of its first clause: a stop, a contrast or a
// comma that opens a coordinated clause.
func clauseEnd(s string) string {
	if bs := clauseBreaks(s, breakStop, breakContrast, breakCoordination); len(bs) > 0 {
		return s[:bs[0][0]]
	}
	return s
}

// clauseParts splits s at every clause break.
func clauseParts(s string) []string {
	var out []string
	start := 0
	for _, b := range clauseBreaks(s) {
		out = append(out, s[start:b[0]])
		start = b[1]
	}
	return append(out, s[start:])
}

// negated reports whether the word at byte offset at in sentence is negated:
// a negator ("not", "never", "no", "n't", "cannot", "neither", "nor") stands
// before it in the same clause (back to the previous clause break: a comma,
// semicolon, colon, bracket or a clause-opening word such as "but",
// "except", "unless", "which", "where"), at most eight words back. "not
// only" does not negate. An offset outside the sentence reports false.
func negated(sentence string, at int) bool {
	if at < 0 || at > len(sentence) {
		return false
	}
	before := sentence[:at]
	if bs := clauseBreaks(before); len(bs) > 0 {
		before = before[bs[len(bs)-1][1]:]
	}
	words := strings.Fields(before)
	if len(words) > 8 {
		words = words[len(words)-8:]
	}
	window := strings.Join(words, " ")
	for _, m := range negatorRe.FindAllStringIndex(window, -1) {
		rest := strings.ToLower(strings.TrimSpace(window[m[1]:]))
		if strings.HasPrefix(rest, "only") {
			continue
		}
		return true
	}
	return false
}

// sentence is one sentence of a clause together with what frames it.
type sentence struct {
	clause terms.Clause // the clause it is a sentence of
	text   string       // the sentence as written, trimmed, without list markers
	norm   string       // normalize(text): what the reader patterns match
	leadIn string       // the lead-in sentence ending in ":" that introduces its list, or ""
	tiers  []string     // the tiers it names (see whom), nil when it names none
	// antecedent is, for a clause splitByWhom cut from a sentence whose
	// clauses name different tiers, the clause before it in normal form:
	// what an elliptical clause ("…, while Team data is never used") leaves
	// its verb to. "" for a whole sentence.
	antecedent string
	passes     uint64   // the readers' gates it passes, as bits (gates.passing), set by Observe
	digest     [32]byte // what readers see of it, hashed (sentenceDigest), set by Observe
}

// withLeadIn is the sentence prefixed with its lead-in, as quoted in evidence.
func (s sentence) withLeadIn() string {
	if s.leadIn == "" {
		return s.text
	}
	return s.leadIn + " " + s.text
}

// normWithLeadIn is withLeadIn in normal form.
func (s sentence) normWithLeadIn() string {
	if s.leadIn == "" {
		return s.norm
	}
	return normalize(s.leadIn) + " " + s.norm
}

// sentencesOf splits clauses into sentences, in order, attaching to each
// list item or table row (and to the clause right after it) the last
// sentence of a preceding clause that ends with ":" ("When you delete a
// conversation it is:"), so that list items read with their lead-in.
func sentencesOf(clauses []terms.Clause) []sentence {
	var out []sentence
	leadIn := ""
	for i, c := range clauses {
		text := strings.TrimSpace(c.Text)
		cur := ""
		if leadIn != "" {
			if c.Kind == terms.KindListItem || c.Kind == terms.KindTableRow || (i > 0 && strings.HasSuffix(strings.TrimSpace(clauses[i-1].Text), ":")) {
				cur = leadIn
			} else {
				leadIn = ""
			}
		}
		ss := sentencesIn(text)
		for _, s := range ss {
			out = append(out, sentence{clause: c, text: s, norm: normalize(s), leadIn: cur})
		}
		if len(ss) > 0 && strings.HasSuffix(text, ":") {
			leadIn = ss[len(ss)-1]
		}
	}
	return out
}

var (
	// mdLinkRe is a markdown link; its label is kept, its target dropped.
	mdLinkRe = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	// typography folds the typographic variants real pages use.
	typography = strings.NewReplacer(
		"’", "'", "‘", "'", "“", `"`, "”", `"`,
		"‐", "-", "‑", "-", "\u00a0", " ", "\u202f", " ",
		"**", "", "__", "", "`", "", "®", "", "™", "",
	)
)

// contractions spells out the contracted negations and verbs ("won't",
// "aren't", "you're", "we'll", "you've"), so that a contraction reads as
// its full form: "we aren't able to sign a BAA" is the denial "we are not
// able to sign a BAA", not the offer "sign a BAA". An apostrophe s
// (is, has, or a possessive) and 'd (would or had) stay as written.
var contractions = strings.NewReplacer(
	"won't", "will not", "can't", "cannot", "shan't", "shall not",
	"n't", " not", "'re", " are", "'ll", " will", "'ve", " have",
)

// normalize lower-cases s and folds the typographic variants real pages
// use (curly quotes, non-breaking hyphens and spaces, markdown emphasis and
// links, contractions) so that patterns can be written once.
func normalize(s string) string {
	s = mdLinkRe.ReplaceAllString(s, "$1")
	s = typography.Replace(s)
	return strings.TrimSpace(oneSpace(contractions.Replace(strings.ToLower(s))))
}

// oneSpace is regexp `\s+` replaced by " " without a search: every
// run of the white space \s stands for (tab, line feed, form feed,
// carriage return, space) made one space.
func oneSpace(s string) string {
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }
	clean := true
	for i := 0; i < len(s); i++ {
		if isSpace(s[i]) && (s[i] != ' ' || i+1 < len(s) && isSpace(s[i+1])) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if !isSpace(s[i]) {
			b.WriteByte(s[i])
			continue
		}
		b.WriteByte(' ')
		for i+1 < len(s) && isSpace(s[i+1]) {
			i++
		}
	}
	return b.String()
}

// setAsideRe finds a party named only to be set aside ("Anthropic (not
// Microsoft) is…", "…, not Anthropic's terms").
var setAsideRe = regexp.MustCompile(`\(\s*not\s+[^)]*\)|,\s*not\s+[^,.;]*,|\s+[-–—]\s*not\s+[^,.;]*`)

// anyMatch reports whether any of res matches s.
func anyMatch(s string, res ...*regexp.Regexp) bool {
	for _, re := range res {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// texts returns the texts of sents, in order, without duplicates.
func texts(sents []sentence) []string {
	var out []string
	seen := make(map[string]bool, len(sents))
	for _, s := range sents {
		if !seen[s.text] {
			seen[s.text] = true
			out = append(out, s.text)
		}
	}
	return out
}

// noClauses is the reason given when a reader gets no clause at all.
const noClauses = "no clause to read"

// vote is one sentence's reading of a scalar attribute.
type vote struct {
	s     sentence
	value string
}

// tally decides a scalar from votes: the value with most votes, the first
// voted on a tie. Sentences are all voting sentences in page order, the
// disagreeing ones included; Clause is the first sentence of the winner.
func tally(votes []vote) (Reading, bool) {
	if len(votes) == 0 {
		return Reading{}, false
	}
	count := map[string]int{}
	best := ""
	for _, v := range votes {
		count[v.value]++
	}
	for _, v := range votes { // page order breaks ties
		if best == "" || count[v.value] > count[best] {
			best = v.value
		}
	}
	r := Reading{Value: terms.Scalar(best)}
	sents := make([]sentence, 0, len(votes))
	found := false
	for _, v := range votes {
		if v.value == best && !found {
			r.Clause, found = v.s.clause, true
		}
		sents = append(sents, v.s)
	}
	r.Sentences = texts(sents)
	return r, true
}

// exceptionRe opens the part of a sentence that states exceptions.
var exceptionRe = regexp.MustCompile(`(?i)\b(except|unless|other than|apart from|save where|save for)\b|\beven if\b`)

// beforeException returns s up to the first exception marker ("except",
// "unless", "other than", "even if"), or s when it has none.
func beforeException(s string) string {
	if loc := exceptionRe.FindStringIndex(s); loc != nil {
		return s[:loc[0]]
	}
	return s
}
