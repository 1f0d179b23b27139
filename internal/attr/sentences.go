package attr

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// Sentences splits text into sentences, in order, each trimmed of
// surrounding space. A sentence ends at ".", "!" or "?" followed by space
// and an upper-case letter, a digit, a quote or a bracket, and at every line
// break. Common abbreviations ("e.g.", "i.e.", "etc.", "U.S.", "Inc.",
// "No.", "Sec.") and decimal numbers do not end a sentence. Empty input
// gives nil.
func Sentences(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		out = append(out, splitLine(line)...)
	}
	return out
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
// "29-day", "five years", "2 yrs", "6 months", "48 hours", "two weeks".
// Group 1: the number (digits or words); group 2: a bracketed digit
// restatement; group 3: the unit.
var durationRe = regexp.MustCompile(`(?i)\b(\d{1,5}|(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?)|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|a hundred|one hundred|an?)(?:\s*\((\d{1,5})\))?[\s-]*(calendar[\s-]+|business[\s-]+)?(days?|weeks?|months?|years?|yrs?|hours?|hrs?)\b`)

// duration is one duration found in a sentence.
type duration struct {
	days       int // whole days, rounded up for hours
	start, end int // byte offsets of the match in the sentence
}

// findDurations returns every duration stated in s, in order.
func findDurations(s string) []duration {
	var out []duration
	for _, m := range durationRe.FindAllStringSubmatchIndex(s, -1) {
		num := s[m[2]:m[3]]
		if m[4] >= 0 {
			num = s[m[4]:m[5]] // the digits restating the words win
		}
		n, ok := parseNumber(num)
		if !ok || n <= 0 {
			continue
		}
		unit := strings.ToLower(s[m[8]:m[9]])
		var days int
		switch {
		case strings.HasPrefix(unit, "d"):
			days = n
		case strings.HasPrefix(unit, "w"):
			days = n * 7
		case strings.HasPrefix(unit, "m"):
			days = n * 30
		case strings.HasPrefix(unit, "y"):
			days = n * 365
		case strings.HasPrefix(unit, "h"):
			days = (n + 23) / 24
		}
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

// ParseDuration reads the first duration stated in s ("30 days",
// "thirty (30) days", "five years", "up to 2 years", "29-day", "6 months",
// "48 hours") and returns it in whole days as a decimal string: years count
// 365 days, months 30, weeks 7, hours are rounded up to whole days.
// ok is false when s states no duration.
func ParseDuration(s string) (days string, ok bool) {
	ds := findDurations(s)
	if len(ds) == 0 {
		return "", false
	}
	return strconv.Itoa(ds[0].days), true
}

// negators are words that negate the verb that follows them in a clause.
var negatorRe = regexp.MustCompile(`(?i)\b(not|never|no|neither|nor|cannot)\b|n't\b`)

// clauseBreakRe marks where the clause that holds a verb starts: a
// punctuation mark or a conjunction that opens a new clause.
var clauseBreakRe = regexp.MustCompile(`(?i)[,;:()]|\b(but|however|except|unless|although|though|whereas|and then|which|who|that is)\b`)

// negated reports whether the word at byte offset at in sentence is negated:
// a negator ("not", "never", "no", "n't", "cannot", "neither", "nor") stands
// before it in the same clause (back to the previous comma, semicolon,
// colon, bracket or clause-opening conjunction such as "but", "except",
// "unless", "which"), at most eight words back. "not only" does not negate.
// An offset outside the sentence reports false.
func negated(sentence string, at int) bool {
	if at < 0 || at > len(sentence) {
		return false
	}
	before := sentence[:at]
	if locs := clauseBreakRe.FindAllStringIndex(before, -1); len(locs) > 0 {
		before = before[locs[len(locs)-1][1]:]
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

// unit is one sentence of a clause together with what frames it.
type unit struct {
	clause terms.Clause
	text   string // the sentence itself
	leadIn string // the lead-in clause ending in ":" that introduces a list, or ""
	index  int    // index of the clause in the input
}

// withLeadIn is the sentence prefixed with its lead-in, as quoted in evidence.
func (u unit) withLeadIn() string {
	if u.leadIn == "" {
		return u.text
	}
	return u.leadIn + " " + u.text
}

// units splits clauses into sentences, attaching to each list item or table
// row (and to the clause right after it) the last sentence of a preceding
// clause that ends with ":" ("When you delete a conversation it is:"), so
// that list items read with their lead-in.
func units(clauses []terms.Clause) []unit {
	var out []unit
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
		for _, s := range Sentences(text) {
			out = append(out, unit{clause: c, text: s, leadIn: cur, index: i})
		}
		if ss := Sentences(text); len(ss) > 0 && strings.HasSuffix(text, ":") {
			leadIn = ss[len(ss)-1]
		}
	}
	return out
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
