package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/clausewatch/clausewatch/internal/diff"
	"github.com/clausewatch/clausewatch/internal/extract"
	"github.com/clausewatch/clausewatch/internal/pipeline"
	"github.com/clausewatch/clausewatch/internal/store"
	"github.com/clausewatch/clausewatch/internal/terms"
)

func importCmd() *command {
	var src, at string
	return &command{
		name:     "import",
		summary:  "record a page saved elsewhere as a source's snapshot at a given time",
		usage:    "import --source ID --fetched-at RFC3339 FILE",
		formats:  []string{"text", "json"},
		mutating: true,
		help: `Records FILE (a page saved from an archive, or a colleague's download) as a
snapshot of the source at the given time and processes it exactly as check
would. Imports may come in any order of time: history is ordered by
--fetched-at, and a version is compared with the version in force just
before it.

Examples:
  clausewatch import --source anthropic-consumer-terms --fetched-at 2025-08-28T00:00:00Z consumer-terms-2025-08.html
  clausewatch import --source anthropic-dpa --fetched-at 2026-01-05T12:00:00+01:00 dpa.html`,
		flags: func(fs *flag.FlagSet, a *app) {
			fs.StringVar(&src, "source", "", "source `id` the page belongs to (required)")
			fs.StringVar(&at, "fetched-at", "", "when the page was fetched, RFC 3339 `time` (required)")
		},
		run: func(ctx context.Context, a *app, fs *flag.FlagSet, args []string) error {
			if src == "" {
				return usageErr("import: --source is required")
			}
			if at == "" {
				return usageErr("import: --fetched-at is required (RFC 3339, e.g. 2025-08-28T00:00:00Z)")
			}
			t, err := time.Parse(time.RFC3339, at)
			if err != nil {
				return usageErr("import: --fetched-at %q: not an RFC 3339 time (e.g. 2025-08-28T00:00:00Z)", at)
			}
			if t.After(a.env.Now().Add(time.Minute)) {
				return usageErr("import: --fetched-at %s is in the future", at)
			}
			if len(args) != 1 {
				return usageErr("import: want exactly one FILE, got %d arguments", len(args))
			}
			s, err := a.sourceByID(src)
			if err != nil {
				return err
			}
			raw, err := os.ReadFile(args[0])
			if err != nil {
				return fmt.Errorf("import %s: %w", args[0], err)
			}
			if len(raw) == 0 {
				return fmt.Errorf("import %s: file is empty", args[0])
			}
			ct, err := extract.SniffType(args[0], raw)
			if err != nil {
				return fmt.Errorf("import %s: %w", args[0], err)
			}
			p := &pipeline.Pipeline{Store: a.db, Vendors: a.vendors, Baselines: a.documented(), Now: a.env.Now}
			o, err := p.Import(ctx, s, raw, t, ct)
			if err != nil {
				return fmt.Errorf("import %s: %w (nothing was recorded)", args[0], err)
			}
			if err := a.printOutcomeDetail(o); err != nil {
				return err
			}
			if o.Err != nil {
				return &ExitError{Code: ExitFailure, Err: fmt.Errorf("import %s as %s: %w", args[0], s.ID, o.Err)}
			}
			if o.Notable() {
				return &ExitError{Code: ExitChanges}
			}
			return nil
		},
	}
}

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
without selectors.
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
			} else {
				snaps, err = a.db.Versions(ctx, s.ID)
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

func diffCmd() *command {
	var from, to int64
	return &command{
		name:     "diff",
		readOnly: true,
		summary:  "show the wording diff between two versions of a source",
		usage:    "diff ID [--from SNAP] [--to SNAP]",
		formats:  []string{"text", "markdown", "html", "json"},
		help: `Aligns the clauses of two versions of a source (unchanged, changed, added,
removed, moved) and shows the changed words inside each changed clause.
Without --from/--to, compares the last two versions; SNAP numbers come from
'clausewatch history ID'. Colour is used only on a terminal.

Examples:
  clausewatch diff anthropic-consumer-terms
  clausewatch diff anthropic-consumer-terms --from 3 --to 9 --format markdown
  clausewatch diff anthropic-dpa --format html > dpa-diff.html`,
		flags: func(fs *flag.FlagSet, a *app) {
			fs.Int64Var(&from, "from", 0, "older snapshot `number` (default: the version before --to)")
			fs.Int64Var(&to, "to", 0, "newer snapshot `number` (default: the latest version)")
		},
		run: func(ctx context.Context, a *app, fs *flag.FlagSet, args []string) error {
			if len(args) != 1 {
				return usageErr("diff: want exactly one source id")
			}
			s, err := a.sourceByID(args[0])
			if err != nil {
				return err
			}
			before, after, err := a.diffEnds(ctx, s.ID, from, to)
			if err != nil {
				return err
			}
			bd, err := a.db.Document(ctx, before.TextHash)
			if err != nil {
				return fmt.Errorf("diff %s: snapshot %d: %w", s.ID, before.ID, err)
			}
			ad, err := a.db.Document(ctx, after.TextHash)
			if err != nil {
				return fmt.Errorf("diff %s: snapshot %d: %w", s.ID, after.ID, err)
			}
			changes := diff.Clauses(bd.Clauses, ad.Clauses)
			w := a.env.Stdout
			switch a.g.format {
			case "json":
				return writeJSON(w, map[string]any{"source": s.ID, "from": before, "to": after,
					"summary": diff.Summarize(changes), "changes": nonUnchanged(changes)})
			case "markdown":
				fmt.Fprintf(w, "# %s: snapshot %d (%s) → %d (%s)\n\n%s\n\n", s.ID, before.ID, before.FetchedAt.Format(time.RFC3339),
					after.ID, after.FetchedAt.Format(time.RFC3339), diff.Summarize(changes))
				return diff.RenderMarkdown(w, changes)
			case "html":
				return diff.RenderHTML(w, changes)
			}
			fmt.Fprintf(w, "%s: snapshot %d (%s) → %d (%s): %s\n\n", s.ID, before.ID, before.FetchedAt.Format(time.RFC3339),
				after.ID, after.FetchedAt.Format(time.RFC3339), diff.Summarize(changes))
			return diff.RenderText(w, changes, a.env.Color)
		},
	}
}

func nonUnchanged(cs []diff.Change) []diff.Change {
	out := []diff.Change{}
	for _, c := range cs {
		if c.Op != diff.Unchanged {
			out = append(out, c)
		}
	}
	return out
}

// diffEnds resolves --from/--to into two good snapshots of source id.
func (a *app) diffEnds(ctx context.Context, id string, from, to int64) (terms.Snapshot, terms.Snapshot, error) {
	get := func(n int64) (terms.Snapshot, error) {
		s, err := a.db.Snapshot(ctx, n)
		if errors.Is(err, store.ErrNotFound) || (err == nil && s.Source != id) {
			return s, usageErr("diff: snapshot %d is not a snapshot of %s (see 'clausewatch history %s --all')", n, id, id)
		}
		if err == nil && !s.OK() {
			return s, usageErr("diff: snapshot %d of %s is a failed fetch (%s)", n, id, s.ErrorCategory)
		}
		return s, err
	}
	vs, err := a.db.Versions(ctx, id)
	if err != nil {
		return terms.Snapshot{}, terms.Snapshot{}, err
	}
	var before, after terms.Snapshot
	if to != 0 {
		if after, err = get(to); err != nil {
			return before, after, err
		}
	} else {
		if len(vs) == 0 {
			return before, after, fmt.Errorf("diff %s: no version recorded yet", id)
		}
		after = vs[len(vs)-1]
	}
	if from != 0 {
		before, err = get(from)
		return before, after, err
	}
	for i := len(vs) - 1; i >= 0; i-- {
		if vs[i].FetchedAt.Before(after.FetchedAt) && vs[i].TextHash != after.TextHash {
			return vs[i], after, nil
		}
	}
	return before, after, fmt.Errorf("diff %s: only one version recorded (snapshot %d); nothing to compare", id, after.ID)
}
