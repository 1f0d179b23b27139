package extract

import "testing"

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"only spaces", " \t\n\u00a0 ", ""},
		{"trim and collapse", "  Our   use\tof\n\nMaterials  ", "Our use of Materials"},
		{"curly double quotes", "\u201cTerms\u201d and \u201eTerms\u201f", `"Terms" and "Terms"`},
		{"curly single quotes", "Acme\u2019s \u2018own\u2019 words", "Acme's 'own' words"},
		{"en and em dash", "30\u201360 days \u2014 or less", "30-60 days - or less"},
		{"non-breaking hyphen and minus", "opt\u2011in \u22121", "opt-in -1"},
		{"hyphen and figure dash", "a\u2010b\u2012c\u2015d", "a-b-c-d"},
		{"nbsp and narrow nbsp", "30\u00a0days\u202fmax", "30 days max"},
		{"ideographic and thin spaces", "a\u3000b\u2009c", "a b c"},
		{"zero-width space and joiners", "pri\u200bva\u200ccy\u200d", "privacy"},
		{"word joiner and BOM", "\ufeffterms\u2060.", "terms."},
		{"soft hyphen", "reten\u00adtion", "retention"},
		{"direction marks", "\u200etext\u200f", "text"},
		{"zero-width next to space", "a \u200b b", "a b"},
		{"control characters", "a\x00b\x7fc", "abc"},
		{"line and paragraph separators", "a\u2028b\u2029c", "a b c"},
		{"decomposed accents composed (NFC)", "donne\u0301es", "donn\u00e9es"},
		{"ellipsis kept", "Just a moment\u2026", "Just a moment\u2026"},
		{"plain ASCII untouched", "30 days - 'x' \"y\"", "30 days - 'x' \"y\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeIdempotent(t *testing.T) {
	for _, s := range []string{"\u201cA\u201d \u2014 b\u00a0c", "  x\u200b y ", "donne\u0301es"} {
		once := Normalize(s)
		if twice := Normalize(once); twice != once {
			t.Errorf("Normalize(Normalize(%q)) = %q, want %q", s, twice, once)
		}
	}
}
