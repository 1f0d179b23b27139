package attr

import (
	"crypto/sha256"
	"testing"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// A reading served by the memo is the caller's own: changing one copy
// changes neither what the memo keeps nor another caller's copy; and a
// full memo starts over rather than grow.
func TestMemoHandsOutCopies(t *testing.T) {
	rm := newReadingMemo()
	key := sha256.Sum256([]byte("group"))
	rm.put(key, Reading{Value: terms.Value{Set: []string{"sso"}, Denied: []string{"scim"}, Map: map[string]string{"default": "30"}},
		Clause: terms.Clause{Path: []string{"Security"}}})
	a, ok := rm.get(key)
	if !ok {
		t.Fatal("the reading put is not there")
	}
	a.Value.Set[0], a.Value.Denied[0], a.Value.Map["default"], a.Clause.Path[0] = "x", "x", "x", "x"
	b, _ := rm.get(key)
	if b.Value.Set[0] != "sso" || b.Value.Denied[0] != "scim" || b.Value.Map["default"] != "30" || b.Clause.Path[0] != "Security" {
		t.Errorf("a caller's change reached the memo: %+v", b)
	}
	for i := range memoSize {
		rm.put(sha256.Sum256([]byte{byte(i), byte(i >> 8)}), Reading{})
	}
	if len(rm.m) > memoSize {
		t.Errorf("the memo holds %d readings, more than %d", len(rm.m), memoSize)
	}
	if _, ok := rm.get(key); ok {
		t.Error("the first reading outlived a memo that filled up and started over")
	}
}
