package attr

import (
	"fmt"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// statementParagraphs is about size bytes of tiny paragraphs under one
// heading, each making a statement (a retention period, a training use, a
// certification), in our own words.
func statementParagraphs(size int) []terms.Clause {
	var cs []terms.Clause
	for i, n := 0, 0; n < size; i++ {
		var text string
		switch i % 3 {
		case 0:
			text = fmt.Sprintf("We keep chat %d for 30 days.", i)
		case 1:
			text = fmt.Sprintf("We do not train on chat %d.", i)
		default:
			text = fmt.Sprintf("Item %d is SOC 2 Type II certified and offers SSO.", i)
		}
		cs = append(cs, terms.Clause{Path: []string{"Terms", "Everything"}, Kind: terms.KindParagraph, Text: text})
		n += len(text)
	}
	return cs
}

// longSentence is one clause of one sentence of about size bytes with a
// retention period every few words.
func longSentence(size int) []terms.Clause {
	part := "we keep chats for 30 days, "
	text := "Retention. " + strings.Repeat(part, size/len(part))
	return []terms.Clause{{Path: []string{"Terms", "Retention"}, Kind: terms.KindParagraph, Text: text}}
}

// oneClause is one clause (a table row, when row is set) of about size
// bytes made of many short sentences.
func oneClause(size int, row bool) []terms.Clause {
	part := "We keep chats for 30 days. "
	c := terms.Clause{Path: []string{"Terms", "Retention"}, Kind: terms.KindParagraph, Text: strings.Repeat(part, size/len(part))}
	if row {
		c.Kind = terms.KindTableRow
	}
	return []terms.Clause{c}
}

// BenchmarkObserve reads pages of growing size; ns/KB stays flat when the
// reading is linear in the page (compare the sizes of one run). The
// clause-of-sentences cases are read with a rule that matches clause text.
func BenchmarkObserve(b *testing.B) {
	v, src, _, snap := observeFixture()
	r := NewReader(v)
	ruled := v
	ruled.Rules = []terms.Rule{{Source: src.ID, Attribute: "retention", Match: "keep"}}
	rr := NewReader(ruled)
	for _, c := range []struct {
		name   string
		doc    func(int) []terms.Clause
		sizes  []int // KB
		reader *Reader
	}{
		{"paragraphs", statementParagraphs, []int{64, 128, 256}, r},
		{"one-sentence", longSentence, []int{16, 32, 64}, r},
		{"one-clause", func(n int) []terms.Clause { return oneClause(n, false) }, []int{16, 32, 64}, rr},
		{"one-table-row", func(n int) []terms.Clause { return oneClause(n, true) }, []int{16, 32, 64}, rr},
	} {
		for _, kb := range c.sizes {
			doc := terms.Document{Clauses: c.doc(kb << 10)}
			b.Run(fmt.Sprintf("%s/%dKB", c.name, kb), func(b *testing.B) {
				for b.Loop() {
					c.reader.Observe(src, doc, snap)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(kb), "ns/KB")
			})
		}
	}
}
