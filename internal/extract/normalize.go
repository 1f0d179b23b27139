package extract

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Normalize returns s in the canonical form every clause text and heading
// takes, so that typography a vendor's editor or build tool changes without
// changing the meaning never makes a new version:
//
//   - composed Unicode (NFC);
//   - curly single and double quotes become ' and ";
//   - every dash and hyphen variant (‐ ‑ ‒ – — ― −) becomes "-";
//   - invisible characters are removed: zero-width space, non-joiner and
//     joiner, word joiner, byte-order mark, soft hyphen, direction marks and
//     other control characters;
//   - every kind of white space (NBSP, narrow NBSP, ideographic space, tabs,
//     line breaks) becomes a space, runs of spaces collapse to one, and the
//     result is trimmed.
func Normalize(s string) string {
	if plain(s) {
		return s
	}
	if !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false // a space is pending (written before the next visible rune)
	for _, r := range s {
		if r > ' ' && r < 0x7f { // printable ASCII: the common case
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteByte(byte(r))
			continue
		}
		switch {
		case isInvisible(r):
			continue
		case isSpace(r):
			space = b.Len() > 0
			continue
		case unicode.IsControl(r):
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(mapRune(r))
	}
	return b.String()
}

// plain reports whether s is already normal: printable ASCII with single
// inner spaces and no space at either end.
func plain(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < ' ' || c >= 0x7f || c == ' ' && s[i+1] == ' ' {
			return false
		}
	}
	return true
}

// isSpace reports whether r is white space of any kind.
func isSpace(r rune) bool {
	return r == ' ' || unicode.IsSpace(r) || unicode.Is(unicode.Zs, r)
}

// isBlank reports whether s holds nothing visible once normalized.
func isBlank(s string) bool {
	for _, r := range s {
		if !isSpace(r) && !isInvisible(r) && !unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// isInvisible reports whether r renders as nothing and must not take part in
// the text: zero-width characters, the soft hyphen, direction marks.
func isInvisible(r rune) bool {
	switch r {
	case '\u00AD', // soft hyphen
		'\u180E',                     // Mongolian vowel separator
		'\u200B', '\u200C', '\u200D', // zero-width space, non-joiner, joiner
		'\u200E', '\u200F', // left-to-right and right-to-left marks
		'\u2060', '\u2061', '\u2062', '\u2063', // word joiner, invisible operators
		'\u2064', '\uFEFF': // invisible plus, byte-order mark
		return true
	}
	return r >= '\u202A' && r <= '\u202E' || r >= '\u2066' && r <= '\u2069' // bidi embeddings and isolates
}

// mapRune folds typographic variants onto their plain ASCII form.
func mapRune(r rune) rune {
	switch r {
	case '\u2018', '\u2019', '\u201A', '\u201B': // ‘ ’ ‚ ‛
		return '\''
	case '\u201C', '\u201D', '\u201E', '\u201F': // “ ” „ ‟
		return '"'
	case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '\uFE58', '\uFE63', '\uFF0D':
		return '-'
	}
	return r
}
