package attr

import (
	"slices"
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sentences(tt.text); !slices.Equal(got, tt.want) {
				t.Errorf("Sentences(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestParseDuration(t *testing.T) {
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
			got, ok := ParseDuration(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("ParseDuration(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
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

func TestUnitsLeadIn(t *testing.T) {
	cs := []terms.Clause{
		{Kind: terms.KindParagraph, Text: "Some intro. When you delete a chat it is:"},
		{Kind: terms.KindListItem, Text: "Hidden at once"},
		{Kind: terms.KindListItem, Text: "Erased later"},
		{Kind: terms.KindParagraph, Text: "Unrelated paragraph."},
	}
	us := units(cs)
	var got []string
	for _, u := range us {
		got = append(got, u.withLeadIn())
	}
	want := []string{"Some intro.", "When you delete a chat it is:", "When you delete a chat it is: Hidden at once",
		"When you delete a chat it is: Erased later", "Unrelated paragraph."}
	if !slices.Equal(got, want) {
		t.Errorf("units = %q, want %q", got, want)
	}
}
