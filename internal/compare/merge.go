package compare

import (
	"slices"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// mergeValue merges two values of one attribute, the table's one rule:
//   - a known value beats an unknown one, and any other value beats
//     "unspecified"; when all are unknown the first reason is kept;
//   - retention maps are merged scope by scope, the longest period winning
//     a conflict (a comparable period beats "configurable");
//   - sets are united, their denied items too; an item one statement
//     confirms and another denies is denied (the weaker for the customer);
//   - conflicting scalars: the weaker one (worse for the customer, see
//     terms.Weaker) wins; incomparable scalars (data-processor): the
//     alphabetically first, so the result does not depend on order.
func mergeValue(attribute string, a, b terms.Value) terms.Value {
	switch {
	case b.IsZero() || b.Unknown && a.Unknown:
		return a
	case a.IsZero() || a.Unknown:
		return clone(b)
	case b.Unknown:
		return a
	case terms.IsUnspecified(a):
		return clone(b)
	case terms.IsUnspecified(b):
		return a
	case a.Map != nil && b.Map != nil:
		return mergeMaps(a, b)
	case a.Set != nil && b.Set != nil:
		v := terms.DenySet(append(slices.Clone(a.Set), b.Set...), append(slices.Clone(a.Denied), b.Denied...))
		if v.Set == nil {
			v.Set = []string{}
		}
		return v
	case a.Scalar != "" && b.Scalar != "":
		return mergeScalars(attribute, a, b)
	}
	// Different shapes: keep the one that fits the attribute.
	if fits(attribute, b) && !fits(attribute, a) {
		return clone(b)
	}
	return a
}

// mergeMaps merges retention maps scope by scope, the longer period
// winning a scope both state.
func mergeMaps(a, b terms.Value) terms.Value {
	m := make(map[string]string, len(a.Map)+len(b.Map))
	for k, v := range a.Map {
		m[k] = v
	}
	for k, pb := range b.Map {
		if pa, ok := m[k]; ok {
			m[k] = longerPeriod(pa, pb)
		} else {
			m[k] = pb
		}
	}
	return terms.Value{Map: m}
}

// mergeScalars keeps the weaker of two scalars, or the alphabetically
// first of two incomparable ones.
func mergeScalars(attribute string, a, b terms.Value) terms.Value {
	switch {
	case a.Scalar == b.Scalar:
		return a
	case terms.Weaker(attribute, a, b):
		return b
	case terms.Weaker(attribute, b, a):
		return a
	case b.Scalar < a.Scalar:
		return b
	}
	return a
}

// longerPeriod returns the period that keeps data longer.
func longerPeriod(a, b string) string {
	if c, ok := terms.ComparePeriods(a, b); ok {
		if c < 0 {
			return b
		}
		return a
	}
	switch {
	case a == terms.PeriodConfigurable && b != terms.PeriodConfigurable:
		if _, ok := terms.ComparePeriods(b, b); ok {
			return b
		}
	case b == terms.PeriodConfigurable:
		return a
	}
	return min(a, b)
}

// fits reports whether v has the shape attribute's values have.
func fits(attribute string, v terms.Value) bool {
	switch attribute {
	case "retention":
		return v.Map != nil
	case "security", "rights":
		return v.Set != nil
	}
	return v.Scalar != ""
}

// clone copies v so merged values never alias the caller's maps/slices.
func clone(v terms.Value) terms.Value {
	if v.Map != nil {
		m := make(map[string]string, len(v.Map))
		for k, p := range v.Map {
			m[k] = p
		}
		v.Map = m
	}
	if v.Set != nil {
		v.Set = slices.Clone(v.Set)
	}
	v.Denied = slices.Clone(v.Denied)
	return v
}
