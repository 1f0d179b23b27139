package fetch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/chromedp/cdproto/cdp"
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
// browser cannot show a 304); redirects are the browser's own business.
func (f *Fetcher) attemptBrowser(ctx context.Context, path string, req Request) (*Result, *attemptError) {
	actx, cancel := context.WithTimeout(ctx, f.opts.Timeout)
	defer cancel()

	dir, err := os.MkdirTemp("", "clausewatch-render-")
	if err != nil {
		return nil, &attemptError{category: terms.ErrBrowser, err: fmt.Errorf("browser profile: %w", err), final: true}
	}
	defer os.RemoveAll(dir)

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(actx,
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("mute-audio", true),
		chromedp.UserDataDir(dir),
		chromedp.UserAgent(f.opts.UserAgent),
	)
	// cancelAlloc waits for the browser process to exit, so the profile
	// directory is removed only after it.
	defer cancelAlloc()
	quiet := func(string, ...any) {}
	bctx, cancelBrowser := chromedp.NewContext(allocCtx, chromedp.WithLogf(quiet), chromedp.WithErrorf(quiet))
	defer cancelBrowser()

	// Start the browser alone first so that a browser that cannot start is
	// told apart from a page that cannot load.
	if err := chromedp.Do(bctx); err != nil {
		if actx.Err() != nil {
			return nil, &attemptError{category: terms.ErrTimeout, err: fmt.Errorf("start browser %s: %w", path, actx.Err())}
		}
		return nil, &attemptError{category: terms.ErrBrowser, err: fmt.Errorf("start browser %s: %w", path, err), final: true}
	}
	if len(req.Headers) > 0 {
		h := network.Headers{}
		for k, v := range req.Headers {
			h[k] = v
		}
		err := chromedp.Do(bctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: h})
			return err
		}))
		if err != nil {
			return nil, renderError(actx, fmt.Errorf("set request headers: %w", err))
		}
	}

	resp, err := chromedp.Run(bctx, chromedp.NavigateResponse(req.URL))
	if err != nil {
		return nil, renderError(actx, fmt.Errorf("navigate: %w", err))
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
		return nil, renderError(actx, fmt.Errorf("wait for body: %w", err))
	}
	html, err := chromedp.Run(bctx, chromedp.Evaluate[string]("document.documentElement.outerHTML"))
	if err != nil {
		return nil, renderError(actx, fmt.Errorf("read document: %w", err))
	}
	if int64(len(html)) > f.opts.MaxBytes {
		return nil, &attemptError{category: terms.ErrTooLarge, status: res.Status,
			err: fmt.Errorf("rendered document is over the %d byte cap", f.opts.MaxBytes), final: true}
	}
	res.Body = []byte(html)
	return res, nil
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
