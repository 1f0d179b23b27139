package attr

import (
	"slices"
	"testing"

	"github.com/clausewatch/clausewatch/internal/terms"
)

func TestSpeaksFor(t *testing.T) {
	v := testLumen
	v.Tiers = []terms.Tier{
		{ID: "enterprise", Names: []string{"Enterprise plan"}},
		{ID: "api", Names: []string{"Lumen API"}},
		{ID: "api-zdr", Names: []string{"zero data retention agreement", "ZDR agreement", "ZDR customers"}},
	}
	lex := LexiconOf(v)
	cases := []struct {
		text string
		want []string
	}{
		{"Lumen API customers can sign a BAA.", []string{"api"}},
		{"Lumen API customers who have a zero data retention agreement can sign a BAA.", []string{"api-zdr"}},
		{"Lumen API customers with a ZDR agreement may ask for a BAA.", []string{"api-zdr"}},
		{"Once a ZDR agreement is in place, we can sign a BAA covering the Lumen API.", []string{"api-zdr"}},
		{"We sign a BAA for the Lumen API once a ZDR agreement is in place.", []string{"api-zdr"}},
		{"Lumen API customers without a ZDR agreement may ask for a BAA.", []string{"api"}},
		{"Lumen API customers who have not signed a ZDR agreement cannot get a BAA.", []string{"api"}},
		{"Enterprise plan customers can sign a zero data retention agreement.", []string{"enterprise"}},
		{"A ZDR agreement can be signed by customers on the Enterprise plan.", []string{"enterprise"}},
		{"You can sign a ZDR agreement.", []string{"api-zdr"}},
		{"The Enterprise plan and ZDR customers keep nothing.", []string{"enterprise", "api-zdr"}},
		{"Lumen API inputs are kept 30 days unless you have a ZDR agreement.", []string{"api"}},
		{"The weather is fine.", nil},
	}
	for _, c := range cases {
		if got := lex.speaksFor(normalize(c.text)); !slices.Equal(got, c.want) {
			t.Errorf("speaksFor(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}
