package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// Error categories of their own, beside the terms.Err* ones.
const (
	// ErrRateLimited is a 429 Too Many Requests: retried, honouring the
	// server's Retry-After.
	ErrRateLimited = "rate-limited"
	// ErrRedirectRefused is a redirect to a scheme other than http or
	// https (file:, ftp:, …): refused, never retried.
	ErrRedirectRefused = "redirect-refused"
)

// Error is a failed fetch: the URL, the last HTTP status seen (0 when no
// response came back), the category of the failure and the underlying
// error. Every error that Fetch returns is an *Error. Neither URL nor the
// messages show the credentials a URL may carry (Redact).
type Error struct {
	Category string // one of the terms.Err* categories, ErrRateLimited or ErrRedirectRefused
	URL      string // the requested URL, credentials redacted
	Status   int    // last HTTP status received, 0 if none
	Attempts int    // attempts made, 0 when none could start
	Err      error  // the cause; never nil for errors built by this package
}

// Error formats the failure as
// "fetch https://x/y: status 503 (http-5xx) after 3 attempts".
func (e *Error) Error() string {
	msg := "fetch " + e.URL + ": "
	if e.URL == "" {
		msg = "fetch: "
	}
	if e.Err != nil {
		msg += e.Err.Error()
	} else {
		msg += fmt.Sprintf("status %d", e.Status)
	}
	if e.Category != "" {
		msg += " (" + e.Category + ")"
	}
	if e.Attempts > 1 {
		msg += fmt.Sprintf(" after %d attempts", e.Attempts)
	}
	return Redact(msg)
}

// Reason is the failure without the URL it happened to, for a caller that
// already names the page: "status 503 (http-5xx) after 3 attempts",
// "dial tcp: connection refused (network)". The request line net/http
// puts before a transport error ("Get \"https://…\": ") is left out too.
func (e *Error) Reason() string {
	var msg string
	switch cause := e.Err; {
	case cause == nil:
		msg = fmt.Sprintf("status %d", e.Status)
	default:
		var ue *url.Error
		if errors.As(cause, &ue) && ue.Err != nil {
			cause = ue.Err
		}
		msg = cause.Error()
	}
	if e.Category != "" {
		msg += " (" + e.Category + ")"
	}
	if e.Attempts > 1 {
		msg += fmt.Sprintf(" after %d attempts", e.Attempts)
	}
	return Redact(msg)
}

// Unwrap returns the cause, so errors.Is(err, context.Canceled) works.
func (e *Error) Unwrap() error { return e.Err }

// Category returns the terms.Err* category of err: the Category of an
// *Error in its chain, terms.ErrTimeout for a deadline, terms.ErrNone for
// nil and terms.ErrNetwork for any other error.
func Category(err error) string {
	if err == nil {
		return terms.ErrNone
	}
	var fe *Error
	if errors.As(err, &fe) && fe.Category != "" {
		return fe.Category
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return terms.ErrTimeout
	}
	return terms.ErrNetwork
}

// retryable reports whether a failure of this category may go away on
// another attempt.
func retryable(category string) bool {
	switch category {
	case terms.ErrNetwork, terms.ErrTimeout, terms.ErrServer, terms.ErrTruncated, ErrRateLimited:
		return true
	}
	return false
}

// attemptError is the outcome of one failed attempt before it is wrapped
// into an *Error with the attempt count.
type attemptError struct {
	category   string
	status     int
	err        error
	retryAfter string // Retry-After header of a 5xx or 429 response
	final      bool   // do not retry even if the category is retryable
}

func failf(category string, status int, format string, args ...any) *attemptError {
	return &attemptError{category: category, status: status, err: fmt.Errorf(format, args...)}
}
