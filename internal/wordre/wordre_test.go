package wordre

import (
	"math/rand/v2"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// patterns are shapes the readers' patterns take: case folding, word
// boundaries, alternations the parser factors, optional and repeated
// parts, classes, anchors, typographic quotes, a pattern that matches
// nothing and one that matches the empty text.
var patterns = []string{
	`(?i)\b(\d{1,5}(?:\.\d{1,2})?|one|two|an?)(?:\s*\((\d{1,5})\))?[\s-]*(calendar[\s-]+|business[\s-]+)?(days?|weeks?|months?|years?|yrs?|hours?|hrs?)\b(\s+and\s+a\s+half\b)?`,
	`(?i)\b(is|are|be|gets?)\s+(not|never)\s+(stored|retained|logged|kept)\b|\bnot (stored|retained)\b|\bno (logging|storage)\b|^\W*zero[- ]data[- ]retention\W*$`,
	`\bprocess\w*|\bprompts?\b|\bpro\b`,
	`\bsoc\s*-?\s*2,?\s*(?:\(?type\s*-?\s*(?:ii|2)\b)|\bsoc2\b`,
	`\bcustomer['‘’]s\b|\bit['‘’]s\b`,
	`(?i)\bKelvin\b|\bpass\b`,
	`(?i)ǅungla|σ`,
	`^(?:[-*+•>#|]+(?:\s+|$)|\d+\.(?:\s+|$))+`,
	`\s+`,
	`[^\x00-\x{10FFFF}]`,
	`(?:[^\x00-\x{10FFFF}])|\bnothing (?:at all|here)\b`,
	`a*`,
	`(?i)(;)|(,?\s*\b(?:but|however|whereas)\b,?)|([,:()])`,
	`\b(?:a|b)(?:c|d)(?:e|f)(?:g|h)(?:i|j)\b`,
	`x{2,4}y+z?`,
	`(?i)\bAES\b[^.;]{0,20}?\b256\b`,
	`\bdelet(?:e|es|ed|ing|ion)\b[^;.]{0,50}?\b(?:conversations?|chats?)\b`,
	`(?s)begin.*end`,
	`\bthe (last|past)\s*$`,
}

// texts are made of the patterns' own words, their case changed, with
// spaces, punctuation and other runes between: texts that match and texts
// that nearly do.
func texts(r *rand.Rand, pattern string, n int) []string {
	bits := strings.FieldsFunc(pattern, func(c rune) bool { return strings.ContainsRune(`\()|?*+[]{}^$:`, c) })
	bits = append(bits, " ", "  ", ",", ";", ".", "-", "2", "30", "ii", "K", "ſ", "’", "Σ", "ς", "\u212a", "\n", "x", "(aes)", "type")
	var out []string
	if re, err := syntax.Parse(pattern, syntax.Perl); err == nil {
		for range n / 2 {
			var b strings.Builder
			b.WriteString(bits[r.IntN(len(bits))])
			generate(r, &b, re.Simplify())
			b.WriteString(bits[r.IntN(len(bits))])
			out = append(out, b.String())
		}
	}
	for range n - len(out) {
		var b strings.Builder
		for range 1 + r.IntN(8) {
			w := bits[r.IntN(len(bits))]
			switch r.IntN(4) {
			case 0:
				w = strings.ToUpper(w)
			case 1:
				b.WriteString(" ")
			}
			b.WriteString(w)
		}
		out = append(out, b.String())
	}
	return out
}

// generate writes a text n may match (word boundaries and anchors aside),
// its letters in any case where n folds case.
func generate(r *rand.Rand, b *strings.Builder, n *syntax.Regexp) {
	some := func(min, max int) int {
		if max < 0 {
			max = min + 3
		}
		return min + r.IntN(max-min+1)
	}
	switch n.Op {
	case syntax.OpLiteral:
		for _, c := range n.Rune {
			if n.Flags&syntax.FoldCase != 0 && r.IntN(2) == 0 {
				c = unicode.SimpleFold(c)
			}
			b.WriteRune(c)
		}
	case syntax.OpCharClass:
		if len(n.Rune) > 0 {
			i := 2 * r.IntN(len(n.Rune)/2)
			lo, hi := n.Rune[i], min(n.Rune[i+1], n.Rune[i]+200)
			b.WriteRune(lo + rune(r.IntN(int(hi-lo)+1)))
		}
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteRune([]rune("a Z.é\u212a")[r.IntN(6)])
	case syntax.OpCapture:
		generate(r, b, n.Sub[0])
	case syntax.OpConcat:
		for _, s := range n.Sub {
			generate(r, b, s)
		}
	case syntax.OpAlternate:
		generate(r, b, n.Sub[r.IntN(len(n.Sub))])
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		lo, hi := n.Min, n.Max
		switch n.Op {
		case syntax.OpStar:
			lo, hi = 0, 3
		case syntax.OpPlus:
			lo, hi = 1, 3
		case syntax.OpQuest:
			lo, hi = 0, 1
		}
		for range some(lo, hi) {
			generate(r, b, n.Sub[0])
		}
	}
}

// TestMayNeverTurnsAwayAMatch checks, on many texts per pattern, that May
// is true wherever the standard regexp matches and that every method
// returns what the standard one does.
func TestMayNeverTurnsAwayAMatch(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, p := range patterns {
		std := regexp.MustCompile(p)
		re := MustCompile(p)
		matched, turned := 0, 0
		for _, s := range texts(r, p, 3000) {
			m := std.MatchString(s)
			if m && !re.May(s) {
				t.Fatalf("%q: May(%q) = false, but it matches (words %q)", p, s, re.t.Alts)
			}
			if m {
				matched++
			}
			if !re.May(s) {
				turned++
			}
			if got, want := re.FindAllStringSubmatchIndex(s, -1), std.FindAllStringSubmatchIndex(s, -1); !slices.EqualFunc(got, want, slices.Equal) {
				t.Fatalf("%q: FindAllStringSubmatchIndex(%q) = %v, want %v", p, s, got, want)
			}
			if got, want := re.ReplaceAllString(s, "<$0>"), std.ReplaceAllString(s, "<$0>"); got != want {
				t.Fatalf("%q: ReplaceAllString(%q) = %q, want %q", p, s, got, want)
			}
			if got, want := re.FindString(s), std.FindString(s); got != want {
				t.Fatalf("%q: FindString(%q) = %q, want %q", p, s, got, want)
			}
			// Every other method that turns texts away unsearched.
			if re.MatchString(s) != std.MatchString(s) ||
				!slices.Equal(re.FindStringIndex(s), std.FindStringIndex(s)) ||
				!slices.Equal(re.FindStringSubmatch(s), std.FindStringSubmatch(s)) ||
				!slices.Equal(re.FindStringSubmatchIndex(s), std.FindStringSubmatchIndex(s)) ||
				!slices.Equal(re.FindAllString(s, -1), std.FindAllString(s, -1)) ||
				!slices.EqualFunc(re.FindAllStringIndex(s, -1), std.FindAllStringIndex(s, -1), slices.Equal) ||
				!slices.EqualFunc(re.FindAllStringSubmatch(s, -1), std.FindAllStringSubmatch(s, -1), slices.Equal) ||
				!slices.Equal(re.Split(s, -1), std.Split(s, -1)) {
				t.Fatalf("%q: a method reads %q otherwise than regexp", p, s)
			}
		}
		t.Logf("%q: %d of 3000 texts match, %d turned away unsearched", p, matched, turned)
	}
}

// TestWords checks that the words found are the telling ones: texts
// without them are turned away, texts with them are searched.
func TestWords(t *testing.T) {
	tests := []struct {
		pattern   string
		away, may []string
	}{
		{`(?i)\b(\d+)\s+(days?|years?)\b`, []string{"within a week", "dayz are long"[5:]}, []string{"30 DAYS", "for 2 years"}},
		{`\bprocess\w*|\bprompts?\b`, []string{"a pro tip", "progress"}, []string{"processing", "your prompt"}},
		{`(?i)\bdo\s+not\s+(store|retain)\b`, []string{"we do store it", "not retained"}, []string{"we Do Not store"}},
		{`(?i)\bpass\b`, []string{"a pa ss"}, []string{"PAſS"}}, // the long s folds to s
		{`[^\x00-\x{10FFFF}]`, []string{"", "anything"}, nil},
		{`a*`, nil, []string{"", "b"}},
	}
	for _, tt := range tests {
		re := MustCompile(tt.pattern)
		for _, s := range tt.away {
			if re.May(s) {
				t.Errorf("%q: May(%q) = true, want it turned away (words %q)", tt.pattern, s, re.t.Alts)
			}
		}
		for _, s := range tt.may {
			if !re.May(s) {
				t.Errorf("%q: May(%q) = false, want true", tt.pattern, s)
			}
		}
	}
}

func TestCompileError(t *testing.T) {
	if _, err := Compile(`(unclosed`); err == nil || !strings.Contains(err.Error(), "missing closing )") {
		t.Errorf("Compile of a bad pattern: %v, want the regexp error", err)
	}
	defer func() {
		if recover() == nil {
			t.Error("MustCompile of a bad pattern did not panic")
		}
	}()
	MustCompile(`[z-a]`)
}

// FuzzMay checks May against the standard regexp on patterns and texts of
// the fuzzer's.
func FuzzMay(f *testing.F) {
	for _, p := range patterns {
		f.Add(p, "we do not store your prompts for 30 days; but SOC 2 Type II")
	}
	f.Fuzz(func(t *testing.T, p, s string) {
		std, err := regexp.Compile(p)
		if err != nil {
			return
		}
		if std.MatchString(s) && !MustCompile(p).May(s) {
			t.Fatalf("%q: May(%q) = false, but it matches", p, s)
		}
	})
}
