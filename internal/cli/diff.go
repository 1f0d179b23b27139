package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/clausewatch/clausewatch/internal/diff"
	"github.com/clausewatch/clausewatch/internal/store"
	"github.com/clausewatch/clausewatch/internal/terms"
)

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
				title := fmt.Sprintf("%s: snapshot %d (%s) → %d (%s)", s.ID, before.ID, before.FetchedAt.Format(time.RFC3339),
					after.ID, after.FetchedAt.Format(time.RFC3339))
				return diff.RenderHTMLPage(w, title, diff.Summarize(changes).String(), changes)
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
