package schedule

import "time"

// Load is the work left on one host: items not started yet, and the pause
// between two of them (Options.Delay).
type Load struct {
	Items int
	Delay time.Duration
	Ran   bool // an item of the host has run already: the next one waits the pause too
}

// Estimate is how long items left on hosts take as Run runs them, each
// taking per (the mean time an item has taken so far), at most concurrency
// at once: the longer of the busiest host (its items one after another,
// delay apart, since one host is never asked twice at once) and all the
// items' work shared among the slots. It is a floor rather than a promise:
// retries, slow pages and a browser's start come on top. With the defaults
// a host's items take at least one second each, so 1,000 pages on one
// host take at least 1,000 seconds however many slots there are.
func Estimate(hosts []Load, per time.Duration, concurrency int) time.Duration {
	if concurrency <= 0 {
		concurrency = DefaultConcurrency
	}
	per = max(per, 0)
	var busiest, work time.Duration
	for _, h := range hosts {
		if h.Items <= 0 {
			continue
		}
		n := time.Duration(h.Items)
		pauses := n - 1
		if h.Ran {
			pauses = n
		}
		t := n*per + pauses*max(h.Delay, 0)
		busiest = max(busiest, t)
		work += n * per
	}
	return max(busiest, work/time.Duration(concurrency))
}
