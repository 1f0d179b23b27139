package cli

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/clausewatch/clausewatch/internal/attr"
	"github.com/clausewatch/clausewatch/internal/compare"
	"github.com/clausewatch/clausewatch/internal/source"
	"github.com/clausewatch/clausewatch/internal/terms"
	"github.com/clausewatch/clausewatch/internal/textesc"
)

func explainCmd() *command {
	var vendor, tier, attribute string
	return &command{
		name:    "explain",
		noDB:    true, // opened by run once the arguments are known to be good
		summary: "how a source's page was read: clauses, statements, whom, cells",
		usage:   "explain ID [--tier T] [--attribute A] [--format text|json]\n       clausewatch explain --vendor V --tier T --attribute A [--format text|json]",
		formats: []string{"text", "json"},
		help: `Shows, for the version in force of source ID (its latest recorded version),
everything the reading of the page is made of, without opening the
database by hand:

  - the clauses the page was split into, in order: heading path, kind and
    the start of the text;
  - under each clause, the statements its sentences make (the sentences
    of one clause that speak for the same tiers are read together): the
    attribute, the value, its conditions (an "unless ..." or "except ..."
    tail), the supporting sentence when it is not the clause's opening,
    and whom it speaks for, with why: which tier name the sentence, its
    list lead-in or its heading uses, or "document-wide: the page's
    tiers" when it names none;
  - what the page reads for each tier (the observations check records);
  - for each cell the page feeds, how it is resolved from every page's
    current statements, as status shows it: the deciding statement, those
    it outranks (a page primary for the attribute first, then a statement
    naming the tier), both sides of a conflict, the agreement with the
    documented baseline, and why a cell is unknown or not observed.

The stored version is read again with today's readers and declarations;
the cells are those of the database. When the two readings differ (the
readers or declarations changed since the version was recorded), a note
says so: 'clausewatch reprocess --source ID' brings the cells up to date.
--tier and --attribute keep only the statements and cells of that tier or
attribute. With --vendor V --tier T --attribute A instead of an ID, explain
shows one cell across all the vendor's pages: its resolution, then every
page's statements of A that speak for T.

To see the same for a page that is not recorded (a new vendor's page, a
saved copy, the live URL) without storing anything, use 'clausewatch try'.

Examples:
  clausewatch explain anthropic-consumer-terms
  clausewatch explain anthropic-consumer-terms --tier consumer --attribute training
  clausewatch explain --vendor anthropic --tier api --attribute retention
  clausewatch explain anthropic-dpa --format json | jq '.cells[] | select(.agreement == "unknown")'`,
		flags: func(fs *flag.FlagSet, a *app) {
			fs.StringVar(&vendor, "vendor", "", "explain one cell of this `vendor` across its pages (with --tier and --attribute, instead of an ID)")
			fs.StringVar(&tier, "tier", "", "only the statements and cells of this `tier`")
			fs.StringVar(&attribute, "attribute", "", "only the statements and cells of this `attribute`")
		},
		run: func(ctx context.Context, a *app, fs *flag.FlagSet, args []string) error {
			switch {
			case vendor != "" && len(args) > 0:
				return usageErr("explain: give a source ID or --vendor V --tier T --attribute A, not both")
			case vendor != "":
				return a.explainCell(ctx, vendor, tier, attribute)
			case len(args) != 1:
				return usageErr("explain: want exactly one source id (or --vendor V --tier T --attribute A)")
			}
			src, err := a.sourceByID(args[0])
			if err != nil {
				return err
			}
			v, _, _ := source.Find(a.vendors, src.ID)
			if err := checkCellFilter("explain", v, tier, attribute); err != nil {
				return err
			}
			release, err := a.openReadOnly(ctx)
			if err != nil {
				return err
			}
			defer release()
			vs, err := a.db.Versions(ctx, src.ID)
			if err != nil {
				return err
			}
			if len(vs) == 0 {
				return fmt.Errorf("explain %s: no version recorded yet (run 'clausewatch check --source %s' or 'import' first, or read the page without storing it: 'clausewatch try --source %s FILE|URL')", src.ID, src.ID, src.ID)
			}
			snap := vs[len(vs)-1]
			doc, err := a.db.Document(ctx, snap.TextHash)
			if err != nil {
				return fmt.Errorf("explain %s: snapshot %d: %w", src.ID, snap.ID, err)
			}
			obs, err := a.db.LatestObservations(ctx, v.ID)
			if err != nil {
				return err
			}
			m := compare.Build(v, obs, a.documented()[v.ID])
			x := explainPage(v, src, doc, snap, m, tier, attribute)
			x.Read = fmt.Sprintf("version of snapshot %d (fetched %s), read again with today's rules; cells as stored in %s",
				snap.ID, snap.FetchedAt.UTC().Format(time.RFC3339), a.g.db)
			if stale := staleReading(src.ID, obs, x.Observations, tier, attribute); stale != "" {
				x.Notes = append(x.Notes, fmt.Sprintf("today's reading differs from the stored one (%s): the cells show the stored one until 'clausewatch reprocess --source %s'", stale, src.ID))
			}
			return a.writeExplanation(x)
		},
	}
}

// staleReading compares the known values stored for source id with those
// read again today (now, already kept to tier and attribute when set), and
// names the first cell where they differ; "" when they agree.
func staleReading(id string, stored []terms.Observation, now []observedX, tier, attribute string) string {
	known := func(tier, attribute string, v terms.Value) (string, bool) {
		return tier + " " + attribute + " = " + v.String(), !v.Unknown
	}
	var was, is []string
	for _, o := range stored {
		if s, ok := known(o.Tier, o.Attribute, o.Value); ok && o.Evidence.Source == id &&
			(tier == "" || o.Tier == tier) && (attribute == "" || o.Attribute == attribute) {
			was = append(was, s)
		}
	}
	for _, o := range now {
		if s, ok := known(o.Tier, o.Attribute, o.Value); ok {
			is = append(is, s)
		}
	}
	slices.Sort(was)
	slices.Sort(is)
	for _, s := range was {
		if !slices.Contains(is, s) {
			return "stored " + s
		}
	}
	for _, s := range is {
		if !slices.Contains(was, s) {
			return "today " + s
		}
	}
	return ""
}

// openReadOnly opens the database as a read-only command does (a missing
// one is an error), for explain, which first checks its arguments so that
// a typo is a usage error even before anything was recorded.
func (a *app) openReadOnly(ctx context.Context) (release func(), err error) {
	if a.g.dbEmpty {
		return nil, usageErr("explain: --db needs a path (leave --db out for $CLAUSEWATCH_DB or snapshots/clausewatch.db)")
	}
	return a.openDB(ctx, &command{name: "explain", readOnly: true})
}

// checkCellFilter refuses a --tier the vendor does not declare and an
// --attribute outside the vocabulary, naming the valid ones.
func checkCellFilter(cmd string, v terms.Vendor, tier, attribute string) error {
	if tier != "" && !slices.ContainsFunc(v.Tiers, func(t terms.Tier) bool { return t.ID == tier }) {
		var ids []string
		for _, t := range v.Tiers {
			ids = append(ids, t.ID)
		}
		return usageErr("%s: --tier %q: vendor %s has no such tier (its tiers: %s)", cmd, tier, v.ID, strings.Join(ids, ", "))
	}
	if attribute != "" && !terms.IsAttribute(attribute) {
		return usageErr("%s: --attribute %q: not an attribute (%s)", cmd, attribute, strings.Join(terms.Attributes, ", "))
	}
	return nil
}

// explanation is what explain and try show of one page, and their JSON.
type explanation struct {
	Source       string      `json:"source"`
	Vendor       string      `json:"vendor"`
	URL          string      `json:"url"`
	Tiers        []string    `json:"tiers"` // the tiers the page is declared for
	Read         string      `json:"read"`  // which page was read, and how
	Notes        []string    `json:"notes,omitempty"`
	Clauses      []clauseX   `json:"clauses"`
	Observations []observedX `json:"observations"`
	Cells        []cellX     `json:"cells"`
	filtered     bool        // --tier or --attribute: clauses without a statement kept are left out
	cellsFrom    string      // how the cells were resolved, for the text heading
}

type clauseX struct {
	Index      int          `json:"index"` // 1-based position in the page
	Heading    string       `json:"heading"`
	Kind       string       `json:"kind"`
	Text       string       `json:"text"` // the start of the clause's text
	Statements []statementX `json:"statements"`
}

type statementX struct {
	Attribute  string      `json:"attribute"`
	Value      terms.Value `json:"value"`
	Conditions string      `json:"conditions,omitempty"`
	Tiers      []string    `json:"tiers"`
	Named      bool        `json:"named"`
	Whom       string      `json:"whom"`
	Sentence   string      `json:"sentence"`
}

type observedX struct {
	Tier      string         `json:"tier"`
	Attribute string         `json:"attribute"`
	Value     terms.Value    `json:"value"`
	Evidence  terms.Evidence `json:"evidence"`
}

type cellX struct {
	Tier        string       `json:"tier"`
	Attribute   string       `json:"attribute"`
	Observed    *terms.Value `json:"observed"`
	Documented  *terms.Value `json:"documented"`
	Agreement   string       `json:"agreement"`
	Why         string       `json:"why,omitempty"` // why a cell is unknown, not observed, unverified or derived
	Deciding    []stmtRef    `json:"deciding"`
	Outranked   []stmtRef    `json:"outranked"`
	Conflicting []stmtRef    `json:"conflicting,omitempty"`
}

// stmtRef is one statement of a cell: a page's observation for the tier.
type stmtRef struct {
	Source string      `json:"source"`
	Value  terms.Value `json:"value"`
	Rank   string      `json:"rank"` // "primary page, names the tier", "document-wide", …
	Clause string      `json:"clause,omitempty"`
	Text   string      `json:"text,omitempty"`
	Reason string      `json:"reason,omitempty"` // why an unknown statement is unknown
}

// explainPage reads doc, a page of src, with the one reader and explains
// the cells of m (built by compare.Build) that the page feeds, kept to
// tier and attribute when set.
func explainPage(v terms.Vendor, src terms.Source, doc terms.Document, snap terms.Snapshot, m compare.Matrix, tier, attribute string) explanation {
	r := attr.NewReader(v)
	x := explanation{Source: src.ID, Vendor: v.ID, URL: src.URL, Tiers: src.Tiers,
		filtered: tier != "" || attribute != ""}
	keep := func(tiers []string, a string) bool {
		return (tier == "" || slices.Contains(tiers, tier)) && (attribute == "" || a == attribute)
	}
	for i, c := range doc.Clauses {
		x.Clauses = append(x.Clauses, clauseX{Index: i + 1, Heading: c.Heading(), Kind: c.Kind, Text: trimRunes(c.Text, 100), Statements: []statementX{}})
	}
	for _, st := range r.Statements(src, doc) {
		if st.Clause < 0 || !keep(st.Tiers, st.Attribute) {
			continue
		}
		c := &x.Clauses[st.Clause]
		c.Statements = append(c.Statements, statementX{Attribute: st.Attribute, Value: st.Value, Conditions: st.Conditions,
			Tiers: st.Tiers, Named: st.Named, Whom: st.Whom, Sentence: st.Sentence})
	}
	if x.filtered {
		x.Clauses = slices.DeleteFunc(x.Clauses, func(c clauseX) bool { return len(c.Statements) == 0 })
	}
	if x.Clauses == nil {
		x.Clauses = []clauseX{}
	}
	x.Observations = []observedX{}
	for _, o := range r.Observe(src, doc, snap) {
		if keep([]string{o.Tier}, o.Attribute) {
			x.Observations = append(x.Observations, observedX{o.Tier, o.Attribute, o.Value, o.Evidence})
		}
	}
	x.Cells = []cellX{}
	for _, c := range m.Cells {
		feeds := slices.Contains(src.Tiers, c.Tier) ||
			slices.ContainsFunc(c.Statements, func(o terms.Observation) bool { return o.Evidence.Source == src.ID })
		if feeds && keep([]string{c.Tier}, c.Attribute) {
			x.Cells = append(x.Cells, explainCell(v, m, c, &src))
		}
	}
	return x
}

// explainCell says how cell c of m was resolved; page, when set, is the
// page being explained, whose silence on the cell is said in words.
func explainCell(v terms.Vendor, m compare.Matrix, c compare.Cell, page *terms.Source) cellX {
	x := cellX{Tier: c.Tier, Attribute: c.Attribute, Observed: c.Observed, Documented: c.Documented, Agreement: c.Agreement,
		Deciding: []stmtRef{}, Outranked: []stmtRef{}}
	deciding, outranked := m.Deciding(c)
	for _, o := range deciding {
		x.Deciding = append(x.Deciding, ref(v, o))
	}
	for _, o := range outranked {
		x.Outranked = append(x.Outranked, ref(v, o))
	}
	for _, o := range c.Conflicting {
		x.Conflicting = append(x.Conflicting, ref(v, o))
	}
	switch {
	case c.Observed != nil && c.Observed.Unknown:
		x.Why = c.Observed.Reason
		if x.Why == "" {
			x.Why = "no reason was recorded"
		}
	case c.Attribute == attr.SensitiveData && c.Observed != nil:
		x.Why = "derived from the tier's other values by the guide's rule, not read from pages"
	case c.Attribute == attr.SensitiveData:
		x.Why = "derived from the tier's other values, and not all of those it needs are known"
	case c.Observed == nil:
		x.Why = "no page of " + v.ID + " states " + c.Attribute + " for " + c.Tier
		if page != nil {
			x.Why += "; no sentence of " + page.ID + " does"
			if slices.Contains(page.Tiers, c.Tier) {
				x.Why += " (it is declared for " + c.Tier + ", so a sentence naming no tier would)"
			}
		}
	case c.Agreement == compare.Unverified:
		x.Why = "the guide claims more than the pages state (an item or scope no page mentions)"
	}
	return x
}

// ref is an observation as a statement of a cell, with its rank in words.
func ref(v terms.Vendor, o terms.Observation) stmtRef {
	var rank []string
	if _, s, ok := source.Find([]terms.Vendor{v}, o.Evidence.Source); ok && slices.Contains(s.Primary, o.Attribute) {
		rank = append(rank, "primary page")
	}
	if o.Evidence.Named {
		rank = append(rank, "names the tier")
	} else {
		rank = append(rank, "document-wide")
	}
	if o.Value.Unknown {
		rank = []string{"unknown, ranks last"}
	}
	r := stmtRef{Source: o.Evidence.Source, Value: o.Value, Rank: strings.Join(rank, ", "),
		Clause: o.Evidence.Clause, Text: o.Evidence.Text}
	if o.Value.Unknown {
		r.Reason = o.Value.Reason
	}
	return r
}

// explainCell explains one cell of vendor across every page that feeds
// it: --vendor V --tier T --attribute A.
func (a *app) explainCell(ctx context.Context, vendor, tier, attribute string) error {
	i := slices.IndexFunc(a.vendors, func(v terms.Vendor) bool { return v.ID == vendor })
	if i < 0 {
		var ids []string
		for _, v := range a.vendors {
			ids = append(ids, v.ID)
		}
		return usageErr("explain: --vendor %q: not declared (declared: %s)", vendor, strings.Join(ids, ", "))
	}
	v := a.vendors[i]
	if tier == "" || attribute == "" {
		return usageErr("explain --vendor %s: --tier and --attribute are required (one cell across all its pages)", vendor)
	}
	if err := checkCellFilter("explain", v, tier, attribute); err != nil {
		return err
	}
	release, err := a.openReadOnly(ctx)
	if err != nil {
		return err
	}
	defer release()
	obs, err := a.db.LatestObservations(ctx, v.ID)
	if err != nil {
		return err
	}
	m := compare.Build(v, obs, a.documented()[v.ID])
	c, _ := m.Cell(tier, attribute)
	cell := explainCell(v, m, c, nil)
	var pages []explanation
	for _, src := range v.Sources {
		vs, err := a.db.Versions(ctx, src.ID)
		if err != nil {
			return err
		}
		if len(vs) == 0 {
			continue
		}
		snap := vs[len(vs)-1]
		doc, err := a.db.Document(ctx, snap.TextHash)
		if err != nil {
			return fmt.Errorf("explain %s: snapshot %d: %w", src.ID, snap.ID, err)
		}
		x := explainPage(v, src, doc, snap, compare.Matrix{}, tier, attribute)
		x.Read = fmt.Sprintf("version of snapshot %d (fetched %s)", snap.ID, snap.FetchedAt.UTC().Format(time.RFC3339))
		x.Cells = nil
		pages = append(pages, x)
	}
	if a.g.format == "json" {
		type pageJSON struct {
			Source       string      `json:"source"`
			Read         string      `json:"read"`
			Clauses      []clauseX   `json:"clauses"`
			Observations []observedX `json:"observations"`
		}
		out := struct {
			Vendor string     `json:"vendor"`
			Cell   cellX      `json:"cell"`
			Pages  []pageJSON `json:"pages"`
		}{Vendor: v.ID, Cell: cell, Pages: []pageJSON{}}
		for _, p := range pages {
			out.Pages = append(out.Pages, pageJSON{p.Source, p.Read, p.Clauses, p.Observations})
		}
		return writeJSON(a.env.Stdout, out)
	}
	w := a.env.Stdout
	fmt.Fprintf(w, "Cell %s %s %s, resolved from every page's current statements (as status shows it):\n", v.ID, tier, attribute)
	writeCell(w, cell)
	for _, p := range pages {
		fmt.Fprintf(w, "\n%s (%s): statements of %s that speak for %s\n", p.Source, p.Read, attribute, tier)
		if len(p.Clauses) == 0 {
			fmt.Fprintln(w, "  none")
		}
		writeClauses(w, p.Clauses)
	}
	return nil
}

// writeExplanation prints x in the command's format.
func (a *app) writeExplanation(x explanation) error {
	if a.g.format == "json" {
		return writeJSON(a.env.Stdout, x)
	}
	w := a.env.Stdout
	fmt.Fprintf(w, "Source %s (vendor %s), declared for %s\n", x.Source, x.Vendor, strings.Join(x.Tiers, ", "))
	fmt.Fprintf(w, "URL: %s\n", textesc.Terminal(x.URL))
	fmt.Fprintf(w, "Read: %s\n", textesc.Terminal(x.Read))
	for _, n := range x.Notes {
		fmt.Fprintf(w, "Note: %s\n", textesc.Terminal(n))
	}
	what := "Clauses"
	if x.filtered {
		what = "Clauses with a statement kept by --tier/--attribute"
	}
	fmt.Fprintf(w, "\n%s (%d), with the statements each makes:\n", what, len(x.Clauses))
	writeClauses(w, x.Clauses)
	fmt.Fprintf(w, "\nWhat the page reads for each tier (its sentences read together):\n")
	if len(x.Observations) == 0 {
		fmt.Fprintln(w, "  nothing")
	}
	for _, o := range x.Observations {
		whom := "document-wide"
		if o.Evidence.Named {
			whom = "names the tier"
		}
		line := fmt.Sprintf("  %s %s = %s (%s)", o.Tier, o.Attribute, o.Value, whom)
		if o.Value.Unknown {
			line = fmt.Sprintf("  %s %s = unknown: %s", o.Tier, o.Attribute, o.Value.Reason)
		} else if o.Evidence.Clause != "" {
			line += " › " + o.Evidence.Clause
		}
		fmt.Fprintln(w, textesc.Terminal(line))
	}
	fmt.Fprintf(w, "\nCells the page feeds, %s:\n", cmp.Or(x.cellsFrom, "resolved from every page's current statements"))
	if len(x.Cells) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, c := range x.Cells {
		writeCell(w, c)
	}
	return nil
}

func writeClauses(w io.Writer, cs []clauseX) {
	for _, c := range cs {
		fmt.Fprintf(w, "  [%d] %s (%s)\n", c.Index, textesc.Terminal(c.Heading), c.Kind)
		if c.Text != "" {
			fmt.Fprintf(w, "      %s\n", textesc.Terminal(fmt.Sprintf("%q", c.Text)))
		}
		for _, s := range c.Statements {
			line := fmt.Sprintf("      → %s = %s for %s (%s)", s.Attribute, s.Value, strings.Join(s.Tiers, ", "), s.Whom)
			if s.Conditions != "" {
				line += fmt.Sprintf("; conditions: %q", trimRunes(s.Conditions, 80))
			}
			fmt.Fprintln(w, textesc.Terminal(line))
			if !strings.HasPrefix(c.Text, s.Sentence) || len([]rune(s.Sentence)) > 100 {
				fmt.Fprintf(w, "        from: %s\n", textesc.Terminal(fmt.Sprintf("%q", trimRunes(s.Sentence, 160))))
			}
		}
	}
}

func writeCell(w io.Writer, c cellX) {
	line := fmt.Sprintf("  %s %s: observed %s, documented %s: %s", c.Tier, c.Attribute, show(c.Observed), show(c.Documented), c.Agreement)
	fmt.Fprintln(w, textesc.Terminal(line))
	if c.Why != "" {
		fmt.Fprintf(w, "    why: %s\n", textesc.Terminal(c.Why))
	}
	refs := func(label string, rs []stmtRef) {
		for _, r := range rs {
			s := fmt.Sprintf("    %s %s = %s (%s)", label, r.Source, r.Value, r.Rank)
			if r.Reason != "" && r.Reason != c.Why {
				s += ": " + r.Reason
			}
			if r.Clause != "" {
				s += " › " + r.Clause
			}
			if r.Text != "" {
				s += fmt.Sprintf(": %q", trimRunes(r.Text, 120))
			}
			fmt.Fprintln(w, textesc.Terminal(s))
		}
	}
	if len(c.Conflicting) > 0 {
		refs("conflict:", c.Conflicting)
	} else {
		refs("decided by", c.Deciding)
	}
	refs("outranked:", c.Outranked)
}

func show(v *terms.Value) string {
	if v == nil {
		return "—"
	}
	return v.String()
}

func trimRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
