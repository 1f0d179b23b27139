package attr

import (
	"slices"
	"testing"

	"github.com/clausewatch/clausewatch/internal/source"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// The vendors the reader tests read with. testAnthropic and testOpenAI
// carry names the shipped declarations give (TestTestVendorsDeclared keeps
// them honest); testLumen is made up, to show that a vendor's names reach
// the readers through its declaration alone.
var (
	testAnthropic = terms.Vendor{
		ID: "anthropic", Name: "Anthropic",
		Names:    []string{"Anthropic", "Anthropic PBC"},
		Products: []string{"Claude"},
		Clouds: []string{"Amazon Web Services", "AWS", "Amazon", "Amazon Bedrock", "Bedrock",
			"Microsoft", "Azure", "Google Cloud", "Google", "Vertex AI"},
	}
	testOpenAI = terms.Vendor{
		ID: "openai", Name: "OpenAI",
		Names:    []string{"OpenAI"},
		Products: []string{"ChatGPT"},
		Clouds:   []string{"Microsoft", "Azure"},
	}
	testLumen = terms.Vendor{
		ID: "lumen", Name: "Lumen",
		Names:    []string{"Lumen", "Lumen Labs"},
		Products: []string{"Beam", "Lumen Chat"},
		Clouds:   []string{"Stratus Web Services", "SWS", "Stratus"},
		Tiers: []terms.Tier{
			{ID: "personal", Names: []string{"Beam Free", "Personal plan"}},
			{ID: "business", Names: []string{"Business plan", "Beam for Teams", "commercial services"}},
			{ID: "api", Names: []string{"Lumen API", "commercial services"}},
			{ID: "stratus", Names: []string{"Beam on Stratus"}},
		},
	}

	// testLex is the lexicon most reader tests read with.
	testLex = LexiconOf(testAnthropic)
)

// lexFor is the lexicon of a test case's vendor: "" is testAnthropic.
func lexFor(vendor string) *Lexicon {
	switch vendor {
	case "", "anthropic":
		return testLex
	case "openai":
		return LexiconOf(testOpenAI)
	case "lumen":
		return LexiconOf(testLumen)
	}
	panic("no test vendor " + vendor)
}

func TestTestVendorsDeclared(t *testing.T) {
	vendors, err := source.LoadDir("../../sources")
	if err != nil {
		t.Fatalf("load the shipped declarations: %v", err)
	}
	for _, tv := range []terms.Vendor{testAnthropic, testOpenAI} {
		i := slices.IndexFunc(vendors, func(v terms.Vendor) bool { return v.ID == tv.ID })
		if i < 0 {
			t.Errorf("vendor %s is not declared", tv.ID)
			continue
		}
		v := vendors[i]
		for _, l := range []struct {
			field          string
			test, declared []string
		}{{"names", tv.Names, v.Names}, {"products", tv.Products, v.Products}, {"clouds", tv.Clouds, v.Clouds}} {
			for _, n := range l.test {
				if !slices.Contains(l.declared, n) {
					t.Errorf("%s: the tests read with %s %q, which %s does not declare", tv.ID, l.field, n, v.File)
				}
			}
		}
	}
}

func TestLexiconNames(t *testing.T) {
	lex := LexiconOf(terms.Vendor{
		ID: "x", Name: "Ignored",
		Names:    []string{"Acme", "Acme Labs, Inc."},
		Products: []string{"Acme.ai", "Rock’n’Roll"},
		Clouds:   []string{"Nimbus", "Nimbus Web Services", "NWS", "X-Cloud"},
	})
	tests := []struct {
		name string
		re   string // "vendor", "products" or "clouds"
		text string
		want string // the text matched, "" for none
	}{
		{"whole word", "vendor", "Acme keeps your data.", "Acme"},
		{"any case", "vendor", "ACME keeps your data.", "ACME"},
		{"not inside a word", "vendor", "Acmeville keeps your data.", ""},
		{"longest name first", "vendor", "Acme Labs, Inc. keeps it.", "Acme Labs, Inc."},
		{"any white space", "clouds", "run on Nimbus  Web\nServices today", "Nimbus  Web\nServices"},
		{"quoted metacharacters", "products", "Try Acme.ai now", "Acme.ai"},
		{"dot is not any character", "products", "Try Acmexai now", ""},
		{"typographic apostrophe either way", "products", "Rock'n'Roll is ours", "Rock'n'Roll"},
		{"short name not inside another word", "clouds", "under the NWSA rules", ""},
		{"hyphen", "clouds", "hosted on X‑Cloud", "X‑Cloud"},
		{"display name unused when names are declared", "vendor", "Ignored", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			re := map[string]interface{ FindString(string) string }{
				"vendor": lex.vendor, "products": lex.products, "clouds": lex.clouds,
			}[tt.re]
			if got := re.FindString(tt.text); got != tt.want {
				t.Errorf("%s in %q = %q, want %q", tt.re, tt.text, got, tt.want)
			}
		})
	}
	t.Run("names default to the display name", func(t *testing.T) {
		l := LexiconOf(terms.Vendor{ID: "y", Name: "Yonder AI"})
		if got := l.vendor.FindString("as Yonder AI says"); got != "Yonder AI" {
			t.Errorf("vendor = %q, want Yonder AI", got)
		}
	})
	t.Run("no names match nothing", func(t *testing.T) {
		l := LexiconOf(terms.Vendor{ID: "z"})
		for _, re := range []interface{ MatchString(string) bool }{l.vendor, l.products, l.clouds, l.tierNames} {
			if re.MatchString("z anything at all") || re.MatchString("") {
				t.Errorf("%v matches", re)
			}
		}
	})
	t.Run("a reader compiles its vendor's names once", func(t *testing.T) {
		r := NewReader(testLumen)
		if r.lex == nil || r.Vendor().ID != testLumen.ID {
			t.Fatal("NewReader did not compile the lexicon")
		}
		renamed := testLumen
		renamed.Clouds = []string{"Cirrus"}
		if !NewReader(renamed).lex.clouds.MatchString("on cirrus") || r.lex.clouds.MatchString("on cirrus") {
			t.Error("a vendor with other names reads them")
		}
	})
}

func TestTiersNamed(t *testing.T) {
	lex := lexFor("lumen")
	tests := []struct {
		text string
		want []string
	}{
		{"This page covers the Business plan.", []string{"business"}},
		{"Business plans and the Lumen API are commercial services.", []string{"business", "api"}},
		{"Our commercial services keep nothing.", []string{"business", "api"}},
		{"beam free users may opt out", []string{"personal"}},
		{"Beam on Stratus follows the Stratus terms.", []string{"stratus"}},
		{"Personal plans, like Beam Free, come first.", []string{"personal"}},
		{"No plan is named here.", nil},
		{"A businessplan is one word.", nil},
	}
	for _, tt := range tests {
		if got := lex.TiersNamed(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("TiersNamed(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}
