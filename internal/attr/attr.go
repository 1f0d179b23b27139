// Package attr turns clauses into tier attribute observations: one reader
// per attribute, each returning a normalized value in DESIGN.md's vocabulary
// with the sentence(s) it was read from, or unknown with the reason.
package attr

import (
	"fmt"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// Reading is what a reader found in a set of clauses.
type Reading struct {
	Value     terms.Value  // normalized value, or terms.UnknownValue(reason)
	Clause    terms.Clause // the clause the value was read from (zero if unknown)
	Sentences []string     // the sentence(s) that support the value, exceptions included
}

// reader reads one attribute from the clauses a rule selected, knowing
// the parties and products by the names in lex.
type reader func(lex *Lexicon, sents []sentence) Reading

// SensitiveData is the attribute derived by Sensitive rather than read from
// pages.
const SensitiveData = "sensitive-data"

// readerFor returns the reader of attribute, or nil when attribute has none
// (an unknown attribute, or sensitive-data, which is derived).
func readerFor(attribute string) reader {
	switch attribute {
	case "training":
		return readTraining
	case "retention":
		return readRetention
	case "output-ownership":
		return readOwnership
	case "hipaa-baa":
		return readBAA
	case "zdr":
		return readZDR
	case "data-processor":
		return readProcessor
	case "security":
		return readSecurity
	case "rights":
		return readRights
	}
	return nil
}

// Read runs the reader of attribute over clauses of a page of vendor v,
// which tells the reader the names of v, its products and its clouds (see
// Lexicon). An attribute without a reader (a name outside DESIGN.md's
// vocabulary, or sensitive-data, which is derived by Sensitive) reads as
// unknown with the reason.
func Read(v terms.Vendor, attribute string, clauses []terms.Clause) Reading {
	if attribute == SensitiveData {
		return Reading{Value: terms.UnknownValue("sensitive-data is derived from the other attributes, not read from pages")}
	}
	r := readerFor(attribute)
	if r == nil {
		return Reading{Value: terms.UnknownValue(fmt.Sprintf("no reader for attribute %q", attribute))}
	}
	return r(LexiconOf(v), sentencesOf(clauses))
}
