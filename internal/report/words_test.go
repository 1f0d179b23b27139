package report_test

import (
	"testing"

	"github.com/clausewatch/clausewatch/internal/report"
	"github.com/clausewatch/clausewatch/internal/terms"
)

func TestWords(t *testing.T) {
	val := func(v terms.Value) *terms.Value { return &v }
	tests := []struct {
		attr string
		v    *terms.Value
		want string
	}{
		{"training", val(terms.Scalar("opt-out")), "opt-out: used unless you turn it off"},
		{"training", val(terms.Scalar("never")), "never used for training"},
		{"training", val(terms.Scalar("opt-in")), "opt-in: used only if you allow it"},
		{"training", val(terms.Scalar("always")), "always used for training"},
		{"training", val(terms.Scalar("sometimes")), "sometimes"}, // outside the vocabulary: shown, not dropped
		{"training", val(terms.Scalar(terms.Unspecified)), "not stated"},
		{"training", nil, "not stated"},
		{"hipaa-baa", val(terms.Scalar("not-available")), "no BAA"},
		{"zdr", val(terms.Scalar("available")), "zero data retention available"},
		{"data-processor", val(terms.Scalar("cloud-provider")), "the cloud provider's terms and DPA"},
		{"output-ownership", val(terms.Scalar("customer")), "the customer owns the outputs"},
		{"sensitive-data", val(terms.Scalar("limited")), "limited: only with care"},
		{"retention", val(terms.MapOf(map[string]string{"default": "30", "training-opt-in": "1825", "after-deletion": "30"})),
			"30 days; 30 days after deletion; 5 years if you allow training"},
		{"retention", val(terms.MapOf(map[string]string{"default": "540"})), "18 months"},
		{"retention", val(terms.MapOf(map[string]string{"default": "1", "policy-violation": "730"})),
			"1 day; 2 years if flagged for a usage-policy violation"},
		{"retention", val(terms.MapOf(map[string]string{"files": "until-deleted", "batch": "29", "zdr": "none"})),
			"batch requests: 29 days; uploaded files: until you delete it; not kept under zero data retention"},
		{"retention", val(terms.MapOf(map[string]string{"default": "account-lifetime", "feedback": "1095", "safety-scores": "2555"})),
			"while the account exists; feedback you send: 3 years; safety scores: 7 years"},
		{"retention", val(terms.MapOf(map[string]string{"default": "configurable", "custom-scope": "60"})),
			"as the customer sets it; custom-scope: 60 days"},
		{"security", val(terms.SetOf("iso27001", "soc2-type2", "tls1.2+")), "SOC 2 Type II, ISO/IEC 27001, TLS 1.2+ in transit"},
		{"security", val(terms.SetOf()), "none stated"},
		{"security", val(terms.SetOf("fedramp-high", "quantum-safe")), "FedRAMP High, quantum-safe"},
		{"rights", val(terms.SetOf("export", "delete-conversations")), "delete conversations, export data"},
		{"training", val(terms.UnknownValue("the clause “Use of content” is gone")), "unknown: the clause “Use of content” is gone"},
		{"training", val(terms.UnknownValue("")), "unknown"},
	}
	for _, tc := range tests {
		if got := report.Words(tc.attr, tc.v); got != tc.want {
			t.Errorf("Words(%s, %v) = %q, want %q", tc.attr, tc.v, got, tc.want)
		}
	}
}

func TestPeriodWords(t *testing.T) {
	for p, want := range map[string]string{
		"30": "30 days", "29": "29 days", "60": "60 days", "90": "90 days", "180": "6 months", "540": "18 months",
		"365": "1 year", "1825": "5 years", "0": "0 days", "none": "not kept", "until-deleted": "until you delete it",
		"account-lifetime": "while the account exists", "configurable": "as the customer sets it", "forever": "forever",
	} {
		if got := report.PeriodWords(p); got != want {
			t.Errorf("PeriodWords(%q) = %q, want %q", p, got, want)
		}
	}
}

func TestRowWords(t *testing.T) {
	limited := terms.Scalar("limited")
	unknown := terms.UnknownValue("the clause that held it is gone")
	tests := []struct {
		row  report.Row
		want string
	}{
		{report.Row{Attribute: "sensitive-data", Observed: &limited, Derivation: "no training, but no HIPAA BAA on offer"},
			"limited: only with care (derived: no training, but no HIPAA BAA on offer)"},
		{report.Row{Attribute: "training", Observed: &unknown, Reason: unknown.Reason}, "unknown: the clause that held it is gone"},
		{report.Row{Attribute: "training"}, "not stated"},
	}
	for _, tc := range tests {
		if got := report.RowWords(tc.row); got != tc.want {
			t.Errorf("RowWords(%+v) = %q, want %q", tc.row, got, tc.want)
		}
	}
}

func TestChangeWords(t *testing.T) {
	val := func(v terms.Value) *terms.Value { return &v }
	ret := func(kv ...string) *terms.Value {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return val(terms.MapOf(m))
	}
	for _, tc := range []struct {
		attr     string
		old, new *terms.Value
		want     string
	}{
		{"training", val(terms.Scalar("never")), val(terms.Scalar("opt-out")), "never used for training → opt-out: used unless you turn it off"},
		{"training", nil, val(terms.Scalar("opt-in")), "not stated → opt-in: used only if you allow it"},
		{"retention", ret("default", "30", "batch", "29"), ret("default", "60", "batch", "29"), "30 days → 60 days"},
		{"retention", ret("default", "30"), ret("default", "30", "training-opt-in", "1825"), "(none) → 5 years if you allow training"},
		{"security", val(terms.SetOf("iso27001", "iso42001", "soc2-type2")), val(terms.SetOf("iso27001", "soc2-type2", "sso")), "dropped ISO/IEC 42001; added SSO"},
	} {
		if got := report.ChangeWords(tc.attr, tc.old, tc.new); got != tc.want {
			t.Errorf("ChangeWords(%v, %v) = %q, want %q", tc.old, tc.new, got, tc.want)
		}
	}
}
