package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/clausewatch/clausewatch/internal/fetch"
	"github.com/clausewatch/clausewatch/internal/pipeline"
	"github.com/clausewatch/clausewatch/internal/report"
	"github.com/clausewatch/clausewatch/internal/store"
)

// staleEnv names the environment variable that sets --stale-after.
const staleEnv = "CLAUSEWATCH_STALE_AFTER"

// defaultStaleAfter is --stale-after when neither the flag nor the
// environment sets it.
const defaultStaleAfter = "3d"

// staleHelp is the usage of --stale-after, shared by check and status.
const staleHelp = "a failing source is stale after `limit`: failed runs (5runs) or a time since its first failure (3d, 36h); off: never (env " + staleEnv + ")"

// staleAfter is the threshold past which a source that keeps failing is
// stale: status marks the cells it decides, check reminds of it on every
// run. Exactly one of runs and age is set, or off.
type staleAfter struct {
	runs int
	age  time.Duration
	off  bool
	set  bool // given on the command line
}

// parseStaleAfter reads "5runs" (also "5 runs", "1run"), "3d", a Go
// duration ("36h", "90m") or "off".
func parseStaleAfter(s string) (staleAfter, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	bad := fmt.Errorf("%q: want a number of failed runs (5runs), a time (3d, 36h) or off", s)
	switch {
	case v == "off" || v == "never":
		return staleAfter{off: true}, nil
	case strings.HasSuffix(v, "runs") || strings.HasSuffix(v, "run"):
		n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(v, "s"), "run")))
		if err != nil || n < 1 {
			return staleAfter{}, bad
		}
		return staleAfter{runs: n}, nil
	case strings.HasSuffix(v, "d"):
		n, err := strconv.Atoi(strings.TrimSuffix(v, "d"))
		if err != nil || n < 1 {
			return staleAfter{}, bad
		}
		return staleAfter{age: time.Duration(n) * 24 * time.Hour}, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return staleAfter{}, bad
	}
	return staleAfter{age: d}, nil
}

// String shows the threshold as it can be given: the flag's default in
// help is defaultStaleAfter.
func (s *staleAfter) String() string {
	switch {
	case s == nil || (!s.set && !s.off && s.runs == 0 && s.age == 0):
		return defaultStaleAfter
	case s.off:
		return "off"
	case s.runs > 0:
		return fmt.Sprintf("%druns", s.runs)
	case s.age%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", s.age/(24*time.Hour))
	}
	return s.age.String()
}

func (s *staleAfter) Set(v string) error {
	p, err := parseStaleAfter(v)
	if err != nil {
		return err
	}
	p.set = true
	*s = p
	return nil
}

// registerStale adds --stale-after to fs.
func registerStale(fs *flag.FlagSet, dst *staleAfter) {
	fs.Var(dst, "stale-after", staleHelp)
}

// resolve returns the threshold in force: the flag's, else $CLAUSEWATCH_STALE_AFTER,
// else defaultStaleAfter. A bad variable is a usage error.
func (s *staleAfter) resolve(getenv func(string) string) (staleAfter, error) {
	if s.set {
		return *s, nil
	}
	if v := getenv(staleEnv); v != "" {
		p, err := parseStaleAfter(v)
		if err != nil {
			return staleAfter{}, usageErr("$%s %v", staleEnv, err)
		}
		return p, nil
	}
	p, _ := parseStaleAfter(defaultStaleAfter)
	return p, nil
}

// stale reports whether a source failing as st is past the threshold at now.
func (s staleAfter) stale(st store.Streak, now time.Time) bool {
	switch {
	case s.off || st.Failures == 0:
		return false
	case s.runs > 0:
		return st.Failures >= s.runs
	}
	return !now.Before(st.Since.Add(s.age))
}

// staleSources returns the sources past the threshold th at now, with
// their failure streaks.
func (a *app) staleSources(ctx context.Context, th staleAfter) (map[string]store.Streak, error) {
	if th.off {
		return nil, nil
	}
	failing, err := a.db.FailingSources(ctx)
	if err != nil {
		return nil, err
	}
	now := a.env.Now()
	for id, st := range failing {
		if !th.stale(st, now) {
			delete(failing, id)
		}
	}
	return failing, nil
}

// markStale marks the rows whose deciding evidence (or either side of a
// conflict) comes from a stale source.
func markStale(rows []report.Row, stale map[string]store.Streak) {
	if len(stale) == 0 {
		return
	}
	for i := range rows {
		r := &rows[i]
		var sources []string
		if r.Evidence != nil {
			sources = append(sources, r.Evidence.Source)
		}
		for _, e := range r.Conflicting {
			sources = append(sources, e.Source)
		}
		for _, src := range sources {
			st, ok := stale[src]
			if !ok {
				continue
			}
			since := st.Since
			r.Stale, r.StaleSource, r.Failures, r.FailingSince = true, src, st.Failures, &since
			if !st.LastGood.IsZero() {
				lg := st.LastGood
				r.LastGood = &lg
			}
			break
		}
	}
}

// remind writes one line for each source of this run that is still
// failing past the threshold, and returns how many it wrote. A source
// that starts failing raises fetch-failed once; these lines repeat on
// every run after the threshold, so that cron keeps showing it.
func (a *app) remind(ctx context.Context, w io.Writer, th staleAfter, res pipeline.Result) (int, error) {
	stale, err := a.staleSources(ctx, th)
	if err != nil || len(stale) == 0 {
		return 0, err
	}
	var ids []string
	for _, o := range res.Outcomes {
		if _, ok := stale[o.Source.ID]; ok && o.Err != nil {
			ids = append(ids, o.Source.ID)
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		fmt.Fprintln(w, reminder(id, stale[id]))
	}
	return len(ids), nil
}

// reminder is the line of one stale source: "example-terms still failing:
// 6 failed runs since 2026-03-01 02:00 UTC, last good read 2026-03-01
// 01:00 UTC; status 500 (http-5xx)".
func reminder(id string, st store.Streak) string {
	const layout = "2006-01-02 15:04 UTC"
	good := "never read well"
	if !st.LastGood.IsZero() {
		good = "last good read " + st.LastGood.UTC().Format(layout)
	}
	// The recorded error names the URL ("fetch https://…: status 500
	// (http-5xx)"), which the line already stands for by the source id.
	why := oneLine(st.Error)
	if strings.HasPrefix(why, "fetch ") {
		if _, rest, ok := strings.Cut(why, ": "); ok {
			why = rest
		}
	}
	switch {
	case why == "":
		why = st.Category
	case !strings.Contains(why, "("+st.Category+")"):
		why = st.Category + ": " + why
	}
	return fetch.Redact(fmt.Sprintf("%s still failing: %d failed run%s since %s, %s; %s",
		id, st.Failures, plural(st.Failures), st.Since.UTC().Format(layout), good, why))
}

// oneLine is s on one line, cut to a readable length.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}
