package attr

import (
	"fmt"
	"slices"
	"strings"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// Statement is what one clause of a page states for one attribute, and
// whom it speaks for: the detail behind Observe's reading, for
// a person writing or checking declarations (clausewatch explain, try).
type Statement struct {
	Clause    int    // index of the sentence's clause in the document's Clauses, -1 when not found
	Heading   string // the clause's heading path
	Sentence  string // the sentence(s) that support the value, as written (a table row: its cells for these tiers)
	LeadIn    string // the list lead-in it was read with, or ""
	Attribute string
	Value     terms.Value
	// Conditions is the "unless …"/"except …" tail of the sentence, which
	// qualifies the value and never names whom it speaks for; "" when none.
	Conditions string
	Tiers      []string // whom it speaks for
	Named      bool     // the text names Tiers (it outranks a document-wide statement)
	Whom       string   // why it speaks for Tiers, in words
}

// Statements reads doc, a snapshot of src, as Observe does (the same
// sentences, split by whom, narrowed by src's rules) and returns, in page
// order and then DESIGN.md's attribute order, the statements each clause
// makes: the sentences of one clause that speak for the same tiers are
// read together (a sentence's neighbour may carry its opt-out), as Observe
// reads together all the sentences that speak for a tier. A tier's value
// may therefore weigh the statements of several clauses. Sentence is the
// text that supports the value. Pure: it reads nothing but its arguments.
func (r *Reader) Statements(src terms.Source, doc terms.Document) []Statement {
	lex := r.lex
	var sents []sentence
	for _, s := range sentencesOf(doc.Clauses) {
		sents = append(sents, splitByWhom(lex, s)...)
	}
	type keyed struct {
		order int
		st    Statement
	}
	var out []keyed
	for ai, a := range terms.Attributes {
		read := readerFor(a)
		if read == nil || a == SensitiveData {
			continue
		}
		ruled := slices.ContainsFunc(r.vendor.Rules, func(x terms.Rule) bool {
			return x.Source == src.ID && x.Attribute == a && !x.Exclude
		})
		pool, _ := narrow(r.vendor, src, a, sents)
		for _, g := range clauseGroups(doc.Clauses, pool) {
			group := make([]sentence, len(g.sents))
			for i, ps := range g.sents {
				group[i] = ps.sentence
			}
			rd := read(lex, group)
			if rd.Value.Unknown || rd.Value.IsZero() {
				continue
			}
			first := g.sents[0]
			text := strings.Join(rd.Sentences, " ")
			st := Statement{
				Clause:    g.clause,
				Heading:   first.clause.Heading(),
				Sentence:  text,
				LeadIn:    first.leadIn,
				Attribute: a,
				Value:     rd.Value,
				Tiers:     first.tiers,
				Named:     first.tiers != nil,
			}
			if i := exceptionRe.FindStringIndex(text); i != nil {
				st.Conditions = strings.TrimSpace(text[i[0]:])
			}
			if st.Named {
				st.Whom = whomWhy(lex, first.sentence)
			} else {
				st.Tiers = first.pinned
				st.Whom = "document-wide: the page's tiers"
				if ruled {
					st.Whom = "document-wide: the tiers of the rules that select it"
				}
			}
			out = append(out, keyed{st.Clause*len(terms.Attributes) + ai, st})
		}
	}
	slices.SortStableFunc(out, func(x, y keyed) int { return x.order - y.order })
	sts := make([]Statement, len(out))
	for i, k := range out {
		sts[i] = k.st
	}
	return sts
}

// clauseGroup is a run of sentences of one clause that speak for the same
// tiers.
type clauseGroup struct {
	clause int // index in the document's clauses, -1 when not found
	sents  []pinnedSentence
}

// clauseGroups cuts pool, in page order, into runs of sentences of one
// clause that speak for the same tiers (named, or pinned when they name
// none).
func clauseGroups(clauses []terms.Clause, pool []pinnedSentence) []clauseGroup {
	var out []clauseGroup
	for _, ps := range pool {
		i := clauseIndex(clauses, ps.clause, ps.text)
		if n := len(out); n > 0 {
			last := &out[n-1]
			prev := last.sents[len(last.sents)-1]
			if last.clause == i && prev.clause.Key() == ps.clause.Key() &&
				slices.Equal(prev.tiers, ps.tiers) && slices.Equal(prev.pinned, ps.pinned) {
				last.sents = append(last.sents, ps)
				continue
			}
		}
		out = append(out, clauseGroup{clause: i, sents: []pinnedSentence{ps}})
	}
	return out
}

// whomWhy says why a sentence that names tiers (whom) speaks for them:
// the names its main part uses, else its lead-in's, else the nearest
// heading's; a part of a sentence split by whom that names none keeps the
// tiers of the sentence it is part of.
func whomWhy(lex *Lexicon, s sentence) string {
	if ns := lex.namesIn(beforeException(s.text)); ns != nil {
		return "names " + quoteAll(ns)
	}
	if s.leadIn != "" {
		if ns := lex.namesIn(beforeException(s.leadIn)); ns != nil {
			return "its lead-in names " + quoteAll(ns)
		}
	}
	for i := len(s.clause.Path) - 1; i >= 0; i-- {
		if ns := lex.namesIn(s.clause.Path[i]); ns != nil {
			return fmt.Sprintf("its heading %q names %s", s.clause.Path[i], quoteAll(ns))
		}
	}
	return "the sentence it is part of names them"
}

// namesIn returns the tier names text uses, as written, in order; nil
// when it names no tier (TiersNamed reads the same matches).
func (l *Lexicon) namesIn(text string) []string {
	var out []string
	for _, m := range l.tierNames.FindAllString(text, -1) {
		if l.tierOf(foldName(m)) != nil && !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}

func quoteAll(ns []string) string {
	q := make([]string, len(ns))
	for i, n := range ns {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

// clauseIndex finds the clause a sentence was read from: the first of its
// heading path and kind whose text holds the sentence, else the first of
// its heading path and kind (a table row split by tier holds its cells
// rearranged); -1 when none.
func clauseIndex(clauses []terms.Clause, c terms.Clause, text string) int {
	first := -1
	for i, x := range clauses {
		if x.Key() != c.Key() {
			continue
		}
		if strings.Contains(x.Text, text) {
			return i
		}
		if first < 0 {
			first = i
		}
	}
	return first
}
