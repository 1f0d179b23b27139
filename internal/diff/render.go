package diff

import (
	"fmt"
	"io"
	"strings"

	"github.com/clausewatch/clausewatch/internal/terms"
	"github.com/clausewatch/clausewatch/internal/textesc"
)

// ANSI sequences of the colored text rendering.
const (
	ansiReset  = "\x1b[0m"
	ansiDelete = "\x1b[31;9m" // red, struck through
	ansiInsert = "\x1b[32;4m" // green, underlined
)

// opColor is the color of an operation label in colored text.
func opColor(op Op) string {
	switch op {
	case Added:
		return "\x1b[1;32m"
	case Removed:
		return "\x1b[1;31m"
	case Moved:
		return "\x1b[1;36m"
	}
	return "\x1b[1;33m"
}

// RenderText writes the changes of cs that are not Unchanged for a
// terminal, one block per change separated by blank lines:
//
//	changed: Terms > Materials
//	  We [-use-]{+train on+} your content.
//
// The first line is the operation and the heading path, with the old path
// "(was: …)" when it changed. The indented line is the clause text: for a
// Changed or Moved clause whose text changed, the word diff. Without color
// deletions are marked [-…-] and insertions {+…+}; with color they are red
// struck through and green underlined (ANSI escapes), and added and removed
// clauses are green and red. Control characters of the page text are
// replaced (by a space for line breaks and tabs, U+FFFD otherwise), so the
// output holds an ESC byte only when color is true. Nothing is written when
// every change is Unchanged. A write error is returned wrapped.
func RenderText(w io.Writer, cs []Change, color bool) error {
	var b strings.Builder
	for _, c := range cs {
		if c.Op == Unchanged {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		if color {
			b.WriteString(opColor(c.Op))
			b.WriteString(string(c.Op))
			b.WriteString(":" + ansiReset + " ")
		} else {
			b.WriteString(string(c.Op) + ": ")
		}
		b.WriteString(textesc.Terminal(headLine(c)))
		b.WriteString("\n  ")
		switch {
		case c.Words != nil:
			b.WriteString(RenderSegmentsText(c.Words, color))
		case c.Op == Added && color:
			b.WriteString(ansiInsert + textesc.Terminal(clauseText(c)) + ansiReset)
		case c.Op == Removed && color:
			b.WriteString(ansiDelete + textesc.Terminal(clauseText(c)) + ansiReset)
		default:
			b.WriteString(textesc.Terminal(clauseText(c)))
		}
		b.WriteByte('\n')
	}
	return writeString(w, "render text", b.String())
}

// RenderSegmentsText renders one word diff for a terminal: deletions as
// [-…-] and insertions as {+…+}, or with color as red struck-through and
// green underlined text. Control characters are replaced as in RenderText.
func RenderSegmentsText(segs []Segment, color bool) string {
	var b strings.Builder
	for _, s := range segs {
		t := textesc.Terminal(s.Text)
		switch {
		case s.Op == Equal:
			b.WriteString(t)
		case s.Op == Delete && color:
			b.WriteString(ansiDelete + t + ansiReset)
		case s.Op == Delete:
			b.WriteString("[-" + t + "-]")
		case s.Op == Insert && color:
			b.WriteString(ansiInsert + t + ansiReset)
		default:
			b.WriteString("{+" + t + "+}")
		}
	}
	return b.String()
}

// RenderMarkdown writes the changes of cs that are not Unchanged as
// markdown, one paragraph pair per change:
//
//	**changed** Terms \> Materials
//
//	We ~~use~~ **train on** your content.
//
// Page text (headings and clause text) is escaped so that it renders as
// the literal text it is: no emphasis, link, HTML tag, entity or list
// marker from the page survives, and control characters are replaced as in
// RenderText. Nothing is written when every change is
// Unchanged. A write error is returned wrapped.
func RenderMarkdown(w io.Writer, cs []Change) error {
	var b strings.Builder
	for _, c := range cs {
		if c.Op == Unchanged {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("**" + string(c.Op) + "** ")
		b.WriteString(textesc.Markdown(heading(c.After, c.Before)))
		if was := wasLine(c); was != "" {
			b.WriteString(" (was: " + textesc.Markdown(was) + ")")
		}
		b.WriteString("\n\n")
		if c.Words != nil {
			b.WriteString(RenderSegmentsMarkdown(c.Words))
		} else {
			b.WriteString(textesc.MarkdownLineStart(textesc.Markdown(clauseText(c))))
		}
		b.WriteByte('\n')
	}
	return writeString(w, "render markdown", b.String())
}

// RenderSegmentsMarkdown renders one word diff as markdown: deletions
// ~~struck~~, insertions **bold**, page text escaped. Whitespace at the
// edges of an edit is kept outside the markers, where markdown needs it,
// and a replacement reads "~~old~~ **new**" (a space between them).
func RenderSegmentsMarkdown(segs []Segment) string {
	var b strings.Builder
	for k, s := range segs {
		t := textesc.Markdown(s.Text)
		if s.Op == Equal {
			b.WriteString(t)
			continue
		}
		mark := "**"
		if s.Op == Delete {
			mark = "~~"
		}
		core := strings.TrimSpace(t)
		if core == "" {
			b.WriteString(t)
			continue
		}
		at := strings.Index(t, core)
		lead, trail := t[:at], t[at+len(core):]
		if s.Op == Insert && k > 0 && segs[k-1].Op == Delete && lead == "" &&
			!strings.HasSuffix(b.String(), " ") {
			lead = " " // "~~old~~ **new**" rather than "~~old~~**new**"
		}
		b.WriteString(lead + mark + core + mark + trail)
	}
	return textesc.MarkdownLineStart(b.String())
}

// RenderHTML writes the changes of cs that are not Unchanged as an HTML
// fragment, one element per change:
//
//	<div class="clause-change changed">
//	<p class="clause-head"><span class="op">changed</span> <span class="path">Terms &gt; Materials</span></p>
//	<p class="clause-text">We <del>use</del><ins>train on</ins> your content.</p>
//	</div>
//
// All page text is HTML-escaped (it is untrusted): no tag, attribute or
// entity of the page survives; control characters are replaced as in
// RenderText. An added clause's text is in <ins>, a
// removed one's in <del>. Nothing is written when every change is
// Unchanged. A write error is returned wrapped.
func RenderHTML(w io.Writer, cs []Change) error {
	var b strings.Builder
	for _, c := range cs {
		if c.Op == Unchanged {
			continue
		}
		b.WriteString(`<div class="clause-change ` + string(c.Op) + `">` + "\n")
		b.WriteString(`<p class="clause-head"><span class="op">` + string(c.Op) + `</span> <span class="path">`)
		b.WriteString(textesc.HTML(heading(c.After, c.Before)))
		b.WriteString(`</span>`)
		if was := wasLine(c); was != "" {
			b.WriteString(` <span class="was">(was: ` + textesc.HTML(was) + `)</span>`)
		}
		b.WriteString("</p>\n" + `<p class="clause-text">`)
		switch {
		case c.Words != nil:
			b.WriteString(RenderSegmentsHTML(c.Words))
		case c.Op == Added:
			b.WriteString("<ins>" + textesc.HTML(clauseText(c)) + "</ins>")
		case c.Op == Removed:
			b.WriteString("<del>" + textesc.HTML(clauseText(c)) + "</del>")
		default:
			b.WriteString(textesc.HTML(clauseText(c)))
		}
		b.WriteString("</p>\n</div>\n")
	}
	return writeString(w, "render html", b.String())
}

// RenderSegmentsHTML renders one word diff as HTML: deletions in <del>,
// insertions in <ins>, all text escaped as in RenderHTML.
func RenderSegmentsHTML(segs []Segment) string {
	var b strings.Builder
	for _, s := range segs {
		t := textesc.HTML(s.Text)
		switch s.Op {
		case Delete:
			b.WriteString("<del>" + t + "</del>")
		case Insert:
			b.WriteString("<ins>" + t + "</ins>")
		default:
			b.WriteString(t)
		}
	}
	return b.String()
}

// headLine is the heading path of a change with its old path when it
// changed, for the text rendering.
func headLine(c Change) string {
	s := heading(c.After, c.Before)
	if was := wasLine(c); was != "" {
		s += " (was: " + was + ")"
	}
	return s
}

// heading is the heading path of the first non-nil clause.
func heading(cs ...*terms.Clause) string {
	for _, c := range cs {
		if c != nil {
			if h := c.Heading(); h != "" {
				return h
			}
			return "(no heading)"
		}
	}
	return "(no heading)"
}

// wasLine describes what the before clause of a matched pair was, when its
// heading path or kind differs: the old path, and "kind → kind".
func wasLine(c Change) string {
	if c.Before == nil || c.After == nil {
		return ""
	}
	var parts []string
	if c.PathChanged() {
		parts = append(parts, heading(c.Before))
	}
	if c.Before.Kind != c.After.Kind {
		parts = append(parts, c.Before.Kind)
	}
	return strings.Join(parts, ", ")
}

// clauseText is the text shown for a change without a word diff.
func clauseText(c Change) string {
	if c.After != nil {
		return c.After.Text
	}
	if c.Before != nil {
		return c.Before.Text
	}
	return ""
}

// writeString writes s to w in one call; what names the renderer in the
// error.
func writeString(w io.Writer, what, s string) error {
	if s == "" {
		return nil
	}
	if _, err := io.WriteString(w, s); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// pageCSS styles a diff page: insertions green and underlined, deletions
// red and struck through (never colour alone), one block per clause.
const pageCSS = `body{font-family:system-ui,sans-serif;max-width:60em;margin:1.5em auto;padding:0 1em;line-height:1.45;color:#1d1d1f}
h1{font-size:1.3em}.summary{color:#555}
.clause-change{border-left:4px solid #999;padding:.2em .9em;margin:1em 0;background:#fafafa}
.clause-change.changed{border-color:#b58900}.clause-change.added{border-color:#2e7d32}.clause-change.removed{border-color:#c62828}.clause-change.moved{border-color:#1565c0}
.clause-head{margin:.3em 0;font-size:.92em}.op{font-weight:bold;text-transform:uppercase;font-size:.8em;letter-spacing:.04em}
.path{color:#333}.was{color:#666}
ins{background:#e6f4ea;color:#1b5e20;text-decoration:underline}del{background:#fdecea;color:#b71c1c;text-decoration:line-through}
@media print{.clause-change{break-inside:avoid;background:none}}`

// RenderHTMLPage writes cs as a whole HTML page that stands on its own
// (styles inline, nothing loaded from the network): a title, the summary
// line and RenderHTML's blocks.
func RenderHTMLPage(w io.Writer, title, summary string, cs []Change) error {
	head := "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
		"<title>" + textesc.HTML(title) + "</title><style>" + pageCSS + "</style></head><body>\n" +
		"<h1>" + textesc.HTML(title) + "</h1>\n<p class=\"summary\">" + textesc.HTML(summary) + "</p>\n"
	if err := writeString(w, "render html", head); err != nil {
		return err
	}
	if err := RenderHTML(w, cs); err != nil {
		return err
	}
	return writeString(w, "render html", "</body></html>\n")
}
