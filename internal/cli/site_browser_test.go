package cli_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/clausewatch/clausewatch/internal/cli"
)

const chromium = "/usr/bin/chromium"

// TestSiteInBrowser opens the written site from disk in headless
// Chromium: a cell of the grid opens on its evidence and page link, a
// change of the timeline on its word diff, the filters work, and with
// scripts off every change is still listed. Every request the pages make
// must stay on the file system. With CLAUSEWATCH_ARTIFACTS set, a
// screenshot of the index is saved there as site-index.png.
func TestSiteInBrowser(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("no headless browser at %s: %v", chromium, err)
	}
	r := siteHistory(t)
	out := filepath.Join(t.TempDir(), "public")
	if _, errs, code := r.run("site", "--out", out); code != cli.ExitOK {
		t.Fatalf("site: exit %d\n%s", code, errs)
	}

	// A guard against a hung browser, not a timed assertion.
	guard, cancelGuard := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancelGuard()
	alloc, cancelAlloc := chromedp.NewExecAllocator(guard,
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()))
	defer cancelAlloc()
	quiet := func(string, ...any) {}
	ctx, cancel := chromedp.NewContext(alloc, chromedp.WithLogf(quiet), chromedp.WithErrorf(quiet))
	defer cancel()
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", chromium, err)
	}

	var mu sync.Mutex
	var requests []string
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			requests = append(requests, e.Request.URL)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	enable := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{})
		return err
	})
	eval := func(expr string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("evaluate %s: %v", expr, err)
		}
		return s
	}
	index := "file://" + filepath.ToSlash(filepath.Join(out, "index.html"))
	cell := "#cell-example-team-hipaa-baa"
	if err := chromedp.Do(ctx, enable, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(index),
		chromedp.WaitVisible(chromedp.CSS(cell+" summary"))); err != nil {
		t.Fatalf("open %s: %v", index, err)
	}
	if eval(`String(document.querySelector("`+cell+` details").open)`) != "false" {
		t.Fatalf("the cell's evidence is open before it is clicked")
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(cell+" summary")),
		chromedp.WaitVisible(chromedp.CSS(cell+" .evidence blockquote"))); err != nil {
		t.Fatalf("open the cell: %v", err)
	}
	text := eval(`document.querySelector("` + cell + ` .evidence").innerText`)
	for _, want := range []string{"The guide says: BAA available", "Team section: BAA on request", "example-baa", "open the page at this sentence"} {
		if !strings.Contains(text, want) {
			t.Errorf("the opened cell does not show %q:\n%s", want, text)
		}
	}
	if href := eval(`document.querySelector("` + cell + ` a.page-link").href`); !strings.HasPrefix(href, "https://example.test/baa#:~:text=") {
		t.Errorf("page link %q: want the page with a text fragment", href)
	}
	if dir := os.Getenv("CLAUSEWATCH_ARTIFACTS"); dir != "" {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "site-index.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// The timeline: filters shown (scripts on), a change opens on its diff.
	timeline := "file://" + filepath.ToSlash(filepath.Join(out, "timeline.html"))
	if err := chromedp.Do(ctx, chromedp.Navigate(timeline), chromedp.WaitVisible(chromedp.CSS("#filters")),
		chromedp.Click(chromedp.CSS("li.change.s-critical summary")),
		chromedp.WaitVisible(chromedp.CSS("li.change.s-critical .wording"))); err != nil {
		t.Fatalf("open a change of %s: %v", timeline, err)
	}
	if n := eval(`String(document.querySelectorAll("li.change.s-critical details[open] .wording del, li.change.s-critical details[open] .wording ins").length)`); n == "0" {
		t.Errorf("the opened change shows no word diff")
	}
	all := eval(`String(document.querySelectorAll("li.change").length)`)
	shown := eval(`(function(){var f=document.getElementById("filters");f.elements.severity.value="critical";f.dispatchEvent(new Event("change"));
		return String(document.querySelectorAll("li.change:not([hidden])").length)+" "+String(document.querySelectorAll("li.change:not([hidden]):not(.s-critical)").length)})()`)
	if crit, other, _ := strings.Cut(shown, " "); crit == "0" || other != "0" || crit == all {
		t.Errorf("severity filter critical: %s shown (critical, other) of %s", shown, all)
	}

	// Printed, a closed cell shows its evidence too.
	closed := "#cell-example-enterprise-hipaa-baa"
	if err := chromedp.Do(ctx, chromedp.Navigate(index), chromedp.WaitReady(chromedp.CSS(closed)),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
			return err
		})); err != nil {
		t.Fatal(err)
	}
	if got := eval(`String(document.querySelector("` + closed + ` details").open) + " " + String(document.querySelector("` + closed + ` .evidence").checkVisibility())`); got != "false true" {
		t.Errorf("printed, a closed cell's evidence: open and visible = %s, want false true", got)
	}
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: ""})
		return err
	})); err != nil {
		t.Fatal(err)
	}

	// Scripts off: no filter form, every change listed.
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}), chromedp.Navigate(timeline), chromedp.WaitReady(chromedp.CSS("ol.timeline"))); err != nil {
		t.Fatal(err)
	}
	vis, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS("li.change")))
	if err != nil {
		t.Fatal(err)
	}
	if all == "0" || len(vis) == 0 {
		t.Errorf("without scripts: %d changes listed", len(vis))
	}
	if hidden, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("#filters"), "hidden")); err != nil || !hidden.Exists {
		t.Errorf("without scripts the filter form shows (hidden %+v, %v)", hidden, err)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(requests) < 4 {
		t.Fatalf("only %d requests seen (%q): is the network listener on?", len(requests), requests)
	}
	for _, u := range requests {
		if !strings.HasPrefix(u, "file://") {
			t.Errorf("the site requested %s: every request must stay on the file system", u)
		}
	}
}
