package fetch

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/chromedp/cdproto/cdp"
	cdpfetch "github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"golang.org/x/net/publicsuffix"

	"github.com/clausewatch/clausewatch/internal/terms"
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
	declared    *url.URL
	allow       []string          // browser_allow: hosts, each with its subdomains
	headers     map[string]string // declared headers
	mainFrame   cdp.FrameID
	max         int   // requests
	maxResource int64 // bytes announced by one response

	mu       sync.Mutex
	docErr   *attemptError   // why the main document's response was refused
	sites    map[string]bool // sites of the main frame's documents
	requests int             // requests let through
}

func newRequestPolicy(declared *url.URL, req Request, mainFrame cdp.FrameID, max int, maxResource int64) *requestPolicy {
	return &requestPolicy{declared: declared, allow: req.BrowserAllow, headers: req.Headers,
		mainFrame: mainFrame, max: max, maxResource: maxResource, sites: map[string]bool{site(declared.Hostname()): true}}
}

// setMainFrame names the main frame once the browser has started.
func (p *requestPolicy) setMainFrame(id cdp.FrameID) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.mainFrame = id
}

// hostOK reports whether the page may reach host at all: one of the sites
// of its documents or a browser_allow host.
func (p *requestPolicy) hostOK(host string) bool {
	host = strings.ToLower(host)
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sites[site(host)] || p.allowed(host)
}

func (p *requestPolicy) frame() cdp.FrameID {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.mainFrame
}

// refuseDocument records why the main document's response was refused.
func (p *requestPolicy) refuseDocument(e *attemptError) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.docErr = e
}

// documentRefused is the reason the main document was refused, nil if it
// was not.
func (p *requestPolicy) documentRefused() *attemptError {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.docErr
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
	return verdict{allow: true, headers: len(p.headers) > 0 && u.Scheme == p.declared.Scheme && sameHost(u, p.declared)}
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

// requestHeaders returns the headers of a paused request with
// Accept-Encoding: identity and, when declared is not nil, the declared
// headers set over them (a declared Host is left to the URL). Asking for
// identity keeps a compressed bomb from being decoded by the browser: what
// the proxy counts on the wire is what the page gets.
func requestHeaders(h network.Headers, declared map[string]string) []*cdpfetch.HeaderEntry {
	var out []*cdpfetch.HeaderEntry
	for k, v := range h {
		if _, ok := lookupFold(declared, k); ok || strings.EqualFold(k, "Accept-Encoding") {
			continue
		}
		s, ok := v.(string)
		if !ok {
			s = fmt.Sprint(v)
		}
		out = append(out, &cdpfetch.HeaderEntry{Name: k, Value: s})
	}
	for k, v := range declared {
		if strings.EqualFold(k, "Host") || strings.EqualFold(k, "Accept-Encoding") {
			continue
		}
		out = append(out, &cdpfetch.HeaderEntry{Name: k, Value: v})
	}
	return append(out, &cdpfetch.HeaderEntry{Name: "Accept-Encoding", Value: "identity"})
}

// refuseResponse says why a response may not reach the page: it is
// compressed although identity was asked for (the browser would decode it
// unbounded), or it announces more than max bytes.
func refuseResponse(headers []*cdpfetch.HeaderEntry, max int64) (category, reason string) {
	for _, h := range headers {
		switch {
		case strings.EqualFold(h.Name, "Content-Encoding"):
			if enc := strings.ToLower(strings.TrimSpace(h.Value)); enc != "" && enc != "identity" {
				return terms.ErrContentType, fmt.Sprintf("came with content encoding %q though the render asks for none", enc)
			}
		case strings.EqualFold(h.Name, "Content-Length"):
			if n, err := strconv.ParseInt(strings.TrimSpace(h.Value), 10, 64); err == nil && n > max {
				return terms.ErrTooLarge, fmt.Sprintf("is %d bytes, over the %d byte cap", n, max)
			}
		}
	}
	return "", ""
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
		_, err := cdp.Call(ctx, t, cdpfetch.Enable, cdpfetch.EnableParams{Patterns: []*cdpfetch.RequestPattern{
			{URLPattern: "*", RequestStage: cdpfetch.RequestStageRequest},
			{URLPattern: "*", RequestStage: cdpfetch.RequestStageResponse},
		}})
		return err
	}))
	if err != nil {
		return fmt.Errorf("intercept requests: %w", err)
	}
	go func() {
		_ = chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			// Answers go out concurrently (each is a round trip to the
			// browser), a few at a time.
			sem := make(chan struct{}, answerers)
			for ev, err := range events {
				if err != nil {
					return err
				}
				sem <- struct{}{}
				go func() {
					defer func() { <-sem }()
					answer(ctx, t, pol, &ev, abort)
				}()
			}
			return nil
		}))
	}()
	return nil
}

// answerers is how many paused requests are answered at once.
const answerers = 16

// answer continues or fails one paused request: at the request stage by
// the policy, at the response stage by refuseResponse.
func answer(ctx context.Context, t *chromedp.Target, pol *requestPolicy, ev *cdpfetch.EventRequestPaused, abort func(error)) {
	fail := func() {
		_, _ = cdp.Call(ctx, t, cdpfetch.FailRequest, cdpfetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
	}
	if ev.ResponseErrorReason != "" {
		// Let the browser's own error through (failRequest would name it
		// only "Failed").
		_, _ = cdp.Call(ctx, t, cdpfetch.ContinueRequest, cdpfetch.ContinueRequestParams{RequestID: ev.RequestID})
		return
	}
	if ev.ResponseStatusCode != 0 {
		if category, reason := refuseResponse(ev.ResponseHeaders, pol.maxResource); reason != "" {
			if ev.ResourceType == network.ResourceTypeDocument && ev.FrameID == pol.frame() {
				pol.refuseDocument(&attemptError{category: category, final: true,
					err: fmt.Errorf("browser: the document %s", reason)})
			}
			fail()
			return
		}
		_, _ = cdp.Call(ctx, t, cdpfetch.ContinueResponse, cdpfetch.ContinueResponseParams{RequestID: ev.RequestID})
		return
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
	var declared map[string]string
	if v.headers {
		declared = pol.headers
	}
	params := cdpfetch.ContinueRequestParams{RequestID: ev.RequestID, Headers: requestHeaders(ev.Request.Headers, declared)}
	if _, err := cdp.Call(ctx, t, cdpfetch.ContinueRequest, params); err != nil {
		fail()
	}
}
