package cli_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/cli"
	"github.com/clausewatch/clausewatch/internal/fixture"
)

// fakeClock is a clock whose Sleep advances time at once.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
	onSlp  func(n int) // called after each sleep with the number of sleeps so far
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.sleeps = append(c.sleeps, d)
	n := len(c.sleeps)
	c.mu.Unlock()
	if c.onSlp != nil {
		c.onSlp(n)
	}
	return ctx.Err()
}

func TestWatch(t *testing.T) {
	s, srv := newSite(t)
	s.page("/terms", fixture.ConsumerTerms(fixture.TrainingNever))
	r := newRunner(t, srv, "/terms")
	clock := &fakeClock{now: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	var out, errs bytes.Buffer
	err := cli.Run(context.Background(), []string{"--db", r.db, "--sources", r.sources, "watch", "--every", "6h", "--jitter", "0",
		"--count", "3", "--host-delay", "0", "--retries", "0"},
		cli.Env{Stdout: &out, Stderr: &errs, HTTPClient: r.client, Now: clock.Now, Sleep: clock.Sleep})
	if err != nil {
		t.Fatalf("watch: %v\n%s", err, errs.String())
	}
	if got := len(clock.sleeps); got != 2 || clock.sleeps[0] != 6*time.Hour || clock.sleeps[1] != 6*time.Hour {
		t.Errorf("sleeps %v, want two of 6h between three checks", clock.sleeps)
	}
	if sn, v := counts(t, r.db, "example-terms"); sn != 3 || v != 1 {
		t.Errorf("%d snapshots, %d versions; want 3, 1", sn, v)
	}
	if !strings.Contains(errs.String(), "next check at 2026-03-01T06:00:00Z") {
		t.Errorf("no schedule in the log:\n%s", errs.String())
	}

	// SIGTERM (a cancelled context) while waiting: a clean stop, exit 0.
	ctx, cancel := context.WithCancel(context.Background())
	clock.onSlp = func(int) { cancel() }
	errs.Reset()
	err = cli.Run(ctx, []string{"--db", r.db, "--sources", r.sources, "watch", "--every", "0 6 * * *", "--jitter", "0",
		"--host-delay", "0", "--retries", "0"},
		cli.Env{Stdout: &out, Stderr: &errs, HTTPClient: r.client, Now: clock.Now, Sleep: clock.Sleep})
	if err != nil || !strings.Contains(errs.String(), "stopped") {
		t.Errorf("watch after SIGTERM: %v\n%s", err, errs.String())
	}
	if sn, _ := counts(t, r.db, "example-terms"); sn != 3 {
		t.Errorf("a stopped watch recorded a check: %d snapshots", sn)
	}
}

func TestWatchUsage(t *testing.T) {
	_, srv := newSite(t)
	r := newRunner(t, srv, "/terms")
	for _, args := range [][]string{
		{"watch"},
		{"watch", "--every", "soon"},
		{"watch", "--every", "-1h"},
		{"watch", "--every", "61 * * * *"},
	} {
		if _, errs, code := r.run(args...); code != cli.ExitUsage || !strings.Contains(errs, "--every") {
			t.Errorf("%v: exit %d, stderr %q; want 2 naming --every", args, code, errs)
		}
	}
}
