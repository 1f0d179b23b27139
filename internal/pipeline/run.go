package pipeline

import (
	"context"
	"net/url"
	"sync"
	"time"

	"github.com/clausewatch/clausewatch/internal/schedule"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// RunOptions tune a check of many sources.
type RunOptions struct {
	Origin   string           // OriginCheck or OriginRecheck
	Schedule schedule.Options // global concurrency, per-host politeness
	// Progress, when set, is called once before the first source (done 0,
	// o empty) and after each source, with the number done so far, the
	// total and an estimate of the time the rest takes (schedule.Estimate
	// of the hosts' sources left, their pauses and the mean time a source
	// has taken so far); calls are serialized.
	Progress func(done, total int, o Outcome, left time.Duration)
}

// Result is the outcome of every source of a run, in the order given, plus
// the internal errors that prevented recording a source at all.
type Result struct {
	Outcomes []Outcome
	Errors   []error
}

// Failed counts the sources whose fetch or extraction failed in this run.
func (r Result) Failed() int {
	n := 0
	for _, o := range r.Outcomes {
		if o.Err != nil {
			n++
		}
	}
	return n
}

// FailedWith counts the sources whose failure in this run has one of the
// error categories.
func (r Result) FailedWith(categories ...string) int {
	n := 0
	for _, o := range r.Outcomes {
		for _, c := range categories {
			if o.Err != nil && o.Snapshot.ErrorCategory == c {
				n++
				break
			}
		}
	}
	return n
}

// Notable reports whether any source wrote an event of severity low or above.
func (r Result) Notable() bool {
	for _, o := range r.Outcomes {
		if o.Notable() {
			return true
		}
	}
	return false
}

// CheckAll checks every source, at most opts.Schedule.Concurrency at once and
// one request at a time per host. One failing source never stops the others.
func (p *Pipeline) CheckAll(ctx context.Context, sources []terms.Source, opts RunOptions) Result {
	if opts.Origin == "" {
		opts.Origin = OriginCheck
	}
	idx := make(map[string]int, len(sources))
	for i, s := range sources {
		idx[s.ID] = i
	}
	opts.Schedule.HostDelays = hostDelays(sources, opts.Schedule.HostDelays)
	res := Result{Outcomes: make([]Outcome, len(sources))}
	var mu sync.Mutex
	done := 0
	left := map[string]int{} // sources not done, by host
	ran := map[string]bool{}
	for _, s := range sources {
		left[hostOf(s)]++
	}
	var spent time.Duration // the time the sources done took, together
	estimate := func() time.Duration {
		loads := make([]schedule.Load, 0, len(left))
		for h, n := range left {
			loads = append(loads, schedule.Load{Items: n, Delay: opts.Schedule.Delay(h), Ran: ran[h]})
		}
		var per time.Duration
		if done > 0 {
			per = spent / time.Duration(done)
		}
		return schedule.Estimate(loads, per, opts.Schedule.Concurrency)
	}
	if opts.Progress != nil {
		opts.Progress(0, len(sources), Outcome{}, estimate())
	}
	schedule.Run(ctx, sources, hostOf, opts.Schedule, func(ctx context.Context, src terms.Source) {
		start := p.Now()
		o, err := p.Check(ctx, src, opts.Origin)
		took := p.Now().Sub(start)
		mu.Lock()
		defer mu.Unlock()
		h := hostOf(src)
		left[h]--
		ran[h] = true
		spent += max(took, 0)
		o.Source = src
		res.Outcomes[idx[src.ID]] = o
		if err != nil {
			res.Errors = append(res.Errors, err)
			if o.Err == nil {
				res.Outcomes[idx[src.ID]].Err = err
			}
		}
		done++
		if opts.Progress != nil {
			opts.Progress(done, len(sources), o, estimate())
		}
	})
	if ctx.Err() != nil {
		res.Errors = append(res.Errors, ctx.Err())
	}
	return res
}

// hostDelays adds to delays the pause each host's declarations ask for
// (terms.Source.HostDelay): the longest, when a host's sources differ.
func hostDelays(sources []terms.Source, delays map[string]time.Duration) map[string]time.Duration {
	out := map[string]time.Duration{}
	for h, d := range delays {
		out[h] = d
	}
	for _, s := range sources {
		if s.HostDelay <= 0 {
			continue
		}
		h := hostOf(s)
		if d, ok := out[h]; !ok || s.HostDelay > d {
			out[h] = s.HostDelay
		}
	}
	return out
}

func hostOf(s terms.Source) string {
	u, err := url.Parse(s.URL)
	if err != nil {
		return s.URL
	}
	return u.Host
}
