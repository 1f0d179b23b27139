package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/clausewatch/clausewatch/internal/attr"
	"github.com/clausewatch/clausewatch/internal/compare"
	"github.com/clausewatch/clausewatch/internal/extract"
	"github.com/clausewatch/clausewatch/internal/fetch"
	"github.com/clausewatch/clausewatch/internal/pipeline"
	"github.com/clausewatch/clausewatch/internal/source"
	"github.com/clausewatch/clausewatch/internal/terms"
)

func tryCmd() *command {
	var src, tier, attribute string
	var timeout time.Duration
	return &command{
		name:    "try",
		noDB:    true,
		summary: "explain a file or URL read with a source's declarations; stores nothing",
		usage:   "try --source ID FILE|URL [--tier T] [--attribute A] [--format text|json]",
		formats: []string{"text", "json"},
		help: `Reads FILE (a saved page: HTML, text or markdown) or URL (fetched as check
fetches the source: its headers, render: browser through headless Chromium)
with the declarations of source ID (its selectors and removals, its tiers,
the vendor's tier names and rules) and prints what 'clausewatch explain'
prints of a recorded version: the clauses, the statements of each sentence
and whom they speak for, what the page reads for each tier, and how each
cell it feeds would be resolved from this page alone, against the
documented baseline.

Nothing is stored: no database is opened or created. Use it while writing
or fixing a vendor's declarations (--sources DIR, or $CLAUSEWATCH_SOURCES,
for declarations not built into the binary); record the page afterwards
with 'check' or 'import'.

A page none of whose selectors matches is read without them and said so:
check keeps such a page only when it holds most of the sentences of the
version nearest in time.

Examples:
  clausewatch try --source anthropic-consumer-terms consumer-terms.html
  clausewatch --sources ./sources try --source acme-terms https://acme.example/terms --attribute training
  clausewatch try --source anthropic-dpa dpa.html --tier api --format json`,
		flags: func(fs *flag.FlagSet, a *app) {
			fs.StringVar(&src, "source", "", "the source `id` whose declarations read the page (required)")
			fs.StringVar(&tier, "tier", "", "only the statements and cells of this `tier`")
			fs.StringVar(&attribute, "attribute", "", "only the statements and cells of this `attribute`")
			fs.DurationVar(&timeout, "timeout", 60*time.Second, "total `time` allowed for fetching a URL")
		},
		run: func(ctx context.Context, a *app, fs *flag.FlagSet, args []string) error {
			if src == "" {
				return usageErr("try: --source is required (the source whose declarations read the page)")
			}
			if len(args) != 1 {
				return usageErr("try: want exactly one FILE or URL, got %d arguments", len(args))
			}
			if timeout <= 0 {
				return usageErr("try: --timeout %s: want a positive duration", timeout)
			}
			s, err := a.sourceByID(src)
			if err != nil {
				return err
			}
			v, _, _ := source.Find(a.vendors, s.ID)
			if err := checkCellFilter("try", v, tier, attribute); err != nil {
				return err
			}
			raw, ct, what, err := a.tryPage(ctx, s, args[0], timeout)
			if err != nil {
				return err
			}
			x, err := pipeline.Extract(s, ct, raw)
			if err != nil {
				return fmt.Errorf("try %s: the page does not hold the declared content of %s: %w", args[0], s.ID, err)
			}
			snap := terms.Snapshot{Source: s.ID, FetchedAt: a.env.Now().UTC(), ContentType: ct, Size: int64(len(raw)), ExtractedBy: x.Method}
			obs := attr.NewReader(v).Observe(s, x.Document, snap)
			m := compare.Build(v, obs, a.documented()[v.ID])
			e := explainPage(v, s, x.Document, snap, m, tier, attribute)
			e.Read = what + ", not stored"
			e.cellsFrom = "as this page alone resolves them (no database is read)"
			if x.Method == extract.MethodAuto {
				e.Notes = append(e.Notes, "none of the declared selectors matched: the page was read without them (check keeps such a page only when it holds most of the sentences of the version nearest in time)")
			} else if x.Method != "" {
				e.Notes = append(e.Notes, "extracted by "+x.Method)
			}
			return a.writeExplanation(e)
		},
	}
}

// tryPage reads the page try was given: a URL fetched with src's fetch
// settings, or a file. what names it for the output.
func (a *app) tryPage(ctx context.Context, src terms.Source, arg string, timeout time.Duration) (raw []byte, contentType, what string, err error) {
	if strings.HasPrefix(arg, "http://") || strings.HasPrefix(arg, "https://") {
		f := fetch.New(fetch.Options{Client: a.env.HTTPClient, Version: Version, Timeout: timeout, BrowserPath: a.g.browser, Warn: a.fetchWarning})
		res, err := f.Fetch(ctx, fetch.Request{URL: arg, Headers: src.Headers, Render: src.Render, BrowserAllow: src.BrowserAllow})
		if err != nil {
			return nil, "", "", fmt.Errorf("try %s: %w", src.ID, err) // a fetch error names the URL
		}
		if res.NotModified {
			return nil, "", "", fmt.Errorf("try %s: %s answered 304 Not Modified to a request without validators", src.ID, fetch.Redact(arg))
		}
		return res.Body, res.ContentType, "fetched " + fetch.Redact(arg) + " at " + a.env.Now().UTC().Format(time.RFC3339), nil
	}
	raw, err = os.ReadFile(arg)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, "", "", fmt.Errorf("try: %s: no such file (give a saved page or an http(s) URL)", arg)
		}
		return nil, "", "", fmt.Errorf("try: %w", err)
	}
	if len(raw) == 0 {
		return nil, "", "", fmt.Errorf("try: %s: file is empty", arg)
	}
	ct, err := extract.SniffType(arg, raw)
	if err != nil {
		return nil, "", "", fmt.Errorf("try: %s: %w", arg, err)
	}
	return raw, ct, "file " + arg, nil
}
