package terms

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
)

// Unspecified is the scalar every attribute accepts: the source (the
// published analysis, usually) says nothing about it.
const Unspecified = "unspecified"

// Period words of a retention value besides whole days.
const (
	PeriodNone            = "none"
	PeriodUntilDeleted    = "until-deleted"
	PeriodAccountLifetime = "account-lifetime"
	PeriodConfigurable    = "configurable"
)

// ErrBadValue is wrapped by every error of ValidateValue that rejects a
// value (as opposed to an unknown attribute).
var ErrBadValue = errors.New("bad value")

// ErrUnknownAttribute is wrapped by ValidateValue for a name that is not
// one of Attributes.
var ErrUnknownAttribute = errors.New("unknown attribute")

// IsAttribute reports whether name is one of Attributes.
func IsAttribute(name string) bool { return slices.Contains(Attributes, name) }

// AttributeIndex is the position of name in Attributes, or len(Attributes)
// for an unknown name: the report order.
func AttributeIndex(name string) int {
	if i := slices.Index(Attributes, name); i >= 0 {
		return i
	}
	return len(Attributes)
}

// Vocabulary returns the words DESIGN.md allows for attribute, in their
// documented order: the scalars of a scalar attribute, the scopes of
// retention, the items of a set attribute. It returns nil for an unknown
// attribute. "unspecified" is not listed (every attribute accepts it).
func Vocabulary(attribute string) []string {
	switch attribute {
	case "training":
		return []string{"never", "opt-in", "opt-out", "always"}
	case "retention":
		return []string{"default", "training-opt-in", "after-deletion", "policy-violation",
			"safety-scores", "feedback", "batch", "files", "zdr"}
	case "output-ownership":
		return []string{"customer", "vendor", "shared"}
	case "hipaa-baa", "zdr":
		return []string{"available", "not-available"}
	case "data-processor":
		return []string{"vendor", "cloud-provider"}
	case "sensitive-data":
		return []string{"yes", "limited", "no"}
	case "security":
		return []string{"soc2-type2", "iso27001", "iso42001", "fedramp-high", "hitrust", "pci-dss",
			"dod-il2", "sso", "scim", "rbac", "audit-logs", "tls1.2+", "aes-256"}
	case "rights":
		return []string{"delete-conversations", "export", "opt-out-training", "admin-retention-controls"}
	}
	return nil
}

// shape of an attribute's values.
type shape int

const (
	shapeScalar shape = iota
	shapeMap
	shapeSet
)

func shapeOf(attribute string) shape {
	switch attribute {
	case "retention":
		return shapeMap
	case "security", "rights":
		return shapeSet
	}
	return shapeScalar
}

// IsUnspecified reports whether v is the scalar "unspecified".
func IsUnspecified(v Value) bool {
	return !v.Unknown && v.Scalar == Unspecified && v.Map == nil && v.Set == nil
}

// ValidateValue checks v against DESIGN.md's vocabulary for attribute:
// training never|opt-in|opt-out|always; retention a non-empty map whose
// scopes are default, training-opt-in, after-deletion, policy-violation,
// safety-scores, feedback, batch, files, zdr and whose periods are whole
// days written in decimal ("30") or none|until-deleted|account-lifetime|
// configurable; output-ownership customer|vendor|shared; hipaa-baa and zdr
// available|not-available; data-processor vendor|cloud-provider;
// sensitive-data yes|limited|no; security and rights sorted, duplicate-free
// sets of their items (see Vocabulary). The scalar "unspecified" is valid
// for every attribute, and so is an unknown value (observations only:
// callers that hold documented values reject it themselves).
//
// Errors wrap ErrUnknownAttribute or ErrBadValue and quote the offending
// word; they do not name the attribute (the caller adds that context).
func ValidateValue(attribute string, v Value) error {
	if !IsAttribute(attribute) {
		return fmt.Errorf("%w %q", ErrUnknownAttribute, attribute)
	}
	if v.Unknown || IsUnspecified(v) {
		return nil
	}
	if v.IsZero() {
		return fmt.Errorf("%w: empty value", ErrBadValue)
	}
	if shapesHeld(v) > 1 {
		return fmt.Errorf("%w: %s holds more than one of scalar, map and set", ErrBadValue, v)
	}
	vocab := Vocabulary(attribute)
	switch shapeOf(attribute) {
	case shapeScalar:
		return validScalar(v, vocab)
	case shapeMap:
		return validRetention(v, vocab)
	case shapeSet:
		return validSet(v, vocab)
	}
	return nil
}

// shapesHeld counts which of scalar, map and set v holds.
func shapesHeld(v Value) int {
	n := 0
	for _, b := range []bool{v.Scalar != "", v.Map != nil, v.Set != nil} {
		if b {
			n++
		}
	}
	return n
}

// validScalar checks the value of a scalar attribute: one word of vocab.
func validScalar(v Value, vocab []string) error {
	if v.Scalar == "" {
		return fmt.Errorf("%w: want one word of %v, got %s", ErrBadValue, vocab, v)
	}
	if !slices.Contains(vocab, v.Scalar) {
		return fmt.Errorf("%w %q (want one of %v or %s)", ErrBadValue, v.Scalar, vocab, Unspecified)
	}
	return nil
}

// validRetention checks a retention value: a non-empty map whose scopes
// are words of vocab and whose periods are valid, checked scope by scope in
// sorted order.
func validRetention(v Value, vocab []string) error {
	if v.Map == nil {
		return fmt.Errorf("%w: want a map scope -> period, got %q", ErrBadValue, v.String())
	}
	if len(v.Map) == 0 {
		return fmt.Errorf("%w: empty retention map", ErrBadValue)
	}
	for _, scope := range sortedKeys(v.Map) {
		if !slices.Contains(vocab, scope) {
			return fmt.Errorf("%w: retention scope %q (want one of %v)", ErrBadValue, scope, vocab)
		}
		if err := validPeriod(v.Map[scope]); err != nil {
			return fmt.Errorf("retention scope %s: %w", scope, err)
		}
	}
	return nil
}

// validSet checks the value of a set attribute: items of vocab, sorted and
// without duplicates, checked item by item; its denied items likewise, and
// none of them confirmed.
func validSet(v Value, vocab []string) error {
	if v.Set == nil {
		return fmt.Errorf("%w: want a set of %v, got %q", ErrBadValue, vocab, v.String())
	}
	for i, item := range v.Set {
		if !slices.Contains(vocab, item) {
			return fmt.Errorf("%w: item %q (want items of %v)", ErrBadValue, item, vocab)
		}
		if i > 0 && v.Set[i-1] >= item {
			if v.Set[i-1] == item {
				return fmt.Errorf("%w: duplicate item %q", ErrBadValue, item)
			}
			return fmt.Errorf("%w: set not sorted at %q (build it with SetOf)", ErrBadValue, item)
		}
	}
	for i, item := range v.Denied {
		switch {
		case !slices.Contains(vocab, item):
			return fmt.Errorf("%w: denied item %q (want items of %v)", ErrBadValue, item, vocab)
		case i > 0 && v.Denied[i-1] >= item:
			return fmt.Errorf("%w: denied items not sorted or duplicated at %q (build it with DenySet)", ErrBadValue, item)
		case slices.Contains(v.Set, item):
			return fmt.Errorf("%w: item %q both confirmed and denied", ErrBadValue, item)
		}
	}
	return nil
}

func validPeriod(p string) error {
	switch p {
	case PeriodNone, PeriodUntilDeleted, PeriodAccountLifetime, PeriodConfigurable:
		return nil
	}
	if !isDays(p) {
		return fmt.Errorf("%w: period %q (want whole days such as \"30\", or %s, %s, %s, %s)",
			ErrBadValue, p, PeriodNone, PeriodUntilDeleted, PeriodAccountLifetime, PeriodConfigurable)
	}
	return nil
}

// isDays reports whether p is a period in whole days written in decimal
// without a leading zero ("0", "30"), the form ValidateValue accepts.
func isDays(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n >= 0 && strconv.Itoa(n) == p
}

// marshalPeriods writes a retention map as a JSON object with sorted keys,
// its whole-day periods as JSON numbers and every other period (the period
// words, and anything invalid, which stays as written) as a JSON string:
// {"default": 30, "files": "until-deleted"}. A script can then compare
// periods in days as numbers.
func marshalPeriods(m map[string]string) ([]byte, error) {
	out := make(map[string]any, len(m))
	for scope, p := range m {
		if isDays(p) {
			out[scope] = json.Number(p)
		} else {
			out[scope] = p
		}
	}
	return json.Marshal(out)
}

// unmarshalPeriods reads a retention map written by marshalPeriods, or by
// earlier versions that wrote every period as a string ({"default": "30"}):
// a JSON number must be a non-negative whole number and reads as its
// decimal string ("30"), a JSON string reads as it is.
func unmarshalPeriods(b []byte) (map[string]string, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, err
	}
	m := make(map[string]string, len(raw))
	for scope, r := range raw {
		switch c := r[0]; {
		case c == '"':
			var p string
			if err := json.Unmarshal(r, &p); err != nil {
				return nil, fmt.Errorf("retention scope %q: %w", scope, err)
			}
			m[scope] = p
		case c == '-' || ('0' <= c && c <= '9'):
			n, err := strconv.ParseUint(string(r), 10, 63)
			if err != nil {
				return nil, fmt.Errorf("retention scope %q: period %s is not a whole number of days", scope, r)
			}
			m[scope] = strconv.FormatUint(n, 10)
		default:
			return nil, fmt.Errorf("retention scope %q: period %s is neither a number of days nor a string", scope, r)
		}
	}
	return m, nil
}

// ComparePeriods orders two retention periods by how long data is kept:
// none < whole days (by number) < until-deleted = account-lifetime. It
// returns -1, 0 or +1 with ok true, or ok false when the periods are
// incomparable (either is configurable, or either is not a valid period).
func ComparePeriods(a, b string) (cmp int, ok bool) {
	ra, oka := periodRank(a)
	rb, okb := periodRank(b)
	if !oka || !okb {
		return 0, false
	}
	switch {
	case ra < rb:
		return -1, true
	case ra > rb:
		return 1, true
	}
	return 0, true
}

// periodRank maps a period to a comparable number of days.
func periodRank(p string) (int64, bool) {
	switch p {
	case PeriodNone:
		return -1, true
	case PeriodUntilDeleted, PeriodAccountLifetime:
		return 1 << 62, true
	case PeriodConfigurable:
		return 0, false
	}
	n, err := strconv.ParseInt(p, 10, 64)
	if err != nil || n < 0 || n >= 1<<62 {
		return 0, false
	}
	return n, true
}

// scalarRank orders the scalars of an attribute from best to worst for the
// customer; ok is false for attributes whose scalars are not ordered
// (data-processor) and for words outside the vocabulary.
func scalarRank(attribute, s string) (int, bool) {
	var order []string
	switch attribute {
	case "training":
		order = []string{"never", "opt-in", "opt-out", "always"}
	case "output-ownership":
		order = []string{"customer", "shared", "vendor"}
	case "hipaa-baa", "zdr":
		order = []string{"available", "not-available"}
	case "sensitive-data":
		order = []string{"yes", "limited", "no"}
	default:
		return 0, false
	}
	i := slices.Index(order, s)
	return i, i >= 0
}

// Weaker reports whether going from old to new weakens a customer's
// position for attribute:
//   - training turned on or widened (never < opt-in < opt-out < always);
//   - retention: any scope's period lengthened (see ComparePeriods), or a
//     scope added with a period other than none;
//   - hipaa-baa or zdr: available -> not-available;
//   - output-ownership moved towards the vendor (customer < shared < vendor);
//   - sensitive-data: the tier became less suitable (yes < limited < no);
//   - security or rights: an item dropped.
//
// A change of data-processor is not weaker by itself. Unknown values,
// "unspecified", mismatched shapes and configurable periods are
// incomparable: Weaker is false. A change can be both Weaker and Stronger
// (one retention scope lengthened, another shortened).
func Weaker(attribute string, old, new Value) bool {
	if old.Unknown || new.Unknown || IsUnspecified(old) || IsUnspecified(new) || old.Equal(new) {
		return false
	}
	switch shapeOf(attribute) {
	case shapeScalar:
		ro, ok1 := scalarRank(attribute, old.Scalar)
		rn, ok2 := scalarRank(attribute, new.Scalar)
		return ok1 && ok2 && rn > ro
	case shapeMap:
		return old.Map != nil && new.Map != nil && retentionWeaker(old.Map, new.Map)
	case shapeSet:
		return old.Set != nil && new.Set != nil && setWeaker(old.Set, new.Set)
	}
	return false
}

// retentionWeaker reports whether going from the retention map old to new
// lengthens a scope's period or adds a scope with a period other than none.
func retentionWeaker(old, new map[string]string) bool {
	for scope, np := range new {
		op, had := old[scope]
		if !had {
			if np != PeriodNone {
				return true
			}
			continue
		}
		if c, ok := ComparePeriods(op, np); ok && c < 0 {
			return true
		}
	}
	return false
}

// setWeaker reports whether going from the set old to new drops an item.
func setWeaker(old, new []string) bool {
	for _, item := range old {
		if !slices.Contains(new, item) {
			return true
		}
	}
	return false
}

// Stronger reports whether going from old to new strengthens a customer's
// position for attribute: the converse of Weaker, Weaker(attribute, new,
// old) (training narrowed, a retention period shortened or a scope
// dropped, BAA/ZDR made available, ownership moved to the customer, a
// security item or right added).
func Stronger(attribute string, old, new Value) bool { return Weaker(attribute, new, old) }

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
