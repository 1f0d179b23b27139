package attr

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/terms"
)

func TestSentences(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"two sentences", "We keep data. You can delete it.", []string{"We keep data.", "You can delete it."}},
		{"abbreviations stay", "Plans (e.g. Team, Enterprise, etc.) are covered. See Sec. 4 for more.",
			[]string{"Plans (e.g. Team, Enterprise, etc.) are covered.", "See Sec. 4 for more."}},
		{"decimal and domain", "Version 1.5 is served from example.com. Done.", []string{"Version 1.5 is served from example.com.", "Done."}},
		{"lower-case after a dot does not split", "Data is kept ca. thirty days. Then removed.", []string{"Data is kept ca. thirty days.", "Then removed."}},
		{"line breaks split", "First line\nSecond line.", []string{"First line", "Second line."}},
		{"question and exclamation", "Is it stored? No! It is discarded.", []string{"Is it stored?", "No!", "It is discarded."}},
		{"closing quote stays with its sentence", `He said "stop." Then left.`, []string{`He said "stop."`, "Then left."}},
		{"initials", "Filed in the U.S. District Court. Next.", []string{"Filed in the U.S. District Court.", "Next."}},
		{"empty", "  \n ", nil},
		{"bullets dropped", "- First item.\n• Second item", []string{"First item.", "Second item"}},
		{"heading marker", "## Security\nWe use TLS 1.2.", []string{"Security", "We use TLS 1.2."}},
		{"table row opening", "| Zero retention | Nothing is kept. |", []string{"Zero retention | Nothing is kept. |"}},
		{"numbered item", "1. We sign BAAs. Ask sales.", []string{"We sign BAAs.", "Ask sales."}},
		{"markers only", "  \n - \n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sentencesIn(tt.text); !slices.Equal(got, tt.want) {
				t.Errorf("sentencesIn(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestFindDurations(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"30 days", "30", true},
		{"thirty (30) days", "30", true},
		{"five years", "1825", true},
		{"up to 2 years", "730", true},
		{"a 29-day window", "29", true},
		{"within 30 days of deletion", "30", true},
		{"twenty-nine days", "29", true},
		{"6 months", "180", true},
		{"two weeks", "14", true},
		{"48 hours", "2", true},
		{"25 hours", "2", true},
		{"one year", "365", true},
		{"a year", "365", true},
		{"90 calendar days", "90", true},
		{"ten business days", "10", true},
		{"first 2 years then 7 years", "730", true},
		{"forever", "", false},
		{"section 30", "", false},
		{"", "", false},
		{"0 days", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			ds := findDurations(tt.in)
			got, ok := "", len(ds) > 0
			if ok {
				got = strconv.Itoa(ds[0].days)
			}
			if got != tt.want || ok != tt.ok {
				t.Errorf("first of findDurations(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestNegated(t *testing.T) {
	tests := []struct {
		sentence, verb string
		want           bool
	}{
		{"We do not use your data to train models.", "use", true},
		{"We will never sell it.", "sell", true},
		{"We don't store prompts.", "store", true},
		{"We use your data, but not for ads.", "use", false},
		{"If you do not object, we use your chats.", "use", false},
		{"We not only store it but also share it.", "store", false},
		{"No customer data is used for training.", "used", true},
		{"We cannot and will not read it.", "read", true},
		{"We may use it.", "use", false},
	}
	for _, tt := range tests {
		t.Run(tt.sentence, func(t *testing.T) {
			at := strings.LastIndex(tt.sentence, tt.verb)
			if got := negated(tt.sentence, at); got != tt.want {
				t.Errorf("negated(%q, %q) = %v, want %v", tt.sentence, tt.verb, got, tt.want)
			}
		})
	}
	t.Run("offset out of range", func(t *testing.T) {
		if negated("not here", 99) || negated("not here", -1) {
			t.Error("out-of-range offset reported negated")
		}
	})
}

func TestSentencesOfLeadIn(t *testing.T) {
	cs := []terms.Clause{
		{Kind: terms.KindParagraph, Text: "Some intro. When you delete a chat it is:"},
		{Kind: terms.KindListItem, Text: "Hidden at once"},
		{Kind: terms.KindListItem, Text: "Erased later"},
		{Kind: terms.KindParagraph, Text: "Unrelated paragraph."},
	}
	var got []string
	for _, s := range sentencesOf(cs) {
		got = append(got, s.withLeadIn())
	}
	want := []string{"Some intro.", "When you delete a chat it is:", "When you delete a chat it is: Hidden at once",
		"When you delete a chat it is: Erased later", "Unrelated paragraph."}
	if !slices.Equal(got, want) {
		t.Errorf("sentencesOf = %q, want %q", got, want)
	}
}

func TestClauseBreaks(t *testing.T) {
	tests := []struct {
		name, in         string
		fragments, parts []string
		end              string
	}{
		{"contrast", "sso is included, but scim is not offered", []string{"sso is included", "scim is not offered"},
			[]string{"sso is included", " scim is not offered"}, "sso is included"},
		{"stop", "we keep logs; we delete chats", []string{"we keep logs", "we delete chats"},
			[]string{"we keep logs", " we delete chats"}, "we keep logs"},
		{"however with commas", "zdr applies, however, batch jobs are kept", []string{"zdr applies", "batch jobs are kept"},
			[]string{"zdr applies", " batch jobs are kept"}, "zdr applies"},
		{"coordination ends a clause but is no fragment", "kept for 30 days, and deleted chats go", []string{"kept for 30 days, and deleted chats go"},
			[]string{"kept for 30 days", " deleted chats go"}, "kept for 30 days"},
		{"comma and qualifier are parts only", "in foundry, where anthropic is the processor", []string{"in foundry, where anthropic is the processor"},
			[]string{"in foundry", " ", " anthropic is the processor"}, "in foundry, where anthropic is the processor"},
		{"brackets", "handled by anthropic (not microsoft)", []string{"handled by anthropic (not microsoft)"},
			[]string{"handled by anthropic ", "not microsoft", ""}, "handled by anthropic (not microsoft)"},
		{"no break", "we sign baas", []string{"we sign baas"}, []string{"we sign baas"}, "we sign baas"},
		{"a word holding but is no break", "a butler keeps it", []string{"a butler keeps it"}, []string{"a butler keeps it"}, "a butler keeps it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fragments(tt.in); !slices.Equal(got, tt.fragments) {
				t.Errorf("fragments = %q, want %q", got, tt.fragments)
			}
			if got := clauseParts(tt.in); !slices.Equal(got, tt.parts) {
				t.Errorf("clauseParts = %q, want %q", got, tt.parts)
			}
			if got := clauseEnd(tt.in); got != tt.end {
				t.Errorf("clauseEnd = %q, want %q", got, tt.end)
			}
		})
	}
}

func TestNormalizeSpellsOutContractions(t *testing.T) {
	for in, want := range map[string]string{
		"We Won’t train on it":                "we will not train on it",
		"You can't, we don't, they aren't":    "you cannot, we do not, they are not",
		"You're opted out; we'll delete it":   "you are opted out; we will delete it",
		"If you've turned it off":             "if you have turned it off",
		"Lumen's models; it's kept; you'd be": "lumen's models; it's kept; you'd be",
	} {
		if got := normalize(in); got != want {
			t.Errorf("normalize(%q) = %q, want %q", in, got, want)
		}
	}
}
