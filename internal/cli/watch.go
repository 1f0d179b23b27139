package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/clausewatch/clausewatch/internal/pipeline"
	"github.com/clausewatch/clausewatch/internal/schedule"
	"github.com/clausewatch/clausewatch/internal/source"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// sleep waits for d or until ctx is done.
func (a *app) sleep(ctx context.Context, d time.Duration) error {
	if a.env.Sleep != nil {
		return a.env.Sleep(ctx, d)
	}
	return schedule.Sleep(ctx, d)
}

// every is a watch schedule: a fixed interval or a cron expression.
type every struct {
	interval time.Duration
	cron     schedule.Cron
	isCron   bool
}

func parseEvery(s string) (every, error) {
	if d, err := time.ParseDuration(s); err == nil {
		if d <= 0 {
			return every{}, fmt.Errorf("--every %s: want a positive duration", s)
		}
		return every{interval: d}, nil
	}
	if len(strings.Fields(s)) == 5 {
		c, err := schedule.ParseCron(s)
		if err != nil {
			return every{}, fmt.Errorf("--every: %w", err)
		}
		return every{cron: c, isCron: true}, nil
	}
	return every{}, fmt.Errorf("--every %q: want a duration (6h, 30m) or a cron expression (\"0 6 * * *\")", s)
}

// next is when the check after one that started at last is due.
func (e every) next(last time.Time) time.Time {
	if e.isCron {
		return e.cron.Next(last)
	}
	return last.Add(e.interval)
}

func watchCmd() *command {
	f := &checkFlags{}
	var spec string
	jitter := time.Duration(-1) // unset: derived from the schedule
	var count int
	return &command{
		name:    "watch",
		summary: "run check in a loop (for containers and hosts without cron)",
		usage:   "watch --every 6h|CRON [--jitter D] [check flags]",
		formats: []string{"text", "json"},
		help: `Runs the same check as 'clausewatch check' now and then again and again:
every fixed interval (--every 6h) or on a cron schedule (--every "0 6 * * *",
five fields, in local time). Each start is delayed by a random jitter so
that many watchers do not hit the vendors at the same second. Two checks
never run at once: each takes the run lock, waiting for a check started by
cron or by hand to finish. SIGTERM or Ctrl-C stops the loop cleanly: a check
in progress is abandoned without writing anything half-way, and watch exits 0.
Every flag of check is accepted (--notify, --webhook, --quiet, --source…).

Examples:
  clausewatch watch --every 6h --notify --config /etc/clausewatch.yaml
  clausewatch watch --every "30 5 * * 1-5" --quiet`,
		flags: func(fs *flag.FlagSet, a *app) {
			f.register(fs, a, true)
			fs.StringVar(&spec, "every", "", "interval (6h) or five-field cron expression (required)")
			fs.Func("jitter", "random `delay` added to each start (default: a tenth of the interval, at most 5m; 1m for a cron schedule)", func(v string) error {
				d, err := time.ParseDuration(v)
				if err != nil || d < 0 {
					return fmt.Errorf("want a duration of 0 or more, such as 30s")
				}
				jitter = d
				return nil
			})
			fs.IntVar(&count, "count", 0, "stop after `n` checks (0: run until stopped)")
		},
		run: func(ctx context.Context, a *app, fs *flag.FlagSet, args []string) error {
			if len(args) > 0 {
				return usageErr("watch: unexpected argument %q", args[0])
			}
			if spec == "" {
				return usageErr("watch: --every is required (for example --every 6h)")
			}
			ev, err := parseEvery(spec)
			if err != nil {
				return usageErr("watch: %v", err)
			}
			if count < 0 {
				return usageErr("watch: --count %d: want 0 or more", count)
			}
			if jitter < 0 {
				jitter = min(ev.interval/10, 5*time.Minute)
				if ev.isCron {
					jitter = time.Minute
				}
			}
			srcs := source.All(a.vendors)
			if len(f.sources) > 0 {
				srcs = nil
				for _, id := range f.sources {
					s, err := a.sourceByID(strings.TrimSpace(id))
					if err != nil {
						return err
					}
					srcs = append(srcs, s)
				}
			}
			return a.watch(ctx, f, srcs, ev, jitter, count)
		},
	}
}

func (a *app) watch(ctx context.Context, f *checkFlags, srcs []terms.Source, ev every, jitter time.Duration, count int) error {
	logf := func(format string, args ...any) {
		fmt.Fprintf(a.env.Stderr, "%s watch: %s\n", a.env.Now().Format(time.RFC3339), fmt.Sprintf(format, args...))
	}
	due := a.env.Now()
	if ev.isCron {
		due = ev.next(due)
	}
	for n := 1; count == 0 || n <= count; n++ {
		wait := due.Sub(a.env.Now())
		if jitter > 0 {
			wait += rand.N(jitter)
		}
		if wait > 0 {
			if !f.quiet {
				logf("next check at %s", a.env.Now().Add(wait).Format(time.RFC3339))
			}
			if err := a.sleep(ctx, wait); err != nil {
				logf("stopped")
				return nil
			}
		}
		started := a.env.Now()
		release, err := a.db.Lock(ctx, true)
		if err != nil {
			if ctx.Err() != nil {
				logf("stopped")
				return nil
			}
			return err
		}
		err = a.runChecks(ctx, f, srcs, pipeline.OriginCheck)
		release()
		if ctx.Err() != nil {
			logf("stopped during check %d: what it had not finished was not recorded", n)
			return nil
		}
		if code := ExitCode(err); code != ExitOK && !(f.quiet && code == ExitChanges) {
			var ee *ExitError
			if errors.As(err, &ee) && ee.Err == nil {
				logf("check %d: changes found", n)
			} else {
				logf("check %d: %v", n, err)
			}
		}
		due = ev.next(started)
		for !due.After(a.env.Now()) && !ev.isCron {
			due = due.Add(ev.interval) // a check longer than the interval: skip the missed turns
		}
	}
	return nil
}
