package schedule

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var errBusy = errors.New("busy")

func TestRetry(t *testing.T) {
	tests := []struct {
		name      string
		policy    Policy
		outcomes  []Outcome // the last one repeats
		wantN     int
		wantErr   error
		wantWaits []time.Duration
	}{
		{
			name:     "first attempt succeeds",
			policy:   Policy{Attempts: 3, Backoff: time.Second},
			outcomes: []Outcome{{}},
			wantN:    1,
		},
		{
			name:      "backoff doubles until success",
			policy:    Policy{Attempts: 4, Backoff: time.Second},
			outcomes:  []Outcome{{Err: errBusy}, {Err: errBusy}, {Err: errBusy}, {}},
			wantN:     4,
			wantWaits: []time.Duration{time.Second, 2 * time.Second, 4 * time.Second},
		},
		{
			name:      "attempts cap",
			policy:    Policy{Attempts: 3, Backoff: time.Second},
			outcomes:  []Outcome{{Err: errBusy}},
			wantN:     3,
			wantErr:   errBusy,
			wantWaits: []time.Duration{time.Second, 2 * time.Second},
		},
		{
			name:      "backoff capped",
			policy:    Policy{Attempts: 5, Backoff: 20 * time.Second, MaxBackoff: time.Minute},
			outcomes:  []Outcome{{Err: errBusy}},
			wantN:     5,
			wantErr:   errBusy,
			wantWaits: []time.Duration{20 * time.Second, 40 * time.Second, time.Minute, time.Minute},
		},
		{
			name:     "final failure is not retried",
			policy:   Policy{Attempts: 3, Backoff: time.Second},
			outcomes: []Outcome{{Err: errBusy, Final: true}},
			wantN:    1,
			wantErr:  errBusy,
		},
		{
			name:     "zero attempts means one",
			policy:   Policy{Backoff: time.Second},
			outcomes: []Outcome{{Err: errBusy}},
			wantN:    1,
			wantErr:  errBusy,
		},
		{
			name:   "retry-after replaces the backoff",
			policy: Policy{Attempts: 4, Backoff: time.Second, MaxRetryAfter: time.Minute},
			outcomes: []Outcome{
				{Err: errBusy, RetryAfter: 7 * time.Second, HasRetryAfter: true},
				{Err: errBusy, RetryAfter: 0, HasRetryAfter: true},
				{Err: errBusy, RetryAfter: time.Hour, HasRetryAfter: true},
				{},
			},
			wantN:     4,
			wantWaits: []time.Duration{7 * time.Second, 0, time.Minute},
		},
		{
			name:      "backoff counts the attempt, not the retry-afters",
			policy:    Policy{Attempts: 3, Backoff: time.Second},
			outcomes:  []Outcome{{Err: errBusy, RetryAfter: 5 * time.Second, HasRetryAfter: true}, {Err: errBusy}, {}},
			wantN:     3,
			wantWaits: []time.Duration{5 * time.Second, 2 * time.Second},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var waits []time.Duration
			tc.policy.Sleep = func(ctx context.Context, d time.Duration) error {
				waits = append(waits, d)
				return ctx.Err()
			}
			var calls []int
			n, err := Retry(context.Background(), tc.policy, func(_ context.Context, n int) Outcome {
				calls = append(calls, n)
				return tc.outcomes[min(n, len(tc.outcomes))-1]
			})
			if n != tc.wantN || !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
				t.Errorf("Retry = %d, %v; want %d, %v", n, err, tc.wantN, tc.wantErr)
			}
			if len(calls) != n || (n > 0 && calls[n-1] != n) {
				t.Errorf("attempt called with %v, want 1…%d", calls, n)
			}
			if diff := cmp.Diff(tc.wantWaits, waits); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRetryStopsOnContext(t *testing.T) {
	t.Run("during the wait", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		calls := 0
		p := Policy{Attempts: 5, Backoff: time.Hour}
		go func() { cancel() }()
		n, err := Retry(ctx, p, func(context.Context, int) Outcome { calls++; return Outcome{Err: errBusy} })
		if !errors.Is(err, context.Canceled) || n != 1 || calls != 1 {
			t.Errorf("Retry = %d, %v after %d calls; want 1, context.Canceled after 1", n, err, calls)
		}
	})
	t.Run("during the attempt", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		p := Policy{Attempts: 5, Backoff: time.Hour}
		n, err := Retry(ctx, p, func(context.Context, int) Outcome { cancel(); return Outcome{Err: errBusy} })
		if !errors.Is(err, context.Canceled) || n != 1 {
			t.Errorf("Retry = %d, %v; want 1, context.Canceled", n, err)
		}
	})
	t.Run("already ended: one attempt still made", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		calls := 0
		n, err := Retry(ctx, Policy{Attempts: 3}, func(ctx context.Context, _ int) Outcome { calls++; return Outcome{Err: ctx.Err()} })
		if !errors.Is(err, context.Canceled) || n != 1 || calls != 1 {
			t.Errorf("Retry = %d, %v after %d calls; want 1, context.Canceled after 1", n, err, calls)
		}
	})
	t.Run("sleep fails on its own", func(t *testing.T) {
		boom := errors.New("clock broke")
		p := Policy{Attempts: 3, Sleep: func(context.Context, time.Duration) error { return boom }}
		n, err := Retry(context.Background(), p, func(context.Context, int) Outcome { return Outcome{Err: errBusy} })
		var we *WaitError
		if !errors.As(err, &we) || !errors.Is(err, boom) || n != 1 {
			t.Fatalf("Retry = %d, %v; want 1 and a *WaitError wrapping %v", n, err, boom)
		}
		if got, want := err.Error(), "waiting to retry: clock broke"; got != want {
			t.Errorf("error = %q, want %q", got, want)
		}
	})
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 26, 17, 0, 0, 0, time.UTC)
	tests := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{" 120 ", 2 * time.Minute, true},
		{"-5", 0, false},
		{"soon", 0, false},
		{"1.5", 0, false},
		{now.Add(90 * time.Second).Format("Mon, 02 Jan 2006 15:04:05 GMT"), 90 * time.Second, true},
		{now.Add(90 * time.Second).Format(time.RFC850), 90 * time.Second, true},
		{now.Add(90 * time.Second).Format(time.ANSIC), 90 * time.Second, true},
		{now.Add(-time.Hour).Format("Mon, 02 Jan 2006 15:04:05 GMT"), 0, true},
		{"99999999999999999", math.MaxInt64, true},
		{"999999999999999999999999", math.MaxInt64, true},
		{"-999999999999999999999999", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := ParseRetryAfter(tc.in, now)
			if got != tc.want || ok != tc.wantOK {
				t.Errorf("ParseRetryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.wantOK)
			}
		})
	}
}
