package report

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/clausewatch/clausewatch/internal/compare"
	"github.com/clausewatch/clausewatch/internal/terms"
	"github.com/clausewatch/clausewatch/internal/textesc"
)

// Marks are the agreement of a cell as a reader sees it without colour:
// a sign and the word. The grid and the site use them.
var Marks = map[string]string{
	compare.Agree:        "✓ agrees",
	compare.Drift:        "✗ DRIFT",
	compare.Conflict:     "⚠ conflict",
	compare.Unverified:   "? unverified",
	compare.Undocumented: "+ undocumented",
	compare.Unknown:      "∅ unknown",
	compare.NotObserved:  "· not observed",
}

// Mark is the sign and word of an agreement (Marks), or the word itself.
func Mark(agreement string) string {
	if m, ok := Marks[agreement]; ok {
		return m
	}
	return agreement
}

// StatusGrid writes the rows as markdown grids shaped like the published
// analysis: one table per vendor, attributes as rows and tiers as columns
// (in the rows' order), each cell the observed value in words (RowWords)
// with its agreement mark, and, when the guide says something else, what
// the guide says. Evidence is footnoted: each cell with evidence carries a
// reference [^n] to a line under the table naming the source, clause and
// snapshot date, quoting the sentence, and linking the page with a text
// fragment to it (o.SourceURL). Page text is escaped (textesc.Markdown).
func StatusGrid(w io.Writer, rows []Row, o Options) error {
	var b strings.Builder
	vendors := []string{}
	for _, r := range rows {
		if !slices.Contains(vendors, r.Vendor) {
			vendors = append(vendors, r.Vendor)
		}
	}
	b.WriteString("# clausewatch status\n")
	n := 0
	for _, v := range vendors {
		var tiers, attrs []string
		cells := map[[2]string]Row{}
		for _, r := range rows {
			if r.Vendor != v {
				continue
			}
			if !slices.Contains(tiers, r.Tier) {
				tiers = append(tiers, r.Tier)
			}
			if !slices.Contains(attrs, r.Attribute) {
				attrs = append(attrs, r.Attribute)
			}
			cells[[2]string{r.Tier, r.Attribute}] = r
		}
		fmt.Fprintf(&b, "\n## %s\n\n| attribute |", textesc.Markdown(v))
		for _, t := range tiers {
			label := t
			if o.TierLabel != nil {
				if l := o.TierLabel(v, t); l != "" {
					label = l
				}
			}
			fmt.Fprintf(&b, " %s |", textesc.Markdown(label))
		}
		b.WriteString("\n|---|" + strings.Repeat("---|", len(tiers)) + "\n")
		var notes []string
		for _, a := range attrs {
			fmt.Fprintf(&b, "| **%s** |", a)
			for _, t := range tiers {
				r, ok := cells[[2]string{t, a}]
				if !ok {
					b.WriteString(" |")
					continue
				}
				cell := textesc.Markdown(RowWords(r)) + " <br>" + Mark(r.Agreement)
				if r.Documented != nil && !r.Agrees && r.Agreement != compare.Undocumented && r.Agreement != compare.NotObserved {
					cell += "; guide: " + textesc.Markdown(Words(a, r.Documented))
				}
				if r.Stale {
					cell += " <br>**" + textesc.Markdown(r.staleNote()) + "**"
				}
				for _, e := range evidenceOf(r) {
					n++
					cell += fmt.Sprintf("[^%d]", n)
					note := fmt.Sprintf("[^%d]: %s", n, textesc.Markdown(evidenceLine(e.Source, e.Clause, e.SnapshotAt)))
					if e.Text != "" {
						note += ": “" + textesc.Markdown(trim(e.Text, 300)) + "”"
					}
					if u := TextFragmentURL(o.url(e.Source), e.Text); u != "" {
						note += " <" + markdownURL(u) + ">"
					}
					notes = append(notes, note)
				}
				b.WriteString(" " + cell + " |")
			}
			b.WriteString("\n")
		}
		if len(notes) > 0 {
			b.WriteString("\n" + strings.Join(notes, "\n") + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// evidenceLine is "source › clause (date)".
func evidenceLine(source, clause string, at time.Time) string {
	s := source
	if clause != "" {
		s += " › " + clause
	}
	if !at.IsZero() {
		s += " (" + at.UTC().Format(time.DateOnly) + ")"
	}
	return s
}

// markdownURL keeps a URL inside <…>: the characters that would end it
// are percent-encoded.
func markdownURL(u string) string {
	return strings.NewReplacer("<", "%3C", ">", "%3E", " ", "%20", "\n", "").Replace(u)
}

// evidenceOf is the evidence a cell shows: both sides of a conflict, else
// the deciding statement's.
func evidenceOf(r Row) []terms.Evidence {
	if len(r.Conflicting) > 0 {
		return r.Conflicting
	}
	if r.Evidence != nil {
		return []terms.Evidence{*r.Evidence}
	}
	return nil
}
