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
		// no narrowing: a condition of time, a "with" that is no qualifier
		{"Enterprise plan data is deleted when the Lumen API key is revoked.", []string{"enterprise", "api"}},
		{"The Enterprise plan integrates with the Lumen API.", []string{"enterprise", "api"}},
	}
	for _, c := range cases {
		if got := lex.speaksFor(normalize(c.text)); !slices.Equal(got, c.want) {
			t.Errorf("speaksFor(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}

func TestSplitByWhomCoordination(t *testing.T) {
	v := testLumen
	v.Tiers = []terms.Tier{
		{ID: "personal", Names: []string{"Personal plan"}},
		{ID: "business", Names: []string{"Business plan"}},
		{ID: "api", Names: []string{"Lumen API"}},
	}
	lex := LexiconOf(v)
	cases := []struct {
		text string
		want [][]string // the tiers of each clause
	}{
		{"Lumen API inputs last 30 days, and the Personal plan keeps chats until you delete them.", [][]string{{"api"}, {"personal"}}},
		{"Lumen API inputs last 30 days, but the Personal plan keeps chats until you delete them.", [][]string{{"api"}, {"personal"}}},
		// a list's last member is no clause
		{"Data from the Personal plan, the Business plan, and the Lumen API is kept 30 days.", [][]string{{"personal", "business", "api"}}},
		{"This covers the Personal plan (with chats), the Business plan, and the Lumen API, where we act as processor.", [][]string{{"personal", "business", "api"}}},
		// a clause that names no tier stays with the one before
		{"The Personal plan keeps chats 30 days, and you can delete them sooner.", [][]string{{"personal"}}},
	}
	for _, c := range cases {
		parts := splitByWhom(lex, sentence{text: c.text, norm: normalize(c.text)})
		var got [][]string
		for _, p := range parts {
			got = append(got, p.tiers)
		}
		if !slices.EqualFunc(got, c.want, slices.Equal) {
			t.Errorf("splitByWhom(%q) tiers = %v, want %v", c.text, got, c.want)
		}
	}
}
