package report

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// Words renders a value of attribute in plain words, for people who read
// the guide rather than the vocabulary of DESIGN.md: training "opt-out" is
// "opt-out: used unless you turn it off", a retention map is "30 days; 30
// days after deletion; 5 years if you allow training", a set names its
// items ("SOC 2 Type II, ISO/IEC 27001"), an unknown value gives its
// reason. A nil value is "not stated". A word outside the vocabulary is
// shown as it is, never dropped. Words is the one place values are put in
// words: the site, the markdown grid and the CSV use it.
func Words(attribute string, v *terms.Value) string {
	switch {
	case v == nil || v.IsZero():
		return "not stated"
	case v.Unknown:
		if v.Reason != "" {
			return "unknown: " + v.Reason
		}
		return "unknown"
	case terms.IsUnspecified(*v):
		return "not stated"
	case v.Map != nil:
		return retentionWords(v.Map)
	case v.Set != nil:
		return setWords(v.Set)
	}
	if w, ok := scalarWords[attribute+"="+v.Scalar]; ok {
		return w
	}
	return v.Scalar
}

// RowWords is a status row's observed value in words, with what a reader
// needs to trust it: an unknown cell's reason and how a derived cell was
// reached ("limited: … (derived: no training, but no HIPAA BAA on
// offer)").
func RowWords(r Row) string {
	if r.Observed == nil && r.Reason != "" {
		return "unknown: " + r.Reason
	}
	s := Words(r.Attribute, r.Observed)
	if r.Observed != nil && r.Observed.Unknown && r.Observed.Reason == "" && r.Reason != "" {
		s = "unknown: " + r.Reason
	}
	if r.Derivation != "" {
		s += " (derived: " + r.Derivation + ")"
	}
	return s
}

var scalarWords = map[string]string{
	"training=never":                "never used for training",
	"training=opt-in":               "opt-in: used only if you allow it",
	"training=opt-out":              "opt-out: used unless you turn it off",
	"training=always":               "always used for training",
	"output-ownership=customer":     "the customer owns the outputs",
	"output-ownership=vendor":       "the vendor owns the outputs",
	"output-ownership=shared":       "ownership of the outputs is shared",
	"hipaa-baa=available":           "BAA available",
	"hipaa-baa=not-available":       "no BAA",
	"zdr=available":                 "zero data retention available",
	"zdr=not-available":             "no zero data retention",
	"data-processor=vendor":         "the vendor's own terms and DPA",
	"data-processor=cloud-provider": "the cloud provider's terms and DPA",
	"sensitive-data=yes":            "yes: fit for sensitive data",
	"sensitive-data=limited":        "limited: only with care",
	"sensitive-data=no":             "no: not for sensitive data",
}

// itemWords are the readable names of set items.
var itemWords = map[string]string{
	"soc2-type2":               "SOC 2 Type II",
	"iso27001":                 "ISO/IEC 27001",
	"iso42001":                 "ISO/IEC 42001",
	"fedramp-high":             "FedRAMP High",
	"hitrust":                  "HITRUST",
	"pci-dss":                  "PCI DSS",
	"dod-il2":                  "DoD IL2",
	"sso":                      "SSO",
	"scim":                     "SCIM",
	"rbac":                     "role-based access control",
	"audit-logs":               "audit logs",
	"tls1.2+":                  "TLS 1.2+ in transit",
	"aes-256":                  "AES-256 at rest",
	"delete-conversations":     "delete conversations",
	"export":                   "export data",
	"opt-out-training":         "opt out of training",
	"admin-retention-controls": "admin retention controls",
}

// ItemWords is the readable name of one set item ("SOC 2 Type II" for
// soc2-type2), or the item itself outside the vocabulary.
func ItemWords(item string) string {
	if w, ok := itemWords[item]; ok {
		return w
	}
	return item
}

func setWords(items []string) string {
	if len(items) == 0 {
		return "none stated"
	}
	sorted := slices.Clone(items)
	order := func(s string) int {
		for _, a := range []string{"security", "rights"} {
			if i := slices.Index(terms.Vocabulary(a), s); i >= 0 {
				return i
			}
		}
		return 1000
	}
	slices.SortStableFunc(sorted, func(a, b string) int { return order(a) - order(b) })
	names := make([]string, len(sorted))
	for i, s := range sorted {
		names[i] = ItemWords(s)
	}
	return strings.Join(names, ", ")
}

// scopeOrder is the order a retention map is read out in: the default
// period first, then what happens after deletion and with training, then
// the exceptions.
var scopeOrder = []string{"default", "after-deletion", "training-opt-in", "feedback", "safety-scores",
	"policy-violation", "batch", "files", "zdr"}

// scopeForm says how one scope reads: a period followed by a condition
// ("5 years if you allow training"), or a subject before it ("batch
// requests: 29 days").
var scopeForm = map[string]struct{ subject, condition string }{
	"default":          {},
	"after-deletion":   {condition: "after deletion"},
	"training-opt-in":  {condition: "if you allow training"},
	"policy-violation": {condition: "if flagged for a usage-policy violation"},
	"zdr":              {condition: "under zero data retention"},
	"safety-scores":    {subject: "safety scores"},
	"feedback":         {subject: "feedback you send"},
	"batch":            {subject: "batch requests"},
	"files":            {subject: "uploaded files"},
}

func retentionWords(m map[string]string) string {
	scopes := make([]string, 0, len(m))
	for k := range m {
		scopes = append(scopes, k)
	}
	rank := func(s string) int {
		if i := slices.Index(scopeOrder, s); i >= 0 {
			return i
		}
		return len(scopeOrder)
	}
	slices.SortFunc(scopes, func(a, b string) int {
		if d := rank(a) - rank(b); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, 0, len(scopes))
	for _, s := range scopes {
		p := PeriodWords(m[s])
		f, known := scopeForm[s]
		switch {
		case !known:
			parts = append(parts, s+": "+p)
		case f.subject != "":
			parts = append(parts, f.subject+": "+p)
		case f.condition != "":
			parts = append(parts, p+" "+f.condition)
		default:
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "; ")
}

// PeriodWords is a retention period in words: whole days as "30 days",
// "18 months" (a multiple of 30 days from 180 on) or "5 years" (a multiple
// of 365); "none" as "not kept", "until-deleted" as "until you delete it",
// "account-lifetime" as "while the account exists", "configurable" as "as
// the customer sets it".
func PeriodWords(p string) string {
	switch p {
	case terms.PeriodNone:
		return "not kept"
	case terms.PeriodUntilDeleted:
		return "until you delete it"
	case terms.PeriodAccountLifetime:
		return "while the account exists"
	case terms.PeriodConfigurable:
		return "as the customer sets it"
	}
	d, err := strconv.Atoi(p)
	if err != nil || d < 0 {
		return p
	}
	switch {
	case d > 0 && d%365 == 0:
		return count(d/365, "year")
	case d >= 180 && d%30 == 0:
		return count(d/30, "month")
	}
	return count(d, "day")
}

func count(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// ChangeWords is Change in words: for retention maps only the scopes that
// differ ("30 days → 60 days"; a scope that appears or goes reads "(none)"),
// for sets what was dropped and added ("dropped ISO/IEC 42001"), else both
// values whole ("never used for training → opt-out: used unless you turn
// it off").
func ChangeWords(attribute string, old, new *terms.Value) string {
	switch {
	case old != nil && new != nil && old.Map != nil && new.Map != nil:
		o, n := map[string]string{}, map[string]string{}
		for k, p := range old.Map {
			if new.Map[k] != p {
				o[k] = p
			}
		}
		for k, p := range new.Map {
			if old.Map[k] != p {
				n[k] = p
			}
		}
		side := func(m map[string]string) string {
			if len(m) == 0 {
				return "(none)"
			}
			return retentionWords(m)
		}
		if len(o) > 0 || len(n) > 0 {
			return side(o) + " → " + side(n)
		}
	case old != nil && new != nil && old.Set != nil && new.Set != nil:
		var parts []string
		if d := minus(old.Set, new.Set); len(d) > 0 {
			parts = append(parts, "dropped "+setWords(d))
		}
		if a := minus(new.Set, old.Set); len(a) > 0 {
			parts = append(parts, "added "+setWords(a))
		}
		if len(parts) > 0 {
			return strings.Join(parts, "; ")
		}
	}
	return Words(attribute, old) + " → " + Words(attribute, new)
}
