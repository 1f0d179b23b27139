package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdpfetch "github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// needChromium skips a test that renders in a real headless Chromium
// when none is installed, or in -short mode.
func needChromium(t *testing.T) string {
	t.Helper()
	const chromium = "/usr/bin/chromium"
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("skipping real browser render: %s not installed (apt-get install chromium)", chromium)
	}
	if testing.Short() {
		t.Skip("skipping real browser render in -short mode")
	}
	return chromium
}

// hits counts the requests of a test server by path, with the headers of
// each.
type hits struct {
	mu      sync.Mutex
	paths   []string
	headers []http.Header
}

func (h *hits) add(r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.paths = append(h.paths, r.URL.Path)
	h.headers = append(h.headers, r.Header.Clone())
}

func (h *hits) count(prefix string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, p := range h.paths {
		if strings.HasPrefix(p, prefix) {
			n++
		}
	}
	return n
}

// header returns the values of name on the requests for path.
func (h *hits) header(path, name string) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for i, p := range h.paths {
		if p == path {
			out = append(out, h.headers[i].Get(name))
		}
	}
	return out
}

func quietFetcher(opts Options) *Fetcher {
	if opts.Warn == nil {
		opts.Warn = func(string) {}
	}
	if opts.RenderSettle == 0 {
		opts.RenderSettle = 50 * time.Millisecond
	}
	if opts.Timeout == 0 {
		opts.Timeout = 30 * time.Second
	}
	if opts.Retries == 0 {
		opts.Retries = -1
	}
	return New(opts)
}

// syncGet is page script that fetches url synchronously and writes what
// happened into the element with id: "got BODY" or "failed".
func syncGet(id, url string) string {
	return fmt.Sprintf(`<p id=%q></p><script>
(function () {
  var out = document.getElementById(%q);
  try {
    var x = new XMLHttpRequest();
    x.open("GET", %q, false);
    x.send();
    out.textContent = "got " + x.status + " " + x.responseText;
  } catch (e) {
    out.textContent = "failed";
  }
})();
</script>`, id, id, url)
}

// TestRenderBlocksOtherLocalHosts shows that a page may not make the
// browser reach a loopback or private address other than the declared
// URL's own host and port: not another port of the same address (the same
// site, so only the address guard stops it), and not a name that resolves
// to loopback even when the declaration allows that host.
func TestRenderBlocksOtherLocalHosts(t *testing.T) {
	chromium := needChromium(t)
	var other hits
	inner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		other.add(r)
		fmt.Fprint(w, "internal secret")
	}))
	defer inner.Close()
	_, innerPort, _ := net.SplitHostPort(inner.Listener.Addr().String())
	byName := "http://localhost:" + innerPort

	var own hits
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		own.add(r)
		switch r.URL.Path {
		case "/terms":
			writeHTML(w, `<!DOCTYPE html><html><body><main><h1>Terms</h1>`+
				syncGet("same", "/own.txt")+
				syncGet("port", inner.URL+"/by-address")+
				syncGet("name", byName+"/by-name")+
				`<script src="`+inner.URL+`/tag.js"></script></main></body></html>`)
		case "/own.txt":
			fmt.Fprint(w, "own data")
		default:
			http.NotFound(w, r)
		}
	}))
	defer page.Close()

	f := quietFetcher(Options{BrowserPath: chromium})
	res, err := f.Fetch(context.Background(), Request{URL: page.URL + "/terms", Render: terms.RenderBrowser, BrowserAllow: []string{"localhost"}})
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	body := string(res.Body)
	for _, want := range []string{`<p id="same">got 200 own data</p>`, `<p id="port">failed</p>`, `<p id="name">failed</p>`} {
		if !strings.Contains(body, want) {
			t.Errorf("rendered page lacks %s:\n%s", want, body)
		}
	}
	if n := other.count("/"); n != 0 {
		t.Errorf("the other local server got %d requests (%v), want none", n, other.paths)
	}
}

// TestRenderOffSiteWebSocket: what request interception does not see (a
// WebSocket) is still held to the page's sites by the proxy, even for a
// host whose address the guard would let through.
func TestRenderOffSiteWebSocket(t *testing.T) {
	chromium := needChromium(t)
	var other hits
	o := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { other.add(r) }))
	defer o.Close()
	_, port, _ := net.SplitHostPort(o.Listener.Addr().String())
	host := "localhost:" + port
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeHTML(w, `<!DOCTYPE html><html><body><h1>Terms</h1><iframe src="http://`+host+`/frame"></iframe>
<script>new WebSocket("ws://`+host+`/ws");</script></body></html>`)
	}))
	defer page.Close()
	f := quietFetcher(Options{BrowserPath: chromium, RenderSettle: 500 * time.Millisecond})
	f.reachable = []string{host} // its address is not what stops it
	if _, err := f.Fetch(context.Background(), Request{URL: page.URL + "/terms", Render: terms.RenderBrowser}); err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if n := other.count("/"); n != 0 {
		t.Errorf("the off-site server got %d requests (%v), want none", n, other.paths)
	}
}

// TestRenderRedirectToLocalRefused: the page itself may not redirect the
// browser to a loopback or private address: refused, not retried, and the
// target sees nothing.
func TestRenderRedirectToLocalRefused(t *testing.T) {
	chromium := needChromium(t)
	var inner hits
	in := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { inner.add(r) }))
	defer in.Close()
	_, port, _ := net.SplitHostPort(in.Listener.Addr().String())
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://localhost:"+port+"/admin", http.StatusFound)
	}))
	defer page.Close()
	f := quietFetcher(Options{BrowserPath: chromium, Retries: 2})
	_, err := f.Fetch(context.Background(), Request{URL: page.URL + "/terms", Render: terms.RenderBrowser})
	want := "navigation refused: localhost:" + port + " resolves to " // 127.0.0.1 or ::1
	if Category(err) != ErrRedirectRefused || !strings.Contains(fmt.Sprint(err), want) {
		t.Fatalf("Fetch = %v, want a %s error with %q", err, ErrRedirectRefused, want)
	}
	var fe *Error
	if errors.As(err, &fe) && fe.Attempts != 1 {
		t.Errorf("attempts = %d, want 1", fe.Attempts)
	}
	if n := inner.count("/"); n != 0 {
		t.Errorf("the local server got %d requests, want none", n)
	}
}

// TestRenderSkipsImages: a page of a thousand images loads none of them.
func TestRenderSkipsImages(t *testing.T) {
	chromium := needChromium(t)
	var h hits
	var page strings.Builder
	page.WriteString(`<!DOCTYPE html><html><head><link rel="stylesheet" href="/site.css"></head><body><h1>Terms</h1>`)
	for i := range 1000 {
		fmt.Fprintf(&page, `<img src="/img/%d.png" alt="">`, i)
	}
	for i := range 20 {
		fmt.Fprintf(&page, `<video src="/media/%d.mp4" preload="auto"></video><audio src="/media/%d.mp3" preload="auto"></audio>`, i, i)
	}
	page.WriteString(`</body></html>`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.add(r)
		switch {
		case r.URL.Path == "/terms":
			writeHTML(w, page.String())
		case r.URL.Path == "/site.css":
			w.Header().Set("Content-Type", "text/css")
			fmt.Fprint(w, `@font-face { font-family: x; src: url(/font/x.woff2); } body { font-family: x; background: url(/img/bg.png); }`)
		default:
			w.Header().Set("Content-Type", "image/png")
			w.Write(bytes.Repeat([]byte{0}, 1024))
		}
	}))
	defer srv.Close()
	f := quietFetcher(Options{BrowserPath: chromium})
	res, err := f.Fetch(context.Background(), Request{URL: srv.URL + "/terms", Render: terms.RenderBrowser})
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if !strings.Contains(string(res.Body), "<h1>Terms</h1>") {
		t.Errorf("page not rendered:\n%.300s", res.Body)
	}
	if h.count("/site.css") != 1 {
		t.Errorf("stylesheet requests = %d, want 1 (paths %v)", h.count("/site.css"), h.paths)
	}
	for _, p := range []string{"/img/", "/media/", "/font/"} {
		if n := h.count(p); n != 0 {
			t.Errorf("%d requests under %s, want none", n, p)
		}
	}
}

// TestRenderRequestCap: a page that keeps making requests is aborted at
// the cap with a clear error.
func TestRenderRequestCap(t *testing.T) {
	chromium := needChromium(t)
	var h hits
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.add(r)
		if r.URL.Path == "/terms" {
			writeHTML(w, `<!DOCTYPE html><html><body><h1>Terms</h1><script>
for (var i = 0; i < 1000; i++) {
  try { var x = new XMLHttpRequest(); x.open("GET", "/data/" + i, false); x.send(); } catch (e) {}
}
</script></body></html>`)
			return
		}
		fmt.Fprint(w, "x")
	}))
	defer srv.Close()
	f := quietFetcher(Options{BrowserPath: chromium, MaxRenderRequests: 40, Retries: 2})
	_, err := f.Fetch(context.Background(), Request{URL: srv.URL + "/terms", Render: terms.RenderBrowser})
	if Category(err) != terms.ErrTooLarge || !strings.Contains(fmt.Sprint(err), "page made more than 40 requests") {
		t.Fatalf("Fetch = %v, want a %s error naming the request cap", err, terms.ErrTooLarge)
	}
	var fe *Error
	if errors.As(err, &fe) && fe.Attempts != 1 {
		t.Errorf("attempts = %d, want 1 (a cap is not retried)", fe.Attempts)
	}
	if n := h.count("/data/"); n >= 40 {
		t.Errorf("the server saw %d data requests, want fewer than the cap of 40", n)
	}
}

// bombWriter writes gzip-compressed zeros to w until limit decoded bytes
// or until the client goes away, and reports the decoded bytes written.
func writeBomb(w http.ResponseWriter, contentType string, limit int64) int64 {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Encoding", "gzip")
	zw, _ := gzip.NewWriterLevel(w, gzip.BestSpeed)
	chunk := make([]byte, 1<<20)
	var n int64
	for n < limit {
		if _, err := zw.Write(chunk); err != nil {
			return n
		}
		n += int64(len(chunk))
		if err := zw.Flush(); err != nil {
			return n
		}
		w.(http.Flusher).Flush()
	}
	zw.Close()
	return n
}

// TestRenderByteCaps: the browser never decodes a compressed bomb (a
// render asks for identity, and a compressed answer is refused), and a
// document or script far over the caps is aborted long before it is
// received whole.
func TestRenderByteCaps(t *testing.T) {
	chromium := needChromium(t)
	const limit = 4 << 30 // what the server would send if let
	page := func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != "/terms" {
			return false
		}
		writeHTML(w, `<!DOCTYPE html><html><body><h1>Terms</h1><p id="ran"></p><script src="/app.js"></script></body></html>`)
		return true
	}
	huge := func(w http.ResponseWriter, contentType string) int64 {
		w.Header().Set("Content-Type", contentType)
		line := []byte(strings.Repeat("/* many words of a long page */", 40) + "\n")
		var n int64
		for n < limit {
			m, err := w.Write(line)
			n += int64(m)
			if err != nil {
				break
			}
		}
		return n
	}
	tests := []struct {
		name    string
		serve   func(w http.ResponseWriter, r *http.Request) int64
		wantCat string // "" when the page renders without the resource
		want    string
	}{
		{"gzip bomb script", func(w http.ResponseWriter, r *http.Request) int64 {
			if page(w, r) {
				return 0
			}
			return writeBomb(w, "text/javascript", limit)
		}, "", `<p id="ran"></p>`},
		{"gzip bomb document", func(w http.ResponseWriter, r *http.Request) int64 {
			return writeBomb(w, "text/html", limit)
		}, terms.ErrContentType, "the page came compressed though the render asks for no content encoding"},
		{"huge document", func(w http.ResponseWriter, r *http.Request) int64 {
			return huge(w, "text/html")
		}, terms.ErrTooLarge, "exceeded"},
		{"huge script", func(w http.ResponseWriter, r *http.Request) int64 {
			if page(w, r) {
				return 0
			}
			return huge(w, "text/javascript")
		}, terms.ErrTooLarge, "browser: a response exceeded 1048576 bytes"},
		{"many scripts", func(w http.ResponseWriter, r *http.Request) int64 {
			if r.URL.Path == "/terms" {
				var b strings.Builder
				b.WriteString(`<!DOCTYPE html><html><body><h1>Terms</h1>`)
				for i := range 8 {
					fmt.Fprintf(&b, `<script src="/s/%d.js"></script>`, i)
				}
				writeHTML(w, b.String()+`</body></html>`)
				return 0
			}
			w.Header().Set("Content-Type", "text/javascript")
			n, _ := io.WriteString(w, strings.Repeat("// just under a resource's cap\n", 900<<10/32))
			return int64(n)
		}, terms.ErrTooLarge, "browser: page exceeded 4194304 bytes received"},
		{"script announcing too much", func(w http.ResponseWriter, r *http.Request) int64 {
			if page(w, r) {
				return 0
			}
			// Refused on its announced length before a byte is read (else
			// the whole render would be aborted at the cap).
			js := `document.getElementById("ran").textContent = "yes";` + strings.Repeat("\n", 2<<20)
			w.Header().Set("Content-Length", fmt.Sprint(len(js)))
			w.Header().Set("Content-Type", "text/javascript")
			n, _ := io.WriteString(w, js)
			return int64(n)
		}, "", `<p id="ran"></p>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var sent atomic.Int64
			var encodings sync.Map
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				encodings.Store(r.URL.Path, r.Header.Get("Accept-Encoding"))
				sent.Add(tc.serve(w, r))
			}))
			f := quietFetcher(Options{BrowserPath: chromium, MaxBytes: 1 << 20, Retries: 2})
			res, err := f.Fetch(context.Background(), Request{URL: srv.URL + "/terms", Render: terms.RenderBrowser})
			srv.CloseClientConnections()
			srv.Close()
			if tc.wantCat == "" {
				if err != nil {
					t.Fatalf("Fetch: %v", err)
				}
				if !strings.Contains(string(res.Body), tc.want) {
					t.Errorf("rendered page lacks %s:\n%s", tc.want, res.Body)
				}
			} else {
				if Category(err) != tc.wantCat || !strings.Contains(fmt.Sprint(err), tc.want) {
					t.Fatalf("Fetch = %v, want a %s error with %q", err, tc.wantCat, tc.want)
				}
				var fe *Error
				if errors.As(err, &fe) && fe.Attempts != 1 {
					t.Errorf("attempts = %d, want 1", fe.Attempts)
				}
			}
			encodings.Range(func(path, enc any) bool {
				if enc != "identity" {
					t.Errorf("%s asked with Accept-Encoding %q, want identity", path, enc)
				}
				return true
			})
			// Far less than the server would send: the render stopped it.
			if n := sent.Load(); n > 256<<20 {
				t.Errorf("the server wrote %d bytes (decoded) before the render stopped, want far less than %d", n, int64(limit))
			}
			t.Logf("%v; server wrote %d decoded bytes", err, sent.Load())
		})
	}
}

// browserProcesses lists the processes whose command line mentions dir.
func browserProcesses(t *testing.T, dir string) []string {
	t.Helper()
	procs, err := filepath.Glob("/proc/[0-9]*/cmdline")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if bytes.Contains(b, []byte(dir)) {
			out = append(out, p)
		}
	}
	return out
}

// TestRenderTimeBox: a page that never finishes loading ends at the time
// box with a timeout that is not retried, and the browser is gone.
func TestRenderTimeBox(t *testing.T) {
	chromium := needChromium(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/terms" {
			writeHTML(w, `<!DOCTYPE html><html><body><h1>Terms</h1><script src="/never.js"></script></body></html>`)
			return
		}
		select { // never answers while the render lasts
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	var slept int
	f := quietFetcher(Options{BrowserPath: chromium, Timeout: 3 * time.Second, Retries: 2,
		Sleep: func(context.Context, time.Duration) error { slept++; return nil }})
	_, err := f.Fetch(context.Background(), Request{URL: srv.URL + "/terms", Render: terms.RenderBrowser})
	if Category(err) != terms.ErrTimeout || !strings.Contains(fmt.Sprint(err), "render did not finish within 3s") {
		t.Fatalf("Fetch = %v, want a %s error naming the time box", err, terms.ErrTimeout)
	}
	if slept != 0 {
		t.Errorf("the render was retried %d times, want none", slept)
	}
	if procs := browserProcesses(t, tmp); len(procs) != 0 {
		t.Errorf("browser processes left after the time box: %v", procs)
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "clausewatch-render-*")); len(left) != 0 {
		t.Errorf("browser profiles left: %v", left)
	}
}

// TestRenderDeclaredHeadersStayOnHost: the declared headers reach the
// declared URL's host, for the page and its own scripts, and no other
// host the page loads from.
func TestRenderDeclaredHeadersStayOnHost(t *testing.T) {
	chromium := needChromium(t)
	var cdn hits
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cdn.add(r)
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, `document.getElementById("cdn").textContent = "cdn script ran";`)
	}))
	defer other.Close()
	_, port, _ := net.SplitHostPort(other.Listener.Addr().String())
	cdnHost := "localhost:" + port

	var own hits
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		own.add(r)
		switch r.URL.Path {
		case "/terms":
			writeHTML(w, `<!DOCTYPE html><html><body><h1>Terms</h1><p id="cdn"></p><p id="own"></p>
<script src="/own.js"></script><script src="http://`+cdnHost+`/lib.js"></script></body></html>`)
		case "/own.js":
			w.Header().Set("Content-Type", "text/javascript")
			fmt.Fprint(w, `document.getElementById("own").textContent = "own script ran";`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer page.Close()

	f := quietFetcher(Options{BrowserPath: chromium})
	f.reachable = []string{cdnHost} // the second local server stands for a public CDN
	req := Request{URL: page.URL + "/terms", Render: terms.RenderBrowser, BrowserAllow: []string{"localhost"},
		Headers: map[string]string{"X-Api-Key": "k-123", "Accept-Language": "en-GB"}}
	res, err := f.Fetch(context.Background(), req)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	for _, want := range []string{"own script ran", "cdn script ran"} {
		if !strings.Contains(string(res.Body), want) {
			t.Errorf("rendered page lacks %q:\n%s", want, res.Body)
		}
	}
	for _, path := range []string{"/terms", "/own.js"} {
		if got := own.header(path, "X-Api-Key"); len(got) != 1 || got[0] != "k-123" {
			t.Errorf("declared host: %s X-Api-Key = %q, want [k-123]", path, got)
		}
		if got := own.header(path, "Accept-Language"); len(got) != 1 || got[0] != "en-GB" {
			t.Errorf("declared host: %s Accept-Language = %q, want [en-GB]", path, got)
		}
	}
	if got := cdn.header("/lib.js", "X-Api-Key"); len(got) != 1 || got[0] != "" {
		t.Errorf("other host: /lib.js X-Api-Key = %q, want one request without it", got)
	}
}

// TestRenderSandboxFallback: where Chromium cannot start sandboxed, the
// render falls back to --no-sandbox with one warning naming why, given
// once per Fetcher.
func TestRenderSandboxFallback(t *testing.T) {
	chromium := needChromium(t)
	if os.Geteuid() != 0 {
		t.Skip("the fallback is exercised as root, where Chromium cannot start sandboxed")
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeHTML(w, `<!DOCTYPE html><html><body><h1>Terms</h1></body></html>`)
	}))
	defer srv.Close()
	var warnings []string
	// Pretend to be an ordinary user: the sandboxed start is tried first
	// and fails as it would without user namespaces.
	f := quietFetcher(Options{BrowserPath: chromium, Euid: func() int { return 1000 },
		Warn: func(msg string) { warnings = append(warnings, msg) }})
	for range 2 {
		if _, err := f.Fetch(context.Background(), Request{URL: srv.URL + "/", Render: terms.RenderBrowser}); err != nil {
			t.Fatalf("Fetch: %v", err)
		}
	}
	t.Logf("warnings: %q", warnings)
	if len(warnings) != 1 || !strings.Contains(warnings[0], "without its sandbox") || !strings.Contains(strings.ToLower(warnings[0]), "sandbox is not supported") {
		t.Errorf("warnings = %q, want one naming why the sandbox is off", warnings)
	}
}

func TestSandboxDecision(t *testing.T) {
	for _, tc := range []struct {
		euid int
		off  bool
	}{{0, true}, {1000, false}} {
		f := New(Options{Euid: func() int { return tc.euid }})
		off, why := f.sandboxOff()
		if off != tc.off || off != (why != "") {
			t.Errorf("euid %d: sandbox off %v (%q), want %v", tc.euid, off, why, tc.off)
		}
		if tc.off && !strings.Contains(why, "root") {
			t.Errorf("euid %d: reason %q does not say root", tc.euid, why)
		}
	}
	f := New(Options{Euid: func() int { return 1000 }})
	f.setSandboxOff("no usable sandbox")
	if off, why := f.sandboxOff(); !off || why != "no usable sandbox" {
		t.Errorf("after a failed sandboxed start: off %v, %q", off, why)
	}
	for _, tc := range []struct {
		out  string
		want string
	}{
		{"chrome failed to start:\n[1:1:ERROR:zygote_host_impl_linux.cc(100)] No usable sandbox! Update your kernel\n", "[1:1:ERROR:zygote_host_impl_linux.cc(100)] No usable sandbox! Update your kernel"},
		{"chrome failed to start:\nRunning as root without --no-sandbox is not supported.\n", "Running as root without --no-sandbox is not supported."},
		{"chrome failed to start:\nerror while loading shared libraries\n", ""},
	} {
		got, ok := sandboxFailure(tc.out)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("sandboxFailure(%q) = %q, %v; want %q", tc.out, got, ok, tc.want)
		}
	}
}

func TestBlockedAddr(t *testing.T) {
	blocked := []string{"127.0.0.1", "127.8.9.10", "::1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
		"169.254.169.254", "fe80::1", "fc00::1", "fd12:3456::1", "0.0.0.0", "::", "100.64.0.1", "100.127.255.254",
		"::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe", "224.0.0.1", "ff02::1", "198.18.0.1", "255.255.255.255"}
	public := []string{"8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2001:4860:4860::8888", "::ffff:8.8.8.8", "64:ff9b::808:808"}
	for _, s := range blocked {
		if !blockedAddr(netip.MustParseAddr(s)) {
			t.Errorf("blockedAddr(%s) = false, want true", s)
		}
	}
	for _, s := range public {
		if blockedAddr(netip.MustParseAddr(s)) {
			t.Errorf("blockedAddr(%s) = true, want false", s)
		}
	}
}

// TestGuardDial: the guard dials the declared host:port whatever its
// address, refuses others in blocked ranges (by address or by name)
// without connecting, and names the failure as the browser would.
func TestGuardDial(t *testing.T) {
	var accepted atomic.Int32
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Close()
		}
	}()
	other, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	_, otherPort, _ := net.SplitHostPort(other.Addr().String())

	declared, _ := url.Parse("http://" + ln.Addr().String() + "/terms")
	g := newAddrGuard(declared, time.Second, nil)
	c, err := g.dial(context.Background(), ln.Addr().String())
	if err != nil {
		t.Fatalf("dial declared: %v", err)
	}
	c.Close()
	for _, target := range []string{other.Addr().String(), "localhost:" + otherPort, "169.254.169.254:80", "[::1]:" + otherPort} {
		_, err := g.dial(context.Background(), target)
		var be *blockedError
		if !errors.As(err, &be) {
			t.Errorf("dial %s = %v, want refused", target, err)
			continue
		}
		if d := g.lastFailure(); d == nil || d.text != "net::ERR_BLOCKED_BY_CLIENT" || d.target != target {
			t.Errorf("dial %s: last failure %+v", target, d)
		}
	}
	if got := g.refused(); len(got) != 4 || !strings.Contains(got[1], "resolves to") {
		t.Errorf("refused = %q", got)
	}
	g.hostOK = func(host string) bool { return host != "elsewhere.example" }
	if _, err := g.dial(context.Background(), "elsewhere.example:443"); err == nil || err.Error() != "elsewhere.example:443 is not the page's site nor in browser_allow" {
		t.Errorf("dial off-site host: %v", err)
	}
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := closed.Addr().String()
	closed.Close()
	g2 := newAddrGuard(&url.URL{Scheme: "http", Host: addr}, time.Second, nil)
	if _, err := g2.dial(context.Background(), addr); err == nil || g2.lastFailure().text != "net::ERR_CONNECTION_REFUSED" {
		t.Errorf("dial closed port: %v, %+v", err, g2.lastFailure())
	}
}

func TestRequestPolicy(t *testing.T) {
	declared, _ := url.Parse("https://www.acme.example/legal/terms")
	const main = "MAIN"
	req := Request{URL: declared.String(), BrowserAllow: []string{"acme-cdn.example"}, Headers: map[string]string{"X-Key": "k"}}
	tests := []struct {
		url     string
		rt      network.ResourceType
		frame   string
		allow   bool
		headers bool
	}{
		{"https://www.acme.example/legal/terms", network.ResourceTypeDocument, main, true, true},
		{"https://www.acme.example/app.js", network.ResourceTypeScript, main, true, true},
		{"https://static.acme.example/app.js", network.ResourceTypeScript, main, true, false}, // same site, other host
		{"http://www.acme.example/app.js", network.ResourceTypeScript, main, true, false},     // scheme downgrade
		{"https://www.acme.example:8443/x", network.ResourceTypeXHR, main, true, false},       // other port
		{"https://acme-cdn.example/lib.js", network.ResourceTypeScript, main, true, false},    // browser_allow
		{"https://js.acme-cdn.example/lib.js", network.ResourceTypeScript, main, true, false}, // its subdomain
		{"https://tracker.example/t.js", network.ResourceTypeScript, main, false, false},
		{"https://notacme-cdn.example/lib.js", network.ResourceTypeScript, main, false, false},
		{"https://www.acme.example/logo.png", network.ResourceTypeImage, main, false, false},
		{"https://www.acme.example/font.woff2", network.ResourceTypeFont, main, false, false},
		{"https://www.acme.example/v.mp4", network.ResourceTypeMedia, main, false, false},
		{"https://ads.example/frame", network.ResourceTypeDocument, "CHILD", false, false}, // an iframe elsewhere
		{"ftp://www.acme.example/x", network.ResourceTypeOther, main, false, false},
	}
	for _, tc := range tests {
		pol := newRequestPolicy(declared, req, main, 10, 1<<20)
		u, _ := url.Parse(tc.url)
		v := pol.decide(u, tc.rt, cdp.FrameID(tc.frame))
		if v.allow != tc.allow || v.headers != tc.headers {
			t.Errorf("%s (%s): allow %v headers %v (%s); want allow %v headers %v", tc.url, tc.rt, v.allow, v.headers, v.reason, tc.allow, tc.headers)
		}
	}
	// The page redirected to another site: that site's scripts come with it.
	pol := newRequestPolicy(declared, req, main, 3, 1<<20)
	moved, _ := url.Parse("https://legal.acme-group.example/terms")
	script, _ := url.Parse("https://legal.acme-group.example/app.js")
	if !pol.decide(moved, network.ResourceTypeDocument, main).allow || !pol.decide(script, network.ResourceTypeScript, main).allow {
		t.Error("the redirected page's own site is not allowed")
	}
	if v := pol.decide(script, network.ResourceTypeScript, main); !v.allow || v.over {
		t.Errorf("third request: %+v, want allowed", v)
	}
	if v := pol.decide(script, network.ResourceTypeScript, main); v.allow || !v.over {
		t.Errorf("fourth request with a cap of 3: %+v, want over the cap", v)
	}
}

func TestSite(t *testing.T) {
	for host, want := range map[string]string{
		"www.openai.com": "openai.com", "cdn.openai.com": "openai.com", "openai.com": "openai.com",
		"a.b.example.co.uk": "example.co.uk", "127.0.0.1": "127.0.0.1", "[::1]": "[::1]", "localhost": "localhost",
		"WWW.Example.COM.": "example.com",
	} {
		if got := site(host); got != want {
			t.Errorf("site(%q) = %q, want %q", host, got, want)
		}
	}
}

// TestCountBytes: the decoded bytes Chromium reports are charged to the
// budget, one resource against MaxBytes and all against the total.
func TestCountBytes(t *testing.T) {
	const main = "MAIN"
	run := func(evs ...any) error {
		var cause error
		b := &budget{max: 100, maxResource: 40, abort: func(err error) { cause = err }}
		fn := countBytes(b, main)
		for _, ev := range evs {
			fn(ev)
		}
		return cause
	}
	doc := &network.EventRequestWillBeSent{RequestID: "d", Type: network.ResourceTypeDocument, FrameID: main}
	data := func(id string, n int64) *network.EventDataReceived {
		return &network.EventDataReceived{RequestID: network.RequestID(id), DataLength: n}
	}
	if err := run(doc, data("d", 30), data("s1", 30), data("s2", 30)); err != nil {
		t.Errorf("90 bytes in three resources: %v, want no abort", err)
	}
	if err := run(doc, data("d", 30), data("d", 20)); err == nil || err.Error() != "browser: the document exceeded 40 bytes decoded" {
		t.Errorf("document of 50 bytes: %v", err)
	}
	if err := run(data("s", 41)); err == nil || err.Error() != "browser: a resource exceeded 40 bytes decoded" {
		t.Errorf("script of 41 bytes: %v", err)
	}
	if err := run(data("a", 40), data("b", 40), data("c", 21)); err == nil || err.Error() != "browser: page exceeded 100 bytes decoded" {
		t.Errorf("101 bytes in all: %v", err)
	}
}

// TestProxyTunnel: the render's proxy tunnels https to the declared host,
// refuses a CONNECT to another local address, and cuts a tunnel that
// brings more than the page's byte budget.
func TestProxyTunnel(t *testing.T) {
	body := strings.Repeat("terms text ", 100<<10) // 1.1 MB
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/big" {
			io.WriteString(w, body)
			return
		}
		io.WriteString(w, "small page")
	}))
	defer srv.Close()
	other := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the other server got %s", r.URL)
	}))
	defer other.Close()

	declared, _ := url.Parse(srv.URL)
	var aborted atomic.Value
	b := &budget{max: 1 << 20, maxResource: 1 << 20, abort: func(err error) { aborted.Store(err) }}
	p, err := startProxy(newAddrGuard(declared, time.Second, nil), b)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	proxyURL, _ := url.Parse(p.URL())
	tr := srv.Client().Transport.(*http.Transport).Clone()
	tr.Proxy = http.ProxyURL(proxyURL)
	client := &http.Client{Transport: tr}

	resp, err := client.Get(srv.URL + "/small")
	if err != nil {
		t.Fatalf("GET through the tunnel: %v", err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(got) != "small page" {
		t.Errorf("tunnelled body = %q", got)
	}

	if _, err := client.Get(other.URL + "/"); err == nil || !strings.Contains(err.Error(), "Forbidden") {
		t.Errorf("CONNECT to another local address: %v, want refused", err)
	}

	resp, err = client.Get(srv.URL + "/big")
	if err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	if err == nil {
		t.Error("a body over the budget came through whole")
	}
	if e, _ := aborted.Load().(error); e == nil || e.Error() != "browser: page exceeded 1048576 bytes received" {
		t.Errorf("abort cause = %v", e)
	}
}

func TestRefuseResponse(t *testing.T) {
	h := func(kv ...string) []*cdpfetch.HeaderEntry {
		var out []*cdpfetch.HeaderEntry
		for i := 0; i < len(kv); i += 2 {
			out = append(out, &cdpfetch.HeaderEntry{Name: kv[i], Value: kv[i+1]})
		}
		return out
	}
	tests := []struct {
		headers []*cdpfetch.HeaderEntry
		cat     string
	}{
		{h("Content-Type", "text/html", "Content-Length", "1000"), ""},
		{h("content-encoding", "identity"), ""},
		{h("Content-Encoding", "gzip"), terms.ErrContentType},
		{h("Content-Encoding", " BR "), terms.ErrContentType},
		{h("Content-Length", "1001"), terms.ErrTooLarge},
		{h("content-length", "not a number"), ""},
	}
	for _, tc := range tests {
		cat, reason := refuseResponse(tc.headers, 1000)
		if cat != tc.cat || (cat == "") != (reason == "") {
			t.Errorf("refuseResponse(%v) = %q, %q; want category %q", tc.headers, cat, reason, tc.cat)
		}
	}
}

func TestRequestHeaders(t *testing.T) {
	page := network.Headers{"User-Agent": "clausewatch/test", "Accept-Encoding": "gzip, br", "Referer": "https://a.example/"}
	find := func(hs []*cdpfetch.HeaderEntry, name string) []string {
		var out []string
		for _, e := range hs {
			if strings.EqualFold(e.Name, name) {
				out = append(out, e.Value)
			}
		}
		return out
	}
	got := requestHeaders(page, nil)
	if v := find(got, "Accept-Encoding"); len(v) != 1 || v[0] != "identity" {
		t.Errorf("Accept-Encoding = %q, want [identity]", v)
	}
	if v := find(got, "Referer"); len(v) != 1 {
		t.Errorf("the page's own headers are lost: %v", got)
	}
	got = requestHeaders(page, map[string]string{"user-agent": "declared/1", "X-Key": "k", "Host": "other.example", "Accept-Encoding": "gzip"})
	if v := find(got, "User-Agent"); len(v) != 1 || v[0] != "declared/1" {
		t.Errorf("User-Agent = %q, want the declared one once", v)
	}
	if v := find(got, "X-Key"); len(v) != 1 || v[0] != "k" {
		t.Errorf("X-Key = %q", v)
	}
	if v := find(got, "Host"); len(v) != 0 {
		t.Errorf("Host = %q, want none", v)
	}
	if v := find(got, "Accept-Encoding"); len(v) != 1 || v[0] != "identity" {
		t.Errorf("Accept-Encoding = %q, want [identity] over the declared one", v)
	}
}

// TestRenderScriptMemory: a script that allocates without end crashes
// against the heap bound, and the render ends then, not at the time box.
func TestRenderScriptMemory(t *testing.T) {
	chromium := needChromium(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeHTML(w, `<!DOCTYPE html><html><body><h1>Terms</h1><script>
var a = []; for (;;) { a.push(new Array(1e6).fill(1.5)); }
</script></body></html>`)
	}))
	defer srv.Close()
	f := quietFetcher(Options{BrowserPath: chromium, Timeout: 5 * time.Minute})
	_, err := f.Fetch(context.Background(), Request{URL: srv.URL + "/terms", Render: terms.RenderBrowser})
	if Category(err) != terms.ErrTooLarge || !strings.Contains(fmt.Sprint(err), "renderer crashed") {
		t.Fatalf("Fetch = %v, want a %s error saying the renderer crashed", err, terms.ErrTooLarge)
	}
}
