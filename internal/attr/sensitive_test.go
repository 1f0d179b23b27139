package attr

import (
	"testing"

	"github.com/clausewatch/clausewatch/internal/terms"
)

func TestSensitive(t *testing.T) {
	s := terms.Scalar
	ret := func(kv ...string) terms.Value {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return terms.MapOf(m)
	}
	unknown := terms.UnknownValue("clause gone")
	tests := []struct {
		name   string
		values map[string]terms.Value
		want   string // "" for unknown
	}{
		// The guide's tiers, as their values read.
		{"consumer: trains unless opted out", map[string]terms.Value{
			"training": s("opt-out"), "retention": ret("default", "30", "training-opt-in", "1825"),
			"hipaa-baa": s("not-available"), "zdr": s("not-available")}, "no"},
		{"team: no training, no BAA", map[string]terms.Value{
			"training": s("never"), "retention": ret("default", "account-lifetime", "after-deletion", "30"),
			"hipaa-baa": s("not-available"), "zdr": s("not-available")}, "limited"},
		{"enterprise: no training, BAA, retention set by admins", map[string]terms.Value{
			"training": s("never"), "retention": ret("default", "configurable"),
			"hipaa-baa": s("available"), "zdr": s("available")}, "yes"},
		{"api: no training, 30-day default retention", map[string]terms.Value{
			"training": s("never"), "retention": ret("default", "30", "batch", "29", "files", "until-deleted"),
			"hipaa-baa": s("available"), "zdr": s("available")}, "limited"},
		{"api with zdr: nothing kept", map[string]terms.Value{
			"training": s("never"), "retention": ret("zdr", "none", "policy-violation", "730"),
			"hipaa-baa": s("available"), "zdr": s("available")}, "yes"},
		{"bedrock: nothing stored by default", map[string]terms.Value{
			"training": s("never"), "retention": ret("default", "none"),
			"hipaa-baa": s("available"), "data-processor": s("cloud-provider")}, "yes"},
		{"azure foundry: customer-managed retention", map[string]terms.Value{
			"training": s("never"), "retention": ret("default", "configurable"),
			"hipaa-baa": s("available")}, "yes"},
		// The rule's edges.
		{"always trains", map[string]terms.Value{"training": s("always")}, "no"},
		{"opt-out decides alone", map[string]terms.Value{"training": s("opt-out"), "hipaa-baa": unknown}, "no"},
		{"opt-in is limited", map[string]terms.Value{
			"training": s("opt-in"), "retention": ret("default", "none"), "hipaa-baa": s("available")}, "limited"},
		{"training unknown", map[string]terms.Value{"training": unknown, "hipaa-baa": s("available")}, ""},
		{"training missing", map[string]terms.Value{"hipaa-baa": s("available")}, ""},
		{"no values at all", nil, ""},
		{"BAA unknown, retention none", map[string]terms.Value{
			"training": s("never"), "retention": ret("default", "none"), "hipaa-baa": unknown}, ""},
		{"BAA available, retention unknown", map[string]terms.Value{
			"training": s("never"), "retention": unknown, "hipaa-baa": s("available")}, ""},
		{"BAA available, retention without a baseline scope", map[string]terms.Value{
			"training": s("never"), "retention": ret("feedback", "1825"), "hipaa-baa": s("available")}, ""},
		{"no BAA decides limited whatever the retention", map[string]terms.Value{
			"training": s("never"), "retention": unknown, "hipaa-baa": s("not-available")}, "limited"},
		{"fixed retention decides limited whatever the BAA", map[string]terms.Value{
			"training": s("never"), "retention": ret("default", "30"), "hipaa-baa": unknown}, "limited"},
		{"account lifetime retention", map[string]terms.Value{
			"training": s("never"), "retention": ret("default", "account-lifetime"), "hipaa-baa": s("available")}, "limited"},
		{"unexpected training word", map[string]terms.Value{"training": s("sometimes")}, ""},
		// More combinations of the rule's three inputs.
		{"always trains despite a BAA and no retention", map[string]terms.Value{
			"training": s("always"), "retention": ret("default", "none"), "hipaa-baa": s("available")}, "no"},
		{"opt-out with zero retention is still no", map[string]terms.Value{
			"training": s("opt-out"), "retention": ret("zdr", "none"), "hipaa-baa": s("available")}, "no"},
		{"opt-in without a BAA", map[string]terms.Value{
			"training": s("opt-in"), "hipaa-baa": s("not-available")}, "limited"},
		{"never, BAA, zdr scope none", map[string]terms.Value{
			"training": s("never"), "retention": ret("zdr", "none"), "hipaa-baa": s("available")}, "yes"},
		{"never, BAA, default until deleted", map[string]terms.Value{
			"training": s("never"), "retention": ret("default", "until-deleted"), "hipaa-baa": s("available")}, "limited"},
		{"default scope wins over zdr scope", map[string]terms.Value{
			"training": s("never"), "retention": ret("default", "30", "zdr", "none"), "hipaa-baa": s("available")}, "limited"},
		{"configurable default with a long safety scope", map[string]terms.Value{
			"training": s("never"), "retention": ret("default", "configurable", "safety-scores", "2555"), "hipaa-baa": s("available")}, "yes"},
		{"never, no BAA, nothing kept", map[string]terms.Value{
			"training": s("never"), "retention": ret("default", "none"), "hipaa-baa": s("not-available")}, "limited"},
		{"one-day retention is still retention", map[string]terms.Value{
			"training": s("never"), "retention": ret("default", "1"), "hipaa-baa": s("available")}, "limited"},
		{"zdr available does not stand in for the BAA", map[string]terms.Value{
			"training": s("never"), "retention": ret("default", "none"), "zdr": s("available")}, ""},
		{"empty retention map", map[string]terms.Value{
			"training": s("never"), "retention": terms.MapOf(map[string]string{}), "hipaa-baa": s("available")}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Sensitive(tt.values)
			if tt.want == "" {
				if !got.Unknown || got.Reason == "" {
					t.Fatalf("Sensitive = %v, want unknown with a reason", got)
				}
				return
			}
			if got.Unknown || got.Scalar != tt.want {
				t.Fatalf("Sensitive = %v (%s), want %s", got, got.Reason, tt.want)
			}
		})
	}
}

func TestSensitiveWhy(t *testing.T) {
	s := terms.Scalar
	tests := []struct {
		values map[string]terms.Value
		want   string
		why    string
	}{
		{map[string]terms.Value{"training": s("opt-out")}, "no", "training is opt-out: the tier's data feeds training unless someone acts"},
		{map[string]terms.Value{"training": s("opt-in")}, "limited", "training is opt-in: one member's consent can release the data"},
		{map[string]terms.Value{"training": s("never"), "hipaa-baa": s("not-available")}, "limited", "no training, but no HIPAA BAA on offer"},
		{map[string]terms.Value{"training": s("never"), "hipaa-baa": s("available"), "retention": terms.MapOf(map[string]string{"default": "30"})},
			"limited", "no training, but a fixed baseline retention (30 days)"},
		{map[string]terms.Value{"training": s("never"), "hipaa-baa": s("available"), "retention": terms.MapOf(map[string]string{"zdr": "none"})},
			"yes", "no training, a HIPAA BAA on offer, and a baseline retention of none"},
		{map[string]terms.Value{"training": s("never")}, "", "sensitive-data needs hipaa-baa, which is unknown"},
	}
	for _, tc := range tests {
		v, why := SensitiveWhy(tc.values)
		if got := v.Scalar; got != tc.want || why != tc.why {
			t.Errorf("SensitiveWhy(%v) = %q, %q; want %q, %q", tc.values, got, why, tc.want, tc.why)
		}
		if !v.Equal(Sensitive(tc.values)) {
			t.Errorf("SensitiveWhy and Sensitive disagree on %v", tc.values)
		}
	}
}
