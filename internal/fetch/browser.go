package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/inspector"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// browserNames are the executables FindBrowser looks up on PATH, in order.
func browserNames() []string {
	return []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"}
}

// FindBrowser returns the Chromium executable to render with: path itself
// when it is set (it must name an executable file, or a command on PATH),
// else the first of chromium, chromium-browser, google-chrome and
// headless-shell found on PATH. When none is usable the
// error is an *Error of category terms.ErrBrowser whose message tells the
// user to install Chromium or to set the browser path.
func FindBrowser(path string) (string, error) {
	if path != "" {
		p, err := exec.LookPath(path)
		if err != nil {
			return "", &Error{Category: terms.ErrBrowser,
				Err: fmt.Errorf("browser %q is not usable (%w): install Chromium (for example apt-get install chromium) or set the browser path to a Chromium executable (clausewatch --browser PATH, or $CLAUSEWATCH_BROWSER)", path, err)}
		}
		return p, nil
	}
	for _, name := range browserNames() {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", &Error{Category: terms.ErrBrowser,
		Err: fmt.Errorf("no headless browser found on PATH (looked for %s): install Chromium (for example apt-get install chromium) or set the browser path (clausewatch --browser PATH, or $CLAUSEWATCH_BROWSER)", strings.Join(browserNames(), ", "))}
}

// attemptBrowser renders req.URL once in a fresh headless Chromium with a
// temporary profile: navigate, wait for the body, let scripts settle, then
// take the document's outer HTML. Conditional headers are not sent (a
// browser cannot show a 304); redirects of the page itself are the
// browser's own business.
//
// The render is bounded: it must end within Options.Timeout (the browser
// is killed then); every connection goes through a proxy that refuses
// loopback, private and link-local addresses other than the declared
// URL's own host:port (guard.go); requests are intercepted (intercept.go)
// so that only the page's site and its browser_allow hosts are reached,
// images, media and fonts are never loaded, declared headers go only to
// the declared host, no content encoding is accepted (the browser never
// decodes a compressed bomb), and at most MaxRenderRequests requests and
// MaxRenderBytes bytes (MaxBytes for one resource) are received, else the
// render is aborted with a too-large error; scripts get a bounded heap
// (maxOldSpaceMB) and a renderer that crashes ends the render.
func (f *Fetcher) attemptBrowser(ctx context.Context, path string, req Request) (*Result, *attemptError) {
	declared, err := url.Parse(req.URL)
	if err != nil {
		return nil, &attemptError{category: terms.ErrClient, err: fmt.Errorf("bad url: %w", err), final: true}
	}
	tctx, cancelTimeout := context.WithTimeout(ctx, f.opts.Timeout)
	defer cancelTimeout()
	actx, abort := context.WithCancelCause(tctx)
	defer abort(nil)

	b := &budget{max: f.opts.MaxRenderBytes, maxResource: f.opts.MaxBytes, abort: abort}
	pol := newRequestPolicy(declared, req, "", f.opts.MaxRenderRequests, f.opts.MaxBytes)
	guard := newAddrGuard(declared, f.opts.ConnectTimeout, f.reachable)
	guard.hostOK = pol.hostOK
	proxy, err := startProxy(guard, b)
	if err != nil {
		return nil, &attemptError{category: terms.ErrBrowser, err: err, final: true}
	}
	defer proxy.Close()

	dir, err := os.MkdirTemp("", "clausewatch-render-")
	if err != nil {
		return nil, &attemptError{category: terms.ErrBrowser, err: fmt.Errorf("browser profile: %w", err), final: true}
	}
	defer os.RemoveAll(dir)

	// Start the browser alone first so that a browser that cannot start is
	// told apart from a page that cannot load.
	bctx, stop, aerr := f.launch(actx, path, dir, proxy.URL())
	// stop waits for the browser process to exit, so the profile
	// directory is removed only after it.
	defer stop()
	if aerr != nil {
		return nil, f.boundedError(actx, aerr)
	}

	mainFrame := cdp.FrameID(chromedp.FromContext(bctx).Target.TargetID)
	pol.setMainFrame(mainFrame)
	if err := chromedp.Listen(bctx, countBytes(b, mainFrame)); err != nil {
		return nil, f.boundedError(actx, renderError(actx, fmt.Errorf("listen: %w", err)))
	}
	if err := intercept(bctx, pol, abort); err != nil {
		return nil, f.boundedError(actx, renderError(actx, err))
	}

	resp, err := chromedp.Run(bctx, chromedp.NavigateResponse(req.URL))
	if refused := pol.documentRefused(); refused != nil {
		return nil, f.boundedError(actx, refused)
	}
	if err != nil {
		return nil, f.boundedError(actx, navigateError(actx, guard, fmt.Errorf("navigate: %w", err)))
	}
	res := &Result{URL: req.URL}
	if resp != nil {
		res.URL = resp.URL
		res.Status = int(resp.Status)
		res.ContentType = header(resp.Headers, "Content-Type")
		if res.ContentType == "" {
			res.ContentType = resp.MimeType
		}
		res.ETag = header(resp.Headers, "ETag")
		res.LastModified = header(resp.Headers, "Last-Modified")
	}
	if resp != nil && (header(resp.Headers, blockedHeader) != "" || header(resp.Headers, proxyErrorHeader) != "") {
		if d := guard.lastFailure(); d != nil {
			return nil, f.boundedError(actx, proxyFailure(actx, d))
		}
	}
	switch code := res.Status; {
	case code == 429:
		e := failf(ErrRateLimited, code, "status %d", code)
		e.retryAfter = header(resp.Headers, "Retry-After")
		return nil, e
	case code >= 500:
		e := failf(terms.ErrServer, code, "status %d", code)
		e.retryAfter = header(resp.Headers, "Retry-After")
		return nil, e
	case code >= 400:
		return nil, failf(terms.ErrClient, code, "status %d", code)
	}
	if res.ContentType != "" && !acceptedType(res.ContentType) {
		return nil, failf(terms.ErrContentType, res.Status, "content type %q is not a page", res.ContentType)
	}

	err = chromedp.Do(bctx,
		chromedp.WaitReady(chromedp.CSS("body")),
		chromedp.Sleep(f.opts.RenderSettle),
	)
	if err != nil {
		return nil, f.boundedError(actx, renderError(actx, fmt.Errorf("wait for body: %w", err)))
	}
	html, err := chromedp.Run(bctx, chromedp.Evaluate[string]("document.documentElement.outerHTML"))
	if err != nil {
		return nil, f.boundedError(actx, renderError(actx, fmt.Errorf("read document: %w", err)))
	}
	if actx.Err() != nil {
		// A cap was hit while the document was read.
		return nil, f.boundedError(actx, renderError(actx, context.Cause(actx)))
	}
	if int64(len(html)) > f.opts.MaxBytes {
		return nil, &attemptError{category: terms.ErrTooLarge, status: res.Status,
			err: fmt.Errorf("rendered document is over the %d byte cap", f.opts.MaxBytes), final: true}
	}
	res.Body = []byte(html)
	return res, nil
}

// boundedError turns the failure of a render whose context ended into the
// reason it ended: a cap it exceeded (too large, final) or its time box
// (a timeout, final: a page that did not finish in Options.Timeout will not
// finish in the next attempt either). Other failures pass unchanged.
func (f *Fetcher) boundedError(actx context.Context, aerr *attemptError) *attemptError {
	var be *errBudget
	switch cause := context.Cause(actx); {
	case errors.As(cause, &be):
		return &attemptError{category: terms.ErrTooLarge, status: aerr.status, err: be, final: true}
	case errors.Is(cause, context.DeadlineExceeded):
		return &attemptError{category: terms.ErrTimeout, status: aerr.status, final: true,
			err: fmt.Errorf("browser: render did not finish within %s (time box): %w", f.opts.Timeout, aerr.err)}
	}
	return aerr
}

// countBytes is the listener that passes the decoded bytes Chromium
// reports to the budget; the main frame's document is "the document".
func countBytes(b *budget, mainFrame cdp.FrameID) func(ev any) {
	var (
		mu      sync.Mutex
		per     = map[network.RequestID]int64{}
		mainDoc = map[network.RequestID]bool{}
	)
	return func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			if ev.Type == network.ResourceTypeDocument && ev.FrameID == mainFrame {
				mainDoc[ev.RequestID] = true
			}
		case *network.EventDataReceived:
			per[ev.RequestID] += ev.DataLength
			what := "a resource"
			if mainDoc[ev.RequestID] {
				what = "the document"
			}
			b.addDecoded(ev.DataLength, per[ev.RequestID], what)
		case *network.EventLoadingFinished:
			delete(per, ev.RequestID)
		case *inspector.EventTargetCrashed:
			// Mostly a script over the heap bound (maxOldSpaceMB): end
			// the render now rather than at the time box.
			b.exceed("browser: the page's renderer crashed (a script over the %d MiB heap bound?)", maxOldSpaceMB)
		}
	}
}

// launch starts Chromium for one render with its profile in dir and every
// connection through proxy. It runs sandboxed unless the sandbox cannot
// work here: as root Chromium refuses to start sandboxed, and without user
// namespaces or the setuid helper it reports no usable sandbox; then it
// runs with --no-sandbox and Options.Warn is told why, once per Fetcher.
// stop kills the browser and waits for it; it must be called even when
// err is not nil.
func (f *Fetcher) launch(actx context.Context, path, dir, proxy string) (bctx context.Context, stop func(), _ *attemptError) {
	noSandbox, why := f.sandboxOff()
	for {
		bctx, stop := f.newBrowser(actx, path, dir, proxy, noSandbox)
		err := chromedp.Do(bctx)
		if err == nil {
			if why != "" {
				f.warnOnce("browser: running Chromium without its sandbox: " + why)
			}
			return bctx, stop, nil
		}
		stop()
		if actx.Err() != nil {
			return actx, func() {}, &attemptError{category: terms.ErrTimeout, err: fmt.Errorf("start browser %s: %w", path, actx.Err())}
		}
		if !noSandbox {
			if line, ok := sandboxFailure(err.Error()); ok {
				noSandbox, why = true, "it cannot start here ("+line+")"
				f.setSandboxOff(why)
				continue
			}
		}
		return actx, func() {}, &attemptError{category: terms.ErrBrowser, err: fmt.Errorf("start browser %s: %w", path, err), final: true}
	}
}

// sandboxFailure finds the line of a failed start's output that says the
// sandbox could not be set up.
func sandboxFailure(output string) (string, bool) {
	for line := range strings.SplitSeq(output, "\n") {
		if strings.Contains(strings.ToLower(line), "sandbox") {
			return strings.TrimSpace(line), true
		}
	}
	return "", false
}

// sandboxOff says whether renders run without Chromium's sandbox, and why:
// as root it cannot start, or an earlier start found it unusable.
func (f *Fetcher) sandboxOff() (bool, string) {
	f.sandboxMu.Lock()
	defer f.sandboxMu.Unlock()
	if f.noSandboxWhy != "" {
		return true, f.noSandboxWhy
	}
	if f.opts.Euid() == 0 {
		return true, "running as root, where Chromium refuses to start sandboxed (run clausewatch as an ordinary user to keep it)"
	}
	return false, ""
}

func (f *Fetcher) setSandboxOff(why string) {
	f.sandboxMu.Lock()
	defer f.sandboxMu.Unlock()
	f.noSandboxWhy = why
}

// warnOnce passes msg to Options.Warn the first time only.
func (f *Fetcher) warnOnce(msg string) {
	f.sandboxMu.Lock()
	warned := f.warned
	f.warned = true
	f.sandboxMu.Unlock()
	if !warned {
		f.opts.Warn(msg)
	}
}

// maxOldSpaceMB bounds the JavaScript heap of the page (V8's old space);
// a terms page needs a few tens of megabytes.
const maxOldSpaceMB = 512

// newBrowser returns the context of a fresh browser (started by the first
// action run in it) and the function that kills it and waits for it.
func (f *Fetcher) newBrowser(actx context.Context, path, dir, proxy string, noSandbox bool) (context.Context, func()) {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("dns-prefetch-disable", true),
		chromedp.Flag("mute-audio", true),
		// Images are not even requested (intercept.go refuses the
		// requests that are made all the same, CSS backgrounds).
		chromedp.Flag("blink-settings", "imagesEnabled=false"),
		// Every connection through the guarding proxy, loopback included
		// (Chromium bypasses a proxy for loopback unless told not to);
		// no name resolved by Chromium itself; no WebRTC UDP around the
		// proxy.
		chromedp.ProxyServer(proxy),
		chromedp.Flag("proxy-bypass-list", "<-loopback>"),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.Flag("force-webrtc-ip-handling-policy", "disable_non_proxied_udp"),
		chromedp.Flag("js-flags", fmt.Sprintf("--max-old-space-size=%d", maxOldSpaceMB)),
		chromedp.UserDataDir(dir),
		chromedp.UserAgent(f.opts.UserAgent),
	}
	// Said either way: chromedp adds --no-sandbox on its own as root
	// unless the flag is set to false.
	opts = append(opts, chromedp.Flag("no-sandbox", noSandbox))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(actx, opts...)
	quiet := func(string, ...any) {}
	bctx, cancelBrowser := chromedp.NewContext(allocCtx, chromedp.WithLogf(quiet), chromedp.WithErrorf(quiet))
	return bctx, func() { cancelBrowser(); cancelAlloc() }
}

// navigateError classifies a failed navigation: when the proxy could not
// reach the page (Chromium sees only a failed tunnel), by the proxy's
// reason; else as renderError.
func navigateError(actx context.Context, g *addrGuard, err error) *attemptError {
	var le *chromedp.LoadError
	if errors.As(err, &le) && strings.Contains(le.ErrorText, "ERR_TUNNEL_CONNECTION_FAILED") {
		if d := g.lastFailure(); d != nil {
			return proxyFailure(actx, d)
		}
	}
	return renderError(actx, err)
}

// proxyFailure classifies a page the proxy did not reach: refused by the
// address guard (never retried), or a failed dial as if the browser had
// dialled.
func proxyFailure(actx context.Context, d *dialFailure) *attemptError {
	var be *blockedError
	if errors.As(d.err, &be) {
		return &attemptError{category: ErrRedirectRefused, final: true,
			err: fmt.Errorf("browser: navigation refused: %w", be)}
	}
	return renderError(actx, fmt.Errorf("navigate: %w", d.loadError()))
}

// renderError classifies a failure after the browser started.
func renderError(actx context.Context, err error) *attemptError {
	if actx.Err() != nil {
		return &attemptError{category: terms.ErrTimeout, err: err}
	}
	var le *chromedp.LoadError
	if errors.As(err, &le) {
		switch {
		case strings.Contains(le.ErrorText, "TIMED_OUT"):
			return &attemptError{category: terms.ErrTimeout, err: err}
		case strings.Contains(le.ErrorText, "CONTENT_DECODING_FAILED"):
			// A render asks for no content encoding (so that the browser
			// never decodes a compressed bomb) and Chromium refuses a
			// response compressed all the same.
			return &attemptError{category: terms.ErrContentType, final: true,
				err: fmt.Errorf("%w: the page came compressed though the render asks for no content encoding", err)}
		case strings.Contains(le.ErrorText, "TOO_MANY_REDIRECTS"):
			return &attemptError{category: terms.ErrRedirects, err: err, final: true}
		case strings.Contains(le.ErrorText, "CERT_"), strings.Contains(le.ErrorText, "NAME_NOT_RESOLVED"):
			// A certificate or a host name that does not resolve will not
			// be different a few seconds later (as for plain HTTP).
			return &attemptError{category: terms.ErrNetwork, err: err, final: true}
		}
		return &attemptError{category: terms.ErrNetwork, err: err}
	}
	// The browser died or lost its connection.
	return &attemptError{category: terms.ErrBrowser, err: err, final: true}
}

// header returns a response header of a browser response, whatever the
// case of its name.
func header(h network.Headers, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			if s, ok := v.(string); ok {
				return s
			}
			return fmt.Sprint(v)
		}
	}
	return ""
}
