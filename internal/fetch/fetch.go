// Package fetch gets one watched page: a polite HTTP GET (user agent,
// conditional request, size cap, bounded redirects, retries with backoff) or,
// for sources declared with render: browser, a headless Chromium render.
// Every failure is an *Error carrying one of the terms.Err* categories that
// the pipeline records with the snapshot.
package fetch

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/clausewatch/clausewatch/internal/schedule"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// Defaults applied by New to zero Options fields.
const (
	DefaultConnectTimeout = 10 * time.Second
	DefaultTimeout        = 60 * time.Second
	DefaultMaxBytes       = 10 << 20
	DefaultMaxRedirects   = 5
	DefaultRetries        = 2
	DefaultBackoff        = 2 * time.Second
	DefaultRenderSettle   = 500 * time.Millisecond

	// MaxBackoff caps the doubled backoff between two attempts.
	MaxBackoff = time.Minute
	// MaxRetryAfter caps how long a server's Retry-After is honoured.
	MaxRetryAfter = 2 * time.Minute
)

// accept is the Accept header: the page types that can be extracted.
const accept = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8,text/markdown;q=0.8,*/*;q=0.1"

// Options configure a Fetcher. Zero fields take the documented default.
type Options struct {
	// Client sends the requests; when nil New builds one with the timeouts
	// below. New works on a copy whose CheckRedirect enforces MaxRedirects
	// (any CheckRedirect of the given client is replaced).
	Client *http.Client
	// Version goes into the default UserAgent; default "dev".
	Version string
	// UserAgent; default "clausewatch/<Version> (+https://github.com/clausewatch/clausewatch)".
	UserAgent string
	// ConnectTimeout bounds the dial and the TLS handshake of the built
	// client; default 10s.
	ConnectTimeout time.Duration
	// Timeout bounds one attempt, headers and body, or one browser render
	// from the start of the browser to the read of the page (the time box
	// of a render: the browser is killed then, and a render that ran out
	// of it is not retried); default 60s.
	Timeout time.Duration
	// MaxBytes caps the decoded body; default 10 MiB. Larger: terms.ErrTooLarge.
	MaxBytes int64
	// MaxRedirects caps followed redirects; default 5, negative follows
	// none. More: terms.ErrRedirects.
	MaxRedirects int
	// Retries is the number of extra attempts after a timeout, a network
	// error, a truncated body, a 5xx or a 429 (ErrRateLimited); never after
	// another 4xx nor after a refused redirect.
	// Default 2; negative means no retry.
	Retries int
	// Backoff is the wait before the first retry, doubled for each further
	// one and capped at MaxBackoff; default 2s. A Retry-After header (seconds
	// or HTTP date) replaces it, capped at MaxRetryAfter.
	Backoff time.Duration
	// Sleep waits between attempts; it must return ctx.Err() when ctx ends
	// first. Default: a timer that honours ctx.
	Sleep func(ctx context.Context, d time.Duration) error
	// BrowserPath is the Chromium executable for render: browser; default:
	// the first of chromium, chromium-browser, google-chrome, headless-shell
	// found on PATH.
	BrowserPath string
	// RenderSettle is how long a rendered page may keep running scripts
	// after its body is ready; default 500ms.
	RenderSettle time.Duration
	// MaxRenderRequests caps the requests a rendered page may make (those
	// let through: images, media, fonts and other sites' resources are
	// refused without counting); default DefaultMaxRenderRequests. More
	// aborts the render: terms.ErrTooLarge.
	MaxRenderRequests int
	// MaxRenderBytes caps the bytes a render receives, counted both on the
	// wire and decoded; default 4 × MaxBytes. One resource may not exceed
	// MaxBytes decoded. More aborts the render: terms.ErrTooLarge.
	MaxRenderBytes int64
	// Warn receives the one-line warnings of a Fetcher, such as Chromium
	// running without its sandbox; default: written to standard error.
	Warn func(msg string)
	// Euid is the effective user id, which decides whether Chromium can
	// run sandboxed; default os.Geteuid.
	Euid func() int
	// Now is the clock, used for Retry-After dates; default time.Now.
	Now func() time.Time
}

// Request is one page to get.
type Request struct {
	URL          string
	Headers      map[string]string // extra request headers (Accept-Language, Cookie…)
	ETag         string            // sent as If-None-Match (HTTP only)
	LastModified string            // sent as If-Modified-Since (HTTP only)
	Render       string            // terms.RenderHTTP or terms.RenderBrowser
	// BrowserAllow lists the hosts (and their subdomains), beside the
	// site of URL, a rendered page may load scripts and data from
	// (terms.Source.BrowserAllow).
	BrowserAllow []string
	// SizeHint is the size of the page the last time (0: not known): a
	// body of unknown length is read into one buffer of about that size
	// rather than one grown from a few hundred bytes (HTTP only).
	SizeHint int64
}

// Result is a page that came back.
type Result struct {
	URL          string // final URL after redirects
	Status       int
	Body         []byte // decoded (no content-encoding); empty when NotModified
	ContentType  string // the Content-Type header, or the sniffed type when absent
	ETag         string
	LastModified string
	NotModified  bool // 304: the page is unchanged since ETag/LastModified
	Attempts     int  // attempts made, 1 when the first one succeeded
}

// Fetcher gets pages with one set of Options. It is safe for concurrent use.
type Fetcher struct {
	opts   Options
	client *http.Client

	sandboxMu    sync.Mutex
	noSandboxWhy string // why renders run without Chromium's sandbox, once found unusable
	warned       bool   // the sandbox warning was given

	// reachable lists host:port a render may dial whatever their address,
	// beside the declared URL's: a second local server in tests.
	reachable []string

	// bodies holds the buffers of bodies given back with Release, for the
	// next pages to be read into: a run reads hundreds of pages of about
	// the same size, and reading each into a new buffer grown from
	// nothing was the larger part of what a check allocates.
	bodies chan []byte
}

// pooledBodies is how many released bodies a Fetcher keeps; maxPooledBody
// the largest it keeps, so that one huge page does not stay in memory.
const (
	pooledBodies  = 8
	maxPooledBody = 4 << 20
)

// Release gives back the Body of a Result its caller is done with: a later
// Fetch may read another page into it, so nothing may use b or hold a
// slice of it afterwards.
func (f *Fetcher) Release(b []byte) {
	if cap(b) == 0 || cap(b) > maxPooledBody {
		return
	}
	select {
	case f.bodies <- b[:0]:
	default:
	}
}

// buffer is a released body's buffer, or nil.
func (f *Fetcher) buffer() []byte {
	select {
	case b := <-f.bodies:
		return b
	default:
		return nil
	}
}

var errTooManyRedirects = errors.New("too many redirects")

// New returns a Fetcher with the defaults of Options applied.
func New(opts Options) *Fetcher {
	if opts.Version == "" {
		opts.Version = "dev"
	}
	if opts.UserAgent == "" {
		opts.UserAgent = "clausewatch/" + opts.Version + " (+https://github.com/clausewatch/clausewatch)"
	}
	if opts.ConnectTimeout <= 0 {
		opts.ConnectTimeout = DefaultConnectTimeout
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	switch {
	case opts.MaxRedirects == 0:
		opts.MaxRedirects = DefaultMaxRedirects
	case opts.MaxRedirects < 0:
		opts.MaxRedirects = 0
	}
	switch {
	case opts.Retries == 0:
		opts.Retries = DefaultRetries
	case opts.Retries < 0:
		opts.Retries = 0
	}
	if opts.Backoff <= 0 {
		opts.Backoff = DefaultBackoff
	}
	if opts.Sleep == nil {
		opts.Sleep = schedule.Sleep
	}
	if opts.RenderSettle <= 0 {
		opts.RenderSettle = DefaultRenderSettle
	}
	if opts.MaxRenderRequests <= 0 {
		opts.MaxRenderRequests = DefaultMaxRenderRequests
	}
	if opts.MaxRenderBytes <= 0 {
		opts.MaxRenderBytes = 4 * opts.MaxBytes
	}
	if opts.Warn == nil {
		opts.Warn = func(msg string) { fmt.Fprintln(os.Stderr, "clausewatch: warning: "+msg) }
	}
	if opts.Euid == nil {
		opts.Euid = os.Geteuid
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	var client http.Client
	if opts.Client != nil {
		client = *opts.Client
	} else {
		client = http.Client{Transport: newTransport(opts.ConnectTimeout)}
	}
	f := &Fetcher{opts: opts, client: &client, bodies: make(chan []byte, pooledBodies)}
	client.CheckRedirect = f.checkRedirect
	f.opts.Client = &client
	return f
}

// declaredKey is the context key under which attemptHTTP passes the names
// of the request's declared headers to checkRedirect.
type declaredKey struct{}

// checkRedirect is the client's redirect policy: at most MaxRedirects, to
// http or https only (a file: or ftp: target is refused, not retried), and
// once the chain has left the declared host (or gone from https to http)
// without the headers the declaration added, which may hold a key or a
// cookie meant for that host only. net/http copies every header of the
// first request onto each redirect and drops only its own few sensitive
// ones.
func (f *Fetcher) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > f.opts.MaxRedirects {
		return fmt.Errorf("%w (more than %d)", errTooManyRedirects, f.opts.MaxRedirects)
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return &refusedRedirectError{target: Redact(req.URL.String()), from: Redact(via[len(via)-1].URL.String())}
	}
	names, _ := req.Context().Value(declaredKey{}).([]string)
	if len(names) == 0 {
		return nil
	}
	origin := via[0].URL
	left := false
	for _, r := range append(via[1:len(via):len(via)], req) {
		if !sameHost(origin, r.URL) || (origin.Scheme == "https" && r.URL.Scheme != "https") {
			left = true
			break
		}
	}
	if left {
		for _, name := range names {
			req.Header.Del(name)
		}
		f.setOwnHeaders(req.Header)
	}
	return nil
}

// sameHost reports whether two URLs name the same host and port (the
// scheme's default port when none is given).
func sameHost(a, b *url.URL) bool { return hostPort(a) == hostPort(b) }

// hostPort is u's host, lower-case, with its port or the scheme's default
// one: "example.com:443" for https://Example.com/.
func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" || u.Scheme == "wss" {
			port = "443"
		}
	}
	return net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// refusedRedirectError is a redirect to a scheme Fetch does not follow.
type refusedRedirectError struct{ target, from string }

func (e *refusedRedirectError) Error() string {
	return fmt.Sprintf("redirect from %s to %s refused: only http and https redirects are followed", e.from, e.target)
}

// newTransport is the transport of the built client: bounded dial and TLS
// handshake, and no transparent decompression (Fetch decodes itself so
// that a cut gzip stream is reported as truncated).
func newTransport(connect time.Duration) *http.Transport {
	dialer := &net.Dialer{Timeout: connect, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         dialer.DialContext,
		TLSHandshakeTimeout: connect,
		ForceAttemptHTTP2:   true,
		MaxIdleConns:        16,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
}

// Fetch gets req.URL, retrying transient failures (timeouts, network
// errors, truncated bodies, 5xx and 429) up to Options.Retries times with
// backoff. A 304 answer to a conditional request is a Result with
// NotModified set. Any failure is an *Error with a terms.Err* category;
// when ctx ends, Fetch stops at once and the *Error wraps ctx.Err().
func (f *Fetcher) Fetch(ctx context.Context, req Request) (*Result, error) {
	u, err := url.Parse(req.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		if err == nil {
			err = errors.New("not an absolute http(s) URL")
		}
		return nil, &Error{Category: terms.ErrClient, URL: Redact(req.URL), Err: fmt.Errorf("bad url: %w", err)}
	}
	var attempt func(context.Context, Request) (*Result, *attemptError)
	switch req.Render {
	case terms.RenderHTTP:
		attempt = f.attemptHTTP
	case terms.RenderBrowser:
		path, err := FindBrowser(f.opts.BrowserPath)
		if err != nil {
			var fe *Error
			if errors.As(err, &fe) {
				fe.URL = Redact(req.URL)
			}
			return nil, err
		}
		attempt = func(ctx context.Context, req Request) (*Result, *attemptError) {
			return f.attemptBrowser(ctx, path, req)
		}
	default:
		return nil, &Error{Category: terms.ErrClient, URL: Redact(req.URL),
			Err: fmt.Errorf("unknown render mode %q (want %q or %q)", req.Render, terms.RenderHTTP, terms.RenderBrowser)}
	}

	var (
		res    *Result
		last   *attemptError
		status int // the last status seen, kept when a later attempt gets none
	)
	policy := schedule.Policy{
		Attempts:      f.opts.Retries + 1,
		Backoff:       f.opts.Backoff,
		MaxBackoff:    MaxBackoff,
		MaxRetryAfter: MaxRetryAfter,
		Sleep:         f.opts.Sleep,
	}
	n, err := schedule.Retry(ctx, policy, func(ctx context.Context, _ int) schedule.Outcome {
		r, aerr := attempt(ctx, req)
		if aerr == nil {
			res = r
			return schedule.Outcome{}
		}
		last = aerr
		if aerr.status != 0 {
			status = aerr.status
		}
		wait, ok := schedule.ParseRetryAfter(aerr.retryAfter, f.opts.Now())
		return schedule.Outcome{Err: aerr.err, Final: aerr.final || !retryable(aerr.category),
			RetryAfter: wait, HasRetryAfter: ok}
	})
	if err == nil {
		res.Attempts = n
		return res, nil
	}
	if ctx.Err() != nil {
		return nil, &Error{Category: Category(ctx.Err()), URL: Redact(req.URL), Status: status, Attempts: n, Err: ctx.Err()}
	}
	// err is the last attempt's cause, or a *schedule.WaitError
	// ("waiting to retry: …") when the wait itself failed.
	return nil, &Error{Category: last.category, URL: Redact(req.URL), Status: status, Attempts: n, Err: err}
}

// attemptHTTP makes one GET and reads its body.
func (f *Fetcher) attemptHTTP(ctx context.Context, req Request) (*Result, *attemptError) {
	actx, cancel := context.WithTimeout(ctx, f.opts.Timeout)
	defer cancel()
	hreq, err := http.NewRequestWithContext(actx, http.MethodGet, req.URL, nil)
	if err != nil {
		return nil, &attemptError{category: terms.ErrClient, err: fmt.Errorf("build request: %w", err), final: true}
	}
	hreq.Header.Set("User-Agent", f.opts.UserAgent)
	hreq.Header.Set("Accept", accept)
	var declared []string
	for k, v := range req.Headers {
		if strings.EqualFold(k, "Host") {
			hreq.Host = v
			continue
		}
		hreq.Header.Set(k, v)
		declared = append(declared, k)
	}
	if len(declared) > 0 {
		hreq = hreq.WithContext(context.WithValue(actx, declaredKey{}, declared))
	}
	// Set after the caller's headers: the body decoder below knows only these.
	hreq.Header.Set("Accept-Encoding", "gzip, deflate")
	if req.ETag != "" {
		hreq.Header.Set("If-None-Match", req.ETag)
	}
	if req.LastModified != "" {
		hreq.Header.Set("If-Modified-Since", req.LastModified)
	}

	resp, err := f.client.Do(hreq)
	if err != nil {
		return nil, classifyRequestError(actx, err)
	}
	defer resp.Body.Close()

	res := &Result{
		URL:          resp.Request.URL.String(),
		Status:       resp.StatusCode,
		ContentType:  resp.Header.Get("Content-Type"),
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
	}
	code := resp.StatusCode
	switch {
	case code == http.StatusNotModified:
		discard(resp.Body)
		res.NotModified = true
		return res, nil
	case code == http.StatusTooManyRequests:
		discard(resp.Body)
		e := failf(ErrRateLimited, code, "status %d", code)
		e.retryAfter = resp.Header.Get("Retry-After")
		return nil, e
	case code >= 500:
		discard(resp.Body)
		e := failf(terms.ErrServer, code, "status %d", code)
		e.retryAfter = resp.Header.Get("Retry-After")
		return nil, e
	case code >= 400:
		discard(resp.Body)
		return nil, failf(terms.ErrClient, code, "status %d", code)
	case code >= 300:
		discard(resp.Body)
		return nil, failf(terms.ErrRedirects, code, "status %d without a usable Location", code)
	case code < 200:
		return nil, failf(terms.ErrServer, code, "unexpected status %d", code)
	}
	if res.ContentType != "" && !acceptedType(res.ContentType) {
		return nil, failf(terms.ErrContentType, code, "content type %q is not a page", res.ContentType)
	}
	if resp.ContentLength > f.opts.MaxBytes {
		return nil, failf(terms.ErrTooLarge, code, "body of %d bytes is over the %d byte cap", resp.ContentLength, f.opts.MaxBytes)
	}
	body, aerr := f.readBody(actx, resp, req.SizeHint)
	if aerr != nil {
		aerr.status = code
		return nil, aerr
	}
	if res.ContentType == "" {
		res.ContentType = http.DetectContentType(body)
		if !acceptedType(res.ContentType) {
			return nil, failf(terms.ErrContentType, code, "sniffed content type %q is not a page", res.ContentType)
		}
	}
	res.Body = body
	return res, nil
}

// setOwnHeaders sets the headers every request carries whatever the
// declaration says, after checkRedirect dropped the declared ones: a
// declared User-Agent or Accept gives way to Fetch's own.
func (f *Fetcher) setOwnHeaders(h http.Header) {
	if h.Get("User-Agent") == "" {
		h.Set("User-Agent", f.opts.UserAgent)
	}
	if h.Get("Accept") == "" {
		h.Set("Accept", accept)
	}
	h.Set("Accept-Encoding", "gzip, deflate")
}

// readBody reads and decodes the body, at most MaxBytes decoded bytes.
func (f *Fetcher) readBody(actx context.Context, resp *http.Response, sizeHint int64) ([]byte, *attemptError) {
	// Both the bytes on the wire and the decoded bytes are capped.
	raw := http.MaxBytesReader(nil, resp.Body, f.opts.MaxBytes)
	var r io.Reader = raw
	enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding")))
	switch enc {
	case "", "identity":
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(raw)
		if err != nil {
			return nil, bodyError(actx, fmt.Errorf("gzip body: %w", err))
		}
		defer zr.Close()
		r = zr
	case "deflate":
		zr, err := newDeflateReader(raw)
		if err != nil {
			return nil, bodyError(actx, fmt.Errorf("deflate body: %w", err))
		}
		defer zr.Close()
		r = zr
	default:
		return nil, &attemptError{category: terms.ErrContentType, err: fmt.Errorf("unsupported content encoding %q", enc), final: true}
	}
	body, err := readAll(io.LimitReader(r, f.opts.MaxBytes+1), sizeGuess(resp, enc == "" || enc == "identity", sizeHint, f.opts.MaxBytes), f.buffer())
	var mbe *http.MaxBytesError
	if int64(len(body)) > f.opts.MaxBytes || errors.As(err, &mbe) {
		return nil, &attemptError{category: terms.ErrTooLarge,
			err: fmt.Errorf("body is over the %d byte cap", f.opts.MaxBytes), final: true}
	}
	if err != nil {
		return nil, bodyError(actx, fmt.Errorf("read body: %w", err))
	}
	return body, nil
}

// sizeGuess is the size a body is likely to have: its Content-Length when
// the body is not encoded (plain), else the page's size last time, else 0;
// never more than limit.
func sizeGuess(resp *http.Response, plain bool, hint, limit int64) int64 {
	n := hint
	if resp.ContentLength > 0 && plain {
		n = resp.ContentLength
	}
	return min(max(n, 0), limit)
}

// readAll is io.ReadAll into buf (nil: a new buffer), or into a new
// buffer sized for guess bytes (0: unknown) when buf has less room.
func readAll(r io.Reader, guess int64, buf []byte) ([]byte, error) {
	// ReadFrom wants MinRead bytes free before each read, and the read
	// that finds the end needs room too.
	if need := int(guess + guess/16 + bytes.MinRead); guess > 0 && cap(buf) < need {
		buf = make([]byte, 0, need)
	}
	b := bytes.NewBuffer(buf[:0])
	_, err := b.ReadFrom(r)
	return b.Bytes(), err
}

// newDeflateReader reads "deflate" content: zlib-wrapped as the standard
// says, or the raw deflate stream some servers send.
func newDeflateReader(r io.Reader) (io.ReadCloser, error) {
	br := bufio.NewReader(r)
	hdr, err := br.Peek(2)
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	if hdr[0]&0x0f == 8 && (uint16(hdr[0])<<8|uint16(hdr[1]))%31 == 0 {
		return zlib.NewReader(br)
	}
	return flate.NewReader(br), nil
}

// bodyError classifies a failure while reading or decoding the body: a
// timeout if the attempt's deadline passed, else a truncated body (short
// of Content-Length, cut connection, cut compressed stream).
func bodyError(actx context.Context, err error) *attemptError {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &attemptError{category: terms.ErrTooLarge, err: err, final: true}
	}
	if actx.Err() != nil || isTimeout(err) {
		return &attemptError{category: terms.ErrTimeout, err: err}
	}
	return &attemptError{category: terms.ErrTruncated, err: err}
}

// classifyRequestError classifies a failure of Client.Do (no response).
func classifyRequestError(actx context.Context, err error) *attemptError {
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var dnsErr *net.DNSError
	var refused *refusedRedirectError
	switch {
	case errors.As(err, &refused):
		// Reported without net/http's `Get "…":` prefix, which names the
		// refused target a second time.
		return &attemptError{category: ErrRedirectRefused, err: refused, final: true}
	case errors.Is(err, errTooManyRedirects):
		return &attemptError{category: terms.ErrRedirects, err: err, final: true}
	case actx.Err() != nil || isTimeout(err):
		return &attemptError{category: terms.ErrTimeout, err: err}
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr):
		return &attemptError{category: terms.ErrNetwork, err: err, final: true}
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		// The name does not resolve: asking again in a few seconds will not
		// change that (a temporary resolver failure is still retried).
		return &attemptError{category: terms.ErrNetwork, err: err, final: true}
	}
	return &attemptError{category: terms.ErrNetwork, err: err}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// discard reads a little of an unwanted body so the connection can be
// reused.
func discard(body io.Reader) {
	_, _ = io.CopyN(io.Discard, body, 4<<10)
}

// acceptedType reports whether a Content-Type names a page clausewatch can
// extract: HTML, XHTML, plain text or Markdown.
func acceptedType(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt, _, _ = strings.Cut(contentType, ";")
		mt = strings.ToLower(strings.TrimSpace(mt))
	}
	switch mt {
	case "text/html", "application/xhtml+xml", "text/plain", "text/markdown", "text/x-markdown":
		return true
	}
	return false
}
