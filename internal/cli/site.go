package cli

import (
	"context"
	"flag"
	"fmt"
	"slices"

	"github.com/clausewatch/clausewatch/internal/report"
	"github.com/clausewatch/clausewatch/internal/site"
	"github.com/clausewatch/clausewatch/internal/source"
	"github.com/clausewatch/clausewatch/internal/store"
	"github.com/clausewatch/clausewatch/internal/terms"
)

func siteCmd() *command {
	var out string
	var staleFlag staleAfter
	return &command{
		name:     "site",
		readOnly: true,
		summary:  "write a static, offline website of the database: grids, timeline, sources, feeds",
		usage:    "site --out DIR",
		help: `Writes a static website of the database into DIR, to open from disk or
publish as is (it loads nothing from the network):

  index.html       each vendor's grid laid out like the guide: attributes as
                   rows, tiers as columns, every cell's value in words and its
                   agreement with the guide (agrees, drift, conflict,
                   unverified, undocumented, unknown, not-observed); open a
                   cell for its evidence: the sentences quoted, their heading
                   path, the page (linked to the sentence), the date it was
                   read, and what the guide says with its note
  timeline.html    every change once, newest first, with its tiers and word
                   diff (filters by vendor, tier, attribute and severity
                   with JavaScript on; everything listed without)
  sources/ID.html  a source's versions, each version's text, and the diffs
                   between them: between every two versions up to 10
                   versions; past that, each version against the one before
                   and against the latest
  feeds/           Atom feeds of every change, of each vendor
                   (feeds/VENDOR.atom) and of each tier
                   (feeds/VENDOR/TIER.atom), each with its own feed id

The site is written into a temporary directory beside DIR and renamed into
place, so a half-written site is never served. An existing DIR is replaced
only when it is empty or holds a site written before (a file named
.clausewatch-site). 'check' and 'watch' take --site DIR to refresh the site
after each run.

Examples:
  clausewatch site --out public
  clausewatch check --site /var/www/clausewatch`,
		flags: func(fs *flag.FlagSet, a *app) {
			fs.StringVar(&out, "out", "", "write the site into `DIR` (required)")
			registerStale(fs, &staleFlag)
		},
		run: func(ctx context.Context, a *app, fs *flag.FlagSet, args []string) error {
			if len(args) > 0 {
				return usageErr("site: unexpected argument %q", args[0])
			}
			if out == "" {
				return usageErr("site: --out DIR is required")
			}
			th, err := staleFlag.resolve(a.env.Getenv)
			if err != nil {
				return err
			}
			if err := a.writeSite(ctx, out, th); err != nil {
				return err
			}
			fmt.Fprintf(a.env.Stdout, "site written to %s (open %s)\n", out, out+"/index.html")
			return nil
		},
	}
}

// writeSite writes the site of the database into dir (site.Write): the
// table of cells of every vendor (the same rows as status, staleness
// marked by th), the events but rule-changed, and every declared source's
// versions.
func (a *app) writeSite(ctx context.Context, dir string, th staleAfter) error {
	d, err := a.siteData(ctx, th)
	if err != nil {
		return fmt.Errorf("site %s: %w", dir, err)
	}
	return site.Write(dir, d)
}

func (a *app) siteData(ctx context.Context, th staleAfter) (site.Data, error) {
	o := a.reportOptions()
	o.Color = false
	d := site.Data{Generated: a.env.Now(), Options: o}
	ms, err := a.matrices(ctx)
	if err != nil {
		return d, err
	}
	stale, err := a.staleSources(ctx, th)
	if err != nil {
		return d, err
	}
	for _, m := range ms {
		rows := report.Rows(m)
		markStale(rows, stale)
		v := site.Vendor{Vendor: m.Vendor, Rows: rows, Notes: map[string]map[string]string{}}
		for _, b := range a.baselines {
			if b.Vendor != m.Vendor.ID {
				continue
			}
			v.Analysis = b.Analysis
			for tier, attrs := range b.Tiers {
				v.Notes[tier] = map[string]string{}
				for attr, e := range attrs {
					v.Notes[tier][attr] = e.Note
				}
			}
		}
		d.Vendors = append(d.Vendors, v)
	}
	evs, err := a.db.Events(ctx, store.EventFilter{})
	if err != nil {
		return d, err
	}
	d.Events = slices.DeleteFunc(evs, func(e terms.Event) bool { return e.Kind == terms.RuleChanged })
	for _, s := range source.All(a.vendors) {
		vs, err := a.db.Versions(ctx, s.ID)
		if err != nil {
			return d, err
		}
		src := site.Source{Source: s}
		for _, sn := range vs {
			doc, err := a.db.Document(ctx, sn.TextHash)
			if err != nil {
				return d, fmt.Errorf("%s: snapshot %d: %w", s.ID, sn.ID, err)
			}
			src.Versions = append(src.Versions, site.Version{Snapshot: sn, Clauses: doc.Clauses})
		}
		d.Sources = append(d.Sources, src)
	}
	return d, nil
}
