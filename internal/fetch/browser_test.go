package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/terms"
)

func TestFindBrowser(t *testing.T) {
	dir := t.TempDir()
	fake := filepath.Join(dir, "chromium")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	notExec := filepath.Join(dir, "not-executable")
	if err := os.WriteFile(notExec, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		path    string // argument
		envPath string // PATH during the test
		want    string // "" for an error
	}{
		{name: "explicit path", path: fake, envPath: t.TempDir(), want: fake},
		{name: "found on PATH", envPath: dir, want: fake},
		{name: "explicit path missing", path: filepath.Join(dir, "nope"), envPath: dir},
		{name: "explicit path not executable", path: notExec, envPath: dir},
		{name: "nothing on PATH", envPath: t.TempDir()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("PATH", tc.envPath)
			got, err := FindBrowser(tc.path)
			if tc.want != "" {
				if err != nil || got != tc.want {
					t.Fatalf("FindBrowser(%q) = %q, %v; want %q", tc.path, got, err, tc.want)
				}
				return
			}
			if Category(err) != terms.ErrBrowser {
				t.Fatalf("FindBrowser(%q) = %q, %v; want a %s error", tc.path, got, err, terms.ErrBrowser)
			}
			if msg := err.Error(); !strings.Contains(msg, "install Chromium") || !strings.Contains(msg, "browser path") {
				t.Errorf("message %q does not tell how to get a browser", msg)
			}
		})
	}
}

func TestFetchBrowserMissing(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	f := New(Options{BrowserPath: filepath.Join(t.TempDir(), "no-such-chromium")})
	_, err := f.Fetch(context.Background(), Request{URL: srv.URL, Render: terms.RenderBrowser})
	var fe *Error
	if !errors.As(err, &fe) || fe.Category != terms.ErrBrowser {
		t.Fatalf("err = %v, want an *Error of category %s", err, terms.ErrBrowser)
	}
	if fe.URL != srv.URL || !strings.Contains(err.Error(), "install Chromium") {
		t.Errorf("error %q should name the URL and say how to install Chromium", err)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("server hits = %d, want 0", n)
	}
}

const scriptedPage = `<!DOCTYPE html><html><head><title>Scripted terms</title></head>
<body><main id="terms"></main>
<script>
document.getElementById("terms").innerHTML =
  "<h1>Usage terms</h1><p>" + ["Inputs", "are", "kept", "for", "ninety", "days."].join(" ") + "</p>";
</script></body></html>`

// TestFetchBrowser renders pages in a real headless Chromium when one is
// installed.
func TestFetchBrowser(t *testing.T) {
	const chromium = "/usr/bin/chromium"
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("skipping real browser render: %s not installed (apt-get install chromium)", chromium)
	}
	if testing.Short() {
		t.Skip("skipping real browser render in -short mode")
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/terms":
			if got := r.Header.Get("Accept-Language"); got != "en-GB" {
				http.Error(w, "missing Accept-Language, got "+got, 400)
				return
			}
			if !strings.HasPrefix(r.Header.Get("User-Agent"), "clausewatch/") {
				http.Error(w, "bad user agent", 400)
				return
			}
			w.Header().Set("ETag", `"r1"`)
			writeHTML(w, scriptedPage)
		case "/favicon.ico":
			http.NotFound(w, r)
		default:
			http.Error(w, "gone", http.StatusGone)
		}
	}))
	defer srv.Close()
	f := New(Options{BrowserPath: chromium, Timeout: 30 * time.Second, RenderSettle: 100 * time.Millisecond, Retries: -1})

	tests := []struct {
		name     string
		path     string
		wantCat  string
		wantText string
	}{
		{name: "script-inserted text rendered", path: "/terms", wantText: "Inputs are kept for ninety days."},
		{name: "410 is a client error", path: "/old", wantCat: terms.ErrClient},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := Request{URL: srv.URL + tc.path, Render: terms.RenderBrowser, Headers: map[string]string{"Accept-Language": "en-GB"}}
			res, err := f.Fetch(context.Background(), req)
			if tc.wantCat != "" {
				if Category(err) != tc.wantCat {
					t.Fatalf("Fetch = %v, want a %s error", err, tc.wantCat)
				}
				return
			}
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if !strings.Contains(string(res.Body), tc.wantText) {
				t.Errorf("rendered body does not contain %q:\n%s", tc.wantText, res.Body)
			}
			if res.Status != 200 || res.ETag != `"r1"` || !strings.HasPrefix(res.ContentType, "text/html") || res.Attempts != 1 {
				t.Errorf("result = status %d, etag %q, type %q, attempts %d", res.Status, res.ETag, res.ContentType, res.Attempts)
			}
		})
	}
}

func TestFetchBrowserConnectionRefused(t *testing.T) {
	const chromium = "/usr/bin/chromium"
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("skipping real browser render: %s not installed (apt-get install chromium)", chromium)
	}
	if testing.Short() {
		t.Skip("skipping real browser render in -short mode")
	}
	srv := httptest.NewServer(http.NotFoundHandler())
	u := srv.URL
	srv.Close()
	f := New(Options{BrowserPath: chromium, Timeout: 30 * time.Second, Retries: -1})
	_, err := f.Fetch(context.Background(), Request{URL: u + "/terms", Render: terms.RenderBrowser})
	if Category(err) != terms.ErrNetwork {
		t.Fatalf("Fetch = %v, want a %s error", err, terms.ErrNetwork)
	}
	if !strings.Contains(fmt.Sprint(err), "ERR_CONNECTION_REFUSED") {
		t.Errorf("error %q does not carry the browser's reason", err)
	}
}

func TestFetchBrowserUnknownHostIsNotRetried(t *testing.T) {
	const chromium = "/usr/bin/chromium"
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("skipping real browser render: %s not installed (apt-get install chromium)", chromium)
	}
	if testing.Short() {
		t.Skip("skipping real browser render in -short mode")
	}
	var slept []time.Duration
	sleep := func(ctx context.Context, d time.Duration) error { slept = append(slept, d); return nil }
	f := New(Options{BrowserPath: chromium, Timeout: 30 * time.Second, Sleep: sleep})
	_, err := f.Fetch(context.Background(), Request{URL: "http://clausewatch-test.invalid/terms", Render: terms.RenderBrowser})
	if !strings.Contains(fmt.Sprint(err), "NAME_NOT_RESOLVED") {
		t.Skipf("the browser did not report an unresolved name: %v", err)
	}
	var fe *Error
	if !errors.As(err, &fe) || fe.Attempts != 1 || len(slept) != 0 {
		t.Errorf("error %v after %d sleeps; want one attempt and no retry", err, len(slept))
	}
}
