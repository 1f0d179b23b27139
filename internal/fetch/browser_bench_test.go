package fetch

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// BenchmarkBrowserRender renders a page shaped like a scripted terms page
// (twenty scripts of its own site, fifty images, a stylesheet) in a real
// headless Chromium: one browser start, navigation and read per op.
func BenchmarkBrowserRender(b *testing.B) {
	const chromium = "/usr/bin/chromium"
	if _, err := os.Stat(chromium); err != nil {
		b.Skipf("skipping: %s not installed", chromium)
	}
	var page strings.Builder
	page.WriteString(`<!DOCTYPE html><html><head><link rel="stylesheet" href="/site.css"></head><body><main id="terms"></main>`)
	for i := range 20 {
		fmt.Fprintf(&page, `<script src="/js/%d.js"></script>`, i)
	}
	for i := range 50 {
		fmt.Fprintf(&page, `<img src="/img/%d.png" alt="">`, i)
	}
	page.WriteString(`</body></html>`)
	script := "var s = document.createElement('p'); s.textContent = 'Section ' + Math.random(); document.getElementById('terms').append(s);\n" + strings.Repeat("// filler of a bundled script\n", 2000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/terms":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, page.String())
		case strings.HasPrefix(r.URL.Path, "/js/"):
			w.Header().Set("Content-Type", "text/javascript")
			fmt.Fprint(w, script)
		case r.URL.Path == "/site.css":
			w.Header().Set("Content-Type", "text/css")
			fmt.Fprint(w, "main { max-width: 40em }")
		default:
			w.Header().Set("Content-Type", "image/png")
			w.Write(make([]byte, 20<<10))
		}
	}))
	defer srv.Close()
	opts := Options{BrowserPath: chromium, Retries: -1}
	opts.Warn = func(string) {}
	f := New(opts)
	b.ResetTimer()
	for b.Loop() {
		res, err := f.Fetch(context.Background(), Request{URL: srv.URL + "/terms", Render: terms.RenderBrowser})
		if err != nil {
			b.Fatal(err)
		}
		if n := strings.Count(string(res.Body), "Section "); n != 20 {
			b.Fatalf("%d scripts ran, want 20", n)
		}
	}
}
