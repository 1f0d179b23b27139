package attr

import "github.com/clausewatch/clausewatch/internal/terms"

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
//   - A tier fit for regulated data needs all three of: a contractual
//     promise of no training (training "never"), a HIPAA business associate
//     agreement on offer (hipaa-baa "available"), and a way to keep nothing
//     at rest (zdr "available", or retention whose default scope is
//     "none"): "yes".
//   - Any other tier that does not train on the data by default (training
//     "never" without the BAA or the zero-retention path, or "opt-in",
//     where one member's consent can still release data) is "limited".
//
// A value the rule needs but that is missing or unknown gives unknown with
// the reason, unless the values present already decide the answer (a tier
// that trains by default is "no" whatever else is unknown).
func Sensitive(values map[string]terms.Value) terms.Value {
	training, ok := known(values, "training")
	if !ok {
		return terms.UnknownValue("sensitive-data needs training, which is unknown")
	}
	switch training.Scalar {
	case TrainingOptOut, TrainingAlways:
		return terms.Scalar(SensitiveNo)
	case TrainingOptIn:
		return terms.Scalar(SensitiveLimited)
	case TrainingNever:
	default:
		return terms.UnknownValue("sensitive-data: unexpected training value " + training.String())
	}

	baa, baaOK := known(values, "hipaa-baa")
	if baaOK && baa.Scalar != "available" {
		return terms.Scalar(SensitiveLimited)
	}
	zero, zeroKnown := zeroRetentionPath(values)
	if zeroKnown && !zero {
		return terms.Scalar(SensitiveLimited)
	}
	if !baaOK {
		return terms.UnknownValue("sensitive-data needs hipaa-baa, which is unknown")
	}
	if !zeroKnown {
		return terms.UnknownValue("sensitive-data needs zdr or the default retention, which are unknown")
	}
	return terms.Scalar(SensitiveYes)
}

// known returns values[attr] when it is present and known.
func known(values map[string]terms.Value, attr string) (terms.Value, bool) {
	v, ok := values[attr]
	if !ok || v.Unknown || v.IsZero() {
		return terms.Value{}, false
	}
	return v, true
}

// zeroRetentionPath reports whether a tier can keep nothing at rest (zdr
// available, or default retention none), and whether that is known: it is
// known when either says yes, or when zdr is known and retention does not
// say yes.
func zeroRetentionPath(values map[string]terms.Value) (has, isKnown bool) {
	zdr, zdrOK := known(values, "zdr")
	if zdrOK && zdr.Scalar == "available" {
		return true, true
	}
	ret, retOK := known(values, "retention")
	if retOK && ret.Map[ScopeDefault] == PeriodNone {
		return true, true
	}
	return false, zdrOK
}
