package compare

import (
	"slices"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// Agrees reports whether an observed value supports the documented one.
// Scalars must be equal. A retention map agrees when every scope the
// analysis documents is observed with the same period (scopes the analysis
// says nothing about are not a disagreement). A set agrees when every
// documented item is observed (more certifications or rights than the
// analysis lists are not a disagreement; one missing is). Unknown never
// agrees.
func Agrees(attribute string, documented, observed terms.Value) bool {
	switch {
	case observed.Unknown || documented.Unknown:
		return false
	case documented.Map != nil && observed.Map != nil:
		for scope, period := range documented.Map {
			if observed.Map[scope] != period {
				return false
			}
		}
		return true
	case documented.Set != nil && observed.Set != nil:
		for _, item := range documented.Set {
			if !slices.Contains(observed.Set, item) {
				return false
			}
		}
		return true
	}
	return documented.Equal(observed)
}

// Contradicts reports whether an observed value contradicts the documented
// one. Scalars contradict when they differ. A retention map contradicts only
// when a scope both state has another period: a documented scope no page
// states is unverified, not contradicted. A set contradicts only when a
// page denies a documented item ("we do not hold ISO 42001"): pages list
// what they offer, silence is no denial, and an item a page stopped listing
// is a value-changed event of its own.
func Contradicts(attribute string, documented, observed terms.Value) bool {
	switch {
	case Agrees(attribute, documented, observed):
		return false
	case observed.Set != nil:
		return slices.ContainsFunc(documented.Set, func(it string) bool { return slices.Contains(observed.Denied, it) })
	case documented.Map != nil && observed.Map != nil:
		for scope, period := range documented.Map {
			if got, ok := observed.Map[scope]; ok && got != period {
				return true
			}
		}
		return false
	}
	return true
}
