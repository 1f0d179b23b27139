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

func TestStripSectionNumber(t *testing.T) {
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
		"6 Materials":           "Materials",
		"Section 4 Fees":        "Fees",
		"Article 12. Law":       "Law",
		"Clause 3. Liability":   "Liability",
		"§ 2 Scope":             "Scope",
		"§2 Scope":              "Scope",
		"iv) Remedies":          "Remedies",
		"I agree":               "I agree",
		"a customer may":        "a customer may",
		"  6.  Use ":            "Use",
		"Materials.":            "Materials.",
	}
	for in, want := range cases {
		if got := StripSectionNumber(in); got != want {
			t.Errorf("StripSectionNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIsSectionNumber(t *testing.T) {
	for tok, want := range map[string]bool{
		"6.": true, "6.1": true, "6": true, "6.1.2)": true, "A.1.": true, "D.4.": true,
		"(a)": true, "a.": true, "iv)": true, "IV.": true, "(iv)": true, "§2": true,
		"a": false, "I": false, "iv": false, "2026": false, "Materials": false,
		"6:": false, "1234.": false,
	} {
		if got := IsSectionNumber(tok); got != want {
			t.Errorf("IsSectionNumber(%q) = %v, want %v", tok, got, want)
		}
	}
}

func TestDenySet(t *testing.T) {
	v := DenySet([]string{"sso", "scim", "sso"}, []string{"scim", "iso42001"})
	if !v.Equal(Value{Set: []string{"sso"}, Denied: []string{"iso42001", "scim"}}) {
		t.Errorf("DenySet = %#v: a denial must win over a confirmation, both sorted and unique", v)
	}
	if got := v.String(); got != "[sso] not [iso42001 scim]" {
		t.Errorf("String() = %q", got)
	}
	if plain := DenySet([]string{"sso"}, nil); plain.Denied != nil || !plain.Equal(SetOf("sso")) {
		t.Errorf("DenySet without denials = %#v, want SetOf(sso)", plain)
	}
	if SetOf("sso").Equal(DenySet([]string{"sso"}, []string{"scim"})) {
		t.Error("a set and the same set with a denied item are equal")
	}
}
