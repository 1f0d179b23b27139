package extract

import (
	"context"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// Patterns of the line-oriented text ExtractText reads.
var (
	mdHeading   = regexp.MustCompile(`^(#{1,6})\s+(.*?)\s*#*$`)
	mdRule      = regexp.MustCompile(`^(?:-{3,}|\*{3,}|_{3,}|={3,})$`)
	mdTag       = regexp.MustCompile(`^</?[A-Za-z][\w.-]*(?:\s[^>]*)?/?>$`)
	mdListItem  = regexp.MustCompile(`^(\s*)(?:[-*+•·▪◦]|\d{1,3}[.)])\s+(.*)$`)
	mdTableSep  = regexp.MustCompile(`^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?$`)
	mdImage     = regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)`)
	mdLink      = regexp.MustCompile(`\[([^\]]+)\]\([^)]*\)`)
	mdInlineTag = regexp.MustCompile(`</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>`)
	mdBoldLead  = regexp.MustCompile(`^(?:\*\*|__)(.+?)(?:\*\*|__)(.*)$`)
	skipLinks   = map[string]bool{"skip to main content": true, "skip to content": true}
	endSentence = ".,;:!"
)

// textBlock is one block of a text page before headings are decided.
type textBlock struct {
	kind   string // "heading", "para", "item", "row", "sep", "end"
	level  int    // heading level; list indent for items
	text   string
	single bool // a paragraph of one line (a heading candidate)
	first  bool // a table row that starts a table
}

// ExtractText reads a page held only as text (plain lines or markdown-ish
// text) into a Document with the same rules as Extract:
//
//   - "# heading" … "###### heading" are headings of that level; a short
//     single-line paragraph without closing punctuation that is followed by
//     more text is a heading too (text copies of pages keep headings only as
//     such lines), one level below the previous heading;
//   - "**Lead-in.** rest" is a bold lead-in, "**Heading**" alone a bold
//     sub-heading;
//   - "- item", "* item", "• item", "1. item" are list items; an indented
//     item adds its parent item's lead-in or leading text to its path;
//   - "| a | b |" lines are table rows; a first row followed by "|---|"
//     names the columns ("a: cell; b: cell");
//   - blank lines, or a new line that starts a new sentence, end a
//     paragraph; markdown links keep their text, images, horizontal rules,
//     lone markup tags and "Skip to main content" lines are dropped.
//
// Title is the first level-1 heading, or the first heading. A text with
// no clauses gives an empty Document; so does one of more than MaxClauses
// clauses or MaxText bytes of text (Page, which reads text pages, refuses
// it).
func ExtractText(text string) terms.Document {
	d, _ := extractText(context.Background(), text)
	return d
}

// extractText is ExtractText, stopping with ctx's error when ctx is done,
// and failing with ErrTooLarge past MaxClauses clauses or MaxText bytes.
func extractText(ctx context.Context, text string) (terms.Document, error) {
	blocks := textBlocks(text)
	r := &textReader{}
	for i, blk := range blocks {
		if i%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return terms.Document{}, err
			}
		}
		r.block(blk, blocks[i+1:])
	}
	r.popItems(-1)
	if err := r.b.tooMany(); err != nil {
		return terms.Document{}, err
	}
	d := r.b.finish()
	if d.Title == "" {
		d.Title = r.title
	}
	return d, nil
}

// textReader is ExtractText's state while it reads the blocks of a page.
type textReader struct {
	b        builder
	lastHeur int         // level of the last heuristic heading, 0 after an explicit one
	explicit int         // level of the last explicit heading
	prevHeur bool        // the previous block was a heuristic heading
	list     []listFrame // open list items, for nesting
	header   []string    // column headers of the current table
	rows     int         // rows seen in the current table
	title    string      // the first heading of any kind
}

// block reads one block; rest are the blocks after it.
func (r *textReader) block(blk textBlock, rest []textBlock) {
	if blk.kind != "item" {
		r.popItems(-1)
	}
	if blk.kind != "row" && blk.kind != "sep" || blk.first {
		r.header, r.rows = nil, 0
	}
	heur := false
	switch blk.kind {
	case "heading":
		r.heading(blk)
	case "para":
		heur = r.paragraph(blk, rest)
	case "item":
		r.item(blk)
	case "row":
		r.row(blk, rest)
	}
	r.prevHeur = heur
}

// popItems closes the open list items indented by indent or more.
func (r *textReader) popItems(indent int) {
	for len(r.list) > 0 && r.list[len(r.list)-1].indent >= indent {
		if top := r.list[len(r.list)-1]; top.pushed {
			r.b.popList(top.depth)
		}
		r.list = r.list[:len(r.list)-1]
	}
}

// heading reads an explicit ("#") heading.
func (r *textReader) heading(blk textBlock) {
	r.b.heading(blk.level, blk.text)
	r.explicit, r.lastHeur = blk.level, 0
	r.setTitle(blk.text)
}

// paragraph reads a paragraph, or a one-line paragraph that reads as a
// heading; it reports whether it was taken as a heading.
func (r *textReader) paragraph(blk textBlock, rest []textBlock) bool {
	runs := markdownRuns(blk.text)
	full := joinRuns(runs)
	if !plainHeading(blk, runs, full, rest) {
		r.b.paragraph(terms.KindParagraph, runs)
		return false
	}
	level := r.plainHeadingLevel()
	r.b.heading(level, full)
	r.lastHeur = level
	r.setTitle(full)
	return true
}

// plainHeading reports whether the paragraph blk (its runs and their text
// full) is a heuristic heading: one line, no bold lead-in, heading-like and
// followed by more text.
func plainHeading(blk textBlock, runs []run, full string, rest []textBlock) bool {
	lead, _, boldOnly := leadIn(runs)
	return blk.single && !boldOnly && lead == "" && textHeading(full) && followedByText(rest)
}

// plainHeadingLevel is the level of a heuristic heading: one below a
// heuristic heading right before it, else the level of the last heuristic
// heading, else one below the last explicit heading.
func (r *textReader) plainHeadingLevel() int {
	switch {
	case r.prevHeur:
		return r.lastHeur + 1
	case r.lastHeur > 0:
		return r.lastHeur
	}
	return r.explicit + 1
}

// setTitle keeps the first heading's text as the fallback title.
func (r *textReader) setTitle(heading string) {
	if r.title == "" {
		r.title = pathText(heading)
	}
}

// item reads a list item: its parent item's label goes on the path of
// its nested items.
func (r *textReader) item(blk textBlock) {
	runs := markdownRuns(blk.text)
	full := joinRuns(runs)
	r.popItems(blk.level)
	if len(r.list) > 0 && !r.list[len(r.list)-1].pushed {
		top := &r.list[len(r.list)-1]
		top.depth = r.b.pushList(top.label)
		top.pushed = true
	}
	r.b.emit(terms.KindListItem, full)
	r.list = append(r.list, listFrame{indent: blk.level, label: label(runs, full)})
}

// row reads a table row; rest are the blocks after it.
func (r *textReader) row(blk textBlock, rest []textBlock) {
	cells := splitRow(blk.text)
	r.rows++
	if r.rows == 1 && len(rest) > 0 && rest[0].kind == "sep" {
		r.header = cells // a first row followed by a separator names the columns
		return
	}
	r.b.emit(terms.KindTableRow, formatRow(r.header, cells, false))
}

// listFrame is an open list item of a text page.
type listFrame struct {
	indent int
	label  string
	depth  int  // builder depth to restore once its nested items end
	pushed bool // its label is on the path
}

// textBlocks splits text into blocks: headings, paragraphs (consecutive
// lines joined while a line does not end a sentence and the next one starts
// in lower case), list items, table rows and table separators.
func textBlocks(text string) []textBlock {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var out []textBlock
	var para []string
	flush := func() {
		if len(para) > 0 {
			out = append(out, textBlock{kind: "para", text: strings.Join(para, " "), single: len(para) == 1})
			para = nil
		}
	}
	blank := false // the previous line was blank
	for _, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(line), ">"))
		wasBlank := blank
		blank = trimmed == ""
		switch {
		case trimmed == "":
			flush()
		case skipLinks[strings.ToLower(trimmed)]:
			flush()
		case mdTag.MatchString(trimmed) || mdRule.MatchString(trimmed) || strings.HasPrefix(trimmed, "```"):
			flush()
		case mdHeading.MatchString(trimmed):
			flush()
			m := mdHeading.FindStringSubmatch(trimmed)
			out = append(out, textBlock{kind: "heading", level: len(m[1]), text: m[2]})
		case strings.HasPrefix(trimmed, "|"):
			flush()
			inTable := len(out) > 0 && !wasBlank && (out[len(out)-1].kind == "row" || out[len(out)-1].kind == "sep")
			if mdTableSep.MatchString(trimmed) {
				out = append(out, textBlock{kind: "sep"})
			} else {
				out = append(out, textBlock{kind: "row", text: trimmed, first: !inTable})
			}
		case mdListItem.MatchString(line):
			flush()
			m := mdListItem.FindStringSubmatch(strings.ReplaceAll(line, "\t", "    "))
			out = append(out, textBlock{kind: "item", level: len(m[1]), text: m[2]})
		default:
			if len(para) > 0 && !continues(para[len(para)-1], trimmed) {
				flush()
			}
			para = append(para, trimmed)
		}
	}
	flush()
	return out
}

// continues reports whether next continues the paragraph whose last line is
// prev: prev does not end a sentence and next starts in lower case.
func continues(prev, next string) bool {
	last, _ := utf8.DecodeLastRuneInString(prev)
	first, _ := utf8.DecodeRuneInString(next)
	return !strings.ContainsRune(".!?:;", last) && unicode.IsLower(first)
}

// textHeading reports whether a one-line paragraph reads as a heading: short,
// starting with a capital or a digit, not ending like a sentence (a question
// mark is allowed: help-center titles are questions).
func textHeading(s string) bool {
	if !headingLike(s, 80) {
		return false
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	return (unicode.IsUpper(first) || unicode.IsDigit(first)) && !strings.ContainsRune(endSentence, last) &&
		!strings.Contains(s, "://")
}

// followedByText reports whether more content follows: a heading candidate
// at the very end of a text (often a cut-off excerpt) stays a paragraph.
func followedByText(rest []textBlock) bool {
	for _, b := range rest {
		if b.kind != "sep" {
			return true
		}
	}
	return false
}

// markdownRuns turns a markdown line into runs: a leading **bold** or
// __bold__ part is a bold run; links keep their text; images, inline HTML
// tags, emphasis markers and code backticks are dropped.
func markdownRuns(s string) []run {
	s = mdInlineTag.ReplaceAllString(s, "")
	s = mdImage.ReplaceAllString(s, "")
	s = mdLink.ReplaceAllString(s, "$1")
	s = strings.ReplaceAll(s, "`", "")
	var runs []run
	if m := mdBoldLead.FindStringSubmatch(s); m != nil {
		runs = append(runs, run{text: m[1], bold: true})
		s = m[2]
		if s != "" && s[0] != ' ' && s[0] != '.' && s[0] != ':' {
			s = " " + s
		}
	}
	s = strings.NewReplacer("**", "", "__", "").Replace(s)
	if s != "" {
		runs = append(runs, run{text: s})
	}
	return runs
}

// splitRow splits a "| a | b |" table line into normalized cells.
func splitRow(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimPrefix(line, "|")
	line = strings.TrimSuffix(line, "|")
	parts := strings.Split(line, "|")
	cells := make([]string, len(parts))
	for i, p := range parts {
		cells[i] = joinRuns(markdownRuns(p))
	}
	return cells
}
