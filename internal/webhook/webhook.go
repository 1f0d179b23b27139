// Package webhook delivers change events to an HTTP endpoint: one POST whose
// body is the JSON array `clausewatch changes --format json` prints, signed
// with HMAC-SHA256 when a secret is set, retried with backoff (or after the
// receiver's Retry-After) when the receiver is down (network errors, 5xx,
// 429) and never after another 4xx.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/clausewatch/clausewatch/internal/report"
	"github.com/clausewatch/clausewatch/internal/schedule"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// Defaults applied to zero Options fields.
const (
	DefaultTimeout = 10 * time.Second
	DefaultRetries = 2
	DefaultBackoff = time.Second
	// MaxBackoff caps the doubled wait between two attempts.
	MaxBackoff = 30 * time.Second
	// MaxRetryAfter caps how long a receiver's Retry-After is honoured.
	MaxRetryAfter = 2 * time.Minute
)

// SignatureHeader carries "sha256=<hex>", the HMAC-SHA256 of the exact body
// bytes keyed with Options.Secret. Receivers recompute it with Sign and
// compare with hmac.Equal.
const SignatureHeader = "X-Clausewatch-Signature"

// Options configure one delivery. Zero fields take the documented default.
type Options struct {
	// Secret keys the signature header; empty sends no signature.
	Secret string
	// Version goes into the User-Agent "clausewatch/<Version>"; empty sends
	// plain "clausewatch".
	Version string
	// Timeout bounds one attempt, request and response; default 10s.
	Timeout time.Duration
	// Retries is the number of extra attempts after a network error, a
	// timeout, a 5xx or a 429 status; never after another status. Default 2;
	// negative means no retry.
	Retries int
	// Backoff is the wait before the first retry, doubled for each further
	// one and capped at MaxBackoff; default 1s. A Retry-After header of a
	// 5xx or 429 answer (seconds or HTTP date) replaces it, capped at
	// MaxRetryAfter.
	Backoff time.Duration
	// Sleep waits between attempts; it must return ctx.Err() when ctx ends
	// first. Default: a timer that honours ctx.
	Sleep func(ctx context.Context, d time.Duration) error
}

// StatusError is a delivery the receiver answered with a non-2xx status.
type StatusError struct {
	URL    string // the target, without credentials or query
	Status int
	Body   string // the start of the response body, for the message

	retryAfter string // the Retry-After header of a 5xx or 429 answer
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("webhook POST %s: status %d %s", e.URL, e.Status, http.StatusText(e.Status))
	if e.Body != "" {
		msg += ": " + e.Body
	}
	return msg
}

// Temporary reports whether a later attempt may succeed (5xx, 429).
func (e *StatusError) Temporary() bool {
	return e.Status >= 500 || e.Status == http.StatusTooManyRequests
}

// ValidateURL checks that raw is an absolute http or https URL with a host.
func ValidateURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("webhook URL %q: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("webhook URL %q: want an absolute http or https URL", raw)
	}
	if u.Host == "" {
		return fmt.Errorf("webhook URL %q: no host", raw)
	}
	return nil
}

// Sign returns the signature header value for body: "sha256=" and the hex
// HMAC-SHA256 of body keyed with secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Body returns the request body for evs: the JSON array that
// `changes --format json` prints (events sorted for reading, "[]" when
// none). evs is not modified.
func Body(evs []terms.Event) ([]byte, error) {
	sorted := slices.Clone(evs)
	report.Sort(sorted)
	var b bytes.Buffer
	if err := report.JSON(&b, sorted); err != nil {
		return nil, fmt.Errorf("webhook: encode events: %w", err)
	}
	return b.Bytes(), nil
}

// Post sends evs to target as one JSON POST (Content-Type application/json,
// User-Agent clausewatch, the signature header when opts.Secret is set).
// client nil uses a plain http.Client; redirects are not followed (a
// redirected POST would silently become a GET), so a 3xx is an error like
// any non-2xx. Network errors, timeouts, 5xx and 429 are retried
// opts.Retries times with backoff, honouring the receiver's Retry-After; the error after the last attempt names
// the URL (without credentials or query) and the status or cause, and is a
// *StatusError when the receiver answered. An invalid URL is an error
// before anything is sent.
func Post(ctx context.Context, client *http.Client, target string, evs []terms.Event, opts Options) error {
	if err := ValidateURL(target); err != nil {
		return err
	}
	opts = withDefaults(opts)
	body, err := Body(evs)
	if err != nil {
		return err
	}
	var c http.Client
	if client != nil {
		c = *client
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	shown := redact(target)
	policy := schedule.Policy{
		Attempts:      opts.Retries + 1,
		Backoff:       opts.Backoff,
		MaxBackoff:    MaxBackoff,
		MaxRetryAfter: MaxRetryAfter,
		Sleep:         opts.Sleep,
	}
	n, err := schedule.Retry(ctx, policy, func(ctx context.Context, _ int) schedule.Outcome {
		err := send(ctx, &c, target, shown, body, opts)
		var se *StatusError
		if !errors.As(err, &se) {
			return schedule.Outcome{Err: err}
		}
		wait, ok := schedule.ParseRetryAfter(se.retryAfter, time.Now())
		return schedule.Outcome{Err: err, Final: !se.Temporary(), RetryAfter: wait, HasRetryAfter: ok}
	})
	var werr *schedule.WaitError
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return fmt.Errorf("webhook POST %s: %w", shown, ctx.Err())
	case errors.As(err, &werr):
		return fmt.Errorf("webhook POST %s: %w", shown, werr.Err)
	case n > 1:
		return fmt.Errorf("%w (after %d attempts)", err, n)
	}
	return err
}

// send makes one attempt.
func send(ctx context.Context, c *http.Client, target, shown string, body []byte, opts Options) error {
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook POST %s: %w", shown, err)
	}
	req.Header.Set("Content-Type", "application/json")
	ua := "clausewatch"
	if opts.Version != "" {
		ua += "/" + opts.Version
	}
	req.Header.Set("User-Agent", ua)
	if opts.Secret != "" {
		req.Header.Set(SignatureHeader, Sign(opts.Secret, body))
	}
	resp, err := c.Do(req)
	if err != nil {
		// *url.Error repeats the full URL, which may hold a token: keep
		// only its cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
			return fmt.Errorf("webhook POST %s: timeout after %s: %w", shown, opts.Timeout, err)
		}
		return fmt.Errorf("webhook POST %s: %w", shown, err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // let the connection be reused
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	se := &StatusError{URL: shown, Status: resp.StatusCode, Body: oneLine(string(snippet), 200)}
	if se.Temporary() {
		se.retryAfter = resp.Header.Get("Retry-After")
	}
	if loc := resp.Header.Get("Location"); resp.StatusCode >= 300 && resp.StatusCode < 400 && loc != "" {
		se.Body = "redirect to " + redact(loc) + " not followed; give the final URL"
	}
	return se
}

func withDefaults(o Options) Options {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	switch {
	case o.Retries == 0:
		o.Retries = DefaultRetries
	case o.Retries < 0:
		o.Retries = 0
	}
	if o.Backoff <= 0 {
		o.Backoff = DefaultBackoff
	}
	if o.Sleep == nil {
		o.Sleep = schedule.Sleep
	}
	return o
}

// redact drops credentials and the query (both may carry a token) from a
// URL shown in messages.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(invalid URL)"
	}
	u.User = nil
	if u.RawQuery != "" {
		u.RawQuery = "…"
	}
	u.Fragment = ""
	return u.String()
}

// oneLine squeezes whitespace and cuts s to n runes.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
