package cli

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/clausewatch/clausewatch/internal/pipeline"
)

func recheckCmd() *command {
	f := &checkFlags{}
	return &command{
		name:     "recheck",
		summary:  "re-check one source now (no conditional request) and show what changed",
		usage:    "recheck ID [flags]",
		formats:  []string{"text", "markdown", "html", "json"},
		mutating: true,
		help: `Fetches one source now, without ETag/Last-Modified validators, records it
exactly as check would, and shows what it found: the outcome, the events and
the wording diff against the previous version.

Examples:
  clausewatch recheck anthropic-consumer-terms
  clausewatch recheck anthropic-dpa --format markdown`,
		flags: func(fs *flag.FlagSet, a *app) {
			fs.DurationVar(&f.timeout, "timeout", 60*time.Second, "total `time` allowed for one request")
			fs.IntVar(&f.retries, "retries", 2, "extra attempts on timeouts and 5xx (never on 4xx)")
		},
		run: func(ctx context.Context, a *app, fs *flag.FlagSet, args []string) error {
			if len(args) != 1 {
				return usageErr("recheck: want exactly one source id, got %d arguments", len(args))
			}
			src, err := a.sourceByID(args[0])
			if err != nil {
				return err
			}
			if f.retries < 0 || f.timeout <= 0 {
				return usageErr("recheck: --retries must not be negative and --timeout must be positive")
			}
			p := a.pipeline(f)
			o, err := p.Check(ctx, src, pipeline.OriginRecheck)
			if err != nil {
				return err
			}
			if err := a.printOutcomeDetail(o); err != nil {
				return err
			}
			if o.Err != nil {
				return &ExitError{Code: ExitFailure, Err: fmt.Errorf("recheck %s: %w", src.ID, o.Err)}
			}
			if o.Notable() {
				return &ExitError{Code: ExitChanges}
			}
			return nil
		},
	}
}
