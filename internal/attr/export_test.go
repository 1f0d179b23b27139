package attr

import "github.com/clausewatch/clausewatch/internal/terms"

// NewUngatedReader is NewReader without the readers' gates (gate.go): every
// reader reads every sentence, as the gates promise to change nothing of.
func NewUngatedReader(v terms.Vendor) *Reader {
	r := NewReader(v)
	r.gates = nil
	return r
}
