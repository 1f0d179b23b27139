package schedule

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

type item struct {
	host string
	n    int
}

func (it item) String() string { return fmt.Sprintf("%s#%d", it.host, it.n) }

func hostOf(it item) string { return it.host }

// makeItems returns perHost items for each host, interleaved host by host.
func makeItems(hosts []string, perHost int) []item {
	var items []item
	for n := range perHost {
		for _, h := range hosts {
			items = append(items, item{h, n})
		}
	}
	return items
}

func TestRunConcurrencyLimit(t *testing.T) {
	hosts := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	tests := []struct {
		name        string
		concurrency int
		wantLimit   int
	}{
		{"one at a time", 1, 1},
		{"three", 3, 3},
		{"default", 0, DefaultConcurrency},
		{"more slots than hosts", 20, len(hosts)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var active, peak, ran atomic.Int32
			gate := make(chan struct{})
			fn := func(ctx context.Context, it item) {
				n := active.Add(1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				<-gate
				active.Add(-1)
				ran.Add(1)
			}
			done := make(chan struct{})
			go func() {
				Run(context.Background(), makeItems(hosts, 2), hostOf,
					Options{Concurrency: tc.concurrency, HostDelay: -1}, fn)
				close(done)
			}()
			// Wait until the limit is reached, then let everything finish.
			deadline := time.Now().Add(10 * time.Second)
			for active.Load() < int32(tc.wantLimit) && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			if got := active.Load(); got != int32(tc.wantLimit) {
				t.Errorf("running at once = %d, want %d", got, tc.wantLimit)
			}
			close(gate)
			<-done
			if got := peak.Load(); got > int32(tc.wantLimit) {
				t.Errorf("peak concurrency = %d, over the limit %d", got, tc.wantLimit)
			}
			if got := ran.Load(); got != int32(2*len(hosts)) {
				t.Errorf("ran %d items, want %d", got, 2*len(hosts))
			}
		})
	}
}

func TestRunSameHostNeverOverlaps(t *testing.T) {
	tests := []struct {
		name  string
		items []item
	}{
		{"one host", makeItems([]string{"a"}, 6)},
		{"three hosts", makeItems([]string{"a", "b", "c"}, 4)},
		{"empty host name", makeItems([]string{"", "x"}, 3)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			active := map[string]int{}
			got := map[string][]int{}
			fn := func(ctx context.Context, it item) {
				mu.Lock()
				active[it.host]++
				if active[it.host] > 1 {
					t.Errorf("%v started while another item of host %q runs", it, it.host)
				}
				got[it.host] = append(got[it.host], it.n)
				mu.Unlock()
				time.Sleep(time.Millisecond) // give overlaps a chance to show
				mu.Lock()
				active[it.host]--
				mu.Unlock()
			}
			Run(context.Background(), tc.items, hostOf, Options{Concurrency: 8, HostDelay: -1}, fn)
			want := map[string][]int{}
			for _, it := range tc.items {
				want[it.host] = append(want[it.host], it.n)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("items run per host, in order (-want +got):\n%s", diff)
			}
		})
	}
}

// fakeClock is a clock that only moves when told: by Sleep and by the work.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	tick   time.Duration // added at every Now call
	sleeps []time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(c.tick)
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	c.mu.Unlock()
	return ctx.Err()
}

func TestRunHostDelay(t *testing.T) {
	tests := []struct {
		name        string
		hosts       []string
		perHost     int
		concurrency int
		delay       time.Duration
		work        time.Duration // fake time each item takes
		tick        time.Duration // fake time each clock read takes
		wantDelay   time.Duration // least gap between two items of a host
		wantSleeps  []time.Duration
	}{
		{name: "one host waits the full delay", hosts: []string{"a"}, perHost: 3, concurrency: 1,
			delay: time.Second, work: 300 * time.Millisecond, wantDelay: time.Second,
			wantSleeps: []time.Duration{time.Second, time.Second}},
		{name: "default delay", hosts: []string{"a"}, perHost: 2, concurrency: 1,
			wantDelay: DefaultHostDelay, wantSleeps: []time.Duration{DefaultHostDelay}},
		{name: "only the rest of the gap", hosts: []string{"a"}, perHost: 3, concurrency: 1,
			delay: time.Second, tick: 400 * time.Millisecond, wantDelay: time.Second,
			wantSleeps: []time.Duration{600 * time.Millisecond, 600 * time.Millisecond}},
		{name: "gap already passed", hosts: []string{"a"}, perHost: 3, concurrency: 1,
			delay: time.Second, tick: 2 * time.Second, wantDelay: time.Second},
		{name: "no delay", hosts: []string{"a", "b"}, perHost: 3, concurrency: 2,
			delay: -1},
		{name: "several hosts in parallel", hosts: []string{"a", "b", "c"}, perHost: 4, concurrency: 2,
			delay: 5 * time.Second, work: time.Second, wantDelay: 5 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clock := &fakeClock{now: time.Date(2026, 11, 26, 17, 0, 0, 0, time.UTC), tick: tc.tick}
			type span struct{ start, end time.Time }
			var mu sync.Mutex
			spans := map[string][]span{}
			fn := func(ctx context.Context, it item) {
				start := clock.Now()
				clock.advance(tc.work)
				end := clock.Now()
				mu.Lock()
				spans[it.host] = append(spans[it.host], span{start, end})
				mu.Unlock()
			}
			opts := Options{Concurrency: tc.concurrency, HostDelay: tc.delay, Sleep: clock.Sleep, Now: clock.Now}
			Run(context.Background(), makeItems(tc.hosts, tc.perHost), hostOf, opts, fn)

			for _, h := range tc.hosts {
				s := spans[h]
				if len(s) != tc.perHost {
					t.Fatalf("host %s ran %d items, want %d", h, len(s), tc.perHost)
				}
				for i := 1; i < len(s); i++ {
					if gap := s[i].start.Sub(s[i-1].end); gap < tc.wantDelay {
						t.Errorf("host %s: item %d started %v after item %d ended, want at least %v", h, i, gap, i-1, tc.wantDelay)
					}
				}
			}
			if tc.wantSleeps != nil || tc.delay < 0 || tc.tick > tc.delay {
				if diff := cmp.Diff(tc.wantSleeps, clock.sleeps); diff != "" {
					t.Errorf("sleeps (-want +got):\n%s", diff)
				}
			}
			for _, d := range clock.sleeps {
				if d <= 0 || (tc.delay > 0 && d > tc.delay) {
					t.Errorf("slept %v, want within (0, %v]", d, tc.delay)
				}
			}
		})
	}
}

func TestRunCancel(t *testing.T) {
	tests := []struct {
		name        string
		hosts       []string
		perHost     int
		concurrency int
		precancel   bool
		cancelIn    string // "fn": first item cancels; "sleep": the host delay is cut short
		wantRan     int
	}{
		{name: "cancelled before start", hosts: []string{"a", "b"}, perHost: 3, concurrency: 2, precancel: true, wantRan: 0},
		{name: "cancel in first item, one host", hosts: []string{"a"}, perHost: 5, concurrency: 1, cancelIn: "fn", wantRan: 1},
		{name: "cancel in first item, queued hosts", hosts: []string{"a", "b", "c", "d"}, perHost: 2, concurrency: 1, cancelIn: "fn", wantRan: 1},
		{name: "cancel during host delay", hosts: []string{"a"}, perHost: 4, concurrency: 1, cancelIn: "sleep", wantRan: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.precancel {
				cancel()
			}
			var ran atomic.Int32
			var sawCancel atomic.Bool
			fn := func(ctx context.Context, it item) {
				ran.Add(1)
				if tc.cancelIn == "fn" {
					cancel()
					sawCancel.Store(ctx.Err() != nil)
				}
			}
			sleep := func(ctx context.Context, d time.Duration) error {
				if tc.cancelIn == "sleep" {
					cancel()
				}
				return ctx.Err()
			}
			Run(ctx, makeItems(tc.hosts, tc.perHost), hostOf,
				Options{Concurrency: tc.concurrency, Sleep: sleep}, fn)
			if got := ran.Load(); got != int32(tc.wantRan) {
				t.Errorf("ran %d items, want %d", got, tc.wantRan)
			}
			if tc.cancelIn == "fn" && !sawCancel.Load() {
				t.Errorf("the running item did not see its ctx cancelled")
			}
		})
	}
}

func TestRunNoItems(t *testing.T) {
	called := false
	Run(context.Background(), nil, hostOf, Options{}, func(context.Context, item) { called = true })
	if called {
		t.Error("fn called with no items")
	}
}

func TestRunOrderWithinHost(t *testing.T) {
	items := []item{{"b", 0}, {"a", 0}, {"b", 1}, {"a", 1}, {"b", 2}}
	var mu sync.Mutex
	var got []string
	Run(context.Background(), items, hostOf, Options{Concurrency: 1, HostDelay: -1}, func(_ context.Context, it item) {
		mu.Lock()
		got = append(got, it.String())
		mu.Unlock()
	})
	for _, h := range []string{"a", "b"} {
		var seq []string
		for _, s := range got {
			if s[0] == h[0] {
				seq = append(seq, s)
			}
		}
		if !slices.IsSorted(seq) {
			t.Errorf("host %s ran out of order: %v", h, seq)
		}
	}
	if len(got) != len(items) {
		t.Errorf("ran %d items, want %d", len(got), len(items))
	}
}

func TestSleep(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("sleep on a cancelled ctx = %v, want context.Canceled", err)
	}
	if err := Sleep(context.Background(), time.Microsecond); err != nil {
		t.Errorf("sleep = %v, want nil", err)
	}
}

// TestRunHostDelays: a host's own pause (a declaration's host_delay)
// replaces HostDelay for that host only; 0 there means no pause.
func TestRunHostDelays(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 11, 26, 17, 0, 0, 0, time.UTC)}
	var mu sync.Mutex
	slept := map[string][]time.Duration{}
	host := ""
	fn := func(ctx context.Context, it item) {}
	opts := Options{Concurrency: 1, HostDelay: time.Second,
		HostDelays: map[string]time.Duration{"slow": 7 * time.Second, "own": 0},
		Now:        clock.Now,
		Sleep: func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			slept[host] = append(slept[host], d)
			mu.Unlock()
			return nil
		}}
	for _, h := range []string{"slow", "own", "other"} {
		host = h
		Run(context.Background(), makeItems([]string{h}, 3), hostOf, opts, fn)
	}
	want := map[string][]time.Duration{"slow": {7 * time.Second, 7 * time.Second}, "other": {time.Second, time.Second}}
	if diff := cmp.Diff(want, slept); diff != "" {
		t.Errorf("pauses by host (-want +got):\n%s", diff)
	}
}
