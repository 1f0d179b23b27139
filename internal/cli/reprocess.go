package cli

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"

	"github.com/clausewatch/clausewatch/internal/pipeline"
	"github.com/clausewatch/clausewatch/internal/source"
	"github.com/clausewatch/clausewatch/internal/terms"
)

func reprocessCmd() *command {
	var srcs multi
	return &command{
		name:     "reprocess",
		summary:  "re-read stored snapshots after our readers or declarations improved",
		usage:    "reprocess [--source ID]...",
		formats:  []string{"text", "json"},
		mutating: true,
		help: `Re-reads every stored snapshot from its raw bytes with today's declarations
and attribute readers, rebuilds the extracted documents and observations,
and records each difference as a rule-changed event: a change of our rules,
never reported as a change of the vendor's terms ('clausewatch changes'
leaves them out unless --rule-changes is given). Nothing is fetched.

Examples:
  clausewatch reprocess
  clausewatch reprocess --source anthropic-consumer-terms`,
		flags: func(fs *flag.FlagSet, a *app) {
			fs.Var(&srcs, "source", "only this source `id` (repeatable)")
		},
		run: func(ctx context.Context, a *app, fs *flag.FlagSet, args []string) error {
			if len(args) > 0 {
				return usageErr("reprocess: unexpected argument %q", args[0])
			}
			list := source.All(a.vendors)
			if len(srcs) > 0 {
				list = nil
				for _, id := range srcs {
					s, err := a.sourceByID(id)
					if err != nil {
						return err
					}
					list = append(list, s)
				}
			}
			p := &pipeline.Pipeline{Store: a.db, Vendors: a.vendors, Baselines: a.documented(), Now: a.env.Now}
			var results []pipeline.ReprocessResult
			for _, s := range list {
				r, err := p.Reprocess(ctx, s)
				if err != nil {
					return err
				}
				results = append(results, r)
			}
			if a.g.format == "json" {
				type row struct {
					Source        string        `json:"source"`
					Snapshots     int           `json:"snapshots"`
					TextChanged   int           `json:"text_changed"`
					ObsChanged    int           `json:"observations_changed"`
					ExtractErrors int           `json:"extract_errors"`
					Events        []terms.Event `json:"events"`
				}
				out := []row{}
				for _, r := range results {
					out = append(out, row{r.Source.ID, r.Snapshots, r.TextChanged, r.ObsChanged, r.ExtractErrors, nonNil(r.Events)})
				}
				return writeJSON(a.env.Stdout, out)
			}
			tw := tabwriter.NewWriter(a.env.Stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "SOURCE\tSNAPSHOTS\tTEXT CHANGED\tOBSERVATIONS CHANGED\tUNREADABLE")
			total := 0
			for _, r := range results {
				fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\n", r.Source.ID, r.Snapshots, r.TextChanged, r.ObsChanged, r.ExtractErrors)
				total += len(r.Events)
			}
			tw.Flush()
			fmt.Fprintf(a.env.Stdout, "\n%d rule-changed event%s recorded (see 'clausewatch changes --kind rule-changed').\n", total, plural(total))
			return nil
		},
	}
}

func nonNil(evs []terms.Event) []terms.Event {
	if evs == nil {
		return []terms.Event{}
	}
	return evs
}
