package terms

import (
	"errors"
	"testing"
)

func TestValidateValue(t *testing.T) {
	tests := []struct {
		name      string
		attribute string
		value     Value
		wantErr   error // nil: valid
	}{
		{"training opt-out", "training", Scalar("opt-out"), nil},
		{"security with a denied item", "security", DenySet([]string{"sso"}, []string{"iso42001"}), nil},
		{"security denied item not a word", "security", Value{Set: []string{"sso"}, Denied: []string{"iso-42001"}}, ErrBadValue},
		{"security item both confirmed and denied", "security", Value{Set: []string{"sso"}, Denied: []string{"sso"}}, ErrBadValue},
		{"security denied items unsorted", "security", Value{Set: []string{}, Denied: []string{"sso", "scim"}}, ErrBadValue},
		{"training never", "training", Scalar("never"), nil},
		{"training typo", "training", Scalar("opt_out"), ErrBadValue},
		{"training as set", "training", SetOf("never"), ErrBadValue},
		{"training unspecified", "training", Scalar(Unspecified), nil},
		{"training unknown", "training", UnknownValue("clause gone"), nil},
		{"empty value", "training", Value{}, ErrBadValue},
		{"retention days", "retention", MapOf(map[string]string{"default": "30", "training-opt-in": "1825"}), nil},
		{"retention words", "retention", MapOf(map[string]string{"files": "until-deleted", "zdr": "none",
			"default": "account-lifetime", "feedback": "configurable"}), nil},
		{"retention zero days", "retention", MapOf(map[string]string{"default": "0"}), nil},
		{"retention bad scope", "retention", MapOf(map[string]string{"forever": "30"}), ErrBadValue},
		{"retention fractional days", "retention", MapOf(map[string]string{"default": "30.5"}), ErrBadValue},
		{"retention unit in period", "retention", MapOf(map[string]string{"default": "30 days"}), ErrBadValue},
		{"retention leading zero", "retention", MapOf(map[string]string{"default": "030"}), ErrBadValue},
		{"retention negative", "retention", MapOf(map[string]string{"default": "-1"}), ErrBadValue},
		{"retention empty map", "retention", MapOf(map[string]string{}), ErrBadValue},
		{"retention scalar", "retention", Scalar("30"), ErrBadValue},
		{"retention unspecified", "retention", Scalar(Unspecified), nil},
		{"ownership customer", "output-ownership", Scalar("customer"), nil},
		{"ownership user is not a word", "output-ownership", Scalar("user"), ErrBadValue},
		{"baa available", "hipaa-baa", Scalar("available"), nil},
		{"baa yes is not a word", "hipaa-baa", Scalar("yes"), ErrBadValue},
		{"zdr not-available", "zdr", Scalar("not-available"), nil},
		{"processor cloud-provider", "data-processor", Scalar("cloud-provider"), nil},
		{"processor aws", "data-processor", Scalar("aws"), ErrBadValue},
		{"sensitive limited", "sensitive-data", Scalar("limited"), nil},
		{"sensitive maybe", "sensitive-data", Scalar("maybe"), ErrBadValue},
		{"security set", "security", SetOf("tls1.2+", "aes-256", "soc2-type2"), nil},
		{"security empty set", "security", Value{Set: []string{}}, nil},
		{"security SetOf() is the empty set", "security", SetOf(), nil},
		{"security zero value", "security", Value{}, ErrBadValue},
		{"security unknown item", "security", SetOf("soc3"), ErrBadValue},
		{"security unsorted", "security", Value{Set: []string{"tls1.2+", "aes-256"}}, ErrBadValue},
		{"security duplicate", "security", Value{Set: []string{"sso", "sso"}}, ErrBadValue},
		{"security scalar", "security", Scalar("sso"), ErrBadValue},
		{"rights set", "rights", SetOf("export", "delete-conversations"), nil},
		{"rights security item", "rights", SetOf("sso"), ErrBadValue},
		{"scalar and set", "rights", Value{Scalar: "x", Set: []string{"export"}}, ErrBadValue},
		{"unknown attribute", "pricing", Scalar("cheap"), ErrUnknownAttribute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateValue(tt.attribute, tt.value)
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("ValidateValue(%s, %s) = %v, want nil", tt.attribute, tt.value, err)
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Fatalf("ValidateValue(%s, %s) = %v, want %v", tt.attribute, tt.value, err, tt.wantErr)
			}
		})
	}
}

// TestValidateValueMessages pins the exact message of each way
// ValidateValue rejects a value.
func TestValidateValueMessages(t *testing.T) {
	const security = "[soc2-type2 iso27001 iso42001 fedramp-high hitrust pci-dss dod-il2 sso scim rbac audit-logs tls1.2+ aes-256]"
	tests := []struct {
		name      string
		attribute string
		value     Value
		want      string
	}{
		{"unknown attribute", "pricing", Scalar("cheap"), `unknown attribute "pricing"`},
		{"empty value", "training", Value{}, "bad value: empty value"},
		{"scalar and set", "rights", Value{Scalar: "x", Set: []string{"export"}},
			"bad value: [export] holds more than one of scalar, map and set"},
		{"scalar and map", "retention", Value{Scalar: "30", Map: map[string]string{"default": "30"}},
			"bad value: default=30 holds more than one of scalar, map and set"},
		{"scalar attribute given a set", "training", SetOf("never"),
			"bad value: want one word of [never opt-in opt-out always], got [never]"},
		{"scalar not in vocabulary", "training", Scalar("opt_out"),
			`bad value "opt_out" (want one of [never opt-in opt-out always] or unspecified)`},
		{"map attribute given a scalar", "retention", Scalar("30"),
			`bad value: want a map scope -> period, got "30"`},
		{"empty map", "retention", MapOf(map[string]string{}), "bad value: empty retention map"},
		{"first bad scope in sorted order", "retention", MapOf(map[string]string{"zzz": "30", "forever": "30"}),
			`bad value: retention scope "forever" (want one of [default training-opt-in after-deletion policy-violation safety-scores feedback batch files zdr])`},
		{"bad period", "retention", MapOf(map[string]string{"default": "30", "files": "30 days"}),
			`retention scope files: bad value: period "30 days" (want whole days such as "30", or none, until-deleted, account-lifetime, configurable)`},
		{"bad period of an earlier scope", "retention", MapOf(map[string]string{"default": "x", "forever": "30"}),
			`retention scope default: bad value: period "x" (want whole days such as "30", or none, until-deleted, account-lifetime, configurable)`},
		{"set attribute given a scalar", "security", Scalar("sso"),
			`bad value: want a set of ` + security + `, got "sso"`},
		{"item not in vocabulary", "security", SetOf("soc3"),
			`bad value: item "soc3" (want items of ` + security + `)`},
		{"duplicate item", "security", Value{Set: []string{"sso", "sso"}}, `bad value: duplicate item "sso"`},
		{"unsorted set", "security", Value{Set: []string{"tls1.2+", "aes-256"}},
			`bad value: set not sorted at "aes-256" (build it with SetOf)`},
		{"unsorted before a later unknown item", "rights", Value{Set: []string{"export", "delete-conversations", "sso"}},
			`bad value: set not sorted at "delete-conversations" (build it with SetOf)`},
		{"unknown item before a later unsorted one", "rights", Value{Set: []string{"sso", "export"}},
			`bad value: item "sso" (want items of [delete-conversations export opt-out-training admin-retention-controls])`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateValue(tt.attribute, tt.value)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("ValidateValue(%s, %s) = %v, want %s", tt.attribute, tt.value, err, tt.want)
			}
		})
	}
}

func TestIsAttribute(t *testing.T) {
	for _, a := range Attributes {
		if !IsAttribute(a) {
			t.Errorf("IsAttribute(%q) = false", a)
		}
		if Vocabulary(a) == nil {
			t.Errorf("Vocabulary(%q) = nil", a)
		}
	}
	for _, a := range []string{"", "Training", "retention ", "pricing"} {
		if IsAttribute(a) {
			t.Errorf("IsAttribute(%q) = true", a)
		}
	}
}

func TestWeakerStronger(t *testing.T) {
	ret := func(kv ...string) Value {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return MapOf(m)
	}
	tests := []struct {
		name           string
		attribute      string
		old, new       Value
		weaker, strong bool
	}{
		{"training never to opt-out", "training", Scalar("never"), Scalar("opt-out"), true, false},
		{"training opt-in to opt-out", "training", Scalar("opt-in"), Scalar("opt-out"), true, false},
		{"training opt-out to always", "training", Scalar("opt-out"), Scalar("always"), true, false},
		{"training opt-out to never", "training", Scalar("opt-out"), Scalar("never"), false, true},
		{"training same", "training", Scalar("never"), Scalar("never"), false, false},
		{"training from unknown", "training", UnknownValue("gone"), Scalar("always"), false, false},
		{"training to unknown", "training", Scalar("never"), UnknownValue("gone"), false, false},
		{"training from unspecified", "training", Scalar(Unspecified), Scalar("always"), false, false},
		{"retention lengthened", "retention", ret("default", "30"), ret("default", "90"), true, false},
		{"retention shortened", "retention", ret("default", "30"), ret("default", "29"), false, true},
		{"retention scope added", "retention", ret("default", "30"), ret("default", "30", "training-opt-in", "1825"), true, false},
		{"retention scope dropped", "retention", ret("default", "30", "training-opt-in", "1825"), ret("default", "30"), false, true},
		{"retention none scope added", "retention", ret("default", "30"), ret("default", "30", "zdr", "none"), false, false},
		{"retention days to until-deleted", "retention", ret("files", "30"), ret("files", "until-deleted"), true, false},
		{"retention until-deleted to days", "retention", ret("files", "until-deleted"), ret("files", "3650"), false, true},
		{"retention none to days", "retention", ret("default", "none"), ret("default", "1"), true, false},
		{"retention until-deleted vs account-lifetime", "retention", ret("default", "until-deleted"), ret("default", "account-lifetime"), false, false},
		{"retention configurable", "retention", ret("default", "configurable"), ret("default", "30"), false, false},
		{"retention mixed", "retention", ret("default", "30", "batch", "29"), ret("default", "60", "batch", "7"), true, true},
		{"retention numeric not lexical", "retention", ret("default", "9"), ret("default", "10"), true, false},
		{"baa withdrawn", "hipaa-baa", Scalar("available"), Scalar("not-available"), true, false},
		{"baa offered", "hipaa-baa", Scalar("not-available"), Scalar("available"), false, true},
		{"zdr withdrawn", "zdr", Scalar("available"), Scalar("not-available"), true, false},
		{"ownership to vendor", "output-ownership", Scalar("customer"), Scalar("vendor"), true, false},
		{"ownership to shared", "output-ownership", Scalar("customer"), Scalar("shared"), true, false},
		{"ownership to customer", "output-ownership", Scalar("shared"), Scalar("customer"), false, true},
		{"processor changed", "data-processor", Scalar("vendor"), Scalar("cloud-provider"), false, false},
		{"sensitive yes to limited", "sensitive-data", Scalar("yes"), Scalar("limited"), true, false},
		{"certification dropped", "security", SetOf("soc2-type2", "iso27001"), SetOf("iso27001"), true, false},
		{"certification added", "security", SetOf("iso27001"), SetOf("soc2-type2", "iso27001"), false, true},
		{"security swapped", "security", SetOf("sso"), SetOf("scim"), true, true},
		{"right dropped", "rights", SetOf("export", "delete-conversations"), SetOf("export"), true, false},
		{"shape mismatch", "security", Scalar("sso"), SetOf("sso", "scim"), false, false},
		{"retention shape mismatch", "retention", Scalar("30"), ret("default", "90"), false, false},
		{"scalar shape mismatch", "training", SetOf("never"), Scalar("always"), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Weaker(tt.attribute, tt.old, tt.new); got != tt.weaker {
				t.Errorf("Weaker(%s, %s -> %s) = %v, want %v", tt.attribute, tt.old, tt.new, got, tt.weaker)
			}
			if got := Stronger(tt.attribute, tt.old, tt.new); got != tt.strong {
				t.Errorf("Stronger(%s, %s -> %s) = %v, want %v", tt.attribute, tt.old, tt.new, got, tt.strong)
			}
		})
	}
}

func TestComparePeriods(t *testing.T) {
	tests := []struct {
		a, b string
		cmp  int
		ok   bool
	}{
		{"none", "0", -1, true},
		{"30", "30", 0, true},
		{"29", "30", -1, true},
		{"1825", "until-deleted", -1, true},
		{"account-lifetime", "until-deleted", 0, true},
		{"configurable", "30", 0, false},
		{"30 days", "30", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.a+" vs "+tt.b, func(t *testing.T) {
			cmp, ok := ComparePeriods(tt.a, tt.b)
			if cmp != tt.cmp || ok != tt.ok {
				t.Errorf("ComparePeriods(%q, %q) = %d, %v; want %d, %v", tt.a, tt.b, cmp, ok, tt.cmp, tt.ok)
			}
		})
	}
}
