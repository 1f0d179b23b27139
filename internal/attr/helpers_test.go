package attr

import "github.com/clausewatch/clausewatch/internal/terms"

// onClauses lets a table of clauses be read by a reader, which reads
// sentences: the clauses are split as Observe splits a page.
func onClauses(r reader) func(*Lexicon, []terms.Clause) Reading {
	return func(l *Lexicon, cs []terms.Clause) Reading { return r(l, sentencesOf(cs)) }
}
