package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/clausewatch/clausewatch/internal/pipeline"
	"github.com/clausewatch/clausewatch/internal/terms"
)

func recheckCmd() *command {
	f := &checkFlags{}
	var accept bool
	return &command{
		name:     "recheck",
		summary:  "re-check one source now (no conditional request) and show what changed",
		usage:    "recheck ID [--accept] [flags]",
		formats:  []string{"text", "markdown", "html", "json"},
		mutating: true,
		help: `Fetches one source now, without ETag/Last-Modified validators, records it
exactly as check would, and shows what it found: the outcome, the events and
the wording diff against the previous version.

A page that lost most of the sentences of the version in force at once is
held as suspect (an extraction-suspect event) until the next fetch confirms
or dismisses it; recheck says so when one is held. With --accept, nothing is
fetched: the held page is accepted as the version in force at once, compared
with the version before it, and its change events are raised (an error when
no page of the source is held).

Examples:
  clausewatch recheck anthropic-consumer-terms
  clausewatch recheck anthropic-dpa --format markdown
  clausewatch recheck anthropic-dpa --accept`,
		flags: func(fs *flag.FlagSet, a *app) {
			fs.DurationVar(&f.timeout, "timeout", 60*time.Second, "total `time` allowed for one request")
			fs.IntVar(&f.retries, "retries", 2, "extra attempts on timeouts and 5xx (never on 4xx)")
			fs.BoolVar(&accept, "accept", false, "accept the page held as suspect as the version in force, without fetching")
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
			if accept {
				o, err := p.AcceptHeld(ctx, src)
				if errors.Is(err, pipeline.ErrNoneHeld) {
					return &ExitError{Code: ExitFailure, Err: fmt.Errorf("recheck %s --accept: no page of %s is held as suspect: nothing to accept", src.ID, src.ID)}
				}
				if err != nil {
					return err
				}
				if err := a.printOutcomeDetail(o); err != nil {
					return err
				}
				if o.Notable() {
					return &ExitError{Code: ExitChanges}
				}
				return nil
			}
			o, err := p.Check(ctx, src, pipeline.OriginRecheck)
			if err != nil {
				return err
			}
			if err := a.printOutcomeDetail(o); err != nil {
				return err
			}
			if !o.Held {
				// Say so when a page held earlier is still held (this
				// attempt failed, or settled nothing).
				held, ok, err := a.db.HeldSuspect(ctx, src.ID)
				if err != nil {
					return err
				}
				if ok {
					a.heldNote(held)
				}
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

// heldNote says that a page of a source is held as suspect: on stdout in
// text and markdown, on stderr otherwise (the document on stdout keeps its
// shape).
func (a *app) heldNote(held terms.Snapshot) {
	var w io.Writer = a.env.Stderr
	if a.g.format == "text" || a.g.format == "markdown" || a.g.format == "" {
		w = a.env.Stdout
	}
	fmt.Fprintf(w, "Note: %s: a newer page (snapshot %d, fetched %s) is held as suspect: it lost most of the sentences of the version in force, "+
		"which still decides its cells. The next check confirms or dismisses it; 'clausewatch recheck %s --accept' accepts it now.\n",
		held.Source, held.ID, held.FetchedAt.UTC().Format(time.RFC3339), held.Source)
}
