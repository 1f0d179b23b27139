package fetch

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"

	"github.com/chromedp/cdproto/cdp"
	cdpfetch "github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"golang.org/x/net/publicsuffix"
)

// DefaultMaxRenderRequests caps the requests one render lets through.
const DefaultMaxRenderRequests = 200

// site is the registrable domain of host ("openai.com" for
// "cdn.openai.com"), from the public suffix list; an IP address, or a name
// that is itself a public suffix ("localhost"), is its own site.
func site(host string) string {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if net.ParseIP(strings.Trim(host, "[]")) != nil {
		return host
	}
	s, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return host
	}
	return s
}

// skipped reports whether a render never loads resources of type rt:
// images, media and fonts cannot carry the text of the terms and are the
// bulk of a page's bytes; pings, reports and prefetches are not the page.
func skipped(rt network.ResourceType) bool {
	switch rt {
	case network.ResourceTypeImage, network.ResourceTypeMedia, network.ResourceTypeFont,
		network.ResourceTypeTextTrack, network.ResourceTypeManifest, network.ResourceTypePing,
		network.ResourceTypeCSPViolationReport, network.ResourceTypePrefetch, network.ResourceTypeSignedExchange:
		return true
	}
	return false
}

// requestPolicy decides what a rendered page may load: the main frame's
// documents, and subresources from the sites of those documents or from
// the declaration's browser_allow hosts; never images, media or fonts; at
// most max requests. Declared headers go only to the declared URL's
// scheme, host and port. It is safe for concurrent use.
type requestPolicy struct {
	declared  *url.URL
	allow     []string          // browser_allow: hosts, each with its subdomains
	headers   map[string]string // declared headers
	mainFrame cdp.FrameID
	max       int

	mu       sync.Mutex
	sites    map[string]bool // sites of the main frame's documents
	requests int             // requests let through
}

func newRequestPolicy(declared *url.URL, req Request, mainFrame cdp.FrameID, max int) *requestPolicy {
	return &requestPolicy{declared: declared, allow: req.BrowserAllow, headers: req.Headers,
		mainFrame: mainFrame, max: max, sites: map[string]bool{site(declared.Hostname()): true}}
}

// verdict is the decision on one request.
type verdict struct {
	allow   bool
	reason  string // why it is refused
	headers bool   // add the declared headers
	over    bool   // the request cap is exceeded: abort the render
}

// decide rules on a request for u of resource type rt made by frame.
func (p *requestPolicy) decide(u *url.URL, rt network.ResourceType, frame cdp.FrameID) verdict {
	if u.Scheme != "http" && u.Scheme != "https" {
		return verdict{reason: "scheme " + u.Scheme}
	}
	if skipped(rt) {
		return verdict{reason: "resource type " + string(rt)}
	}
	host := strings.ToLower(u.Hostname())
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case rt == network.ResourceTypeDocument && frame == p.mainFrame:
		// The page itself, or where it redirects: its site's scripts
		// come with it (the address guard still applies).
		p.sites[site(host)] = true
	case p.sites[site(host)] || p.allowed(host):
	default:
		return verdict{reason: "host " + host + " is not the page's site nor in browser_allow"}
	}
	p.requests++
	if p.requests > p.max {
		return verdict{reason: "request cap", over: true}
	}
	return verdict{allow: true, headers: len(p.headers) > 0 && u.Scheme == p.declared.Scheme && hostPort(u) == hostPort(p.declared)}
}

// allowed reports whether host is a browser_allow host or under one.
func (p *requestPolicy) allowed(host string) bool {
	for _, a := range p.allow {
		if host == a || strings.HasSuffix(host, "."+a) {
			return true
		}
	}
	return false
}

// withDeclared returns the headers of a paused request with the declared
// ones set over them (a declared Host is left to the URL).
func withDeclared(h network.Headers, declared map[string]string) []*cdpfetch.HeaderEntry {
	var out []*cdpfetch.HeaderEntry
	for k, v := range h {
		if _, ok := lookupFold(declared, k); ok {
			continue
		}
		s, ok := v.(string)
		if !ok {
			s = fmt.Sprint(v)
		}
		out = append(out, &cdpfetch.HeaderEntry{Name: k, Value: s})
	}
	for k, v := range declared {
		if strings.EqualFold(k, "Host") {
			continue
		}
		out = append(out, &cdpfetch.HeaderEntry{Name: k, Value: v})
	}
	return out
}

func lookupFold(m map[string]string, name string) (string, bool) {
	for k, v := range m {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return "", false
}

// intercept answers every paused request of the render in ctx by the
// policy until ctx ends; a request over the cap aborts the render.
func intercept(ctx context.Context, pol *requestPolicy, abort func(error)) error {
	events := chromedp.Events(ctx, cdpfetch.RequestPaused)
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, network.SetBypassServiceWorker, network.SetBypassServiceWorkerParams{Bypass: true}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, t, cdpfetch.Enable, cdpfetch.EnableParams{Patterns: []*cdpfetch.RequestPattern{{URLPattern: "*"}}})
		return err
	}))
	if err != nil {
		return fmt.Errorf("intercept requests: %w", err)
	}
	go func() {
		_ = chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			for ev, err := range events {
				if err != nil {
					return err
				}
				answer(ctx, t, pol, &ev, abort)
			}
			return nil
		}))
	}()
	return nil
}

// answer continues or fails one paused request.
func answer(ctx context.Context, t *chromedp.Target, pol *requestPolicy, ev *cdpfetch.EventRequestPaused, abort func(error)) {
	fail := func() {
		_, _ = cdp.Call(ctx, t, cdpfetch.FailRequest, cdpfetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
	}
	u, err := url.Parse(ev.Request.URL + ev.Request.URLFragment)
	if err != nil {
		fail()
		return
	}
	v := pol.decide(u, ev.ResourceType, ev.FrameID)
	if v.over {
		abort(&errBudget{msg: fmt.Sprintf("browser: page made more than %d requests", pol.max)})
		fail()
		return
	}
	if !v.allow {
		fail()
		return
	}
	params := cdpfetch.ContinueRequestParams{RequestID: ev.RequestID}
	if v.headers {
		params.Headers = withDeclared(ev.Request.Headers, pol.headers)
	}
	if _, err := cdp.Call(ctx, t, cdpfetch.ContinueRequest, params); err != nil && v.headers {
		fail()
	}
}
