package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/clausewatch/clausewatch/internal/baseline"
	"github.com/clausewatch/clausewatch/internal/compare"
	"github.com/clausewatch/clausewatch/internal/terms"
)

func baselineCmd() *command {
	var vendor string
	var tiers, attrs multi
	var file string
	return &command{
		name:    "baseline",
		summary: "baseline adopt: write observed values into a vendor's documented baseline",
		usage:   "baseline adopt --vendor V [--tier T]... [--attribute A]... [--file PATH]",
		formats: []string{"text"},
		help: `'baseline adopt' writes the currently observed values, with where they were
read from, into the vendor's baseline file (sources/baselines/V.yaml, or
--file) for a person to review and commit. Drift is then reported against
it. Use --tier and --attribute to update a single cell when the published
analysis changes. Unknown observations are never adopted.

Without --file, the file is DIR/baselines/V.yaml of the declarations
folder every command reads: --sources DIR, or $CLAUSEWATCH_SOURCES. With
neither, the declarations are those built into the binary and adopt
refuses (a baseline written elsewhere would have no effect): pass
--sources sources in a clone of the repository, and keep passing it (or
export CLAUSEWATCH_SOURCES=sources) so that status and check read it.

Examples:
  clausewatch --sources sources baseline adopt --vendor openai
  CLAUSEWATCH_SOURCES=sources clausewatch baseline adopt --vendor anthropic --tier bedrock --attribute retention`,
		flags: func(fs *flag.FlagSet, a *app) {
			fs.StringVar(&vendor, "vendor", "", "vendor `id` (required)")
			fs.Var(&tiers, "tier", "only this `tier` (repeatable)")
			fs.Var(&attrs, "attribute", "only this `attribute` (repeatable)")
			fs.StringVar(&file, "file", "", "baseline file to write (default: see above)")
		},
		run: func(ctx context.Context, a *app, fs *flag.FlagSet, args []string) error {
			if len(args) == 0 || args[0] != "adopt" {
				return usageErr("baseline: want the subcommand 'adopt' (clausewatch baseline adopt --vendor V)")
			}
			if len(args) > 1 {
				return usageErr("baseline adopt: unexpected argument %q", args[1])
			}
			if vendor == "" {
				return usageErr("baseline adopt: --vendor is required")
			}
			var v *terms.Vendor
			for i := range a.vendors {
				if a.vendors[i].ID == vendor {
					v = &a.vendors[i]
				}
			}
			if v == nil {
				return usageErr("baseline adopt: unknown vendor %q", vendor)
			}
			for _, t := range tiers {
				if !slices.ContainsFunc(v.Tiers, func(x terms.Tier) bool { return x.ID == t }) {
					return usageErr("baseline adopt: vendor %s has no tier %q", vendor, t)
				}
			}
			for _, at := range attrs {
				if !terms.IsAttribute(at) {
					return usageErr("baseline adopt: --attribute %q: not an attribute (%s)", at, strings.Join(terms.Attributes, ", "))
				}
			}
			path := file
			if path == "" {
				if a.g.sources == "" {
					// Writing into ./sources/ would change nothing: every
					// command reads the declarations built into the binary.
					return usageErr("baseline adopt: the declarations in use are those built into the binary, which nothing can write into; " +
						"pass --sources DIR (or set " + sourcesEnv + "=DIR) for the folder to write the baseline into and read it from " +
						"(for example --sources sources in a clone of the repository), or --file PATH")
				}
				path = filepath.Join(a.g.sources, "baselines", vendor+".yaml")
			}
			obs, err := a.db.LatestObservations(ctx, vendor)
			if err != nil {
				return err
			}
			cells := baseline.Cells(compare.Build(*v, obs, nil), tiers, attrs)
			if len(cells) == 0 {
				return fmt.Errorf("baseline adopt: nothing observed for %s%s yet (run 'clausewatch check' first)", vendor, scope(tiers, attrs))
			}
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return fmt.Errorf("baseline adopt: %w", err)
			}
			if err := baseline.Adopt(path, vendor, cells, a.env.Now()); err != nil {
				return err
			}
			for _, c := range cells {
				fmt.Fprintf(a.env.Stdout, "%s %s %s = %s\n", vendor, c.Tier, c.Attribute, c.Value)
			}
			fmt.Fprintf(a.env.Stdout, "\nWrote %d cell%s into %s: review the notes and commit.\n", len(cells), plural(len(cells)), path)
			return nil
		},
	}
}

func scope(tiers, attrs []string) string {
	s := ""
	if len(tiers) > 0 {
		s += " tier " + strings.Join(tiers, ",")
	}
	if len(attrs) > 0 {
		s += " attribute " + strings.Join(attrs, ",")
	}
	return s
}
