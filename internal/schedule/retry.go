package schedule

import (
	"context"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
)

// Policy says how Retry repeats a failing attempt. It is the one backoff
// rule of clausewatch: page fetches and webhook deliveries both use it.
type Policy struct {
	// Attempts is the most attempts in all, the first one included; below
	// 1 means 1.
	Attempts int
	// Backoff is the wait before the second attempt, doubled before each
	// further one.
	Backoff time.Duration
	// MaxBackoff caps the doubled wait; 0 means no cap.
	MaxBackoff time.Duration
	// MaxRetryAfter caps a wait that a failed attempt asks for (a server's
	// Retry-After); 0 means no cap.
	MaxRetryAfter time.Duration
	// Sleep waits between attempts; it must return ctx.Err() when ctx ends
	// first. Default: Sleep.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Outcome is what one attempt tells Retry.
type Outcome struct {
	// Err is the failure; nil means the attempt succeeded.
	Err error
	// Final says another attempt would fail the same way (a 404, a bad
	// certificate): Retry stops.
	Final bool
	// RetryAfter is the wait the other side asked for before the next
	// attempt; it replaces the backoff when HasRetryAfter is set (so that
	// a Retry-After of 0 means "at once").
	RetryAfter    time.Duration
	HasRetryAfter bool
}

// WaitError is the error of Retry when Sleep failed while ctx was still
// live; Err is Sleep's error.
type WaitError struct{ Err error }

func (e *WaitError) Error() string { return "waiting to retry: " + e.Err.Error() }

// Unwrap returns Sleep's error.
func (e *WaitError) Unwrap() error { return e.Err }

// Retry calls attempt with n = 1, 2, … until an attempt succeeds, one
// fails with Final set, p.Attempts attempts have been made, or ctx ends.
// Between two attempts it waits the RetryAfter the failed attempt asked
// for (capped at p.MaxRetryAfter), else p.Backoff doubled once per earlier
// retry (capped at p.MaxBackoff). The first attempt is always made, even
// when ctx has already ended: attempt sees the ended ctx and fails.
//
// Retry returns the number of attempts made and nil on success; ctx.Err()
// when ctx ended after a failed attempt or during a wait; a *WaitError when
// Sleep failed for another reason; else the Err of the last attempt.
// Callers tell the cases apart with ctx.Err() and errors.As.
func Retry(ctx context.Context, p Policy, attempt func(ctx context.Context, n int) Outcome) (int, error) {
	if p.Sleep == nil {
		p.Sleep = Sleep
	}
	attempts := max(p.Attempts, 1)
	for n := 1; ; n++ {
		out := attempt(ctx, n)
		if out.Err == nil {
			return n, nil
		}
		if err := ctx.Err(); err != nil {
			return n, err
		}
		if out.Final || n >= attempts {
			return n, out.Err
		}
		if err := p.Sleep(ctx, p.wait(n, out)); err != nil {
			if cerr := ctx.Err(); cerr != nil {
				return n, cerr
			}
			return n, &WaitError{Err: err}
		}
	}
}

// wait is the pause after failed attempt n.
func (p Policy) wait(n int, out Outcome) time.Duration {
	if out.HasRetryAfter {
		d := max(out.RetryAfter, 0)
		if p.MaxRetryAfter > 0 {
			d = min(d, p.MaxRetryAfter)
		}
		return d
	}
	d := p.Backoff
	for i := 1; i < n && (p.MaxBackoff <= 0 || d < p.MaxBackoff) && d < math.MaxInt64/2; i++ {
		d *= 2
	}
	if p.MaxBackoff > 0 {
		d = min(d, p.MaxBackoff)
	}
	return d
}

// retryAfterDates are the HTTP date formats a Retry-After may use (RFC 9110
// section 5.6.7: the preferred one and the two obsolete ones), the same
// that net/http's ParseTime accepts.
var retryAfterDates = []string{
	"Mon, 02 Jan 2006 15:04:05 GMT",
	time.RFC850,
	time.ANSIC,
}

// ParseRetryAfter reads the value of a Retry-After header: a number of
// seconds, or an HTTP date (whose distance from now is returned, 0 when it
// has passed). ok is false when v is empty, negative or neither form. The
// result is not capped (Policy.MaxRetryAfter does that), except that a
// huge number of seconds saturates instead of overflowing.
func ParseRetryAfter(v string, now time.Time) (d time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(math.MaxInt64/time.Second) {
			return math.MaxInt64, true
		}
		return time.Duration(secs) * time.Second, true
	}
	for _, layout := range retryAfterDates {
		if t, err := time.Parse(layout, v); err == nil {
			return max(t.Sub(now), 0), true
		}
	}
	return 0, false
}
