package report

import (
	"encoding/csv"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/clausewatch/clausewatch/internal/terms"
	"github.com/clausewatch/clausewatch/internal/textesc"
)

// CSVHeader are the columns of StatusCSV: those of the status JSON, the
// evidence flattened, then the words a spreadsheet reader wants.
var CSVHeader = []string{"vendor", "tier", "attribute", "documented", "observed", "agreement", "agrees",
	"evidence_source", "evidence_url", "evidence_clause", "evidence_text", "snapshot_at",
	"reason", "conflicting", "derivation", "stale", "documented_words", "observed_words"}

// StatusCSV writes the rows as CSV (encoding/csv), one line per cell under
// CSVHeader: values in the vocabulary of DESIGN.md as Value.String renders
// them (empty when none), agrees and stale as true/false, snapshot_at in
// RFC 3339, evidence_url the page URL o.SourceURL gives with a text
// fragment to the sentence (TextFragmentURL), conflicting every side of a
// conflict as "source › clause: “text”" joined by " / ". Page text has its
// control characters replaced (textesc.Terminal), and a cell that starts
// with =, +, - or @ is prefixed with a quote so that a spreadsheet does not
// run it as a formula.
func StatusCSV(w io.Writer, rows []Row, o Options) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for _, r := range rows {
		var src, u, clause, text, at string
		if e := r.Evidence; e != nil {
			src, clause, text = e.Source, e.Clause, e.Text
			u = TextFragmentURL(o.url(e.Source), e.Text)
			if !e.SnapshotAt.IsZero() {
				at = e.SnapshotAt.UTC().Format(time.RFC3339)
			}
		}
		var conflicting []string
		for _, e := range r.Conflicting {
			q := evidence(&e)
			if e.Text != "" {
				q += ": “" + e.Text + "”"
			}
			conflicting = append(conflicting, q)
		}
		rec := []string{r.Vendor, r.Tier, r.Attribute, csvValue(r.Documented), csvValue(r.Observed), r.Agreement,
			strconv.FormatBool(r.Agrees), src, u, clause, text, at, r.Reason, strings.Join(conflicting, " / "),
			r.Derivation, strconv.FormatBool(r.Stale), Words(r.Attribute, r.Documented), RowWords(r)}
		for i := range rec {
			rec[i] = csvCell(textesc.Terminal(rec[i]))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func csvValue(v *terms.Value) string {
	if v == nil {
		return ""
	}
	return v.String()
}

// csvCell keeps a spreadsheet from reading page text as a formula.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		return "'" + s
	}
	return s
}

// TextFragmentURL is page with a text fragment (#:~:text=) that makes a
// browser scroll to and mark sentence: the whole sentence when it is
// short, else its first and last words (textStart,textEnd). It returns
// page as is when sentence is empty, and "" when page is.
func TextFragmentURL(page, sentence string) string {
	if page == "" {
		return ""
	}
	page, _, _ = strings.Cut(page, "#")
	words := strings.Fields(sentence)
	if len(words) == 0 {
		return page
	}
	frag := fragmentEscape(strings.Join(words, " "))
	if len(words) > 10 {
		frag = fragmentEscape(strings.Join(words[:5], " ")) + "," + fragmentEscape(strings.Join(words[len(words)-5:], " "))
	}
	return page + "#:~:text=" + frag
}

// fragmentEscape percent-encodes a text directive's term: what URL
// escaping does, and the -, & and , that the directive's syntax reserves.
func fragmentEscape(s string) string {
	e := url.PathEscape(s)
	return strings.NewReplacer("-", "%2D", "&", "%26", ",", "%2C", "=", "%3D").Replace(e)
}
