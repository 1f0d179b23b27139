// Package attr turns clauses into tier attribute observations: one reader
// per attribute, each returning a normalized value in DESIGN.md's vocabulary
// with the sentence(s) it was read from, or unknown with the reason.
package attr

import "github.com/clausewatch/clausewatch/internal/terms"

// Reading is what a reader found in a set of clauses.
type Reading struct {
	Value     terms.Value  // normalized value, or terms.UnknownValue(reason)
	Clause    terms.Clause // the clause the value was read from (zero if unknown)
	Sentences []string     // the sentence(s) that support the value, exceptions included
}

// Reader reads one attribute from the clauses a rule selected.
type Reader func(clauses []terms.Clause) Reading
