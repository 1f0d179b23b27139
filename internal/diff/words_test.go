package diff

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// checkRebuild asserts that segs turn a into b: Equal+Delete give a,
// Equal+Insert give b, no segment is empty and no two neighbours share an
// operation.
func checkRebuild(t *testing.T, a, b string, segs []Segment) {
	t.Helper()
	var ga, gb strings.Builder
	for k, s := range segs {
		if s.Text == "" {
			t.Errorf("segment %d is empty", k)
		}
		if k > 0 && segs[k-1].Op == s.Op {
			t.Errorf("segments %d and %d share op %v", k-1, k, s.Op)
		}
		if k > 0 && segs[k-1].Op == Insert && s.Op == Delete {
			t.Errorf("segment %d: insert before delete", k)
		}
		if s.Op != Insert {
			ga.WriteString(s.Text)
		}
		if s.Op != Delete {
			gb.WriteString(s.Text)
		}
	}
	if ga.String() != a {
		t.Errorf("before text not rebuilt:\n got %q\nwant %q", ga.String(), a)
	}
	if gb.String() != b {
		t.Errorf("after text not rebuilt:\n got %q\nwant %q", gb.String(), b)
	}
}

func TestWords(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want []Segment
	}{
		{"both empty", "", "", nil},
		{"identical", "Same words.", "Same words.", []Segment{{Equal, "Same words."}}},
		{"from empty", "", "New text.", []Segment{{Insert, "New text."}}},
		{"to empty", "Old text.", "", []Segment{{Delete, "Old text."}}},
		{
			"one number",
			"Logs are kept for 30 days.", "Logs are kept for 29 days.",
			[]Segment{{Equal, "Logs are kept for "}, {Delete, "30"}, {Insert, "29"}, {Equal, " days."}},
		},
		{
			"whole word, not letters",
			"The color is red.", "The colour is red.",
			[]Segment{{Equal, "The "}, {Delete, "color"}, {Insert, "colour"}, {Equal, " is red."}},
		},
		{
			"hyphenated word is one unit",
			"Training is opt-in for all users.", "Training is opt-out for all users.",
			[]Segment{{Equal, "Training is "}, {Delete, "opt-in"}, {Insert, "opt-out"}, {Equal, " for all users."}},
		},
		{
			"phrase replaced",
			"We may use your chats to improve models.", "We will never use your chats to improve models.",
			[]Segment{{Equal, "We "}, {Delete, "may"}, {Insert, "will never"}, {Equal, " use your chats to improve models."}},
		},
		{
			"words inserted",
			"We delete data.", "We delete data within 30 days.",
			[]Segment{{Equal, "We delete data"}, {Insert, " within 30 days"}, {Equal, "."}},
		},
		{
			"decimal number is one unit",
			"Fees rise by 1.5 percent.", "Fees rise by 2.5 percent.",
			[]Segment{{Equal, "Fees rise by "}, {Delete, "1.5"}, {Insert, "2.5"}, {Equal, " percent."}},
		},
		{
			"non-latin words",
			"Daten werden 30 Tage gespeichert.", "Daten werden 90 Tage gespeichert.",
			[]Segment{{Equal, "Daten werden "}, {Delete, "30"}, {Insert, "90"}, {Equal, " Tage gespeichert."}},
		},
		{
			"total rewrite is one delete and one insert",
			"Alpha beta gamma.", "Delta epsilon zeta!",
			[]Segment{{Delete, "Alpha beta gamma."}, {Insert, "Delta epsilon zeta!"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Words(tt.a, tt.b)
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("Words(%q, %q) (-want +got):\n%s", tt.a, tt.b, d)
			}
			checkRebuild(t, tt.a, tt.b, got)
		})
	}
}

func TestWordsRebuild(t *testing.T) {
	tests := []struct {
		name string
		a, b string
	}{
		{"punctuation churn", "a, b; c: (d) [e] — f…", "a; b, c (d): e — f."},
		{"whitespace only", "one  two\tthree", "one two three"},
		{"emoji and marks", "café 👍 naïve", "cafe 👍👍 naive"},
		{"invalid utf-8", "ok \xff\xfe bytes", "ok \xfe bytes"},
		{"repeated tokens", "the the the the", "the the"},
		{"html-like text", "<b>bold</b> & more", "<i>bold</i> &amp; more"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkRebuild(t, tt.a, tt.b, Words(tt.a, tt.b))
			checkRebuild(t, tt.b, tt.a, Words(tt.b, tt.a))
		})
	}
}

// TestWordsCoarse covers the fallback for texts past maxWordTokens.
func TestWordsCoarse(t *testing.T) {
	long := strings.Repeat("word ", maxWordTokens/2)
	a := "Start " + long + "old end."
	b := "Start " + long + "new end."
	got := Words(a, b)
	checkRebuild(t, a, b, got)
	want := []Segment{{Equal, "Start " + long}, {Delete, "old"}, {Insert, "new"}, {Equal, " end."}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestTokenize(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"opt-out", []string{"opt-out"}},
		{"don't stop", []string{"don't", " ", "stop"}},
		{"don’t", []string{"don’t"}},
		{"10,000 users", []string{"10,000", " ", "users"}},
		{"version 1.5.", []string{"version", " ", "1.5", "."}},
		{"end.Next", []string{"end", ".", "Next"}},
		{"a -b", []string{"a", " ", "-", "b"}},
		{"trailing-", []string{"trailing", "-"}},
		{"x  \n y", []string{"x", "  \n ", "y"}},
		{"(30)", []string{"(", "30", ")"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := tokenize(tt.in)
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("tokenize(%q) (-want +got):\n%s", tt.in, d)
			}
		})
	}
}

func TestIDRuneValid(t *testing.T) {
	seen := make(map[rune]bool)
	for _, n := range []int{0, 1, 0xD7FE, 0xD7FF, 0xD800, 0xDFFF, 0xE000, 200000} {
		r := idRune(n)
		if !utf8.ValidRune(r) || r == 0 {
			t.Errorf("idRune(%d) = %U, not a valid non-zero rune", n, r)
		}
		if seen[r] {
			t.Errorf("idRune(%d) = %U collides", n, r)
		}
		seen[r] = true
	}
}

func TestSimilarity(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want float64
	}{
		{"identical", "We keep data.", "We keep data.", 1},
		{"both empty", "", "", 1},
		{"one empty", "", "words", 0},
		{"only punctuation, different", "...", "!!!", 0},
		{"disjoint", "alpha beta", "gamma delta", 0},
		{"case and punctuation ignored", "We KEEP data!", "we keep, data", 1},
		{"half shared", "a b c", "b c d", 0.5},
		{"repeats do not count", "a a a b", "a b", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Similarity(tt.a, tt.b); got != tt.want {
				t.Errorf("Similarity(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
			if got := Similarity(tt.b, tt.a); got != tt.want {
				t.Errorf("Similarity(%q, %q) = %v, want %v (symmetry)", tt.b, tt.a, got, tt.want)
			}
		})
	}
}
