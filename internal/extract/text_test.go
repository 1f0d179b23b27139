package extract

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/clausewatch/clausewatch/internal/terms"
)

func TestExtractTextGolden(t *testing.T) {
	d := ExtractText(string(readFile(t, "retention.md")))
	golden(t, "retention.golden.json", d)
}

func TestExtractText(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []terms.Clause
	}{
		{
			name: "empty", in: "\n \n", want: nil,
		},
		{
			name: "markdown headings by level",
			in:   "# Terms\n\n## Data\n\nWe keep data.\n\n### Logs\n\nLogs go after a week.\n\n## Fees\n\nNo fees apply.\n",
			want: []terms.Clause{
				{Path: []string{"Terms", "Data"}, Kind: terms.KindParagraph, Text: "We keep data."},
				{Path: []string{"Terms", "Data", "Logs"}, Kind: terms.KindParagraph, Text: "Logs go after a week."},
				{Path: []string{"Terms", "Fees"}, Kind: terms.KindParagraph, Text: "No fees apply."},
			},
		},
		{
			name: "heading with no body becomes a heading clause",
			in:   "# Terms\n\n## Empty section\n\n## Full section\n\nSome text.",
			want: []terms.Clause{
				{Path: []string{"Terms", "Empty section"}, Kind: terms.KindHeading, Text: "Empty section"},
				{Path: []string{"Terms", "Full section"}, Kind: terms.KindParagraph, Text: "Some text."},
			},
		},
		{
			name: "wrapped lines join, a new sentence starts a paragraph",
			in:   "We keep chats for\nthirty days.\nThen they are gone.",
			want: []terms.Clause{
				{Path: []string{}, Kind: terms.KindParagraph, Text: "We keep chats for thirty days."},
				{Path: []string{}, Kind: terms.KindParagraph, Text: "Then they are gone."},
			},
		},
		{
			name: "bold lead-in and bold sub-heading",
			in:   "## Rules\n\n**Training.** We do not train on chats.\n\n**Exceptions**:\nFeedback you send may be used.",
			want: []terms.Clause{
				{Path: []string{"Rules", "Training"}, Kind: terms.KindParagraph, Text: "We do not train on chats."},
				{Path: []string{"Rules", "Exceptions"}, Kind: terms.KindParagraph, Text: "Feedback you send may be used."},
			},
		},
		{
			name: "nested list items carry the parent's lead-in",
			in:   "## Lists\n\n- **Flagged chats:** kept longer\n  - up to 2 years\n- Other chats\n",
			want: []terms.Clause{
				{Path: []string{"Lists"}, Kind: terms.KindListItem, Text: "Flagged chats: kept longer"},
				{Path: []string{"Lists", "Flagged chats"}, Kind: terms.KindListItem, Text: "up to 2 years"},
				{Path: []string{"Lists"}, Kind: terms.KindListItem, Text: "Other chats"},
			},
		},
		{
			name: "table with and without header row",
			in:   "| Mode | Days |\n|---|:---:|\n| default | 30 |\n| none | |\n\n| a | b |\n| c | d |\n",
			want: []terms.Clause{
				{Path: []string{}, Kind: terms.KindTableRow, Text: "Mode: default; Days: 30"},
				{Path: []string{}, Kind: terms.KindTableRow, Text: "Mode: none"},
				{Path: []string{}, Kind: terms.KindTableRow, Text: "a; b"},
				{Path: []string{}, Kind: terms.KindTableRow, Text: "c; d"},
			},
		},
		{
			name: "links keep text, markup dropped",
			in:   "<Note>\nSee [the policy](https://acme.example/p?utm_source=x) and ![logo](l.png)`code`.\n</Note>\n---\n",
			want: []terms.Clause{
				{Path: []string{}, Kind: terms.KindParagraph, Text: "See the policy and code."},
			},
		},
		{
			name: "plain-line headings go one level below an explicit heading, then stay siblings",
			in:   "# Terms\n\nOverview\n\nIntro text.\n\nDetails\n\nMore text.\n\n## Next\n\nText.",
			want: []terms.Clause{
				{Path: []string{"Terms", "Overview"}, Kind: terms.KindParagraph, Text: "Intro text."},
				{Path: []string{"Terms", "Details"}, Kind: terms.KindParagraph, Text: "More text."},
				{Path: []string{"Terms", "Next"}, Kind: terms.KindParagraph, Text: "Text."},
			},
		},
		{
			name: "a plain-line heading right after another nests under it",
			in:   "Account\n\nDeletion\n\nWe delete accounts.\n\nExport\n\nYou can export.",
			want: []terms.Clause{
				{Path: []string{"Account", "Deletion"}, Kind: terms.KindParagraph, Text: "We delete accounts."},
				{Path: []string{"Account", "Export"}, Kind: terms.KindParagraph, Text: "You can export."},
			},
		},
		{
			name: "a plain-line heading after a bold sub-heading",
			in:   "Plain heading\n\n**Bold Sub**\n\nUnder the bold.\n\nAnother Heading\n\nText here.",
			want: []terms.Clause{
				{Path: []string{"Plain heading", "Bold Sub"}, Kind: terms.KindParagraph, Text: "Under the bold."},
				{Path: []string{"Another Heading"}, Kind: terms.KindParagraph, Text: "Text here."},
			},
		},
		{
			name: "a wrapped paragraph is not a heading",
			in:   "Data use\nand more\n\nText.",
			want: []terms.Clause{
				{Path: []string{}, Kind: terms.KindParagraph, Text: "Data use and more"},
				{Path: []string{}, Kind: terms.KindParagraph, Text: "Text."},
			},
		},
		{
			name: "a heading-like line followed only by a table separator stays text",
			in:   "Heading\n\n|---|---|\n",
			want: []terms.Clause{
				{Path: []string{}, Kind: terms.KindParagraph, Text: "Heading"},
			},
		},
		{
			name: "list nesting opens and closes by indent",
			in:   "- A\n  - B\n    - C\n  - D\n- E\n\nAfter.",
			want: []terms.Clause{
				{Path: []string{}, Kind: terms.KindListItem, Text: "A"},
				{Path: []string{"A"}, Kind: terms.KindListItem, Text: "B"},
				{Path: []string{"A", "B"}, Kind: terms.KindListItem, Text: "C"},
				{Path: []string{"A"}, Kind: terms.KindListItem, Text: "D"},
				{Path: []string{}, Kind: terms.KindListItem, Text: "E"},
				{Path: []string{}, Kind: terms.KindParagraph, Text: "After."},
			},
		},
		{
			name: "a heading closes open list items",
			in:   "- **Lead:** x\n  - y\n\n## Next\n\n- z\n  - w\n",
			want: []terms.Clause{
				{Path: []string{}, Kind: terms.KindListItem, Text: "Lead: x"},
				{Path: []string{"Lead"}, Kind: terms.KindListItem, Text: "y"},
				{Path: []string{"Next"}, Kind: terms.KindListItem, Text: "z"},
				{Path: []string{"Next", "z"}, Kind: terms.KindListItem, Text: "w"},
			},
		},
		{
			name: "numbered items nest",
			in:   "1. First step\n2. Second step\n   1. Sub step\n",
			want: []terms.Clause{
				{Path: []string{}, Kind: terms.KindListItem, Text: "First step"},
				{Path: []string{}, Kind: terms.KindListItem, Text: "Second step"},
				{Path: []string{"Second step"}, Kind: terms.KindListItem, Text: "Sub step"},
			},
		},
		{
			name: "a separator after the second row names no columns",
			in:   "| a |\n| b |\n|---|\n| c |\n",
			want: []terms.Clause{
				{Path: []string{}, Kind: terms.KindTableRow, Text: "a"},
				{Path: []string{}, Kind: terms.KindTableRow, Text: "b"},
				{Path: []string{}, Kind: terms.KindTableRow, Text: "c"},
			},
		},
		{
			name: "rows with more or fewer cells than the header",
			in:   "| H | I |\n|---|---|\n| 1 | 2 | 3 |\n| 4 |\n",
			want: []terms.Clause{
				{Path: []string{}, Kind: terms.KindTableRow, Text: "H: 1; I: 2; 3"},
				{Path: []string{}, Kind: terms.KindTableRow, Text: "H: 4"},
			},
		},
		{
			name: "a heading-like last line stays text",
			in:   "Some sentence here.\n\nIn",
			want: []terms.Clause{
				{Path: []string{}, Kind: terms.KindParagraph, Text: "Some sentence here."},
				{Path: []string{}, Kind: terms.KindParagraph, Text: "In"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := ExtractText(tt.in)
			if diff := cmp.Diff(tt.want, d.Clauses); diff != "" {
				t.Errorf("clauses mismatch (-want +got):\n%s\ntext:\n%s", diff, d.Text())
			}
		})
	}
}

func TestExtractTextTitle(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"markdown h1", "Intro line.\n\n# Data retention\n\nText.", "Data retention"},
		{"plain-line heading", "Skip to main content\n\nHow long do you keep chats?\n\nUp to 30 days.", "How long do you keep chats?"},
		{"first explicit heading below level 1", "### Deep\n\nOverview\n\nSome text.", "Deep"},
		{"none", "Only a sentence.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ExtractText(tt.in).Title; got != tt.want {
				t.Errorf("title = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestExtractTextMatchesHTML: the same content as HTML and as text gives
// the same clauses.
func TestExtractTextMatchesHTML(t *testing.T) {
	html := `<main><h1>Terms</h1><h2>Data</h2><p><strong>Training.</strong> We do not train on chats unless you opt in.</p>` +
		`<ul><li>Deleted chats go within 30 days</li></ul><table><thead><tr><th>Data</th><th>Period</th></tr></thead>` +
		`<tbody><tr><td>Scores</td><td>7 years</td></tr></tbody></table></main>`
	text := "# Terms\n\n## Data\n\n**Training.** We do not train on chats unless you opt in.\n\n- Deleted chats go within 30 days\n\n" +
		"| Data | Period |\n|---|---|\n| Scores | 7 years |\n"
	h, err := Extract([]byte(html), Options{Select: []string{"main"}, MinText: 10})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(h.Text(), ExtractText(text).Text()); diff != "" {
		t.Errorf("HTML and text differ (-html +text):\n%s", diff)
	}
	if !strings.Contains(h.Text(), "Terms > Data > Training | We do not train") {
		t.Errorf("unexpected text:\n%s", h.Text())
	}
}
