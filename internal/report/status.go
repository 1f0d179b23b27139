package report

import (
	"fmt"
	"html/template"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/clausewatch/clausewatch/internal/compare"
	"github.com/clausewatch/clausewatch/internal/terms"
	"github.com/clausewatch/clausewatch/internal/textesc"
)

// Row is one cell of the tier × attribute matrix: documented vs observed,
// in the JSON shape of DESIGN.md's status.
type Row struct {
	Vendor     string          `json:"vendor"`
	Tier       string          `json:"tier"`
	Attribute  string          `json:"attribute"`
	Documented *terms.Value    `json:"documented"`
	Observed   *terms.Value    `json:"observed"`
	Agreement  string          `json:"agreement"` // DESIGN.md's word: agrees, drift, conflict, unverified, undocumented, unknown, not-observed
	Agrees     bool            `json:"agrees"`
	Evidence   *terms.Evidence `json:"evidence"`
	// Reason says why an unknown cell could not be read.
	Reason string `json:"reason,omitempty"`
	// Conflicting quotes the statements that disagree, for a conflict.
	Conflicting []terms.Evidence `json:"conflicting,omitempty"`
	// Derivation says how a derived cell (sensitive-data) was reached
	// from the tier's other values.
	Derivation string `json:"derivation,omitempty"`

	// Stale says the deciding evidence (or a side of a conflict) comes
	// from a source that has been failing past the threshold of
	// --stale-after: what the cell says is as old as LastGood.
	Stale        bool       `json:"stale"`
	StaleSource  string     `json:"stale_source,omitempty"`  // the failing source
	LastGood     *time.Time `json:"last_good,omitempty"`     // its last good read; null when it never read well
	FailingSince *time.Time `json:"failing_since,omitempty"` // its first failed attempt since then
	Failures     int        `json:"failures,omitempty"`      // its failed attempts since then
}

// staleNote says why a stale row's evidence is old: "STALE: example-terms
// failing since 2026-03-01 (6 failed runs), last good read 2026-02-28".
func (r Row) staleNote() string {
	if !r.Stale {
		return ""
	}
	s := "STALE: " + r.StaleSource + " failing"
	if r.FailingSince != nil {
		s += " since " + r.FailingSince.UTC().Format(time.DateOnly)
	}
	switch {
	case r.Failures == 1:
		s += " (1 failed run)"
	case r.Failures > 1:
		s += fmt.Sprintf(" (%d failed runs)", r.Failures)
	}
	if r.LastGood != nil {
		s += ", last good read " + r.LastGood.UTC().Format(time.DateOnly)
	} else {
		s += ", never read well"
	}
	return s
}

// Rows turns a vendor's table of cells into status rows, in its order.
func Rows(m compare.Matrix) []Row {
	rows := make([]Row, 0, len(m.Cells))
	for _, c := range m.Cells {
		r := Row{Vendor: c.Vendor, Tier: c.Tier, Attribute: c.Attribute,
			Documented: c.Documented, Observed: c.Observed, Agreement: c.Agreement, Agrees: c.Agrees(), Evidence: c.Evidence,
			Derivation: c.Derivation}
		if c.Observed != nil && c.Observed.Unknown {
			r.Reason = c.Observed.Reason
		}
		for _, o := range c.Conflicting {
			r.Conflicting = append(r.Conflicting, o.Evidence)
		}
		rows = append(rows, r)
	}
	return rows
}

// shout is the agreement as the text and markdown tables show it: a drift
// in capitals, so that it stands out in a column of words.
func (r Row) shout() string {
	if r.Agreement == compare.Drift {
		return "DRIFT"
	}
	return r.Agreement
}

// StatusJSON writes the rows as DESIGN.md's status JSON array.
func StatusJSON(w io.Writer, rows []Row) error {
	if rows == nil {
		rows = []Row{}
	}
	return jsonEncode(w, rows)
}

// StatusText writes the matrix as aligned columns, control characters of
// the evidence replaced (textesc.Terminal). A stale row's evidence opens
// with its staleness note, in every format.
func StatusText(w io.Writer, rows []Row) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "VENDOR\tTIER\tATTRIBUTE\tDOCUMENTED\tOBSERVED\tAGREEMENT\tEVIDENCE")
	for _, r := range rows {
		ev := r.where()
		if note := r.staleNote(); note != "" {
			ev = strings.TrimSuffix(note+"; "+ev, "; ")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Vendor, r.Tier, r.Attribute, show(r.Documented), show(r.Observed), r.shout(), textesc.Terminal(ev))
	}
	return tw.Flush()
}

// StatusMarkdown writes the matrix as a markdown table, page text escaped.
func StatusMarkdown(w io.Writer, rows []Row) error {
	fmt.Fprintln(w, "| vendor | tier | attribute | documented | observed | agreement | evidence |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	for _, r := range rows {
		ev := ""
		if note := r.staleNote(); note != "" {
			ev = "**" + textesc.Markdown(note) + "** "
		}
		switch {
		case r.Reason != "" || len(r.Conflicting) > 0:
			ev += textesc.Markdown(r.where())
		case r.Evidence != nil:
			ev += textesc.Markdown(evidence(r.Evidence))
			if r.Evidence.Text != "" {
				ev += ": “" + textesc.Markdown(trim(r.Evidence.Text, 160)) + "”"
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", r.Vendor, r.Tier, r.Attribute,
			textesc.Markdown(show(r.Documented)), textesc.Markdown(show(r.Observed)), r.shout(), ev)
	}
	return nil
}

const statusHTML = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>clausewatch status</title>
<style>body{font-family:system-ui,sans-serif;margin:1em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .5em;vertical-align:top}
.drift{background:#fde7e9}.conflict{background:#fff1d6}.unknown{background:#eee}.agrees{background:#e9f7ec}.q{color:#555;font-size:.9em}.stale{font-weight:bold;color:#8a4b00}</style></head><body>
<h1>clausewatch status</h1>
<table><tr><th>vendor</th><th>tier</th><th>attribute</th><th>documented</th><th>observed</th><th>agreement</th><th>evidence</th></tr>
{{range .}}<tr class="{{.Agreement}}"><td>{{.Vendor}}</td><td>{{.Tier}}</td><td>{{.Attribute}}</td><td>{{show .Documented}}</td><td>{{show .Observed}}</td><td>{{.Agreement}}</td><td>{{with .StaleNote}}<div class="stale">{{.}}</div>{{end}}{{if .Reason}}unknown: {{term .Reason}}{{end}}{{if .Conflicting}}pages disagree:{{range .Conflicting}}<div>{{evidence .}}<div class="q">{{term .Text}}</div></div>{{end}}{{else}}{{with .Evidence}}{{evidence .}}<div class="q">{{term .Text}}</div>{{end}}{{end}}</td></tr>
{{end}}</table></body></html>
`

// StatusHTML writes the matrix as an HTML page; evidence text is escaped
// and its control characters replaced.
func StatusHTML(w io.Writer, rows []Row) error {
	t := template.Must(template.New("status").Funcs(template.FuncMap{"show": show, "term": textesc.Terminal,
		"evidence": func(e *terms.Evidence) string { return textesc.Terminal(evidence(e)) }}).Parse(statusHTML))
	return t.Execute(w, rows)
}

// StaleNote is the note the HTML table shows on a stale row ("" on
// others).
func (r Row) StaleNote() string { return textesc.Terminal(r.staleNote()) }

// where is what the evidence column shows of a row: the deciding
// evidence, why an unknown cell is unknown, and both sides of a conflict.
func (r Row) where() string {
	var parts []string
	if r.Reason != "" {
		parts = append(parts, "unknown: "+r.Reason)
	}
	if len(r.Conflicting) > 0 {
		var qs []string
		for _, e := range r.Conflicting {
			q := evidence(&e)
			if e.Text != "" {
				q += ": “" + trim(e.Text, 120) + "”"
			}
			qs = append(qs, q)
		}
		parts = append(parts, "pages disagree: "+strings.Join(qs, " / "))
	} else if r.Evidence != nil && r.Reason == "" {
		parts = append(parts, evidence(r.Evidence))
	}
	return strings.Join(parts, "; ")
}

func evidence(e *terms.Evidence) string {
	if e == nil {
		return ""
	}
	s := e.Source
	if e.Clause != "" {
		s += " › " + e.Clause
	}
	if !e.SnapshotAt.IsZero() {
		s += " (" + e.SnapshotAt.UTC().Format(time.DateOnly) + ")"
	}
	return s
}

func trim(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
