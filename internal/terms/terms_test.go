package terms

import "testing"

func TestClauseMatches(t *testing.T) {
	c := Clause{Path: []string{"Consumer Terms", "6. Materials", "Our use of Materials"}}
	cases := []struct {
		sel  string
		want bool
	}{
		{"", true},
		{"Our use of Materials", true},
		{"our use", true},
		{"Materials > Our use", true},
		{"Consumer Terms > Our use of Materials", true},
		{"6. Materials", true},
		{"Our use > Materials", false},
		{"Feedback", false},
	}
	for _, tc := range cases {
		if got := c.Matches(tc.sel); got != tc.want {
			t.Errorf("Matches(%q) = %v, want %v", tc.sel, got, tc.want)
		}
	}
}

func TestStripNumber(t *testing.T) {
	cases := map[string]string{
		"6. Materials":          "Materials",
		"6.1 Use":               "Use",
		"6.1.2) Use":            "Use",
		"(a) Scope":             "Scope",
		"a. Scope":              "Scope",
		"B. Customer Content":   "Customer Content",
		"D.4. Sub-processors":   "Sub-processors",
		"IV. Term":              "Term",
		"Section 4. Fees":       "Fees",
		"Materials":             "Materials",
		"API and data":          "API and data",
		"A customer may":        "A customer may",
		"2026 update and terms": "2026 update and terms",
	}
	for in, want := range cases {
		if got := stripNumber(in); got != want {
			t.Errorf("stripNumber(%q) = %q, want %q", in, got, want)
		}
	}
}
