package source

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// regional is a declaration whose page serves regional variants, our own
// words. Line numbers matter to the tests below.
const regional = `vendor: acme
tiers: [{id: free}]
documents:
  - id: acme-terms
    url: https://acme.example/legal/terms
    tiers: [free]
    variants:
      - id: eea
        match: 'Acme (Europe|Ireland) (Ltd|Limited)'
      - {id: uk, match: "laws of England"}
      - id: row
        match: '\bbinding arbitration\b'
`

func TestLoadVariants(t *testing.T) {
	vendors, err := Load(fstest.MapFS{"acme.yaml": {Data: []byte(regional)}})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := []terms.Variant{
		{ID: "eea", Match: "Acme (Europe|Ireland) (Ltd|Limited)"},
		{ID: "uk", Match: "laws of England"},
		{ID: "row", Match: `\bbinding arbitration\b`},
	}
	if diff := cmp.Diff(want, vendors[0].Sources[0].Variants); diff != "" {
		t.Errorf("variants (-want +got):\n%s", diff)
	}

	t.Run("none declared", func(t *testing.T) {
		vs, err := Load(fstest.MapFS{"acme.yaml": {Data: []byte(valid)}})
		if err != nil {
			t.Fatal(err)
		}
		if got := vs[0].Sources[0].Variants; got != nil {
			t.Errorf("variants = %v, want none", got)
		}
	})
}

func TestLoadVariantErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string // "LINE: FIELD" after "sources/acme.yaml:"
		err  error
	}{
		{"duplicate id", strings.Replace(regional, "{id: uk,", "{id: eea,", 1),
			`10: documents[0].variants[1].id: duplicate variant id "eea" (first declared at line 8)`, ErrDuplicateVariant},
		{"id upper case", strings.Replace(regional, "id: row", "id: ROW", 1),
			`11: documents[0].variants[2].id: invalid id "ROW"`, ErrInvalidID},
		{"missing id", strings.Replace(regional, "{id: uk, match:", "{match:", 1),
			"10: documents[0].variants[1].id", ErrMissing},
		{"missing match", strings.Replace(regional, `{id: uk, match: "laws of England"}`, "{id: uk}", 1),
			"10: documents[0].variants[1].match", ErrMissing},
		{"empty match", strings.Replace(regional, `"laws of England"`, `""`, 1),
			"10: documents[0].variants[1].match: empty value", ErrEmpty},
		{"match does not compile", strings.Replace(regional, "(Ltd|Limited)'", "(Ltd|Limited'", 1),
			`9: documents[0].variants[0].match: invalid regular expression "Acme (Europe|Ireland) (Ltd|Limited"`, ErrInvalidRegexp},
		{"match is a list", strings.Replace(regional, `"laws of England"`, `[England]`, 1),
			"10: documents[0].variants[1].match: wrong type", ErrType},
		{"unknown field", strings.Replace(regional, "{id: uk,", "{id: uk, region: gb,", 1),
			"10: documents[0].variants[1].region", ErrUnknownField},
		{"variants not a list", strings.Replace(regional, "    variants:\n      - id: eea\n        match: 'Acme (Europe|Ireland) (Ltd|Limited)'\n      - {id: uk, match: \"laws of England\"}\n      - id: row\n        match: '\\bbinding arbitration\\b'\n",
			"    variants: {id: eea, match: Ireland}\n", 1),
			"7: documents[0].variants: wrong type", ErrType},
		{"variant is a string", strings.Replace(regional, `      - {id: uk, match: "laws of England"}`, "      - uk", 1),
			"10: documents[0].variants[1]: wrong type", ErrType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vendors, err := Load(fstest.MapFS{"acme.yaml": {Data: []byte(tt.yaml)}})
			if err == nil {
				t.Fatalf("Load succeeded (%d vendors), want an error", len(vendors))
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("error does not wrap %v:\n%v", tt.err, err)
			}
			if want := "sources/acme.yaml:" + tt.want; !hasLinePrefix(err.Error(), want) {
				t.Errorf("no line of the error starts with %q:\n%v", want, err)
			}
		})
	}
}

func TestMatchVariant(t *testing.T) {
	vendors, err := Load(fstest.MapFS{"acme.yaml": {Data: []byte(regional)}})
	if err != nil {
		t.Fatal(err)
	}
	s := vendors[0].Sources[0]
	tests := []struct {
		name, text string
		want       string
		ok         bool
	}{
		{"eea by contracting entity", "These terms are made with ACME IRELAND LIMITED.", "eea", true},
		{"uk by governing law", "The laws of England govern these terms.", "uk", true},
		{"rest of world by arbitration", "Disputes go to binding arbitration.", "row", true},
		{"first declared wins", "Acme Europe Ltd; disputes go to binding arbitration.", "eea", true},
		{"no variant recognized", "These terms apply to everyone.", "", false},
		{"empty text", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, ok := MatchVariant(s, tt.text)
			if id != tt.want || ok != tt.ok {
				t.Errorf("MatchVariant(%q) = %q, %v; want %q, %v", tt.text, id, ok, tt.want, tt.ok)
			}
		})
	}
	t.Run("source without variants", func(t *testing.T) {
		if id, ok := MatchVariant(terms.Source{ID: "x"}, "Acme Ireland Ltd"); ok || id != "" {
			t.Errorf("MatchVariant = %q, %v; want none", id, ok)
		}
	})
	t.Run("expression that does not compile matches nothing", func(t *testing.T) {
		bad := terms.Source{Variants: []terms.Variant{{ID: "eea", Match: "(Ireland"}, {ID: "row", Match: "arbitration"}}}
		if id, ok := MatchVariant(bad, "Ireland arbitration"); !ok || id != "row" {
			t.Errorf("MatchVariant = %q, %v; want row", id, ok)
		}
	})
}
