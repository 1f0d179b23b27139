// Package wordre is the standard regexp with a cheap test before each
// search: a pattern is compiled together with the words every match of it
// holds (found from its syntax, see Words), and a text that lacks them is
// not searched. The results are the standard package's, always: the test
// only turns away texts in which the pattern cannot match.
//
// Its Regexp offers the standard methods the readers use, under the same
// names, so that a package may import it under the name regexp.
package wordre

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"
	"unicode/utf8"
)

// Regexp is a compiled pattern and the words its matches hold. It is safe
// for concurrent use, as the standard Regexp is.
type Regexp struct {
	re *regexp.Regexp
	// The words are found on first use, not when the pattern is compiled:
	// the readers' patterns are package variables, and a command that
	// reads no page should not pay for analysing them.
	once sync.Once
	t    Trigger
	fold bool // the pattern folds case somewhere: texts are folded before the test
}

// analyzed finds r's words once.
func (r *Regexp) analyzed() *Regexp {
	r.once.Do(func() { r.t, r.fold = triggerOf(r.re) })
	return r
}

// Compile parses a pattern as regexp.Compile does.
func Compile(expr string) (*Regexp, error) {
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, err
	}
	return &Regexp{re: re}, nil
}

// MustCompile is Compile that panics on a bad pattern, as
// regexp.MustCompile does.
func MustCompile(expr string) *Regexp {
	r, err := Compile(expr)
	if err != nil {
		panic(err)
	}
	return r
}

// QuoteMeta is regexp.QuoteMeta.
func QuoteMeta(s string) string { return regexp.QuoteMeta(s) }

// May reports whether r may match somewhere in s; false means it does not.
// Built with the tag wordreverify, it searches s all the same when it
// would report false, and panics if r matches: `go test -tags
// wordreverify` checks the words of every pattern on every text its tests
// search.
func (r *Regexp) May(s string) bool {
	r.analyzed()
	if r.t.Always {
		return true
	}
	g := s
	if r.fold {
		g = Fold(s)
	}
	ok := r.t.Holds(g)
	if verify && !ok && r.re.MatchString(s) {
		panic(fmt.Sprintf("wordre: %q matches %q, which lacks the words %q", r.re, s, r.t.Alts))
	}
	return ok
}

// Words is the condition r's matches meet (see Trigger), and whether its
// words are folded (Fold): a text may match only when it meets it.
func (r *Regexp) Words() (Trigger, bool) {
	r.analyzed()
	return r.t, r.fold
}

// String is the source text of the pattern.
func (r *Regexp) String() string { return r.re.String() }

func (r *Regexp) MatchString(s string) bool { return r.May(s) && r.re.MatchString(s) }

func (r *Regexp) FindString(s string) string {
	if !r.May(s) {
		return ""
	}
	return r.re.FindString(s)
}

func (r *Regexp) FindStringIndex(s string) []int {
	if !r.May(s) {
		return nil
	}
	return r.re.FindStringIndex(s)
}

func (r *Regexp) FindStringSubmatch(s string) []string {
	if !r.May(s) {
		return nil
	}
	return r.re.FindStringSubmatch(s)
}

func (r *Regexp) FindStringSubmatchIndex(s string) []int {
	if !r.May(s) {
		return nil
	}
	return r.re.FindStringSubmatchIndex(s)
}

func (r *Regexp) FindAllString(s string, n int) []string {
	if !r.May(s) {
		return nil
	}
	return r.re.FindAllString(s, n)
}

func (r *Regexp) FindAllStringIndex(s string, n int) [][]int {
	if !r.May(s) {
		return nil
	}
	return r.re.FindAllStringIndex(s, n)
}

func (r *Regexp) FindAllStringSubmatch(s string, n int) [][]string {
	if !r.May(s) {
		return nil
	}
	return r.re.FindAllStringSubmatch(s, n)
}

func (r *Regexp) FindAllStringSubmatchIndex(s string, n int) [][]int {
	if !r.May(s) {
		return nil
	}
	return r.re.FindAllStringSubmatchIndex(s, n)
}

// ReplaceAllString is regexp's: s itself when r does not match.
func (r *Regexp) ReplaceAllString(src, repl string) string {
	if !r.May(src) {
		return src
	}
	return r.re.ReplaceAllString(src, repl)
}

// Split is regexp's (searched always: its results on a text without a
// match depend on the text).
func (r *Regexp) Split(s string, n int) []string { return r.re.Split(s, n) }

// Trigger is a necessary condition for a text to hold a match: one of
// Alts holds in it, a list of sets each of which has a word in the text.
// Always is set when nothing is known.
type Trigger struct {
	Alts   [][][]string
	Always bool
}

// Holds reports whether text s meets t.
func (t Trigger) Holds(s string) bool {
	if t.Always {
		return true
	}
alts:
	for _, alt := range t.Alts {
		for _, set := range alt {
			found := false
			for _, w := range set {
				if strings.Contains(s, w) {
					found = true
					break
				}
			}
			if !found {
				continue alts
			}
		}
		return true
	}
	return false
}

// Fold is the form of s the words of a case-folding pattern are looked for
// in: every rune folded (see foldRune); s itself when that changes nothing.
func Fold(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			return strings.Map(foldRune, s)
		}
	}
	return s
}

// folds reports whether some part of n matches case-insensitively.
func folds(n *syntax.Regexp) bool {
	if n.Flags&syntax.FoldCase != 0 && (n.Op == syntax.OpLiteral || n.Op == syntax.OpCharClass) {
		return true
	}
	for _, s := range n.Sub {
		if folds(s) {
			return true
		}
	}
	return false
}
