package cli

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/clausewatch/clausewatch/internal/terms"
)

func historyCmd() *command {
	var all bool
	return &command{
		name:     "history",
		readOnly: true,
		summary:  "list a source's versions (or every fetch with --all)",
		usage:    "history ID [--all]",
		formats:  []string{"text", "json"},
		help: `Lists the versions of a source in order of fetch time: each version is a
snapshot whose extracted text differs from the one before it. With --all,
every recorded attempt is listed, failures and noise-only fetches included.
EXTRACTED BY says how the text was found: "select:" and the declared
selector that matched, or "auto" when none did and the page was read
without selectors. A page held as suspect (it lost most of the sentences
of the version in force at once) is listed last, marked "held as suspect",
until a fetch or 'recheck --accept' settles it; with --all, the pages
dismissed ("suspect, dismissed") and accepted ("suspect, accepted") are
marked too.
The snapshot numbers are what 'clausewatch diff --from/--to' take.

Examples:
  clausewatch history anthropic-consumer-terms
  clausewatch history anthropic-dpa --all --format json`,
		flags: func(fs *flag.FlagSet, a *app) {
			fs.BoolVar(&all, "all", false, "list every fetch attempt, not only versions")
		},
		run: func(ctx context.Context, a *app, fs *flag.FlagSet, args []string) error {
			if len(args) != 1 {
				return usageErr("history: want exactly one source id")
			}
			s, err := a.sourceByID(args[0])
			if err != nil {
				return err
			}
			var snaps []terms.Snapshot
			if all {
				snaps, err = a.db.Snapshots(ctx, s.ID)
			} else if snaps, err = a.db.Versions(ctx, s.ID); err == nil {
				held, ok, herr := a.db.HeldSuspect(ctx, s.ID)
				if ok {
					snaps = append(snaps, held)
				}
				err = herr
			}
			if err != nil {
				return err
			}
			if a.g.format == "json" {
				if snaps == nil {
					snaps = []terms.Snapshot{}
				}
				return writeJSON(a.env.Stdout, snaps)
			}
			if len(snaps) == 0 {
				fmt.Fprintf(a.env.Stdout, "%s: nothing recorded yet (run 'clausewatch check --source %s')\n", s.ID, s.ID)
				return nil
			}
			tw := tabwriter.NewWriter(a.env.Stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "SNAPSHOT\tFETCHED AT\tORIGIN\tSTATUS\tSIZE\tTEXT\tEXTRACTED BY")
			for _, sn := range snaps {
				st := strconv.Itoa(sn.Status)
				if sn.ErrorCategory != "" {
					st = "failed (" + sn.ErrorCategory + ")"
				} else if sn.NotModified {
					st = "304"
				}
				switch sn.Suspect {
				case terms.SuspectHeld:
					st += ", held as suspect"
				case terms.SuspectDismissed:
					st += ", suspect, dismissed"
				case terms.SuspectAccepted:
					st += ", suspect, accepted"
				}
				th := sn.TextHash
				if len(th) > 12 {
					th = th[:12]
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\t%s\n", sn.ID, sn.FetchedAt.Format(time.RFC3339), sn.Origin, st, sn.Size, th, sn.ExtractedBy)
			}
			return tw.Flush()
		},
	}
}
