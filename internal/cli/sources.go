package cli

import (
	"context"
	"flag"
	"fmt"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/clausewatch/clausewatch/internal/fetch"
	"github.com/clausewatch/clausewatch/internal/terms"
)

func sourcesCmd() *command {
	return &command{
		name:    "sources",
		summary: "list and validate the declarations",
		usage:   "sources [--sources DIR] [--format text|json]",
		formats: []string{"text", "json"},
		noDB:    true,
		help: `Loads the declarations (--sources DIR, else $CLAUSEWATCH_SOURCES, else
those built into the binary), validates them strictly, and lists vendors,
tiers and documents. A typo, an unknown field, a duplicate id, an invalid
selector or URL, or a tier that is not declared is reported with its file,
line and field, and exits 1. Every command reads the declarations the same
way; when it reads the built-in ones while a sources/ folder in the working
directory or beside the database differs from them, it says so on stderr.
To see how a page is read with them, use 'clausewatch try' (a file or
URL, nothing stored) or 'clausewatch explain' (a recorded version).

Examples:
  clausewatch sources
  clausewatch sources --sources ./my-sources     # validate your own declarations
  CLAUSEWATCH_SOURCES=./my-sources clausewatch sources
  clausewatch sources --format json | jq '.[].sources[].id'`,
		run: func(ctx context.Context, a *app, fs *flag.FlagSet, args []string) error {
			if len(args) > 0 {
				return usageErr("sources: unexpected argument %q", args[0])
			}
			if a.g.format == "json" {
				// The keys are the declaration's field names (terms.Source
				// and terms.Tier carry no JSON tags). Declared headers are
				// listed by name: their values may be keys or cookies, and
				// this output goes into logs and tickets.
				type tierJSON struct {
					ID    string `json:"id"`
					Label string `json:"label"`
				}
				type variantJSON struct {
					ID    string `json:"id"`
					Match string `json:"match"`
				}
				type srcJSON struct {
					ID           string        `json:"id"`
					Vendor       string        `json:"vendor"`
					Title        string        `json:"title"`
					URL          string        `json:"url"`
					Select       []string      `json:"select"`
					Remove       []string      `json:"remove"`
					Tiers        []string      `json:"tiers"`
					Headers      []string      `json:"headers,omitempty"` // names only: values may be keys or cookies
					Render       string        `json:"render,omitempty"`
					BrowserAllow []string      `json:"browser_allow,omitempty"`
					Variants     []variantJSON `json:"variants,omitempty"`
					File         string        `json:"file"`
					Line         int           `json:"line"`
					Rules        int           `json:"rules"`
				}
				type vendorJSON struct {
					ID      string     `json:"id"`
					Name    string     `json:"name"`
					File    string     `json:"file"`
					Tiers   []tierJSON `json:"tiers"`
					Sources []srcJSON  `json:"sources"`
				}
				list := func(l []string) []string {
					if l == nil {
						return []string{}
					}
					return l
				}
				out := []vendorJSON{}
				for _, v := range a.vendors {
					vj := vendorJSON{ID: v.ID, Name: v.Name, File: v.File, Tiers: []tierJSON{}, Sources: []srcJSON{}}
					for _, t := range v.Tiers {
						vj.Tiers = append(vj.Tiers, tierJSON{ID: t.ID, Label: t.Label})
					}
					for _, s := range v.Sources {
						sj := srcJSON{ID: s.ID, Vendor: s.Vendor, Title: s.Title, URL: fetch.Redact(s.URL),
							Select: list(s.Select), Remove: list(s.Remove), Tiers: list(s.Tiers),
							Headers: slices.Sorted(maps.Keys(s.Headers)), Render: s.Render, BrowserAllow: s.BrowserAllow,
							File: s.File, Line: s.Line, Rules: rulesFor(v, s.ID)}
						for _, va := range s.Variants {
							sj.Variants = append(sj.Variants, variantJSON{ID: va.ID, Match: va.Match})
						}
						vj.Sources = append(vj.Sources, sj)
					}
					out = append(out, vj)
				}
				return writeJSON(a.env.Stdout, out)
			}
			w := a.env.Stdout
			n := 0
			for _, v := range a.vendors {
				var tiers []string
				for _, t := range v.Tiers {
					tiers = append(tiers, t.ID)
				}
				fmt.Fprintf(w, "%s (%s, %s)\n  tiers: %s\n", v.ID, v.Name, v.File, strings.Join(tiers, ", "))
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				for _, s := range v.Sources {
					render := ""
					if s.Render != "" {
						render = " [render: " + s.Render + "]"
					}
					fmt.Fprintf(tw, "  %s\t%s%s\t%s\t%d rule%s\n", s.ID, fetch.Redact(s.URL), render, strings.Join(s.Tiers, ","), rulesFor(v, s.ID), plural(rulesFor(v, s.ID)))
					n++
				}
				tw.Flush()
			}
			fmt.Fprintf(w, "\n%d vendor%s, %d source%s: declarations are valid.\n", len(a.vendors), plural(len(a.vendors)), n, plural(n))
			return nil
		},
	}
}

func rulesFor(v terms.Vendor, id string) int {
	n := 0
	for _, r := range v.Rules {
		if r.Source == id {
			n++
		}
	}
	return n
}
