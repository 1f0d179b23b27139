package report

import (
	"testing"

	"github.com/clausewatch/clausewatch/internal/terms"
)

func TestChange(t *testing.T) {
	v := func(x terms.Value) *terms.Value { return &x }
	cases := []struct {
		name     string
		old, new *terms.Value
		want     string
	}{
		{"scalar", v(terms.Scalar("never")), v(terms.Scalar("opt-out")), "never → opt-out"},
		{"retention lengthened",
			v(terms.MapOf(map[string]string{"default": "30", "batch": "29"})),
			v(terms.MapOf(map[string]string{"default": "60", "batch": "29"})), "default=30 → default=60"},
		{"retention scope added",
			v(terms.MapOf(map[string]string{"default": "30"})),
			v(terms.MapOf(map[string]string{"default": "30", "training-opt-in": "1825"})), "(no such scope) → training-opt-in=1825"},
		{"certification dropped", v(terms.SetOf("iso27001", "iso42001")), v(terms.SetOf("iso27001")), "dropped iso42001"},
		{"set changed both ways", v(terms.SetOf("sso")), v(terms.SetOf("scim")), "dropped sso; added scim"},
		{"certification dropped and denied", v(terms.SetOf("iso27001", "iso42001")), v(terms.DenySet([]string{"iso27001"}, []string{"iso42001"})), "dropped iso42001; denied iso42001"},
		{"denial withdrawn", v(terms.DenySet(nil, []string{"scim"})), v(terms.SetOf()), "no longer denied scim"},
		{"unknown after", v(terms.Scalar("available")), v(terms.UnknownValue("gone")), "available → unknown"},
		{"no old", nil, v(terms.Scalar("never")), "(none) → never"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Change(c.old, c.new); got != c.want {
				t.Errorf("Change = %q, want %q", got, c.want)
			}
		})
	}
}
