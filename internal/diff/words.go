package diff

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// SegOp is the operation of one word-diff segment.
type SegOp int

// Segment operations.
const (
	Equal  SegOp = iota // text present in both versions
	Insert              // text only in the after version
	Delete              // text only in the before version
)

// String returns "equal", "insert" or "delete".
func (o SegOp) String() string {
	switch o {
	case Equal:
		return "equal"
	case Insert:
		return "insert"
	case Delete:
		return "delete"
	}
	return "segop(" + strconv.Itoa(int(o)) + ")"
}

// MarshalText writes the operation as its word ("equal", "insert",
// "delete"), so that JSON shows words, not numbers.
func (o SegOp) MarshalText() ([]byte, error) {
	switch o {
	case Equal, Insert, Delete:
		return []byte(o.String()), nil
	}
	return nil, fmt.Errorf("diff: no word for segment operation %d", int(o))
}

// UnmarshalText reads what MarshalText writes.
func (o *SegOp) UnmarshalText(b []byte) error {
	for _, op := range []SegOp{Equal, Insert, Delete} {
		if string(b) == op.String() {
			*o = op
			return nil
		}
	}
	return fmt.Errorf("diff: unknown segment operation %q (want equal, insert or delete)", b)
}

// Segment is a run of text with one operation. Concatenating the Equal and
// Delete segments of a diff gives the before text; Equal and Insert, the
// after text.
type Segment struct {
	Op   SegOp  `json:"op"`
	Text string `json:"text"`
}

// maxWordTokens bounds the token count of a word diff. Above it, Words does
// not search for an alignment and reports the texts as one deletion and one
// insertion around their common prefix and suffix, so that a pathological
// clause (a whole page in one table cell) cannot stall a run.
const maxWordTokens = 20000

// maxPageWordWork bounds the word diffs of one alignment (Clauses): the
// sum, over the changed clauses, of the square of their token counts (a
// word diff costs up to that). Past it, the remaining changed clauses get
// the coarse diff of an oversized clause, so that a page of thousands of
// reworded clauses costs time linear in its length; a real version's
// changes stay far below it.
const maxPageWordWork = 4 * maxWordTokens * maxWordTokens

// Words diffs a and b at word granularity and returns the segments after
// semantic clean-up, adjacent segments of the same operation merged, and in
// each replaced run the deletion before the insertion. Words, runs of
// whitespace and single punctuation marks are the units: a change never
// splits a word. Words of identical texts is one Equal segment (none when
// both are empty). The result is deterministic: no time limit applies.
func Words(a, b string) []Segment {
	if a == b {
		if a == "" {
			return nil
		}
		return []Segment{{Op: Equal, Text: a}}
	}
	ta, tb := tokenize(a), tokenize(b)
	if len(ta)+len(tb) > maxWordTokens {
		return coarse(ta, tb)
	}
	return wordDiff(ta, tb)
}

// wordDiff is Words of two token lists that differ.
func wordDiff(ta, tb []string) []Segment {

	// The DiffLinesToChars trick with words as "lines": each distinct token
	// becomes one rune, the runes are diffed, and the result is mapped back.
	ids := make(map[string]rune, len(ta)+len(tb))
	var table []string
	encode := func(toks []string) []rune {
		rs := make([]rune, len(toks))
		for i, t := range toks {
			r, ok := ids[t]
			if !ok {
				r = idRune(len(table))
				ids[t] = r
				table = append(table, t)
			}
			rs[i] = r
		}
		return rs
	}
	ra, rb := encode(ta), encode(tb)

	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0 // deterministic: never fall back to a coarse diff on a slow machine
	diffs := dmp.DiffMainRunes(ra, rb, false)
	diffs = dmp.DiffCleanupSemantic(diffs)

	back := make(map[rune]string, len(table))
	for t, r := range ids {
		back[r] = t
	}
	segs := make([]Segment, 0, len(diffs))
	for _, d := range diffs {
		var sb strings.Builder
		for _, r := range d.Text {
			sb.WriteString(back[r])
		}
		var op SegOp
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			op = Insert
		case diffmatchpatch.DiffDelete:
			op = Delete
		default:
			op = Equal
		}
		segs = append(segs, Segment{Op: op, Text: sb.String()})
	}
	return normalize(segs)
}

// idRune maps a token number to a valid rune (skipping the surrogate range
// and 0), so that the rune strings survive conversion to Go strings inside
// diffmatchpatch.
func idRune(n int) rune {
	r := rune(n + 1)
	if r >= 0xD800 {
		r += 0x800
	}
	return r
}

// coarse is the fallback for oversized inputs: common prefix and suffix
// tokens are Equal, the middle is one Delete and one Insert.
func coarse(ta, tb []string) []Segment {
	p := 0
	for p < len(ta) && p < len(tb) && ta[p] == tb[p] {
		p++
	}
	s := 0
	for s < len(ta)-p && s < len(tb)-p && ta[len(ta)-1-s] == tb[len(tb)-1-s] {
		s++
	}
	return normalize([]Segment{
		{Equal, strings.Join(ta[:p], "")},
		{Delete, strings.Join(ta[p:len(ta)-s], "")},
		{Insert, strings.Join(tb[p:len(tb)-s], "")},
		{Equal, strings.Join(ta[len(ta)-s:], "")},
	})
}

// normalize drops empty segments, merges neighbours with the same operation
// and orders each run of edits between two Equal segments as one Delete
// followed by one Insert.
func normalize(segs []Segment) []Segment {
	var out []Segment
	var del, ins strings.Builder
	flush := func() {
		if del.Len() > 0 {
			out = append(out, Segment{Delete, del.String()})
			del.Reset()
		}
		if ins.Len() > 0 {
			out = append(out, Segment{Insert, ins.String()})
			ins.Reset()
		}
	}
	for _, s := range segs {
		if s.Text == "" {
			continue
		}
		switch s.Op {
		case Delete:
			del.WriteString(s.Text)
		case Insert:
			ins.WriteString(s.Text)
		default:
			flush()
			if n := len(out); n > 0 && out[n-1].Op == Equal {
				out[n-1].Text += s.Text
			} else {
				out = append(out, s)
			}
		}
	}
	flush()
	return out
}

// tokenize splits s into words, runs of whitespace and single other
// characters; their concatenation is s. A word is a run of letters, digits
// and marks, joined across one apostrophe, hyphen or underscore between
// letters or digits ("don't", "opt-out") and across one '.' or ',' between
// digits ("1.5", "10,000").
func tokenize(s string) []string {
	var toks []string
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		start := i
		switch {
		case isWordRune(r):
			i += n
			prevDigit := unicode.IsDigit(r)
			for i < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[i:])
				if isWordRune(r2) {
					prevDigit = unicode.IsDigit(r2)
					i += n2
					continue
				}
				next, n3 := utf8.DecodeRuneInString(s[i+n2:])
				if i+n2 < len(s) && n3 > 0 && joins(r2, prevDigit, next) {
					i += n2
					continue
				}
				break
			}
		case unicode.IsSpace(r):
			i += n
			for i < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[i:])
				if !unicode.IsSpace(r2) {
					break
				}
				i += n2
			}
		default:
			i += n
		}
		toks = append(toks, s[start:i])
	}
	return toks
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// joins reports whether sep, between a word rune (a digit when prevDigit)
// and next, keeps the word going.
func joins(sep rune, prevDigit bool, next rune) bool {
	switch sep {
	case '\'', '\u2019', '-', '\u2010', '\u2011', '_':
		return isWordRune(next)
	case '.', ',':
		return prevDigit && unicode.IsDigit(next)
	}
	return false
}

// wordSet returns the distinct lower-cased words of s (whitespace and
// punctuation ignored).
func wordSet(s string) map[string]struct{} {
	set := make(map[string]struct{})
	for _, t := range tokenize(s) {
		r, _ := utf8.DecodeRuneInString(t)
		if isWordRune(r) {
			set[strings.ToLower(t)] = struct{}{}
		}
	}
	return set
}

// Similarity is the Jaccard index of the word sets of a and b (words
// lower-cased, punctuation and whitespace ignored): 1 for the same words,
// 0 for no word in common. Identical strings are 1 even when they hold no
// word; two different strings without words are 0.
func Similarity(a, b string) float64 {
	if a == b {
		return 1
	}
	sa, sb := wordSet(a), wordSet(b)
	if len(sa) == 0 || len(sb) == 0 {
		return 0
	}
	if len(sa) > len(sb) {
		sa, sb = sb, sa
	}
	inter := 0
	for w := range sa {
		if _, ok := sb[w]; ok {
			inter++
		}
	}
	return float64(inter) / float64(len(sa)+len(sb)-inter)
}
