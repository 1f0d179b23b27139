package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/clausewatch/clausewatch/internal/extract"
	"github.com/clausewatch/clausewatch/internal/fetch"
	"github.com/clausewatch/clausewatch/internal/inputfile"
	"github.com/clausewatch/clausewatch/internal/pipeline"
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
			// A page to import is a regular file no larger than a fetched body
			// may be: a named pipe, a device or a huge file is refused unread.
			raw, err := inputfile.Read(os.DirFS(filepath.Dir(args[0])), filepath.Base(args[0]), fetch.DefaultMaxBytes)
			if errors.Is(err, inputfile.ErrTooLarge) {
				return fmt.Errorf("import %s: %w (a fetched page's cap; nothing was recorded)", args[0], err)
			}
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
