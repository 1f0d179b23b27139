package cli

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/clausewatch/clausewatch/internal/fetch"
	"github.com/clausewatch/clausewatch/internal/report"
	"github.com/clausewatch/clausewatch/internal/source"
	"github.com/clausewatch/clausewatch/internal/store"
	"github.com/clausewatch/clausewatch/internal/terms"
)

func changesCmd() *command {
	var since, severity string
	var srcs, vendors, tiers, attrs, kinds multi
	var ruleChanges bool
	return &command{
		name:     "changes",
		readOnly: true,
		summary:  "list change events (critical first), with their evidence",
		usage:    "changes [--since WHEN] [--source ID] [--tier T] [--attribute A] [--severity S] [--format F]",
		formats:  []string{"text", "markdown", "html", "json", "atom"},
		help: `Lists the change events recorded by check, recheck and import: tier,
attribute, old → new value, severity, the clause, the sentence before and
after with a word diff, the page URL and the snapshot dates. Events of
severity low and above are grouped by severity, critical first; informational
ones (document-changed, recovered, variant-changed) are summed up in a digest.
Events of kind rule-changed (our readers improved) are left out unless
--rule-changes is given. As JSON, the array of DESIGN.md's change events; as
atom, an Atom 1.0 feed with one entry per event, newest first.

--since takes a duration back from now (36h, 7d, 2w), a date (2026-01-31) or
an RFC 3339 time.

Examples:
  clausewatch changes --since 7d
  clausewatch changes --severity high --tier consumer --format markdown
  clausewatch changes --attribute training --format json | jq '.[].new'`,
		flags: func(fs *flag.FlagSet, a *app) {
			fs.StringVar(&since, "since", "", "only events detected since `WHEN` (7d, 2026-01-31, RFC 3339)")
			fs.Var(&srcs, "source", "only this source `id` (repeatable)")
			fs.Var(&vendors, "vendor", "only this `vendor` (repeatable)")
			fs.Var(&tiers, "tier", "only this `tier` (repeatable)")
			fs.Var(&attrs, "attribute", "only this `attribute` (repeatable)")
			fs.Var(&kinds, "kind", "only this event `kind` (repeatable)")
			fs.StringVar(&severity, "severity", "", "minimum `severity`: critical, high, medium, low or info")
			fs.BoolVar(&ruleChanges, "rule-changes", false, "include rule-changed events from reprocess")
		},
		run: func(ctx context.Context, a *app, fs *flag.FlagSet, args []string) error {
			if len(args) > 0 {
				return usageErr("changes: unexpected argument %q", args[0])
			}
			f := store.EventFilter{Sources: srcs, Vendors: vendors, Tiers: tiers, Attributes: attrs, Kinds: kinds}
			if since != "" {
				t, err := parseSince(since, a.env.Now())
				if err != nil {
					return usageErr("changes: --since: %v", err)
				}
				f.Since = t
			}
			if severity != "" {
				s, err := terms.ParseSeverity(severity)
				if err != nil {
					return usageErr("changes: --severity: %v", err)
				}
				f.MinSeverity = s
			}
			if err := a.checkFilters("changes", vendors, tiers, attrs, kinds); err != nil {
				return err
			}
			for _, id := range srcs {
				if _, err := a.sourceByID(id); err != nil {
					return err
				}
			}
			evs, err := a.db.Events(ctx, f)
			if err != nil {
				return err
			}
			if !ruleChanges && !slices.Contains(kinds, terms.RuleChanged) {
				evs = slices.DeleteFunc(evs, func(e terms.Event) bool { return e.Kind == terms.RuleChanged })
			}
			var scope []string
			for _, f := range []struct {
				name   string
				values []string
			}{{"vendor", vendors}, {"tier", tiers}, {"source", srcs}, {"attribute", attrs}, {"kind", kinds}, {"severity", []string{severity}}} {
				for _, v := range f.values {
					if v != "" {
						scope = append(scope, f.name, v)
					}
				}
			}
			return a.writeEvents(evs, scope)
		},
	}
}

func (a *app) reportOptions() report.Options {
	return report.Options{
		SourceURL: func(id string) string {
			if _, s, ok := source.Find(a.vendors, id); ok {
				return fetch.Redact(s.URL)
			}
			return ""
		},
		TierLabel: func(vendor, tier string) string {
			for _, v := range a.vendors {
				if v.ID != vendor {
					continue
				}
				for _, t := range v.Tiers {
					if t.ID == tier {
						return t.Label
					}
				}
			}
			return ""
		},
		Color: a.env.Color,
	}
}

// writeEvents writes evs in the chosen format; scope (name/value
// pairs of the filters) gives an Atom feed its own id (report.FeedID).
func (a *app) writeEvents(evs []terms.Event, scope []string) error {
	w, o := a.env.Stdout, a.reportOptions()
	switch a.g.format {
	case "json":
		report.Sort(evs)
		return report.JSON(w, evs)
	case "markdown":
		return report.Markdown(w, evs, o)
	case "html":
		return report.HTML(w, evs, o)
	case "atom":
		// Updated: the newest detection, or now for an empty feed.
		feed := report.FeedInfo{ID: report.FeedID(scope...), Title: "clausewatch changes"}
		if len(scope) > 0 {
			feed.Title += " (" + strings.Join(scopeWords(scope), ", ") + ")"
		}
		for _, e := range evs {
			if e.DetectedAt.After(feed.Updated) {
				feed.Updated = e.DetectedAt
			}
		}
		if feed.Updated.IsZero() {
			feed.Updated = a.env.Now()
		}
		return report.Atom(w, evs, o, feed)
	}
	return report.Text(w, evs, o)
}

// scopeWords are a feed's scope pairs as "vendor anthropic", "tier consumer".
func scopeWords(scope []string) []string {
	var out []string
	for i := 0; i+1 < len(scope); i += 2 {
		out = append(out, scope[i]+" "+scope[i+1])
	}
	return out
}

// parseSince reads "7d", "36h", "2w", "2026-01-31" or an RFC 3339 time.
func parseSince(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if n := len(s); n > 1 && (s[n-1] == 'd' || s[n-1] == 'w') {
		k, err := strconv.Atoi(s[:n-1])
		if err == nil && k >= 0 {
			days := k
			if s[n-1] == 'w' {
				days *= 7
			}
			return now.AddDate(0, 0, -days), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%q is not a duration (7d, 36h, 2w), a date (2026-01-31) or an RFC 3339 time", s)
}
