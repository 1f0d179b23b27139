package cli

import (
	"context"
	"flag"
	"slices"

	"github.com/clausewatch/clausewatch/internal/compare"
	"github.com/clausewatch/clausewatch/internal/report"
)

func statusCmd() *command {
	var vendors, tiers, attrs multi
	var staleFlag staleAfter
	var list bool
	return &command{
		name:     "status",
		readOnly: true,
		summary:  "the tier × attribute matrix: documented vs observed, with evidence",
		usage:    "status [--vendor V] [--tier T] [--attribute A] [--format F] [--list]",
		formats:  []string{"text", "markdown", "html", "json", "csv"},
		help: `Prints the tier × attribute matrix in the shape of the published analysis:
for each vendor, tier and attribute, the documented value (the baseline
under sources/baselines/), the value observed on the latest version of the
pages, whether they agree, and the evidence (source, clause, sentence, date).
A page held as suspect (it lost most of the sentences of the version in
force at once) decides nothing until it is accepted: a note after the
matrix (on stderr for json and html) names it.

A cell whose evidence comes from a source that has been failing for
--stale-after (default 3d, three days since its first failure; or a number
of failed runs, such as 5runs; off: never; the environment variable
CLAUSEWATCH_STALE_AFTER sets it too) is marked stale, in every format, with
the date of the source's last good read: what it says may be out of date.
As JSON such a row has "stale": true, "stale_source", "last_good",
"failing_since" and "failures".

Formats: text, html and json list one cell per row. markdown writes a grid
for each vendor shaped like the published analysis (attributes as rows,
tiers as columns, values in words with their agreement, the guide's value
where it differs, and footnotes quoting the evidence with a link to the
sentence on its page); --list writes the one-row-per-cell markdown table
instead. csv writes one row per cell for spreadsheets, with the columns of
the JSON (evidence flattened into evidence_source, evidence_url,
evidence_clause, evidence_text and snapshot_at), then reason, conflicting,
derivation, stale, and the documented and observed values in words.

Examples:
  clausewatch status
  clausewatch status --vendor anthropic --tier consumer
  clausewatch status --format json | jq '.[] | select(.agrees == false)'
  clausewatch status --format csv > status.csv
  clausewatch status --format markdown --vendor anthropic > grid.md`,
		flags: func(fs *flag.FlagSet, a *app) {
			fs.Var(&vendors, "vendor", "only this `vendor` (repeatable)")
			fs.Var(&tiers, "tier", "only this `tier` (repeatable)")
			fs.Var(&attrs, "attribute", "only this `attribute` (repeatable)")
			registerStale(fs, &staleFlag)
			fs.BoolVar(&list, "list", false, "with --format markdown: one row per cell instead of the grid")
		},
		run: func(ctx context.Context, a *app, fs *flag.FlagSet, args []string) error {
			if len(args) > 0 {
				return usageErr("status: unexpected argument %q", args[0])
			}
			if list && a.g.format != "markdown" {
				return usageErr("status: --list goes with --format markdown")
			}
			if err := a.checkFilters("status", vendors, tiers, attrs, nil); err != nil {
				return err
			}
			th, err := staleFlag.resolve(a.env.Getenv)
			if err != nil {
				return err
			}
			rows, err := a.statusRows(ctx)
			if err != nil {
				return err
			}
			stale, err := a.staleSources(ctx, th)
			if err != nil {
				return err
			}
			markStale(rows, stale)
			rows = slices.DeleteFunc(rows, func(r report.Row) bool {
				return (len(vendors) > 0 && !slices.Contains(vendors, r.Vendor)) ||
					(len(tiers) > 0 && !slices.Contains(tiers, r.Tier)) ||
					(len(attrs) > 0 && !slices.Contains(attrs, r.Attribute))
			})
			w := a.env.Stdout
			switch a.g.format {
			case "json":
				err = report.StatusJSON(w, rows)
			case "markdown":
				if list {
					err = report.StatusMarkdown(w, rows)
				} else {
					err = report.StatusGrid(w, rows, a.reportOptions())
				}
			case "csv":
				err = report.StatusCSV(w, rows, a.reportOptions())
			case "html":
				err = report.StatusHTML(w, rows)
			default:
				err = report.StatusText(w, rows)
			}
			if err != nil {
				return err
			}
			return a.heldNotes(ctx, vendors)
		},
	}
}

// heldNotes notes every page held as suspect of the vendors shown (all
// when vendors is empty).
func (a *app) heldNotes(ctx context.Context, vendors []string) error {
	held, err := a.db.HeldSuspects(ctx)
	if err != nil {
		return err
	}
	for _, h := range held {
		src, err := a.sourceByID(h.Source)
		if err != nil || (len(vendors) > 0 && !slices.Contains(vendors, src.Vendor)) {
			continue // a source no longer declared, or another vendor's
		}
		a.heldNote(h)
	}
	return nil
}

// matrices builds each declared vendor's table of cells from the latest
// observations and the documented baseline.
func (a *app) matrices(ctx context.Context) ([]compare.Matrix, error) {
	doc := a.documented()
	var out []compare.Matrix
	for _, v := range a.vendors {
		obs, err := a.db.LatestObservations(ctx, v.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, compare.Build(v, obs, doc[v.ID]))
	}
	return out, nil
}

// statusRows is the matrix of every vendor as status rows.
func (a *app) statusRows(ctx context.Context) ([]report.Row, error) {
	ms, err := a.matrices(ctx)
	if err != nil {
		return nil, err
	}
	var rows []report.Row
	for _, m := range ms {
		rows = append(rows, report.Rows(m)...)
	}
	return rows, nil
}
