package terms

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"
)

// Value is a normalized attribute value: a scalar ("never", "available"),
// a map scope → period (retention) or a set (security, rights). Unknown
// values carry the reason they could not be read.
type Value struct {
	Scalar  string            // training, output-ownership, hipaa-baa, zdr, data-processor, sensitive-data
	Map     map[string]string // retention: scope → period
	Set     []string          // security, rights: sorted, unique
	Denied  []string          // security, rights: items a page denies, sorted, unique, none in Set; nil for none
	Unknown bool              // the value could not be read
	Reason  string            // why, when Unknown
}

// Scalar returns a scalar value.
func Scalar(s string) Value { return Value{Scalar: s} }

// SetOf returns a set value, sorted and deduplicated; with no items, the
// empty set (not a missing value).
func SetOf(items ...string) Value {
	s := append([]string{}, items...)
	slices.Sort(s)
	return Value{Set: slices.Compact(s)}
}

// DenySet returns a set value of the items confirmed, with the items
// denied: a denied item is left out of the set even when it is also
// confirmed (a denial wins), and Denied is nil when nothing is denied.
func DenySet(confirmed, denied []string) Value {
	d := SetOf(denied...).Set
	var keep []string
	for _, it := range confirmed {
		if !slices.Contains(d, it) {
			keep = append(keep, it)
		}
	}
	v := SetOf(keep...)
	if len(d) > 0 {
		v.Denied = d
	}
	return v
}

// MapOf returns a map value.
func MapOf(m map[string]string) Value { return Value{Map: maps.Clone(m)} }

// UnknownValue returns an unknown value with its reason.
func UnknownValue(reason string) Value { return Value{Unknown: true, Reason: reason} }

// IsZero reports whether v holds nothing at all.
func (v Value) IsZero() bool {
	return !v.Unknown && v.Scalar == "" && v.Map == nil && v.Set == nil && v.Denied == nil
}

// String renders v in a stable, human-readable form: "opt-out",
// "default=30, training-opt-in=1825", "[soc2-type2 iso27001]", "unknown".
func (v Value) String() string {
	switch {
	case v.Unknown:
		return "unknown"
	case v.Map != nil:
		keys := slices.Sorted(maps.Keys(v.Map))
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + "=" + v.Map[k]
		}
		return strings.Join(parts, ", ")
	case v.Set != nil && len(v.Denied) > 0:
		return "[" + strings.Join(v.Set, " ") + "] not [" + strings.Join(v.Denied, " ") + "]"
	case v.Set != nil:
		return "[" + strings.Join(v.Set, " ") + "]"
	}
	return v.Scalar
}

// Equal reports whether two values are the same normalized value.
func (v Value) Equal(o Value) bool {
	if v.Unknown || o.Unknown {
		return v.Unknown == o.Unknown
	}
	return v.Scalar == o.Scalar && maps.Equal(v.Map, o.Map) && slices.Equal(v.Set, o.Set) && slices.Equal(v.Denied, o.Denied) &&
		(v.Map == nil) == (o.Map == nil) && (v.Set == nil) == (o.Set == nil)
}

// MarshalJSON writes a scalar as a string, a map as an object (whole-day
// periods as numbers, the other periods as strings: {"default": 30,
// "files": "until-deleted"}), a set as the array of its confirmed items
// (the change-event contract: sets are arrays; denied items are left out,
// as they are not in the set) and an unknown value as the string
// "unknown". StoredJSON keeps the denied items too.
func (v Value) MarshalJSON() ([]byte, error) {
	switch {
	case v.Unknown:
		return json.Marshal("unknown")
	case v.Map != nil:
		return marshalPeriods(v.Map)
	case v.Set == nil && len(v.Denied) > 0:
		return []byte("[]"), nil
	case v.Set != nil:
		return json.Marshal(v.Set)
	case v.Scalar == "":
		return []byte("null"), nil
	}
	return json.Marshal(v.Scalar)
}

// StoredJSON is the form the store keeps an observation's value in: that
// of MarshalJSON, but a set with denied items is the object
// {"confirmed": [...], "denied": [...]}, so that a denial read from a page
// survives until the next reading. UnmarshalJSON reads both.
func (v Value) StoredJSON() ([]byte, error) {
	if !v.Unknown && v.Map == nil && len(v.Denied) > 0 {
		return json.Marshal(deniedSet{Confirmed: nonNilSet(v.Set), Denied: v.Denied})
	}
	return json.Marshal(v)
}

func nonNilSet(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// UnmarshalJSON reads what MarshalJSON and StoredJSON write, and the maps of earlier
// versions, whose whole-day periods were strings ({"default": "30"}): both
// read as the period "30".
func (v *Value) UnmarshalJSON(b []byte) error {
	*v = Value{}
	s := strings.TrimSpace(string(b))
	switch {
	case s == "null":
		return nil
	case strings.HasPrefix(s, "{") && isDeniedSet(b):
		var ds deniedSet
		if err := json.Unmarshal(b, &ds); err != nil {
			return fmt.Errorf("value: %w", err)
		}
		*v = DenySet(ds.Confirmed, ds.Denied)
		return nil
	case strings.HasPrefix(s, "{"):
		m, err := unmarshalPeriods(b)
		if err != nil {
			return fmt.Errorf("value: %w", err)
		}
		v.Map = m
		return nil
	case strings.HasPrefix(s, "["):
		if err := json.Unmarshal(b, &v.Set); err != nil {
			return err
		}
		if v.Set == nil {
			v.Set = []string{}
		}
		sort.Strings(v.Set)
		return nil
	}
	if err := json.Unmarshal(b, &v.Scalar); err != nil {
		return fmt.Errorf("value: %w", err)
	}
	if v.Scalar == "unknown" {
		*v = Value{Unknown: true}
	}
	return nil
}

// deniedSet is the JSON form of a set with denied items.
type deniedSet struct {
	Confirmed []string `json:"confirmed"`
	Denied    []string `json:"denied"`
}

// isDeniedSet reports whether the JSON object b is a deniedSet: its keys
// are "confirmed" and "denied" (no retention scope has either name).
func isDeniedSet(b []byte) bool {
	var keys map[string]json.RawMessage
	if json.Unmarshal(b, &keys) != nil || len(keys) == 0 {
		return false
	}
	for k := range keys {
		if k != "confirmed" && k != "denied" {
			return false
		}
	}
	return true
}

// Evidence is where an observed value was read from.
type Evidence struct {
	Source     string    `json:"source"`
	Snapshot   int64     `json:"snapshot,omitempty"`
	Clause     string    `json:"clause"` // heading path joined with " > "
	Text       string    `json:"text"`   // the sentence(s) the value was read from
	SnapshotAt time.Time `json:"snapshot_at"`
	// Named reports whether the sentence (or its heading, lead-in or table
	// row) named the tier; a statement that names the tier outranks one
	// that speaks for its whole document.
	Named bool `json:"named,omitempty"`
}

// Observation is (vendor, tier, attribute) = value with its evidence.
type Observation struct {
	Vendor    string   `json:"vendor"`
	Tier      string   `json:"tier"`
	Attribute string   `json:"attribute"`
	Value     Value    `json:"value"`
	Evidence  Evidence `json:"evidence"`
}

// Severity of a change event.
type Severity string

// Severities, from most to least urgent.
const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
	Info     Severity = "info"
)

// Rank orders severities: critical is 0, info 4, unknown 5.
func (s Severity) Rank() int {
	switch s {
	case Critical:
		return 0
	case High:
		return 1
	case Medium:
		return 2
	case Low:
		return 3
	case Info:
		return 4
	}
	return 5
}

// AtLeast reports whether s is as urgent as min or more.
func (s Severity) AtLeast(min Severity) bool { return s.Rank() <= min.Rank() }

// ParseSeverity reads a severity name.
func ParseSeverity(s string) (Severity, error) {
	sev := Severity(strings.ToLower(strings.TrimSpace(s)))
	if sev.Rank() == 5 {
		return "", fmt.Errorf("unknown severity %q (want critical, high, medium, low or info)", s)
	}
	return sev, nil
}

// Event kinds of DESIGN.md.
const (
	ValueChanged     = "value-changed"
	BaselineDrift    = "baseline-drift"
	EvidenceLost     = "evidence-lost"
	ClauseChanged    = "clause-changed"
	DocumentChanged  = "document-changed"
	FetchFailed      = "fetch-failed"
	ExtractionFailed = "extraction-failed"
	Recovered        = "recovered"
	// ExtractionSuspect: the page came back with most of the sentences of
	// the version in force missing at once (a half-rendered page, a CDN
	// hiccup): held as suspect, not compared, until confirmed.
	ExtractionSuspect = "extraction-suspect"
	VariantChanged    = "variant-changed"
	RuleChanged       = "rule-changed"
	EvidenceFound     = "evidence-found"
	DriftResolved     = "drift-resolved"
)

// Side is one side (before or after) of an event.
type Side struct {
	Snapshot int64  `json:"snapshot,omitempty"`
	Clause   string `json:"clause,omitempty"`
	Text     string `json:"text,omitempty"`
}

// Event is a change event, in the JSON shape of DESIGN.md.
type Event struct {
	ID         string    `json:"id"` // "c-000123"
	Kind       string    `json:"kind"`
	Severity   Severity  `json:"severity"`
	Vendor     string    `json:"vendor,omitempty"`
	Tier       string    `json:"tier,omitempty"`
	Attribute  string    `json:"attribute,omitempty"`
	Old        *Value    `json:"old,omitempty"`
	New        *Value    `json:"new,omitempty"`
	Source     string    `json:"source"`
	SnapshotAt time.Time `json:"snapshot_at"`
	DetectedAt time.Time `json:"detected_at"`
	Before     *Side     `json:"before,omitempty"`
	After      *Side     `json:"after,omitempty"`
	Detail     string    `json:"detail,omitempty"` // error message, changed-clause summary…
	// Change groups the events one edit of one sentence caused (several
	// tiers, a value change and the drift it opens): "g-000042", the id of
	// the group's first event with a "g-" prefix. Before the store records
	// them, events of one group share any non-empty key.
	Change string `json:"change,omitempty"`
}

// ChangeID formats the id of a change group from its first event's number.
func ChangeID(n int64) string { return fmt.Sprintf("g-%06d", n) }

// EventID formats the numeric id of a stored event.
func EventID(n int64) string { return fmt.Sprintf("c-%06d", n) }

// Notable reports whether the event counts as a change for the exit code
// (severity low or above).
func (e Event) Notable() bool { return e.Severity.AtLeast(Low) }
