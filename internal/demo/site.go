package demo

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/clausewatch/clausewatch/internal/fixture"
)

// Site is an http.Handler serving the fixture page of each source at
// /<original host>/<original path> (the path RewriteURL gives), as the
// pages read in the current State. Every response carries fresh noise:
// a new seed per request, so build ids, nonces, class hashes and tracking
// parameters never repeat. Unknown paths get 404. Safe for concurrent use.
type Site struct {
	mu     sync.Mutex
	routes map[string]string // "/host/path" → source id
	state  State
	pages  map[string]fixture.Page
	seq    uint64
}

// NewSite returns a site serving the sources in urls (source id →
// original URL) in state st. A source without a fixture page is served
// as 404, like a page that moved.
func NewSite(urls map[string]string, st State) (*Site, error) {
	s := &Site{routes: map[string]string{}}
	for id, raw := range urls {
		p, err := routePath(raw)
		if err != nil {
			return nil, fmt.Errorf("source %s: %w", id, err)
		}
		s.routes[p] = id
	}
	s.SetState(st)
	return s, nil
}

// SetState makes the site serve the pages of st from the next request on.
func (s *Site) SetState(st State) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state = st
	s.pages = Pages(st)
}

// ServeHTTP serves one fixture page with fresh noise.
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	id, ok := s.routes[r.URL.Path]
	page, havePage := s.pages[id]
	s.seq++
	page.Noise, page.Epoch = s.seq, s.state.Epoch
	s.mu.Unlock()
	if !ok || !havePage {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body := page.HTML()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Request-Id", fmt.Sprintf("demo-%d", page.Noise))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		w.Write(body)
	}
}

// routePath is the local path of an original URL: "/host/path", with the
// query left out (the site serves one page per path).
func routePath(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("url %q: %w", raw, err)
	}
	if u.Host == "" {
		return "", fmt.Errorf("url %q: no host", raw)
	}
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	return "/" + strings.ToLower(u.Host) + p, nil
}

// RewriteURL maps an original document URL onto the local site at base
// ("http://127.0.0.1:PORT"): http://127.0.0.1:PORT/<host>/<path>?<query>.
func RewriteURL(base, raw string) (string, error) {
	p, err := routePath(raw)
	if err != nil {
		return "", err
	}
	u, _ := url.Parse(raw) // parsed once above
	out := strings.TrimRight(base, "/") + p
	if u.RawQuery != "" {
		out += "?" + u.RawQuery
	}
	return out, nil
}
