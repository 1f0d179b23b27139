package compare

import "github.com/clausewatch/clausewatch/internal/terms"

// Severity is the one place an event is graded, as DESIGN.md says:
//   - value-changed is critical when the change weakens the customer's
//     position (terms.Weaker: training turned on or widened, retention
//     lengthened, BAA/ZDR withdrawn, ownership moved to the vendor, a
//     certification dropped), medium otherwise (it strengthens it, or is
//     neither weaker nor stronger);
//   - evidence-lost, baseline-drift, fetch-failed, extraction-failed and
//     extraction-suspect are high: a value nobody can vouch for any more, a
//     guide that is wrong, a source that starts failing or serves a page
//     held as suspect (cron must see it: the run exits 3);
//   - drift-resolved is medium;
//   - clause-changed is low (someone may want to reread it);
//   - every other kind (document-changed, variant-changed, rule-changed,
//     recovered, evidence-found, unknown kinds) is info.
func Severity(kind, attribute string, old, new terms.Value) terms.Severity {
	switch kind {
	case terms.ValueChanged:
		if terms.Weaker(attribute, old, new) {
			return terms.Critical
		}
		return terms.Medium
	case terms.EvidenceLost, terms.BaselineDrift, terms.FetchFailed, terms.ExtractionFailed, terms.ExtractionSuspect:
		return terms.High
	case terms.DriftResolved:
		return terms.Medium
	case terms.ClauseChanged:
		return terms.Low
	}
	return terms.Info
}
