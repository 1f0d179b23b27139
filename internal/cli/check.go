package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/clausewatch/clausewatch/internal/deliver"
	"github.com/clausewatch/clausewatch/internal/diff"
	"github.com/clausewatch/clausewatch/internal/fetch"
	"github.com/clausewatch/clausewatch/internal/pipeline"
	"github.com/clausewatch/clausewatch/internal/schedule"
	"github.com/clausewatch/clausewatch/internal/site"
	"github.com/clausewatch/clausewatch/internal/source"
	"github.com/clausewatch/clausewatch/internal/terms"
	"github.com/clausewatch/clausewatch/internal/textesc"
	"github.com/clausewatch/clausewatch/internal/webhook"
)

type checkFlags struct {
	sources     multi
	concurrency int
	hostDelay   time.Duration
	timeout     time.Duration
	retries     int
	quiet       bool
	staleAfter  staleAfter    // --stale-after: remind of a source failing past it
	webhook     string        // --webhook: POST the run's notable events here
	hookTimeout time.Duration // --webhook-timeout: bound of one delivery attempt
	notify      bool          // --notify: email the reports of new changes afterwards
	mail        mailFlags     // its mail settings (notify.go)
	site        string        // --site: refresh the static site in this directory after the run
}

func (f *checkFlags) register(fs *flag.FlagSet, a *app, withSources bool) {
	if withSources {
		fs.Var(&f.sources, "source", "check only this source `id` (repeatable, or comma-separated)")
		fs.Func("webhook", "after the run, POST its notable events as JSON to `URL` (signed with $"+webhookSecretEnv+" when set), through the outbox", webhookFlag(&f.webhook))
		fs.DurationVar(&f.hookTimeout, "webhook-timeout", webhook.DefaultTimeout, "wait at most `time` for the webhook's answer (one attempt per run; the next run retries)")
		fs.BoolVar(&f.notify, "notify", false, "then email the reports of new changes (see 'clausewatch help notify')")
		f.mail.register(fs, a)
		fs.StringVar(&f.site, "site", "", "after the run, rewrite the static site in `DIR` (see 'clausewatch help site')")
	}
	fs.IntVar(&f.concurrency, "concurrency", 4, "at most `n` fetches at once")
	fs.DurationVar(&f.hostDelay, "host-delay", time.Second, "polite `delay` between two requests to the same host")
	fs.DurationVar(&f.timeout, "timeout", 60*time.Second, "total `time` allowed for one request")
	fs.IntVar(&f.retries, "retries", 2, fmt.Sprintf("extra attempts on timeouts, network errors, 5xx and 429 (never on other 4xx), at most %d", maxRetries))
	fs.BoolVar(&f.quiet, "quiet", false, "print nothing when nothing notable happened (for cron)")
	registerStale(fs, &f.staleAfter)
}

// maxRetries caps --retries: with backoff doubling up to a minute, more
// attempts only keep a run (and the run lock) busy on a page that is down.
const maxRetries = 10

// fetchWarning writes a warning of the fetcher (Chromium running without
// its sandbox) to stderr.
func (a *app) fetchWarning(msg string) { fmt.Fprintln(a.env.Stderr, "clausewatch: warning: "+msg) }

func (a *app) pipeline(f *checkFlags) *pipeline.Pipeline {
	return &pipeline.Pipeline{
		Store: a.db,
		Fetcher: fetch.New(fetch.Options{
			Client:      a.env.HTTPClient,
			Version:     Version,
			Timeout:     f.timeout,
			Retries:     explicitZero(f.retries),
			BrowserPath: a.g.browser,
			Warn:        a.fetchWarning,
		}),
		Vendors:   a.vendors,
		Baselines: a.documented(),
		Now:       a.env.Now,
	}
}

func checkCmd() *command {
	f := &checkFlags{}
	return &command{
		name:     "check",
		summary:  "fetch every declared page, record it, compare it, report what changed",
		usage:    "check [--source ID]... [flags]",
		formats:  []string{"text", "json"},
		mutating: true,
		help: `Fetches every declared source (or those named with --source), stores each
snapshot in the database, extracts its clauses, and when the text differs
from the previous version records the new version and the change events.
Page noise (build ids, nonces, class names, tracking links) never makes a
version. One failing source never stops the others; a source that starts
failing raises one fetch-failed (or extraction-failed) event of severity
high, so the run that sees it exits 3, and a recovered event (info) when
it reads again.

A page that comes back with most of the sentences of the version in force
missing at once (a half-rendered page, an A/B test, a CDN hiccup) is stored
but held as suspect: status held-suspect, one extraction-suspect event
(high), no value events, the cells unchanged. The next fetch settles it:
the same shrunken page again accepts it (its changes are raised then, once),
the whole page again dismisses it (a recovered event, info). 'clausewatch
recheck ID --accept' accepts it at once.

A source that keeps failing does not go silent: once it has been failing
for --stale-after (default 3d: three days since its first failure; or a
number of failed runs, such as 5runs; off: never; the environment
variable CLAUSEWATCH_STALE_AFTER sets it too), every run that still fails
to read it prints one reminder line for it, with the date of its last good
read, even with --quiet, and exits 3. 'clausewatch status' marks the cells
such a source decides as stale.

Before fetching anything, check runs SQLite's quick_check over the
database: a damaged file is an error (exit 1) saying what to do.

The text summary opens with the absolute path of the database used (--db
or $CLAUSEWATCH_DB; a relative path is relative to the working directory).
Pages declared render: browser need Chromium: --browser PATH or
$CLAUSEWATCH_BROWSER, else the first of chromium, chromium-browser,
google-chrome and headless-shell on PATH.

This is what cron runs. Exit 0 when nothing notable happened, 3 when events
of severity low or above were written or a failing source was reminded
of, 1 on error (including every source failing and a damaged database),
2 on a usage error.

Examples:
  clausewatch check
  clausewatch check --source anthropic-consumer-terms --source anthropic-dpa
  clausewatch check --quiet          # silent unless something changed
  clausewatch check --format json | jq '.[] | select(.status == "new-version")'`,
		flags: func(fs *flag.FlagSet, a *app) { f.register(fs, a, true) },
		run: func(ctx context.Context, a *app, fs *flag.FlagSet, args []string) error {
			if len(args) > 0 {
				return usageErr("check: unexpected argument %q (use --source ID)", args[0])
			}
			srcs := source.All(a.vendors)
			if len(f.sources) > 0 {
				srcs = srcs[:0:0]
				for _, id := range f.sources {
					s, err := a.sourceByID(strings.TrimSpace(id))
					if err != nil {
						return err
					}
					srcs = append(srcs, s)
				}
			}
			return a.runChecks(ctx, f, srcs, pipeline.OriginCheck)
		},
	}
}

// explicitZero maps a flag's 0 ("none") to the -1 that the fetch and
// schedule options read as "none" (their 0 means "the default").
func explicitZero[T int | int64](v T) T {
	if v == 0 {
		return -1
	}
	return v
}

// beforeRun checks everything a run needs before any page is fetched: the
// flags, the staleness setting, the database's pages, the mail settings.
func (a *app) beforeRun(ctx context.Context, f *checkFlags) (staleAfter, error) {
	if err := f.validate(); err != nil {
		return staleAfter{}, err
	}
	stale, err := f.staleAfter.resolve(a.env.Getenv)
	if err != nil {
		return staleAfter{}, err
	}
	if err := a.db.QuickCheck(ctx); err != nil {
		return staleAfter{}, damaged(err)
	}
	if f.notify {
		if err := a.startOutlets(ctx, &f.mail); err != nil {
			return staleAfter{}, err
		}
	}
	if f.site != "" {
		if err := site.CheckTarget(f.site); err != nil {
			return staleAfter{}, err
		}
	}
	return stale, nil
}

// runChecks checks srcs, shows progress on a terminal, prints the summary
// and turns the result into an exit code.
func (a *app) runChecks(ctx context.Context, f *checkFlags, srcs []terms.Source, origin string) error {
	stale, err := a.beforeRun(ctx, f)
	if err != nil {
		return err
	}
	var hook *deliver.Webhook
	if f.webhook != "" {
		hook = a.webhookOutbox(f.webhook, f.hookTimeout)
	}
	hookReady := a.webhookBeforeRun(ctx, hook)
	opts := pipeline.RunOptions{
		Origin:   origin,
		Schedule: schedule.Options{Concurrency: f.concurrency, HostDelay: time.Duration(explicitZero(int64(f.hostDelay)))},
	}
	var prog *progress
	if a.env.Terminal && !f.quiet {
		prog = &progress{w: a.env.Stderr}
		opts.Progress = prog.update
	}
	res := a.pipeline(f).CheckAll(ctx, srcs, opts)
	prog.finish()
	for _, err := range res.Errors {
		fmt.Fprintf(a.env.Stderr, "clausewatch: %v\n", err)
	}
	if !(f.quiet && !res.Notable() && len(res.Errors) == 0 && res.Failed() < len(srcs)) {
		if err := a.printRun(res); err != nil {
			return err
		}
	}
	// The reminders go with the summary, or to stderr when stdout is JSON.
	rw := a.env.Stdout
	if a.g.format == "json" {
		rw = a.env.Stderr
	}
	var reminded int
	var remindErr error
	if ctx.Err() == nil {
		reminded, remindErr = a.remind(ctx, rw, stale, res)
	}
	webhookFailed := a.webhookAfterRun(ctx, hook, hookReady)
	notifyErr := a.notifyAfterCheck(ctx, f)
	err = runExit(ctx, res, len(srcs), webhookFailed, notifyErr)
	if f.site != "" && ctx.Err() == nil {
		if serr := a.writeSite(ctx, f.site, stale); serr != nil {
			fmt.Fprintf(a.env.Stderr, "clausewatch: %v\n", serr)
			if code := ExitCode(err); code == ExitOK || code == ExitChanges {
				err = &ExitError{Code: ExitFailure, Err: fmt.Errorf("check: results recorded, but the site was not written: %w", serr)}
			}
		}
	}
	switch code := ExitCode(err); {
	case code != ExitOK && code != ExitChanges:
		if remindErr != nil {
			fmt.Fprintf(a.env.Stderr, "clausewatch: %v\n", remindErr)
		}
		return err
	case remindErr != nil:
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("check: results recorded, but the failing sources could not be listed: %w", remindErr)}
	case reminded > 0:
		return &ExitError{Code: ExitChanges}
	}
	return err
}

// validate checks the numeric flags of a check.
func (f *checkFlags) validate() error {
	if f.concurrency < 1 {
		return usageErr("--concurrency %d: want at least 1", f.concurrency)
	}
	if f.retries < 0 || f.timeout <= 0 || f.hostDelay < 0 {
		return usageErr("--retries, --timeout and --host-delay must not be negative (and --timeout not zero)")
	}
	if f.retries > maxRetries {
		return usageErr("--retries %d: at most %d", f.retries, maxRetries)
	}
	if f.webhook != "" && f.hookTimeout <= 0 {
		return usageErr("--webhook-timeout %s: want a positive duration", f.hookTimeout)
	}
	return nil
}

// runExit is the exit status of a check run, for cron: 1 when it was
// interrupted, could not record a source, saw every source fail or could
// not deliver its reports; 3 when it found something notable; 0 otherwise.
func runExit(ctx context.Context, res pipeline.Result, n int, webhookFailed bool, notifyErr error) error {
	switch {
	case ctx.Err() != nil:
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("check interrupted: %w", ctx.Err())}
	case len(res.Errors) > 0:
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("check: %d source(s) could not be recorded", len(res.Errors))}
	case n > 0 && res.Failed() == n:
		hint := ""
		if res.FailedWith(terms.ErrNetwork, terms.ErrTimeout) == n {
			hint = "; is the network reachable?"
		}
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("check: every source failed (%d of %d)%s", res.Failed(), n, hint)}
	case webhookFailed:
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("check: webhook delivery failed")}
	case notifyErr != nil:
		return &ExitError{Code: ExitFailure, Err: errors.New("check: results recorded, but the email reports were not all sent")}
	case res.Notable():
		return &ExitError{Code: ExitChanges}
	}
	return nil
}

// failureReason is a failure as a line that already names the source
// shows it: a fetch failure without its URL (fetch.Error.Reason), an
// extraction failure as extract said it.
func failureReason(err error) string {
	var fe *fetch.Error
	if errors.As(err, &fe) {
		return fe.Reason()
	}
	return err.Error()
}

// outcomeJSON is the JSON shape of one source's outcome in `check --format json`.
type outcomeJSON struct {
	Source        string        `json:"source"`
	Status        string        `json:"status"` // new-version, first-version, unchanged, not-modified, failed
	Snapshot      int64         `json:"snapshot,omitempty"`
	FetchedAt     *time.Time    `json:"fetched_at,omitempty"`
	HTTPStatus    int           `json:"http_status,omitempty"`
	ErrorCategory string        `json:"error_category,omitempty"`
	Error         string        `json:"error,omitempty"`
	Changes       string        `json:"changes,omitempty"`
	Events        []terms.Event `json:"events"`
}

func outcomeStatus(o pipeline.Outcome) string {
	switch {
	case o.Err != nil:
		return "failed"
	case o.Held:
		return "held-suspect"
	case o.First && o.NewVersion:
		return "first-version"
	case o.NewVersion:
		return "new-version"
	case o.Snapshot.NotModified:
		return "not-modified"
	case o.Snapshot.ID == 0:
		return "skipped"
	}
	return "unchanged"
}

func toJSON(o pipeline.Outcome) outcomeJSON {
	j := outcomeJSON{Source: o.Source.ID, Status: outcomeStatus(o), Snapshot: o.Snapshot.ID,
		HTTPStatus: o.Snapshot.Status, ErrorCategory: o.Snapshot.ErrorCategory, Events: o.Events}
	if !o.Snapshot.FetchedAt.IsZero() {
		t := o.Snapshot.FetchedAt
		j.FetchedAt = &t
	}
	if o.Err != nil {
		j.Error = o.Err.Error()
		if j.ErrorCategory == "" {
			j.ErrorCategory = fetch.Category(o.Err)
		}
	}
	if o.NewVersion && !o.First {
		j.Changes = o.Summary.String()
	}
	if j.Events == nil {
		j.Events = []terms.Event{}
	}
	return j
}

func (a *app) printRun(res pipeline.Result) error {
	w := a.env.Stdout
	if a.g.format == "json" {
		out := make([]outcomeJSON, 0, len(res.Outcomes))
		for _, o := range res.Outcomes {
			out = append(out, toJSON(o))
		}
		return writeJSON(w, out)
	}
	// The path as the user gave it may be relative to a directory cron or
	// a service chose: the header names the file itself.
	path := a.g.db
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	fmt.Fprintf(w, "Database: %s\n", textesc.Terminal(path))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	counts := map[string]int{}
	sev := map[terms.Severity]int{}
	events := 0
	for _, o := range res.Outcomes {
		st := outcomeStatus(o)
		counts[st]++
		detail := ""
		switch st {
		case "failed":
			detail = fmt.Sprintf("%s: %s", o.Snapshot.ErrorCategory, failureReason(o.Err))
		case "new-version":
			detail = o.Summary.String()
			if o.Accepted != 0 {
				detail = fmt.Sprintf("the page held as suspect (snapshot %d) is confirmed: %s", o.Accepted, detail)
			}
		case "held-suspect":
			detail = fmt.Sprintf("snapshot %d lost most of the version in force: held, not compared", o.Snapshot.ID)
		case "first-version":
			detail = fmt.Sprintf("snapshot %d recorded", o.Snapshot.ID)
		}
		for _, e := range o.Events {
			sev[e.Severity]++
			events++
		}
		if n := len(o.Events); n > 0 {
			detail += fmt.Sprintf("  [%d event%s]", n, plural(n))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", o.Source.ID, st, strings.TrimSpace(detail))
	}
	tw.Flush()
	var parts []string
	for _, st := range []string{"first-version", "new-version", "held-suspect", "unchanged", "not-modified", "failed", "skipped"} {
		if counts[st] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[st], st))
		}
	}
	var sevs []string
	for _, s := range []terms.Severity{terms.Critical, terms.High, terms.Medium, terms.Low, terms.Info} {
		if sev[s] > 0 {
			sevs = append(sevs, fmt.Sprintf("%d %s", sev[s], s))
		}
	}
	fmt.Fprintf(w, "\nChecked %d source%s: %s; %d event%s", len(res.Outcomes), plural(len(res.Outcomes)), strings.Join(parts, ", "), events, plural(events))
	if len(sevs) > 0 {
		fmt.Fprintf(w, " (%s)", strings.Join(sevs, ", "))
	}
	fmt.Fprintln(w, ".")
	if events > 0 {
		fmt.Fprintln(w, "Run 'clausewatch changes' to read them.")
	}
	return nil
}

// printOutcomeDetail shows one source's outcome with its events and diff.
func (a *app) printOutcomeDetail(o pipeline.Outcome) error {
	w := a.env.Stdout
	switch a.g.format {
	case "json":
		return writeJSON(w, toJSON(o))
	case "markdown":
		fmt.Fprintf(w, "## %s: %s\n\n", o.Source.ID, outcomeStatus(o))
		if o.Err != nil {
			fmt.Fprintf(w, "Error: %s\n", textesc.Markdown(o.Err.Error()))
		}
		return diff.RenderMarkdown(w, o.Changes)
	case "html":
		return diff.RenderHTML(w, o.Changes)
	}
	fmt.Fprintf(w, "%s: %s", o.Source.ID, outcomeStatus(o))
	if o.Snapshot.ID != 0 {
		fmt.Fprintf(w, " (snapshot %d, %s)", o.Snapshot.ID, o.Snapshot.FetchedAt.Format(time.RFC3339))
	}
	fmt.Fprintln(w)
	if o.Err != nil {
		fmt.Fprintf(w, "  %v\n", o.Err)
	}
	for _, e := range o.Events {
		fmt.Fprintf(w, "  %-8s %s %s\n", e.Severity, e.Kind, eventLine(e))
	}
	switch {
	case o.Held:
		fmt.Fprintf(w, "  the page lost most of the sentences of the version in force: snapshot %d is held as suspect, not compared;\n"+
			"  the next check confirms or dismisses it ('clausewatch recheck %s --accept' accepts it now)\n", o.Snapshot.ID, o.Source.ID)
	case o.Accepted != 0:
		fmt.Fprintf(w, "  the page held as suspect (snapshot %d) is accepted as the version in force\n", o.Accepted)
	case o.Dismissed != 0:
		fmt.Fprintf(w, "  the page held as suspect (snapshot %d) is dismissed: the page is whole again\n", o.Dismissed)
	}
	if (o.NewVersion && !o.First) || o.Held {
		fmt.Fprintf(w, "\n%s\n\n", o.Summary)
		return diff.RenderText(w, o.Changes, a.env.Color)
	}
	return nil
}

func eventLine(e terms.Event) string {
	var parts []string
	if e.Tier != "" {
		parts = append(parts, e.Tier)
	}
	if e.Attribute != "" {
		parts = append(parts, e.Attribute)
	}
	s := strings.Join(parts, " ")
	if e.Old != nil || e.New != nil {
		s += fmt.Sprintf(": %s → %s", valueString(e.Old), valueString(e.New))
	}
	if e.Detail != "" {
		s = strings.TrimSpace(s + " " + e.Detail)
	}
	return s
}

func valueString(v *terms.Value) string {
	if v == nil {
		return "—"
	}
	return v.String()
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// progress draws "[ 3/12] source-id status" on one terminal line.
type progress struct {
	w  io.Writer
	mu sync.Mutex
	n  int
}

func (p *progress) update(done, total int, o pipeline.Outcome) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n = total
	fmt.Fprintf(p.w, "\r\x1b[K[%*d/%d] %s %s", len(fmt.Sprint(total)), done, total, o.Source.ID, outcomeStatus(o))
}

func (p *progress) finish() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.n > 0 {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
