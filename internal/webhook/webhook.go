// Package webhook makes one delivery of change events to an HTTP endpoint:
// one POST of a JSON object carrying a delivery id, the time of the
// attempt and the events (the JSON array `clausewatch changes --format
// json` prints), signed with HMAC-SHA256 when a secret is set. It makes a
// single attempt: queueing, retrying on later runs and backing off belong
// to the outbox (package deliver), so that a slow receiver never gets
// several copies within one run.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
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

// DefaultTimeout bounds one attempt, request and response, when
// Options.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// Headers of a delivery. The signature covers the exact body bytes, which
// hold the delivery id and timestamp too; the two headers repeat them for
// receivers that route or refuse before parsing.
const (
	// SignatureHeader carries "sha256=<hex>", the HMAC-SHA256 of the body
	// keyed with Options.Secret. Receivers recompute it with Sign and
	// compare with hmac.Equal.
	SignatureHeader = "X-Clausewatch-Signature"
	// DeliveryHeader carries the delivery id, the same in every attempt of
	// one delivery: receivers drop a second copy by it.
	DeliveryHeader = "X-Clausewatch-Delivery"
	// TimestampHeader carries the attempt's time (RFC 3339, UTC): receivers
	// refuse a replay of an old request by it.
	TimestampHeader = "X-Clausewatch-Timestamp"
)

// Payload is the body of a delivery.
type Payload struct {
	Delivery  string          `json:"delivery"`  // the same in every attempt
	Timestamp string          `json:"timestamp"` // this attempt's time, RFC 3339 UTC
	Events    json.RawMessage `json:"events"`    // the JSON array of the events
}

// Options configure one attempt. Zero fields take the documented default.
type Options struct {
	// Secret keys the signature header; empty sends no signature.
	Secret string
	// Version goes into the User-Agent "clausewatch/<Version>"; empty sends
	// plain "clausewatch".
	Version string
	// Timeout bounds the attempt, request and response; default
	// DefaultTimeout.
	Timeout time.Duration
	// Now dates the attempt; nil means time.Now.
	Now func() time.Time
}

// StatusError is a delivery the receiver answered with a non-2xx status.
type StatusError struct {
	URL    string // the target, without credentials or query
	Status int
	Body   string // the start of the response body, for the message

	retryAfter string // the Retry-After header of a temporary answer
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("webhook POST %s: status %d %s", e.URL, e.Status, http.StatusText(e.Status))
	if e.Body != "" {
		msg += ": " + e.Body
	}
	return msg
}

// Temporary reports whether a later attempt may succeed (5xx, 429, 408);
// any other answer would be the same again.
func (e *StatusError) Temporary() bool {
	return e.Status >= 500 || e.Status == http.StatusTooManyRequests || e.Status == http.StatusRequestTimeout
}

// HTTPStatus returns the status the receiver answered.
func (e *StatusError) HTTPStatus() int { return e.Status }

// RetryAfter returns how long the receiver asked to wait (its Retry-After
// header, seconds or HTTP date, on a temporary answer) counted from now,
// and whether it asked.
func (e *StatusError) RetryAfter(now time.Time) (time.Duration, bool) {
	return schedule.ParseRetryAfter(e.retryAfter, now)
}

// Permanent reports whether err, an error of Post, says that the receiver
// refused the delivery for good: an answer other than 2xx that is not
// Temporary. Network errors and timeouts are not permanent.
func Permanent(err error) bool {
	var se *StatusError
	return errors.As(err, &se) && !se.Temporary()
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

// Events returns the events part of a delivery for evs: the JSON array
// that `changes --format json` prints (events sorted for reading, "[]"
// when none). evs is not modified.
func Events(evs []terms.Event) ([]byte, error) {
	sorted := slices.Clone(evs)
	report.Sort(sorted)
	var b bytes.Buffer
	if err := report.JSON(&b, sorted); err != nil {
		return nil, fmt.Errorf("webhook: encode events: %w", err)
	}
	return b.Bytes(), nil
}

// Body returns the request body of an attempt of delivery id at time at
// carrying events (a JSON array, as Events returns).
func Body(id string, at time.Time, events []byte) ([]byte, error) {
	if !json.Valid(events) {
		return nil, fmt.Errorf("webhook: delivery %s: the events are not JSON", id)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(Payload{Delivery: id, Timestamp: at.UTC().Format(time.RFC3339), Events: events}); err != nil {
		return nil, fmt.Errorf("webhook: delivery %s: %w", id, err)
	}
	return b.Bytes(), nil
}

// Post makes one attempt of delivery id to target: a JSON POST of Body(id,
// now, events) (Content-Type application/json, User-Agent clausewatch, the
// delivery, timestamp and, when opts.Secret is set, signature headers).
// client nil uses a plain http.Client; redirects are not followed (a
// redirected POST would silently become a GET), so a 3xx is an error like
// any non-2xx. It returns nil on a 2xx; otherwise an error naming the URL
// (without credentials or query) and the status or cause, a *StatusError
// when the receiver answered (see Temporary, RetryAfter and Permanent). An
// invalid URL is an error before anything is sent.
func Post(ctx context.Context, client *http.Client, target, id string, events []byte, opts Options) error {
	if err := ValidateURL(target); err != nil {
		return err
	}
	opts = withDefaults(opts)
	at := opts.Now()
	body, err := Body(id, at, events)
	if err != nil {
		return err
	}
	var c http.Client
	if client != nil {
		c = *client
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	shown := Redact(target)
	err = send(ctx, &c, target, shown, body, opts, map[string]string{
		DeliveryHeader: id, TimestampHeader: at.UTC().Format(time.RFC3339)})
	if err != nil && ctx.Err() != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("webhook POST %s: %w", shown, ctx.Err())
	}
	return err
}

// send makes one attempt.
func send(ctx context.Context, c *http.Client, target, shown string, body []byte, opts Options, headers map[string]string) error {
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
	for k, v := range headers {
		req.Header.Set(k, v)
	}
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
		se.Body = "redirect to " + Redact(loc) + " not followed; give the final URL"
	}
	return se
}

func withDefaults(o Options) Options {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Redact drops credentials and the query (both may carry a token) from a
// URL shown in messages or stored.
func Redact(raw string) string {
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
