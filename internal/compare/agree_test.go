package compare

import (
	"testing"

	"github.com/clausewatch/clausewatch/internal/terms"
)

func TestAgrees(t *testing.T) {
	cases := []struct {
		name     string
		attr     string
		doc, obs terms.Value
		want     bool
	}{
		{"scalar equal", "training", terms.Scalar("never"), terms.Scalar("never"), true},
		{"scalar differs", "training", terms.Scalar("never"), terms.Scalar("opt-out"), false},
		{"unknown never agrees", "training", terms.Scalar("never"), terms.UnknownValue("gone"), false},
		{"retention documented scopes match, extra observed", "retention",
			terms.MapOf(map[string]string{"default": "30"}), terms.MapOf(map[string]string{"default": "30", "policy-violation": "730"}), true},
		{"retention documented scope differs", "retention",
			terms.MapOf(map[string]string{"default": "30"}), terms.MapOf(map[string]string{"default": "60"}), false},
		{"retention documented scope missing", "retention",
			terms.MapOf(map[string]string{"default": "30", "training-opt-in": "1825"}), terms.MapOf(map[string]string{"default": "30"}), false},
		{"set superset", "security", terms.SetOf("soc2-type2"), terms.SetOf("soc2-type2", "iso27001"), true},
		{"set item missing", "security", terms.SetOf("soc2-type2", "iso42001"), terms.SetOf("soc2-type2"), false},
		{"empty documented set", "rights", terms.SetOf(), terms.SetOf("export"), true},
		{"kinds differ", "retention", terms.Scalar("unspecified"), terms.MapOf(map[string]string{"default": "30"}), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Agrees(c.attr, c.doc, c.obs); got != c.want {
				t.Errorf("Agrees(%s, %s, %s) = %v, want %v", c.attr, c.doc, c.obs, got, c.want)
			}
		})
	}
}
