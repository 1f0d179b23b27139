package pipeline

import (
	"context"
	"net/url"
	"sync"

	"github.com/clausewatch/clausewatch/internal/schedule"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// RunOptions tune a check of many sources.
type RunOptions struct {
	Origin   string           // OriginCheck or OriginRecheck
	Schedule schedule.Options // global concurrency, per-host politeness
	// Progress, when set, is called after each source with the number done
	// so far and the total (calls are serialized).
	Progress func(done, total int, o Outcome)
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
	res := Result{Outcomes: make([]Outcome, len(sources))}
	var mu sync.Mutex
	done := 0
	schedule.Run(ctx, sources, hostOf, opts.Schedule, func(ctx context.Context, src terms.Source) {
		o, err := p.Check(ctx, src, opts.Origin)
		mu.Lock()
		defer mu.Unlock()
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
			opts.Progress(done, len(sources), o)
		}
	})
	if ctx.Err() != nil {
		res.Errors = append(res.Errors, ctx.Err())
	}
	return res
}

func hostOf(s terms.Source) string {
	u, err := url.Parse(s.URL)
	if err != nil {
		return s.URL
	}
	return u.Host
}
