package attr

import "github.com/clausewatch/clausewatch/internal/terms"

// NewUngatedReader is NewReader without the readers' gates (gate.go) and
// memo (memo.go): every reader reads every sentence of every page, as the
// gates and the memo promise to change nothing of.
func NewUngatedReader(v terms.Vendor) *Reader {
	r := NewReader(v)
	r.gates, r.memo = nil, nil
	return r
}

// NewUnmemoizedReader is NewReader without the memo.
func NewUnmemoizedReader(v terms.Vendor) *Reader {
	r := NewReader(v)
	r.memo = nil
	return r
}
