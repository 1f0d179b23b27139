// Package schedule runs work over many sources politely: a bounded number
// of items at once, never two requests to the same host at the same time,
// and a pause between two requests to one host. Retry is the one retry
// loop (exponential backoff, an attempts cap, Retry-After) of every
// network caller.
package schedule

import (
	"context"
	"sync"
	"time"
)

// Defaults applied by Run to zero Options fields.
const (
	DefaultConcurrency = 4
	DefaultHostDelay   = time.Second
)

// Options configure Run. Zero fields take the documented default.
type Options struct {
	// Concurrency is the most items running at once; default 4.
	Concurrency int
	// HostDelay is the least time between the end of one item and the start
	// of the next on the same host; default 1s, negative means no pause.
	HostDelay time.Duration
	// HostDelays set the pause of some hosts instead of HostDelay (a
	// declaration's host_delay); a value of 0 or less means no pause.
	HostDelays map[string]time.Duration
	// Sleep waits d; it must return ctx.Err() when ctx ends first. Default:
	// a timer that honours ctx.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock used to measure HostDelay; default time.Now.
	Now func() time.Time
}

// Run calls fn for every item, at most Concurrency at once, never two items
// of the same host at once, and at least HostDelay between the end of one
// item and the start of the next on the same host. Items of one host run in
// the order of items; an empty host is a host like any other. It returns
// when all are done or ctx is cancelled (items not started are skipped;
// running ones get the cancelled ctx and Run waits for them). fn's own
// errors are fn's business (Run has no error result).
func Run[T any](ctx context.Context, items []T, host func(T) string, opts Options, fn func(ctx context.Context, item T)) {
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	if opts.Sleep == nil {
		opts.Sleep = Sleep
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}

	// Group by host, keeping the order of first appearance and of items.
	var order []string
	groups := map[string][]T{}
	for _, it := range items {
		h := host(it)
		if _, ok := groups[h]; !ok {
			order = append(order, h)
		}
		groups[h] = append(groups[h], it)
	}

	slots := make(chan struct{}, opts.Concurrency)
	var wg sync.WaitGroup
	for _, h := range order {
		wg.Go(func() { runHost(ctx, groups[h], opts.Delay(h), opts, slots, fn) })
	}
	wg.Wait()
}

// runHost runs one host's items in order, each holding a slot of the
// global limit while it runs (not while it waits out the host delay).
func runHost[T any](ctx context.Context, items []T, delay time.Duration, opts Options, slots chan struct{}, fn func(context.Context, T)) {
	var lastEnd time.Time
	for i, it := range items {
		if i > 0 && delay > 0 {
			if wait := delay - opts.Now().Sub(lastEnd); wait > 0 {
				if err := opts.Sleep(ctx, wait); err != nil {
					return
				}
			}
		}
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return
		}
		// Both cases of the select may be ready: never start after cancel.
		if ctx.Err() != nil {
			<-slots
			return
		}
		fn(ctx, it)
		lastEnd = opts.Now()
		<-slots
	}
}

// Delay is the pause between two items of host: its HostDelays entry, or
// else HostDelay (0: DefaultHostDelay); never negative (0: no pause).
func (o Options) Delay(host string) time.Duration {
	d, ok := o.HostDelays[host]
	if !ok {
		d = o.HostDelay
		if d == 0 {
			d = DefaultHostDelay
		}
	}
	return max(d, 0)
}

// Sleep waits d or until ctx ends, whichever comes first, and returns
// ctx's error in the second case. It is the default wait of every retry and
// schedule in clausewatch; tests pass their own.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
