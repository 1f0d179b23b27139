package fetch

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/clausewatch/clausewatch/internal/schedule"
	"github.com/clausewatch/clausewatch/internal/terms"
)

const page = `<!DOCTYPE html><html><head><title>Example terms</title></head>
<body><main><h1>Terms of Service</h1><p>We keep your prompts for thirty days.</p></main></body></html>`

// sleeps records the waits Fetch asks for, without waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

func gzipped(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func zlibbed(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zlib.NewWriter(&b)
	zw.Write([]byte(s))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func deflated(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw, _ := flate.NewWriter(&b, flate.DefaultCompression)
	zw.Write([]byte(s))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func writeHTML(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(w, body)
}

// noContentType stops net/http from sniffing and setting a Content-Type.
func noContentType(w http.ResponseWriter) { w.Header()["Content-Type"] = nil }

var fixedNow = time.Date(2026, 11, 26, 17, 0, 0, 0, time.UTC)

func TestFetch(t *testing.T) {
	bigBody := strings.Repeat("<p>clause</p>\n", 200) // 2800 bytes
	tests := []struct {
		name    string
		handler func(hit int, w http.ResponseWriter, r *http.Request) // hit counts from 1
		req     Request                                               // URL is filled in with the server's
		opts    func(*Options)
		wantCat string // "" for success
		// checked on success
		wantBody        string
		wantContentType string
		wantNotModified bool
		wantURLSuffix   string
		// checked always
		wantHits     int32
		wantAttempts int
		wantStatus   int
		wantSleeps   []time.Duration
		wantMsg      string // substring of the error message
	}{
		{
			name:            "200 plain",
			handler:         func(_ int, w http.ResponseWriter, r *http.Request) { writeHTML(w, page) },
			wantBody:        page,
			wantContentType: "text/html; charset=utf-8",
			wantHits:        1, wantAttempts: 1, wantStatus: 200,
		},
		{
			name: "200 gzip decoded",
			handler: func(_ int, w http.ResponseWriter, r *http.Request) {
				if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
					http.Error(w, "no gzip asked", 400)
					return
				}
				w.Header().Set("Content-Type", "text/html")
				w.Header().Set("Content-Encoding", "gzip")
				w.Write(gzipped(t, page))
			},
			wantBody: page, wantContentType: "text/html",
			wantHits: 1, wantAttempts: 1, wantStatus: 200,
		},
		{
			name: "200 deflate zlib",
			handler: func(_ int, w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.Header().Set("Content-Encoding", "deflate")
				w.Write(zlibbed(t, page))
			},
			wantBody: page, wantContentType: "text/html",
			wantHits: 1, wantAttempts: 1, wantStatus: 200,
		},
		{
			name: "200 raw deflate",
			handler: func(_ int, w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.Header().Set("Content-Encoding", "deflate")
				w.Write(deflated(t, page))
			},
			wantBody: page, wantContentType: "text/html",
			wantHits: 1, wantAttempts: 1, wantStatus: 200,
		},
		{
			name: "200 markdown",
			handler: func(_ int, w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
				fmt.Fprint(w, "# Terms\n\nWe keep prompts for thirty days.\n")
			},
			wantBody: "# Terms\n\nWe keep prompts for thirty days.\n", wantContentType: "text/markdown; charset=utf-8",
			wantHits: 1, wantAttempts: 1, wantStatus: 200,
		},
		{
			name: "missing content type sniffed as html",
			handler: func(_ int, w http.ResponseWriter, r *http.Request) {
				noContentType(w)
				fmt.Fprint(w, page)
			},
			wantBody: page, wantContentType: "text/html; charset=utf-8",
			wantHits: 1, wantAttempts: 1, wantStatus: 200,
		},
		{
			name: "missing content type sniffed as image",
			handler: func(_ int, w http.ResponseWriter, r *http.Request) {
				noContentType(w)
				w.Write([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
			},
			wantCat: terms.ErrContentType, wantHits: 1, wantAttempts: 1, wantStatus: 200,
			wantMsg: `sniffed content type "image/png"`,
		},
		{
			name: "304 with validators sent",
			handler: func(_ int, w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("If-None-Match") == `"v1"` && r.Header.Get("If-Modified-Since") == "Wed, 21 Oct 2026 07:28:00 GMT" {
					w.Header().Set("ETag", `"v1"`)
					w.WriteHeader(http.StatusNotModified)
					return
				}
				writeHTML(w, page)
			},
			req:             Request{ETag: `"v1"`, LastModified: "Wed, 21 Oct 2026 07:28:00 GMT"},
			wantNotModified: true,
			wantHits:        1, wantAttempts: 1, wantStatus: 304,
		},
		{
			name: "validators returned",
			handler: func(_ int, w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("If-None-Match") != "" || r.Header.Get("If-Modified-Since") != "" {
					http.Error(w, "unexpected conditional request", 400)
					return
				}
				w.Header().Set("ETag", `"v2"`)
				w.Header().Set("Last-Modified", "Thu, 22 Oct 2026 07:28:00 GMT")
				writeHTML(w, page)
			},
			wantBody: page, wantContentType: "text/html; charset=utf-8",
			wantHits: 1, wantAttempts: 1, wantStatus: 200,
		},
		{
			name:     "404 not retried",
			handler:  func(_ int, w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) },
			wantCat:  terms.ErrClient,
			wantHits: 1, wantAttempts: 1, wantStatus: 404,
			wantMsg: "status 404 (http-4xx)",
		},
		{
			name: "500 then 200",
			handler: func(hit int, w http.ResponseWriter, r *http.Request) {
				if hit == 1 {
					http.Error(w, "busy", 500)
					return
				}
				writeHTML(w, page)
			},
			wantBody: page, wantContentType: "text/html; charset=utf-8",
			wantHits: 2, wantAttempts: 2, wantStatus: 200,
			wantSleeps: []time.Duration{2 * time.Second},
		},
		{
			name: "503 with Retry-After seconds",
			handler: func(hit int, w http.ResponseWriter, r *http.Request) {
				if hit == 1 {
					w.Header().Set("Retry-After", "1")
					http.Error(w, "later", 503)
					return
				}
				writeHTML(w, page)
			},
			wantBody: page, wantContentType: "text/html; charset=utf-8",
			wantHits: 2, wantAttempts: 2, wantStatus: 200,
			wantSleeps: []time.Duration{time.Second},
		},
		{
			name: "429 with Retry-After date",
			handler: func(hit int, w http.ResponseWriter, r *http.Request) {
				if hit == 1 {
					w.Header().Set("Retry-After", fixedNow.Add(30*time.Second).Format(http.TimeFormat))
					http.Error(w, "slow down", 429)
					return
				}
				writeHTML(w, page)
			},
			wantBody: page, wantContentType: "text/html; charset=utf-8",
			wantHits: 2, wantAttempts: 2, wantStatus: 200,
			wantSleeps: []time.Duration{30 * time.Second},
		},
		{
			name: "Retry-After capped",
			handler: func(hit int, w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "86400")
				http.Error(w, "maintenance", 503)
			},
			opts:     func(o *Options) { o.Retries = 1 },
			wantCat:  terms.ErrServer,
			wantHits: 2, wantAttempts: 2, wantStatus: 503,
			wantSleeps: []time.Duration{MaxRetryAfter},
		},
		{
			name:     "always 500",
			handler:  func(_ int, w http.ResponseWriter, r *http.Request) { http.Error(w, "broken", 500) },
			wantCat:  terms.ErrServer,
			wantHits: 3, wantAttempts: 3, wantStatus: 500,
			wantSleeps: []time.Duration{2 * time.Second, 4 * time.Second},
			wantMsg:    "status 500 (http-5xx) after 3 attempts",
		},
		{
			name:     "backoff doubles and is capped",
			handler:  func(_ int, w http.ResponseWriter, r *http.Request) { http.Error(w, "broken", 502) },
			opts:     func(o *Options) { o.Retries = 4; o.Backoff = 20 * time.Second },
			wantCat:  terms.ErrServer,
			wantHits: 5, wantAttempts: 5, wantStatus: 502,
			wantSleeps: []time.Duration{20 * time.Second, 40 * time.Second, MaxBackoff, MaxBackoff},
		},
		{
			name: "timeout",
			handler: func(_ int, w http.ResponseWriter, r *http.Request) {
				select { // until the client gives up
				case <-r.Context().Done():
				case <-time.After(10 * time.Second):
				}
			},
			opts:     func(o *Options) { o.Timeout = 50 * time.Millisecond; o.Retries = 1 },
			wantCat:  terms.ErrTimeout,
			wantHits: 2, wantAttempts: 2,
			wantSleeps: []time.Duration{2 * time.Second},
		},
		{
			name:     "too large by Content-Length",
			handler:  func(_ int, w http.ResponseWriter, r *http.Request) { writeHTML(w, bigBody) },
			opts:     func(o *Options) { o.MaxBytes = 1000 },
			wantCat:  terms.ErrTooLarge,
			wantHits: 1, wantAttempts: 1, wantStatus: 200,
		},
		{
			name: "too large chunked",
			handler: func(_ int, w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				for range 20 {
					fmt.Fprint(w, strings.Repeat("x", 100))
					w.(http.Flusher).Flush()
				}
			},
			opts:     func(o *Options) { o.MaxBytes = 1000 },
			wantCat:  terms.ErrTooLarge,
			wantHits: 1, wantAttempts: 1, wantStatus: 200,
		},
		{
			name: "too large once decompressed",
			handler: func(_ int, w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.Header().Set("Content-Encoding", "gzip")
				w.Write(gzipped(t, strings.Repeat("a", 100000)))
			},
			opts:     func(o *Options) { o.MaxBytes = 1000 },
			wantCat:  terms.ErrTooLarge,
			wantHits: 1, wantAttempts: 1, wantStatus: 200,
		},
		{
			name: "truncated body",
			handler: func(_ int, w http.ResponseWriter, r *http.Request) {
				conn, buf, err := w.(http.Hijacker).Hijack()
				if err != nil {
					panic(err)
				}
				defer conn.Close()
				buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n<p>012345")
				buf.Flush()
			},
			opts:     func(o *Options) { o.Retries = 1 },
			wantCat:  terms.ErrTruncated,
			wantHits: 2, wantAttempts: 2, wantStatus: 200,
			wantSleeps: []time.Duration{2 * time.Second},
			wantMsg:    "unexpected EOF",
		},
		{
			name: "truncated gzip stream",
			handler: func(_ int, w http.ResponseWriter, r *http.Request) {
				z := gzipped(t, bigBody)
				w.Header().Set("Content-Type", "text/html")
				w.Header().Set("Content-Encoding", "gzip")
				w.Write(z[:len(z)/2])
			},
			opts:     func(o *Options) { o.Retries = -1 },
			wantCat:  terms.ErrTruncated,
			wantHits: 1, wantAttempts: 1, wantStatus: 200,
		},
		{
			name: "pdf refused",
			handler: func(_ int, w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/pdf")
				w.Write([]byte("%PDF-1.7\n"))
			},
			wantCat:  terms.ErrContentType,
			wantHits: 1, wantAttempts: 1, wantStatus: 200,
			wantMsg: `"application/pdf"`,
		},
		{
			name: "png refused",
			handler: func(_ int, w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "image/png")
				w.Write([]byte("\x89PNG\r\n\x1a\n"))
			},
			wantCat:  terms.ErrContentType,
			wantHits: 1, wantAttempts: 1, wantStatus: 200,
		},
		{
			name: "unsupported content encoding",
			handler: func(_ int, w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.Header().Set("Content-Encoding", "br")
				w.Write([]byte{0x1b, 0x02})
			},
			wantCat:  terms.ErrContentType,
			wantHits: 1, wantAttempts: 1, wantStatus: 200,
			wantMsg: `content encoding "br"`,
		},
		{
			name: "redirect followed",
			handler: func(_ int, w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/final" {
					http.Redirect(w, r, "/final", http.StatusMovedPermanently)
					return
				}
				writeHTML(w, page)
			},
			wantBody: page, wantContentType: "text/html; charset=utf-8", wantURLSuffix: "/final",
			wantHits: 2, wantAttempts: 1, wantStatus: 200,
		},
		{
			name: "redirect loop",
			handler: func(_ int, w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/a" {
					http.Redirect(w, r, "/b", http.StatusFound)
					return
				}
				http.Redirect(w, r, "/a", http.StatusFound)
			},
			wantCat:  terms.ErrRedirects,
			wantHits: 6, wantAttempts: 1, // the first request and 5 redirects
			wantMsg: "too many redirects",
		},
		{
			name:     "3xx without Location",
			handler:  func(_ int, w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusMultipleChoices) },
			wantCat:  terms.ErrRedirects,
			wantHits: 1, wantAttempts: 1, wantStatus: 300,
		},
		{
			name: "user agent, accept and custom headers sent",
			handler: func(_ int, w http.ResponseWriter, r *http.Request) {
				ua := r.Header.Get("User-Agent")
				switch {
				case ua != "clausewatch/1.2.3 (+https://github.com/clausewatch/clausewatch)":
					http.Error(w, "bad user agent "+ua, 400)
				case !strings.HasPrefix(r.Header.Get("Accept"), "text/html"):
					http.Error(w, "bad accept", 400)
				case r.Header.Get("Accept-Language") != "en-GB":
					http.Error(w, "no accept-language", 400)
				case r.Header.Get("Cookie") != "region=eea":
					http.Error(w, "no cookie", 400)
				default:
					writeHTML(w, page)
				}
			},
			req:      Request{Headers: map[string]string{"Accept-Language": "en-GB", "Cookie": "region=eea"}},
			opts:     func(o *Options) { o.Version = "1.2.3" },
			wantBody: page, wantContentType: "text/html; charset=utf-8",
			wantHits: 1, wantAttempts: 1, wantStatus: 200,
		},
		{
			name: "explicit user agent",
			handler: func(_ int, w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("User-Agent") != "custom-agent/1" {
					http.Error(w, "bad user agent", 400)
					return
				}
				writeHTML(w, page)
			},
			opts:     func(o *Options) { o.UserAgent = "custom-agent/1" },
			wantBody: page, wantContentType: "text/html; charset=utf-8",
			wantHits: 1, wantAttempts: 1, wantStatus: 200,
		},
		{
			name:     "unknown render mode",
			handler:  func(_ int, w http.ResponseWriter, r *http.Request) { writeHTML(w, page) },
			req:      Request{Render: "magic"},
			wantCat:  terms.ErrClient,
			wantHits: 0, wantAttempts: 0,
			wantMsg: `unknown render mode "magic"`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				tc.handler(int(hits.Add(1)), w, r)
			}))
			defer srv.Close()
			rec := &sleeps{}
			opts := Options{Client: srv.Client(), Sleep: rec.sleep, Now: func() time.Time { return fixedNow }}
			if tc.opts != nil {
				tc.opts(&opts)
			}
			req := tc.req
			req.URL = srv.URL + "/terms"
			res, err := New(opts).Fetch(context.Background(), req)

			if got := hits.Load(); got != tc.wantHits {
				t.Errorf("server hits = %d, want %d", got, tc.wantHits)
			}
			if diff := cmp.Diff(tc.wantSleeps, rec.got()); diff != "" {
				t.Errorf("sleeps (-want +got):\n%s", diff)
			}
			if tc.wantCat != "" {
				if err == nil {
					t.Fatalf("Fetch succeeded (status %d), want %s error", res.Status, tc.wantCat)
				}
				var fe *Error
				if !errors.As(err, &fe) {
					t.Fatalf("error %v is %T, want *Error", err, err)
				}
				if fe.Category != tc.wantCat || Category(err) != tc.wantCat {
					t.Errorf("category = %q, want %q (error: %v)", fe.Category, tc.wantCat, err)
				}
				if fe.Attempts != tc.wantAttempts {
					t.Errorf("attempts = %d, want %d", fe.Attempts, tc.wantAttempts)
				}
				if fe.Status != tc.wantStatus {
					t.Errorf("status = %d, want %d", fe.Status, tc.wantStatus)
				}
				if fe.URL != req.URL || !strings.HasPrefix(err.Error(), "fetch "+req.URL+": ") {
					t.Errorf("error %q does not name the URL %s", err, req.URL)
				}
				if !strings.Contains(err.Error(), tc.wantMsg) {
					t.Errorf("error %q does not contain %q", err, tc.wantMsg)
				}
				return
			}
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if string(res.Body) != tc.wantBody {
				t.Errorf("body = %q, want %q", res.Body, tc.wantBody)
			}
			if res.ContentType != tc.wantContentType {
				t.Errorf("content type = %q, want %q", res.ContentType, tc.wantContentType)
			}
			if res.NotModified != tc.wantNotModified {
				t.Errorf("not modified = %v, want %v", res.NotModified, tc.wantNotModified)
			}
			if res.Attempts != tc.wantAttempts || res.Status != tc.wantStatus {
				t.Errorf("attempts, status = %d, %d; want %d, %d", res.Attempts, res.Status, tc.wantAttempts, tc.wantStatus)
			}
			suffix := tc.wantURLSuffix
			if suffix == "" {
				suffix = "/terms"
			}
			if !strings.HasSuffix(res.URL, suffix) {
				t.Errorf("final URL = %q, want suffix %q", res.URL, suffix)
			}
		})
	}
}

func TestFetchValidatorsReturned(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"abc"`)
		w.Header().Set("Last-Modified", "Thu, 22 Oct 2026 07:28:00 GMT")
		writeHTML(w, page)
	}))
	defer srv.Close()
	res, err := New(Options{Client: srv.Client()}).Fetch(context.Background(), Request{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if res.ETag != `"abc"` || res.LastModified != "Thu, 22 Oct 2026 07:28:00 GMT" {
		t.Errorf("validators = %q, %q", res.ETag, res.LastModified)
	}
}

func TestFetchBadURL(t *testing.T) {
	for _, u := range []string{"", "ftp://example.test/terms", "/relative/path", "http://"} {
		t.Run(u, func(t *testing.T) {
			_, err := New(Options{}).Fetch(context.Background(), Request{URL: u})
			if Category(err) != terms.ErrClient || !strings.Contains(fmt.Sprint(err), "bad url") {
				t.Errorf("Fetch(%q) = %v, want a bad url error of category %s", u, err, terms.ErrClient)
			}
		})
	}
}

func TestFetchConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	rec := &sleeps{}
	// The default client, as the CLI uses it.
	_, err = New(Options{Sleep: rec.sleep}).Fetch(context.Background(), Request{URL: "http://" + addr + "/terms"})
	if Category(err) != terms.ErrNetwork {
		t.Fatalf("category of %v = %q, want %q", err, Category(err), terms.ErrNetwork)
	}
	var fe *Error
	if !errors.As(err, &fe) || fe.Attempts != 3 || fe.Status != 0 {
		t.Errorf("error = %#v, want 3 attempts and no status", fe)
	}
	if !strings.Contains(err.Error(), "refused") {
		t.Errorf("error %q does not say the connection was refused", err)
	}
	if got := len(rec.got()); got != 2 {
		t.Errorf("slept %d times, want 2", got)
	}
}

func TestFetchCancel(t *testing.T) {
	t.Run("during request", func(t *testing.T) {
		arrived := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			close(arrived)
			<-r.Context().Done()
		}))
		defer srv.Close()
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-arrived; cancel() }()
		_, err := New(Options{Client: srv.Client()}).Fetch(ctx, Request{URL: srv.URL})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		var fe *Error
		if !errors.As(err, &fe) || fe.Attempts != 1 {
			t.Errorf("error = %#v, want an *Error after 1 attempt", err)
		}
	})
	t.Run("during backoff", func(t *testing.T) {
		var hits atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			http.Error(w, "broken", 500)
		}))
		defer srv.Close()
		ctx, cancel := context.WithCancel(context.Background())
		sleep := func(ctx context.Context, d time.Duration) error {
			cancel()
			<-ctx.Done()
			return ctx.Err()
		}
		_, err := New(Options{Client: srv.Client(), Sleep: sleep}).Fetch(ctx, Request{URL: srv.URL})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if hits.Load() != 1 {
			t.Errorf("server hits = %d, want 1", hits.Load())
		}
	})
	t.Run("already cancelled, default sleep", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := schedule.Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
			t.Errorf("sleep on a cancelled context = %v, want context.Canceled", err)
		}
		_, err := New(Options{}).Fetch(ctx, Request{URL: "http://127.0.0.1:1/terms"})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Fetch on a cancelled context = %v, want context.Canceled", err)
		}
	})
}

func TestCategory(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, terms.ErrNone},
		{"fetch error", &Error{Category: terms.ErrTooLarge}, terms.ErrTooLarge},
		{"wrapped fetch error", fmt.Errorf("source x: %w", &Error{Category: terms.ErrClient}), terms.ErrClient},
		{"deadline", fmt.Errorf("x: %w", context.DeadlineExceeded), terms.ErrTimeout},
		{"other", errors.New("boom"), terms.ErrNetwork},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Category(tc.err); got != tc.want {
				t.Errorf("Category = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestErrorMessage(t *testing.T) {
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{"retried", &Error{Category: terms.ErrServer, URL: "https://x/y", Status: 503, Attempts: 3, Err: errors.New("status 503")},
			"fetch https://x/y: status 503 (http-5xx) after 3 attempts"},
		{"single attempt", &Error{Category: terms.ErrClient, URL: "https://x/y", Status: 404, Attempts: 1, Err: errors.New("status 404")},
			"fetch https://x/y: status 404 (http-4xx)"},
		{"no cause", &Error{Category: terms.ErrServer, URL: "https://x/y", Status: 500},
			"fetch https://x/y: status 500 (http-5xx)"},
		{"no url", &Error{Category: terms.ErrBrowser, Err: errors.New("no browser")},
			"fetch: no browser (browser)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.want {
				t.Errorf("Error() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestAcceptedType(t *testing.T) {
	for ct, want := range map[string]bool{
		"text/html":                        true,
		"TEXT/HTML; charset=UTF-8":         true,
		"application/xhtml+xml":            true,
		"text/plain; charset=utf-8":        true,
		"text/markdown":                    true,
		"text/html; charset=\"broken":      true,
		"application/pdf":                  false,
		"image/png":                        false,
		"application/json":                 false,
		"application/octet-stream":         false,
		"text/htmlx":                       false,
		"multipart/form-data; boundary=xx": false,
	} {
		if got := acceptedType(ct); got != want {
			t.Errorf("acceptedType(%q) = %v, want %v", ct, got, want)
		}
	}
}

// TestFetchCorpus serves the real captured pages gzip-compressed and without
// a Content-Type, as a careless server would: every HTML page must come back
// byte for byte and be sniffed as HTML; a PDF must be refused.
func TestFetchCorpus(t *testing.T) {
	root := filepath.Join("..", "..", "..", "shared", "corpus", "latest")
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".html") || strings.HasSuffix(p, ".pdf")) {
			files = append(files, p)
		}
		return err
	})
	if err != nil || len(files) == 0 {
		t.Skipf("skipping: no real pages under %s (the shared corpus is not beside this checkout): %v", root, err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(strings.TrimPrefix(r.URL.Path, "/"))))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		noContentType(w)
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(gzipped(t, string(b)))
	}))
	defer srv.Close()
	f := New(Options{Client: srv.Client(), Retries: -1})
	for _, p := range files {
		rel, _ := filepath.Rel(root, p)
		t.Run(rel, func(t *testing.T) {
			want, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			u := srv.URL + "/" + (&url.URL{Path: filepath.ToSlash(rel)}).EscapedPath()
			res, err := f.Fetch(context.Background(), Request{URL: u})
			if strings.HasSuffix(p, ".pdf") {
				if Category(err) != terms.ErrContentType {
					t.Fatalf("Fetch = %v, want a %s error", err, terms.ErrContentType)
				}
				return
			}
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if !bytes.Equal(res.Body, want) {
				t.Errorf("body differs from the file (%d bytes, want %d)", len(res.Body), len(want))
			}
			if !strings.HasPrefix(res.ContentType, "text/html") {
				t.Errorf("sniffed content type = %q, want text/html", res.ContentType)
			}
		})
	}
}

func TestFetchUnknownHostIsNotRetried(t *testing.T) {
	rec := &sleeps{}
	// .invalid never resolves (RFC 2606).
	_, err := New(Options{Sleep: rec.sleep}).Fetch(context.Background(), Request{URL: "http://clausewatch-test.invalid/terms"})
	var dns *net.DNSError
	if !errors.As(err, &dns) || !dns.IsNotFound {
		t.Skipf("this machine's resolver did not answer 'not found' for .invalid: %v", err)
	}
	var fe *Error
	if !errors.As(err, &fe) || fe.Attempts != 1 || fe.Category != terms.ErrNetwork {
		t.Errorf("error = %#v, want one attempt, category network", fe)
	}
}

// A body of unknown length is read whole whatever the size it had last
// time, smaller, larger or none; the cap holds with a hint too.
func TestSizeHintReadsTheWholeBody(t *testing.T) {
	page := strings.Repeat("<p>a clause of our own words</p>\n", 3000) // about 100 KB
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		if r.URL.Query().Get("gz") != "" { // encoded: its Content-Length is not the page's
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(gzipped(t, page))
			return
		}
		for i := 0; i < len(page); i += 4096 { // chunked: no Content-Length
			w.Write([]byte(page[i:min(i+4096, len(page))]))
			w.(http.Flusher).Flush()
		}
	}))
	defer srv.Close()
	for _, hint := range []int64{0, 1, int64(len(page)) / 2, int64(len(page)), int64(len(page)) * 3} {
		res, err := New(Options{Client: srv.Client()}).Fetch(context.Background(), Request{URL: srv.URL, SizeHint: hint})
		if err != nil {
			t.Fatalf("hint %d: %v", hint, err)
		}
		if string(res.Body) != page {
			t.Errorf("hint %d: read %d bytes, want the page's %d", hint, len(res.Body), len(page))
		}
		gz, err := New(Options{Client: srv.Client()}).Fetch(context.Background(), Request{URL: srv.URL + "?gz=1", SizeHint: hint})
		if err != nil || string(gz.Body) != page {
			t.Errorf("hint %d, gzip: read %d bytes (%v), want the page's %d", hint, len(gz.Body), err, len(page))
		}
	}
	_, err := New(Options{Client: srv.Client(), MaxBytes: 50_000}).Fetch(context.Background(), Request{URL: srv.URL, SizeHint: int64(len(page))})
	if Category(err) != terms.ErrTooLarge {
		t.Errorf("a body over the cap with a hint above it: %v, want %s", err, terms.ErrTooLarge)
	}
}

// A released body is read into again: the next page, larger or smaller,
// comes back whole in its buffer; a buffer over maxPooledBody, and an
// empty one, are not kept.
func TestReleasedBodyIsReused(t *testing.T) {
	pages := []string{
		strings.Repeat("<p>the first page of our own words</p>\n", 3000),
		strings.Repeat("<p>a shorter one</p>\n", 200),
		strings.Repeat("<p>and one larger than the buffer it may be read into</p>\n", 9000),
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, _ := strconv.Atoi(r.URL.Query().Get("i"))
		page := pages[i]
		for j := 0; j < len(page); j += 4096 { // chunked: no Content-Length
			w.Write([]byte(page[j:min(j+4096, len(page))]))
			w.(http.Flusher).Flush()
		}
	}))
	defer srv.Close()
	f := New(Options{Client: srv.Client()})
	var prev []byte
	for i, page := range pages {
		res, err := f.Fetch(context.Background(), Request{URL: fmt.Sprintf("%s/?i=%d", srv.URL, i)})
		if err != nil {
			t.Fatal(err)
		}
		if string(res.Body) != page {
			t.Fatalf("page %d: read %d bytes, want %d", i, len(res.Body), len(page))
		}
		if i == 1 && &res.Body[:1][0] != &prev[:1][0] {
			t.Errorf("page %d was not read into the released buffer", i)
		}
		prev = res.Body
		f.Release(res.Body)
	}
	for f.buffer() != nil { // empty the list
	}
	f.Release(make([]byte, 0, maxPooledBody+1))
	f.Release(nil)
	if b := f.buffer(); b != nil {
		t.Errorf("kept a buffer of %d bytes, want none kept", cap(b))
	}
}
