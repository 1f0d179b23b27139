package attr

import (
	"strings"

	"github.com/clausewatch/clausewatch/internal/terms"
	regexp "github.com/clausewatch/clausewatch/internal/wordre"
)

// rowCell is one cell of a table row as the extractor renders it:
// "Column header: cell".
type rowCell struct{ header, value string }

// tableCells splits a table row into its cells: "Header: cell | Header:
// cell", or, in a clause the extractor marked as a table row, "Header:
// cell; Header: cell". Nil when s is not such a row of at least two cells,
// one of them with a header.
func tableCells(s sentence) []rowCell {
	t := s.norm
	var parts []string
	switch {
	case strings.Contains(t, " | "):
		parts = strings.Split(t, "|")
	case s.clause.Kind == terms.KindTableRow && strings.Contains(t, "; "):
		parts = strings.Split(t, "; ")
	default:
		return nil
	}
	var cells []rowCell
	headed := false
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		h, v, ok := strings.Cut(p, ": ")
		if !ok {
			cells = append(cells, rowCell{value: p})
			continue
		}
		headed = true
		cells = append(cells, rowCell{header: strings.TrimSpace(h), value: strings.TrimSpace(v)})
	}
	if len(cells) < 2 || !headed {
		return nil
	}
	return cells
}

// cellVerdict is what a cell's value says of the thing its header names.
type cellVerdict int

const (
	cellText cellVerdict = iota // a value in words: read as text
	cellYes                     // yes, available, a check mark
	cellNo                      // no, not available, a cross or a dash
)

var (
	cellYesRe = regexp.MustCompile(`^(?:yes|y|✓|✔|✔️|☑|☑️|✅|available|included|supported|offered|enabled|provided|standard)(?:$|[\s(,;.:!])`)
	cellNoRe  = regexp.MustCompile(`^(?:no|n|✗|✘|×|❌|—|–|-|not available|not included|not supported|not offered|unavailable|not applicable|n/a|none|disabled)(?:$|[\s(,;.:!])`)
)

func verdictOf(value string) cellVerdict {
	switch {
	case cellNoRe.MatchString(value):
		return cellNo
	case cellYesRe.MatchString(value):
		return cellYes
	}
	return cellText
}

// readRow reads one table row for the members of spec:
//
//   - A cell whose header names a member and whose value is a yes or a no
//     ("SSO: Yes", "Export chat history: Yes (owners)", "SCIM: Not
//     available") holds or denies that member.
//   - In a row whose columns are tiers ("Feature: Audit logs | Team plan:
//     No | Enterprise plan: Yes") the member named by the row's other
//     cells is held or denied when every tier's cell says the same; the
//     reader cannot tell the tiers apart, so a row whose tier cells
//     disagree states nothing rather than something false for one of them.
//   - Any other cell is read as text, header and value together
//     ("Certifications: SOC 2 Type II, ISO 27001").
//
// A row whose row header names a cloud, in a row that names no tier, is
// about that cloud: it states nothing for the page's tiers.
func (spec setSpec) readRow(lex *Lexicon, s sentence, cells []rowCell, note func(string, itemReading)) {
	if len(s.tiers) == 0 && spec.cloud != nil && spec.cloud.MatchString(cells[0].value) {
		return
	}
	tierCells, other := splitTierCells(lex, cells)
	agreed := agreedVerdict(tierCells)
	for _, c := range other {
		text := c.value
		if c.header != "" {
			text = c.header + ": " + c.value
		}
		v := verdictOf(c.value)
		switch {
		case v != cellText && c.header != "":
			spec.noteVerdict(c.header, v, note)
		case len(tierCells) > 0:
			if agreed != cellText {
				spec.noteVerdict(text, agreed, note)
			}
		case !spec.other(s, text):
			for _, it := range spec.items {
				note(it.name, spec.readItem(it, text, false))
			}
		}
	}
}

// splitTierCells parts a row's cells into those under a tier header and
// the others, each in row order.
func splitTierCells(lex *Lexicon, cells []rowCell) (tierCells, other []rowCell) {
	for _, c := range cells {
		if c.header != "" && lex.TiersNamed(c.header) != nil {
			tierCells = append(tierCells, c)
		} else {
			other = append(other, c)
		}
	}
	return tierCells, other
}

// agreedVerdict is the verdict every tier cell gives, or cellText when
// there are none or they disagree.
func agreedVerdict(tierCells []rowCell) cellVerdict {
	agreed := cellText
	for i, c := range tierCells {
		v := verdictOf(c.value)
		if i == 0 {
			agreed = v
		} else if v != agreed {
			agreed = cellText
		}
	}
	return agreed
}

// noteVerdict notes verdict v (cellYes or cellNo) for each member that
// label names: a "Yes" holds only the members it names itself, a "No"
// denies every member it names.
func (spec setSpec) noteVerdict(label string, v cellVerdict, note func(string, itemReading)) {
	for _, it := range spec.items {
		if r := spec.readLabel(it, label); r != itemSilent {
			if r == itemHeld || v == cellNo {
				note(it.name, verdictReading(v))
			}
		}
	}
}

// verdictReading is the reading of a yes-or-no verdict.
func verdictReading(v cellVerdict) itemReading {
	if v == cellYes {
		return itemHeld
	}
	return itemDenied
}

// readLabel is what a cell header or row label ("Audit logs", "Export
// chat history") names of member it: itemHeld when it names the member
// itself, itemDenied when it names only another form of a certification
// ("FedRAMP", which a "No" denies but a "Yes" does not confirm as High),
// itemSilent when it does not name it.
func (spec setSpec) readLabel(it setItem, label string) itemReading {
	if it.not != nil {
		label = it.not.ReplaceAllString(label, " ")
	}
	switch {
	case it.assert.MatchString(label) || (it.self != nil && it.self.MatchString(label)):
		return itemHeld
	case spec.able == nil && it.mention.MatchString(label):
		return itemDenied
	}
	return itemSilent
}
