package fetch

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// A 429 is the server asking us to slow down, not a server error: it has
// its own category, is retried and its Retry-After is honoured.
func TestFetchRateLimited(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Retry-After", "7")
		http.Error(w, "slow down", http.StatusTooManyRequests)
	}))
	defer srv.Close()
	rec := &sleeps{}
	_, err := New(Options{Client: srv.Client(), Sleep: rec.sleep, Retries: 2, Now: func() time.Time { return fixedNow }}).
		Fetch(context.Background(), Request{URL: srv.URL + "/terms", Render: terms.RenderHTTP})
	var fe *Error
	if !errors.As(err, &fe) {
		t.Fatalf("Fetch = %v, want an *Error", err)
	}
	if fe.Category != ErrRateLimited || Category(err) != ErrRateLimited {
		t.Errorf("category = %q, want %q (%v)", fe.Category, ErrRateLimited, err)
	}
	if fe.Status != 429 || fe.Attempts != 3 || hits.Load() != 3 {
		t.Errorf("status %d after %d attempts (%d hits), want 429 after 3", fe.Status, fe.Attempts, hits.Load())
	}
	if diff := cmp.Diff([]time.Duration{7 * time.Second, 7 * time.Second}, rec.got()); diff != "" {
		t.Errorf("waits do not honour Retry-After (-want +got):\n%s", diff)
	}
	if !strings.Contains(err.Error(), "(rate-limited)") {
		t.Errorf("error %q does not say rate-limited", err)
	}
}

// A redirect to a scheme other than http(s) is refused at once: it is not
// a network failure and asking again will not change it.
func TestFetchRedirectToOtherSchemeRefused(t *testing.T) {
	for _, target := range []string{"file:///etc/passwd", "ftp://files.example.test/terms", "gopher://x.test/"} {
		t.Run(target, func(t *testing.T) {
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				http.Redirect(w, r, target, http.StatusFound)
			}))
			defer srv.Close()
			rec := &sleeps{}
			_, err := New(Options{Client: srv.Client(), Sleep: rec.sleep, Retries: 2}).
				Fetch(context.Background(), Request{URL: srv.URL + "/terms", Render: terms.RenderHTTP})
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("Fetch = %v, want an *Error", err)
			}
			if fe.Category != ErrRedirectRefused {
				t.Errorf("category = %q, want %q (%v)", fe.Category, ErrRedirectRefused, err)
			}
			if hits.Load() != 1 || fe.Attempts != 1 || len(rec.got()) != 0 {
				t.Errorf("%d hits, %d attempts, waits %v: want one attempt, no retry", hits.Load(), fe.Attempts, rec.got())
			}
			scheme, _, _ := strings.Cut(target, ":")
			if msg := err.Error(); !strings.Contains(msg, "refused") || !strings.Contains(msg, scheme) || !strings.Contains(msg, "http") {
				t.Errorf("error %q does not say which redirect was refused and why", msg)
			}
		})
	}
}

// Headers the declaration adds (an API key, a cookie of our own) go to the
// declared host only: a redirect to another host gets none of them, while
// a redirect on the same host keeps them.
func TestFetchDeclaredHeadersStayOnTheirHost(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]http.Header{}
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen["other"+r.URL.Path] = r.Header.Clone()
		mu.Unlock()
		if r.URL.Path == "/back" {
			// and back to the declared host: still not trusted with them
			http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
			return
		}
		writeHTML(w, page)
	}))
	defer other.Close()
	declared := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen["declared"+r.URL.Path] = r.Header.Clone()
		mu.Unlock()
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, other.URL+"/landing", http.StatusFound)
		case "/same":
			http.Redirect(w, r, "/landing", http.StatusMovedPermanently)
		case "/roundtrip":
			http.Redirect(w, r, other.URL+"/back?to=http://"+r.Host+"/landing", http.StatusFound)
		default:
			writeHTML(w, page)
		}
	}))
	defer declared.Close()

	headers := map[string]string{"X-Api-Key": "s3cret-key", "Cookie": "session=s3cret", "Accept-Language": "en-GB"}
	f := New(Options{Retries: -1})
	get := func(path string) {
		t.Helper()
		if _, err := f.Fetch(context.Background(), Request{URL: declared.URL + path, Headers: headers, Render: terms.RenderHTTP}); err != nil {
			t.Fatalf("Fetch %s: %v", path, err)
		}
	}
	get("/away")
	get("/same")

	mu.Lock()
	if h := seen["declared/away"]; h.Get("X-Api-Key") != "s3cret-key" {
		t.Errorf("the declared host did not get its header: %v", h)
	}
	if h := seen["declared/landing"]; h.Get("X-Api-Key") != "s3cret-key" || h.Get("Cookie") != "session=s3cret" {
		t.Errorf("a redirect on the same host dropped the declared headers: %v", h)
	}
	delete(seen, "declared/landing")
	mu.Unlock()

	get("/roundtrip")

	mu.Lock()
	defer mu.Unlock()
	for _, k := range []string{"other/landing", "other/back", "declared/landing"} {
		h, ok := seen[k]
		if !ok {
			t.Errorf("%s was never asked", k)
			continue
		}
		for name := range headers {
			if v := h.Get(name); v != "" {
				t.Errorf("%s got the declared header %s: %q (once the chain left the declared host)", k, name, v)
			}
		}
		if h.Get("User-Agent") == "" {
			t.Errorf("%s: the request lost its own User-Agent", k)
		}
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://example.org/terms", "https://example.org/terms"},
		{"https://user:pass@example.org/terms", "https://***@example.org/terms"},
		{"https://token@example.org:8443/a?b=c", "https://***@example.org:8443/a?b=c"},
		{`fetch https://u:p@x.test/y: Get "https://u:***@x.test/y": dial tcp: refused`,
			`fetch https://***@x.test/y: Get "https://***@x.test/y": dial tcp: refused`},
		{"mail me at someone@example.org", "mail me at someone@example.org"},
		{"see http://a.test/p@q and HTTP://U:P@B.TEST/", "see http://a.test/p@q and HTTP://***@B.TEST/"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Credentials in a source URL are used for the request but never shown:
// not in the error, not in its reason.
func TestFetchErrorHidesCredentials(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "watcher" || p != "hunter2" {
			http.Error(w, "who are you", http.StatusUnauthorized)
			return
		}
		http.Error(w, "broken", http.StatusInternalServerError)
	}))
	defer srv.Close()
	u := strings.Replace(srv.URL, "http://", "http://watcher:hunter2@", 1) + "/terms"
	_, err := New(Options{Client: srv.Client(), Sleep: (&sleeps{}).sleep, Retries: -1}).
		Fetch(context.Background(), Request{URL: u, Render: terms.RenderHTTP})
	var fe *Error
	if !errors.As(err, &fe) || fe.Status != 500 {
		t.Fatalf("Fetch = %v, want status 500 (the credentials must still be sent)", err)
	}
	for _, s := range []string{err.Error(), fe.Reason()} {
		if strings.Contains(s, "hunter2") || strings.Contains(s, "watcher") {
			t.Errorf("message shows the credentials: %q", s)
		}
	}
	if !strings.Contains(err.Error(), "***@") {
		t.Errorf("error %q does not name the URL (redacted)", err)
	}

	// A transport failure: net/http's own message repeats the URL.
	_, err = New(Options{Retries: -1}).Fetch(context.Background(),
		Request{URL: "http://watcher:hunter2@127.0.0.1:1/terms", Render: terms.RenderHTTP})
	if err == nil || strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "watcher") {
		t.Errorf("transport error shows the credentials: %v", err)
	}
}
