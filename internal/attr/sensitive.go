package attr

import (
	"strings"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// Sensitive-data values of DESIGN.md.
const (
	SensitiveYes     = "yes"
	SensitiveLimited = "limited"
	SensitiveNo      = "no"
)

// Sensitive derives a tier's sensitive-data value from its other observed
// values (keyed by attribute name), following the rule the published
// analysis applies tier by tier, restated here in our words:
//
//   - A tier whose conversations feed the vendor's training unless someone
//     acts (training "opt-out" or "always") is not fit for sensitive data:
//     "no".
//   - A tier fit for regulated data needs all three of: a promise of no
//     training (training "never"); a HIPAA business associate agreement on
//     offer (hipaa-baa "available"); and a baseline retention that keeps
//     nothing or that the customer sets (the retention period of the
//     "default" scope, or of the "zdr" scope when the tier has no default,
//     is "none" or "configurable"): "yes".
//   - Any other tier that does not train on the data by default is
//     "limited": training "never" without the BAA, or with a fixed default
//     retention (30 days for safety monitoring, the life of the account);
//     or training "opt-in", where one member's consent can release data.
//
// A value the rule needs that is missing or unknown gives unknown with the
// reason, unless the values present decide the answer on their own (a tier
// that trains by default is "no" whatever else is unknown).
func Sensitive(values map[string]terms.Value) terms.Value {
	v, _ := SensitiveWhy(values)
	return v
}

// SensitiveWhy is Sensitive with the reason of its answer, in our words,
// for the people who read the grid: "no training, but no BAA on offer".
// The reason of an unknown value is its Reason.
func SensitiveWhy(values map[string]terms.Value) (terms.Value, string) {
	training, ok := known(values, "training")
	if !ok {
		return why(terms.UnknownValue("sensitive-data needs training, which is unknown"))
	}
	switch training.Scalar {
	case TrainingOptOut, TrainingAlways:
		return terms.Scalar(SensitiveNo), "training is " + training.Scalar + ": the tier's data feeds training unless someone acts"
	case TrainingOptIn:
		return terms.Scalar(SensitiveLimited), "training is opt-in: one member's consent can release the data"
	case TrainingNever:
	default:
		return why(terms.UnknownValue("sensitive-data: unexpected training value " + training.String()))
	}

	baa, baaOK := known(values, "hipaa-baa")
	if baaOK && baa.Scalar != "available" {
		return terms.Scalar(SensitiveLimited), "no training, but no HIPAA BAA on offer"
	}
	base, baseOK := baselineRetention(values)
	if baseOK && base != PeriodNone && base != PeriodConfigurable {
		return terms.Scalar(SensitiveLimited), "no training, but a fixed baseline retention (" + daysWord(base) + ")"
	}
	if !baaOK {
		return why(terms.UnknownValue("sensitive-data needs hipaa-baa, which is unknown"))
	}
	if !baseOK {
		return why(terms.UnknownValue("sensitive-data needs the default retention, which is unknown"))
	}
	return terms.Scalar(SensitiveYes), "no training, a HIPAA BAA on offer, and a baseline retention of " + daysWord(base)
}

// daysWord is a period for a reason: "30 days" for "30", else the word.
func daysWord(p string) string {
	if p != "" && strings.Trim(p, "0123456789") == "" {
		return p + " days"
	}
	return p
}

func why(v terms.Value) (terms.Value, string) { return v, v.Reason }

// known returns values[attr] when it is present and known.
func known(values map[string]terms.Value, attr string) (terms.Value, bool) {
	v, ok := values[attr]
	if !ok || v.Unknown || v.IsZero() {
		return terms.Value{}, false
	}
	return v, true
}

// baselineRetention is the period a tier keeps data for when nothing
// special happens: the "default" scope, or the "zdr" scope for a tier
// described by its zero-data-retention arrangement alone.
func baselineRetention(values map[string]terms.Value) (string, bool) {
	ret, ok := known(values, "retention")
	if !ok {
		return "", false
	}
	if p, ok := ret.Map[ScopeDefault]; ok {
		return p, true
	}
	if p, ok := ret.Map[ScopeZDR]; ok {
		return p, true
	}
	return "", false
}
