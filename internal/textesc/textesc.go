// Package textesc is the one place that makes untrusted text (page text,
// headings, clause paths, anything a vendor's page or a stored snapshot
// supplies) safe to show: in a terminal, in markdown and in HTML. Every
// renderer of clausewatch uses these functions rather than its own copy, so
// a fix to what is escaped reaches every output at once.
//
// textesc imports nothing of clausewatch and does no I/O: any package may
// use it.
package textesc

import (
	"html"
	"strings"
	"unicode"
)

// Terminal replaces the control characters of s so that it cannot move the
// cursor, recolor or retitle a terminal: line breaks and tabs become a
// space, every other control character (ESC among them) U+FFFD.
func Terminal(s string) string {
	if strings.IndexFunc(s, unicode.IsControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case unicode.IsControl(r):
			return unicode.ReplacementChar
		}
		return r
	}, s)
}

// HTML escapes s for HTML text and quoted attribute values (<, >, &, ' and
// "), its control characters first replaced as Terminal does.
func HTML(s string) string { return html.EscapeString(Terminal(s)) }

// markdownSpecial are the characters Markdown escapes anywhere in s.
const markdownSpecial = "\\`*_[]<>|~&#"

// Markdown backslash-escapes the markdown punctuation of s (emphasis,
// code, links, HTML tags, entities, table pipes, headings), folds line
// breaks into spaces and replaces other control characters as Terminal
// does, so that s renders as itself inside one line of markdown, a table
// cell included. What markdown reads as a block marker at the start of a
// line ("-", "1.") is MarkdownLineStart's job.
func Markdown(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
		case unicode.IsControl(r):
			b.WriteRune(unicode.ReplacementChar)
		case strings.ContainsRune(markdownSpecial, r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// MarkdownLineStart escapes what markdown reads as a block marker when s
// starts a line: "-", "+", "=" and "1." or "1)". ("#", ">" and "*" are
// escaped by Markdown already.)
func MarkdownLineStart(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '-', '+', '=':
		return "\\" + s
	}
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	if n > 0 && n < len(s) && (s[n] == '.' || s[n] == ')') {
		return s[:n] + "\\" + s[n:]
	}
	return s
}
