package extract

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// frame kinds on the heading stack.
const (
	frameHeading = iota // h1–h6 or a markdown "#" heading
	frameBold           // a paragraph of bold text only, acting as a sub-heading
	frameList           // the lead-in of a list item whose nested list follows
)

// frame is one element of the current heading path.
type frame struct {
	kind  int
	level int
	text  string
	used  bool // a clause has been emitted under this frame
}

// builder turns a stream of headings, paragraphs, list items and table rows
// into clauses with heading paths. Extract and ExtractText share it so that
// HTML and text pages follow the same rules.
type builder struct {
	stack   []frame
	clauses []terms.Clause
	title   string
	// count is the number of clauses the page makes and text the bytes of
	// their text; past MaxClauses or MaxText clauses are counted but not
	// kept (read fails with ErrTooLarge).
	count, text int
}

// MaxClauses is the most clauses a page may make (20,000: the longest real
// terms pages make under a thousand). A page that makes more is not read
// (ErrTooLarge): it is not a terms page, and reading and comparing it
// would hold up the run.
const MaxClauses = 20_000

// MaxText is the most clause text a page may hold, in bytes (1 MiB: five
// times the text of the longest real terms page). Reading a page costs
// time in proportion to its text; past this, it is not read (ErrTooLarge).
const MaxText = 1 << 20

// maxPathDepth caps the heading path: list items nested deeper than that
// share their ancestors' path, so that a page of thousands of nested lists
// cannot make every clause carry thousands of path elements.
const maxPathDepth = 32

// path returns the current heading path plus extra elements.
func (b *builder) path(extra ...string) []string {
	p := make([]string, 0, len(b.stack)+len(extra))
	for _, f := range b.stack {
		p = append(p, f.text)
	}
	return append(p, extra...)
}

// emit appends a clause under the current path (plus extra elements).
func (b *builder) emit(kind, text string, extra ...string) {
	if text == "" {
		return
	}
	for i := range b.stack {
		b.stack[i].used = true
	}
	b.count++
	if b.text += len(text); b.count > MaxClauses || b.text > MaxText {
		return
	}
	b.clauses = append(b.clauses, terms.Clause{Path: b.path(extra...), Kind: kind, Text: text})
}

// truncate pops frames until n remain. A heading popped with nothing under it
// becomes a heading clause (its text is the heading's own text, so that no
// clause is empty and a heading that appears or vanishes is a change).
func (b *builder) truncate(n int) {
	for len(b.stack) > n {
		top := b.stack[len(b.stack)-1]
		if !top.used && top.kind != frameList {
			b.emit(terms.KindHeading, top.text)
		}
		b.stack = b.stack[:len(b.stack)-1]
	}
}

// heading starts a section at level (1 for h1). Any bold sub-heading ends,
// as do headings of the same or a deeper level; list lead-ins stop it.
func (b *builder) heading(level int, text string) {
	text = pathText(text)
	if text == "" {
		return
	}
	if level == 1 && b.title == "" {
		b.title = text
	}
	n := len(b.stack)
	for n > 0 {
		f := b.stack[n-1]
		if f.kind == frameList || f.kind == frameHeading && f.level < level {
			break
		}
		n--
	}
	b.truncate(n)
	b.stack = append(b.stack, frame{kind: frameHeading, level: level, text: text})
}

// boldHeading starts a sub-section named by a bold-only paragraph: one level
// below the current heading, until the next heading or bold paragraph.
func (b *builder) boldHeading(text string) {
	text = pathText(text)
	if text == "" {
		return
	}
	n := len(b.stack)
	if n > 0 && b.stack[n-1].kind == frameBold {
		n--
	}
	b.truncate(n)
	level := 1
	if n > 0 {
		level = b.stack[n-1].level + 1
	}
	b.stack = append(b.stack, frame{kind: frameBold, level: level, text: text})
}

// closeSibling ends a numbered bold sub-heading when a lead-in is numbered
// as its sibling rather than its child: after "I.3. Suspension" (bold only)
// and its "I.3.a." paragraphs, the lead-in "I.4. Effect of Termination."
// starts a new sub-section of the heading, not one of I.3.
func (b *builder) closeSibling(lead string) {
	n := len(b.stack)
	if n == 0 || b.stack[n-1].kind != frameBold {
		return
	}
	top := numberOf(b.stack[n-1].text)
	cur := numberOf(lead)
	if len(top) == 0 || len(cur) != len(top) {
		return
	}
	if digits(top[len(top)-1]) == digits(cur[len(cur)-1]) {
		b.truncate(n - 1)
	}
}

// numberOf returns the segments of the section number s starts with:
// "I.3.a. Foo" gives [I 3 a], "(b) Foo" gives [b], "Foo" gives none.
func numberOf(s string) []string {
	first, _, _ := strings.Cut(s, " ")
	if !terms.IsSectionNumber(first) {
		return nil
	}
	return strings.FieldsFunc(first, func(r rune) bool { return r == '.' || r == '(' || r == ')' })
}

// digits reports whether s is made of digits only.
func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// pushList adds a list item's label to the path of its nested items and
// returns the depth to restore with popList.
func (b *builder) pushList(label string) int {
	n := len(b.stack)
	if label = pathText(label); label != "" && n < maxPathDepth {
		level := 1
		if n > 0 {
			level = b.stack[n-1].level
		}
		b.stack = append(b.stack, frame{kind: frameList, level: level, text: label, used: true})
	}
	return n
}

// popList restores the path saved by pushList.
func (b *builder) popList(n int) { b.truncate(n) }

// tooMany is the error of a page that made more than MaxClauses clauses
// or MaxText bytes of text, counted once every heading is closed; nil
// otherwise.
func (b *builder) tooMany() error {
	b.truncate(0)
	switch {
	case b.count > MaxClauses:
		return fmt.Errorf("%d clauses, more than the %d a page may make: %w", b.count, MaxClauses, ErrTooLarge)
	case b.text > MaxText:
		return fmt.Errorf("%d bytes of text, more than the %d a page may hold: %w", b.text, MaxText, ErrTooLarge)
	}
	return nil
}

// finish closes every open heading and returns the document.
func (b *builder) finish() terms.Document {
	b.truncate(0)
	return terms.Document{Title: b.title, Clauses: b.clauses}
}

// run is a piece of inline text, bold or not.
type run struct {
	text string
	bold bool
	gap  bool // boundary between two adjacent inline elements, no text
}

// paragraph emits a paragraph made of runs, applying the lead-in rules:
//
//   - bold text only, short and heading-like: a sub-heading (boldHeading);
//   - bold lead-in ending in "." or ":" (optionally after a section number
//     such as "A.1."): a clause whose path ends with the lead-in and whose
//     text is the rest of the paragraph;
//   - anything else: a clause with the whole text.
func (b *builder) paragraph(kind string, runs []run) {
	full := joinRuns(runs)
	if full == "" {
		return
	}
	lead, rest, boldOnly := leadIn(runs)
	switch {
	case boldOnly && kind == terms.KindParagraph && headingLike(lead, maxSubHeading):
		b.boldHeading(lead)
	case !boldOnly && lead != "" && kind == terms.KindParagraph:
		b.closeSibling(lead)
		b.emit(kind, rest, pathText(lead))
	default:
		b.emit(kind, full)
	}
}

// joinRuns concatenates and normalizes runs. A gap between two adjacent
// elements becomes a space when it falls between a letter or digit and a
// capital letter or digit ("2025" + "Previous version"), the mark of two
// separate labels; otherwise the elements join as one word ("Claude" +
// ".ai", "Privacy Policy" + ".").
func joinRuns(runs []run) string {
	var sb strings.Builder
	var next []rune // next[i]: the first rune of the first text after runs[i], once a gap needs it
	for i, r := range runs {
		if !r.gap {
			sb.WriteString(r.text)
			continue
		}
		if next == nil {
			next = nextRunes(runs)
		}
		before, _ := utf8.DecodeLastRuneInString(sb.String())
		after := next[i]
		if (unicode.IsLetter(before) || unicode.IsDigit(before)) && (unicode.IsUpper(after) || unicode.IsDigit(after)) {
			sb.WriteByte(' ')
		}
	}
	return Normalize(sb.String())
}

// nextRunes returns, for each run, the first rune of the first non-empty
// text after it (0 for none), in one pass from the end: a paragraph of many
// adjacent empty elements costs linear time.
func nextRunes(runs []run) []rune {
	out := make([]rune, len(runs))
	var r rune
	for i := len(runs) - 1; i >= 0; i-- {
		out[i] = r
		if runs[i].text != "" {
			r, _ = utf8.DecodeRuneInString(runs[i].text)
		}
	}
	return out
}

// maxHeading is the longest text (in runes) taken for a lead-in;
// maxSubHeading for a bold-only paragraph taken as a sub-heading (longer
// bold paragraphs are notices: "Please note: …").
const (
	maxHeading    = 120
	maxSubHeading = 80
)

// leadIn splits runs into a bold lead-in and the rest. boldOnly reports a
// paragraph whose whole text is bold (lead is then that text, possibly with
// a section number before it). lead is empty when the paragraph has no
// usable lead-in: it does not start with bold text, the bold text does not
// end with "." or ":" (nor does the rest start with one), or it is not
// heading-like.
func leadIn(runs []run) (lead, rest string, boldOnly bool) {
	i := skipBlankRuns(runs, 0)
	if i == len(runs) {
		return "", "", false
	}
	number := ""
	if !runs[i].bold {
		var ok bool
		if number, i, ok = numberBeforeBold(runs, i); !ok {
			return "", "", false
		}
	}
	text, j := boldText(runs, i)
	bold := Normalize(text)
	if number != "" {
		bold = number + " " + bold
	}
	rest = joinRuns(runs[j:])
	if rest == "" {
		return bold, "", true
	}
	return punctuatedLeadIn(bold, rest)
}

// skipBlankRuns returns the index of the first run from i on that is not
// blank, or len(runs).
func skipBlankRuns(runs []run, i int) int {
	for i < len(runs) && isBlank(runs[i].text) {
		i++
	}
	return i
}

// numberBeforeBold reads a section number at runs[i] followed, past any
// blank runs, by a bold run: "A.1. <b>Overview.</b>". It returns the
// number and the index of that bold run; ok is false when runs[i] is not a
// section number or no bold run follows it.
func numberBeforeBold(runs []run, i int) (number string, bold int, ok bool) {
	n := Normalize(runs[i].text)
	if !terms.IsSectionNumber(n) {
		return "", i, false
	}
	i = skipBlankRuns(runs, i+1)
	if i == len(runs) || !runs[i].bold {
		return "", i, false
	}
	return n, i, true
}

// boldText joins the bold runs from runs[i] on, with the blank non-bold
// runs between two of them, and returns the index of the first run after
// them.
func boldText(runs []run, i int) (string, int) {
	var sb strings.Builder
	j := i
	for j < len(runs) {
		if runs[j].bold {
			sb.WriteString(runs[j].text)
			j++
			continue
		}
		// Blank non-bold text between two bold runs belongs to the lead-in.
		k := j
		for k < len(runs) && !runs[k].bold && isBlank(runs[k].text) {
			k++
		}
		if k < len(runs) && runs[k].bold && k > j {
			for ; j < k; j++ {
				sb.WriteString(runs[j].text)
			}
			continue
		}
		break
	}
	return sb.String(), j
}

// punctuatedLeadIn is leadIn of the bold text bold followed by the
// non-empty text rest: a lead-in when bold ends with "." or ":" or rest
// starts with one, and bold is heading-like.
func punctuatedLeadIn(bold, rest string) (lead, text string, boldOnly bool) {
	switch {
	case strings.HasSuffix(bold, ".") || strings.HasSuffix(bold, ":"):
	case strings.HasPrefix(rest, ".") || strings.HasPrefix(rest, ":"):
		rest = strings.TrimSpace(rest[1:])
		if rest == "" { // "<b>Heading</b>:" alone
			return bold, "", true
		}
	default:
		return "", "", false
	}
	if rest == "" || !headingLike(bold, maxHeading) {
		return "", "", false
	}
	return bold, rest, false
}

// headingLike reports whether s reads as a heading rather than as prose: no
// longer than max runes and one phrase (no sentence break inside it once a
// leading section number is set aside; "Governing Law; Venue" is one).
func headingLike(s string, max int) bool {
	s = strings.TrimSpace(s)
	if s == "" || utf8.RuneCountInString(s) > max {
		return false
	}
	body := terms.StripSectionNumber(strings.TrimRight(s, ".:"))
	for i := 0; i+1 < len(body); i++ {
		switch body[i] {
		case '.', '!', '?':
			if body[i+1] == ' ' && !abbreviation(body[:i]) {
				return false
			}
		}
	}
	return true
}

// abbreviation reports whether the text before a "." ends in a short
// abbreviation ("e.g", "U.S", "Inc", "No") rather than a sentence.
func abbreviation(before string) bool {
	w := before[strings.LastIndexByte(before, ' ')+1:]
	if strings.Contains(w, ".") {
		return true // e.g, i.e, U.S
	}
	switch strings.ToLower(w) {
	case "inc", "ltd", "co", "no", "vs", "etc", "corp", "llc", "st":
		return true
	}
	return false
}

// pathText is the form a heading or lead-in takes in a path: normalized,
// without trailing "." or ":" (the number of a numbered heading stays).
func pathText(s string) string {
	s = Normalize(s)
	t := strings.TrimRight(s, ".: ")
	if t == "" || strings.HasSuffix(s, "...") {
		return s
	}
	return t
}

// label is what a list item contributes to the path of its nested items: its
// bold lead-in, or else its text up to about 80 characters, cut at a word.
func label(runs []run, text string) string {
	if lead, _, boldOnly := leadIn(runs); lead != "" && (!boldOnly || headingLike(lead, maxHeading)) {
		return lead
	}
	const max = 80
	if utf8.RuneCountInString(text) <= max {
		return text
	}
	cut := 0
	for i := range text {
		if utf8.RuneCountInString(text[:i]) > max {
			break
		}
		if text[i] == ' ' {
			cut = i
		}
	}
	if cut == 0 {
		cut = len(string([]rune(text)[:max]))
	}
	return strings.TrimSpace(text[:cut])
}

// formatRow renders a table row: "Header: cell; Header: cell" with the
// column headers, or "first: rest" for a row whose first cell is a row
// header, or the cells joined with "; ". Empty cells are left out.
func formatRow(headers, cells []string, rowHeader bool) string {
	var parts []string
	if len(headers) == 0 && rowHeader && len(cells) > 1 && cells[0] != "" {
		var rest []string
		for _, c := range cells[1:] {
			if c != "" {
				rest = append(rest, c)
			}
		}
		if len(rest) > 0 {
			return cells[0] + ": " + strings.Join(rest, "; ")
		}
	}
	for i, c := range cells {
		if c == "" {
			continue
		}
		if i < len(headers) && headers[i] != "" {
			c = headers[i] + ": " + c
		}
		parts = append(parts, c)
	}
	return strings.Join(parts, "; ")
}

// joinPieces joins the block-level pieces of one cell or list item: after a
// piece ending in punctuation with a space, otherwise with "; " so that list
// items inside a cell stay apart.
func joinPieces(pieces []string) string {
	var sb strings.Builder
	last := ""
	for _, p := range pieces {
		if p == "" {
			continue
		}
		if last != "" {
			if strings.ContainsAny(last[len(last)-1:], ".:;,!?") {
				sb.WriteByte(' ')
			} else {
				sb.WriteString("; ")
			}
		}
		sb.WriteString(p)
		last = p
	}
	return sb.String()
}
