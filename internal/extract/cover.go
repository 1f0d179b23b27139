package extract

import (
	"fmt"
	"strings"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// MinCoverage is the share of the sentences of the page's version nearest
// in time that a document found without selectors must hold to be recorded
// as a version of that page.
const MinCoverage = 0.6

// Accept says whether x may be recorded as a version of its page, given
// prev, the page's version nearest in time (nil: none is recorded). A
// document read the declared way (a selector, the body, a text copy) always
// may. One found without selectors (MethodAuto) may only when it holds at
// least min of prev's sentences (Covers): an empty shell, a challenge or an
// error page, another page altogether, never do. Otherwise the error wraps
// ErrNoContent and says why.
func Accept(x Result, prev *terms.Document, min float64) error {
	if x.Method != MethodAuto {
		return nil
	}
	if prev == nil {
		return fmt.Errorf("%s; the content found without selectors has no recorded version to be checked against: %w", x.Unmatched, ErrNoContent)
	}
	if !Covers(*prev, x.Document, min) {
		return fmt.Errorf("%s; the content found without selectors holds %d%% of the sentences of the version nearest in time, want at least %d%%: %w",
			x.Unmatched, int(100*Coverage(*prev, x.Document)), int(100*min), ErrNoContent)
	}
	return nil
}

// Covers reports whether next holds at least min (a share, 0.6 for 60%) of
// the sentences of prev; never when prev has none.
func Covers(prev, next terms.Document, min float64) bool {
	return len(prev.Clauses) > 0 && Coverage(prev, next) >= min
}

// Coverage is the share of the distinct sentences of prev's normalized
// clause texts that are also sentences of next's, wherever they are: 1 when
// next holds them all, 0 when prev has none. Headings and paths do not
// count, so a page laid out anew with the same text covers its old self.
func Coverage(prev, next terms.Document) float64 {
	kept, of := Kept(prev, next)
	if of == 0 {
		return 0
	}
	return float64(kept) / float64(of)
}

// Kept counts what Coverage measures: of the distinct sentences of prev's
// normalized clause texts (of), how many are also sentences of next's
// (kept).
func Kept(prev, next terms.Document) (kept, of int) {
	have := map[string]bool{}
	for _, c := range next.Clauses {
		for _, s := range sentences(Normalize(c.Text)) {
			have[s] = true
		}
	}
	want := map[string]bool{}
	for _, c := range prev.Clauses {
		for _, s := range sentences(Normalize(c.Text)) {
			want[s] = true
		}
	}
	for s := range want {
		if have[s] {
			kept++
		}
	}
	return kept, len(want)
}

// sentences splits a normalized text after each ".", "!" or "?" followed by
// a space. Abbreviations split too, the same way on both sides of a
// comparison.
func sentences(text string) []string {
	var out []string
	start := 0
	for i := 0; i+1 < len(text); i++ {
		if (text[i] == '.' || text[i] == '!' || text[i] == '?') && text[i+1] == ' ' {
			out = append(out, text[start:i+1])
			start = i + 2
		}
	}
	if s := strings.TrimSpace(text[start:]); s != "" {
		out = append(out, s)
	}
	return out
}
