package site

import (
	"bytes"
	"cmp"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/clausewatch/clausewatch/internal/compare"
	"github.com/clausewatch/clausewatch/internal/diff"
	"github.com/clausewatch/clausewatch/internal/report"
	"github.com/clausewatch/clausewatch/internal/terms"
	"github.com/clausewatch/clausewatch/internal/textesc"
)

//go:embed assets/style.css assets/site.js assets/pages.html
var assets embed.FS

// legend is the order and meaning of the agreements, as the legend shows
// them.
var legend = []struct{ Agreement, Meaning string }{
	{compare.Agree, "the pages support the guide"},
	{compare.Drift, "a page contradicts the guide"},
	{compare.Conflict, "pages disagree among themselves"},
	{compare.Unverified, "the guide claims it; no page says either way"},
	{compare.Undocumented, "pages state it; the guide is silent"},
	{compare.Unknown, "a page that stated it no longer does"},
	{compare.NotObserved, "no page states it; the guide is silent too"},
}

// Layout is what the frame of every page shows (exported so that the
// templates can read it).
type Layout struct {
	Root      string // relative path to the site's root: "", "../"
	Title     string
	Generated string
}

type evidenceView struct {
	Source, SourcePage, Clause, Text, URL, Date string
}

type gridCell struct {
	Present                   bool
	ID                        string
	Agreement, Mark, Words    string
	Documented, Note          string
	HasDocumented             bool
	Reason, Derivation, Stale string
	Evidence                  []evidenceView
	Conflict                  bool
}

type gridRow struct {
	Attribute string
	Cells     []gridCell
}

type gridVendor struct {
	ID, Name, Analysis string
	Tiers              []string // labels
	Rows               []gridRow
	Counts             []countView
}

type countView struct {
	Agreement, Mark string
	N               int
}

type entryView struct {
	ID, IDs, Change, Severity, Kind, Vendor, Tiers, TierIDs, Attribute, Title string
	Source, SourcePage, URL, PageDate, Detected, Clause, Detail               string
	Wording                                                                   template.HTML
	HasWording                                                                bool
}

type versionView struct {
	Snapshot                     int64
	Fetched, Hash, Variant, Page string
	Clauses                      int
	DiffFromPrevious             string // page of the diff from the version before, "" for the first
}

type pairView struct {
	From, To int64
	Page     string
}

type sourceView struct {
	ID, Title, Vendor, URL, Page string
	Versions                     []versionView
	Pairs                        []pairView
	PairsJSON                    string
	AllPairs                     bool
	Count                        int
}

type feedView struct{ Title, Path string }

// generated is when d was written, as every page shows it.
func generated(d Data) string { return d.Generated.UTC().Format("2006-01-02 15:04 UTC") }

// pages parses the site's page templates.
func pages() (*template.Template, error) {
	return template.New("pages").Funcs(template.FuncMap{
		"lower": strings.ToLower,
	}).ParseFS(assets, "assets/pages.html")
}

func render(root string, d Data) error {
	t, err := pages()
	if err != nil {
		return err
	}
	gen := generated(d)
	w := writer{root: root}
	for _, a := range []string{"style.css", "site.js"} {
		b, err := assets.ReadFile("assets/" + a)
		if err != nil {
			return err
		}
		w.file(a, b)
	}
	w.file(Marker, []byte("A site written by clausewatch site; Write replaces this directory whole.\n"))

	srcPage := map[string]string{}
	for _, s := range d.Sources {
		srcPage[s.Source.ID] = "sources/" + s.Source.ID + ".html"
	}
	feeds := []feedView{{"every change", "feeds/changes.atom"}}
	for _, v := range d.Vendors {
		feeds = append(feeds, feedView{v.Vendor.Name, "feeds/" + v.Vendor.ID + ".atom"})
		for _, tr := range v.Vendor.Tiers {
			feeds = append(feeds, feedView{v.Vendor.Name + " · " + label(tr), "feeds/" + v.Vendor.ID + "/" + tr.ID + ".atom"})
		}
	}

	var vendors []gridVendor
	for _, v := range d.Vendors {
		vendors = append(vendors, grid(v, d.Options, srcPage))
	}
	var sources []sourceView
	for _, s := range d.Sources {
		sources = append(sources, sourceView{ID: s.Source.ID, Title: s.Source.Title, Vendor: s.Source.Vendor,
			URL: pageURL(d.Options, s.Source.ID), Page: srcPage[s.Source.ID], Count: len(s.Versions)})
	}
	w.page(t, "index.html", "index", struct {
		Layout
		Vendors []gridVendor
		Legend  []countView
		Sources []sourceView
		Feeds   []feedView
	}{Layout{"", "clausewatch: the guide and the pages", gen}, vendors, legendView(), sources, feeds})

	entries, filters := timeline(d, srcPage)
	w.page(t, "timeline.html", "timeline", struct {
		Layout
		Entries []entryView
		Filters filterView
	}{Layout{"", "clausewatch: timeline of changes", gen}, entries, filters})

	for _, s := range d.Sources {
		if err := sourcePages(&w, t, s, d.Options, gen); err != nil {
			return err
		}
	}
	if err := writeFeeds(&w, d); err != nil {
		return err
	}
	return w.err
}

// WriteGrid writes the grids of d's vendors as one HTML page that stands
// on its own (its styles inline, no script, no other file): the site's
// index without its timeline, sources and feeds, for status --format html.
// Evidence links go to the vendors' pages, not to the site's.
func WriteGrid(out io.Writer, d Data) error {
	t, err := pages()
	if err != nil {
		return err
	}
	css, err := assets.ReadFile("assets/style.css")
	if err != nil {
		return err
	}
	var vendors []gridVendor
	for _, v := range d.Vendors {
		vendors = append(vendors, grid(v, d.Options, nil))
	}
	return t.ExecuteTemplate(out, "standalone", struct {
		Layout
		CSS     template.CSS
		Vendors []gridVendor
		Legend  []countView
	}{Layout{"", "clausewatch: the guide and the pages", generated(d)}, template.CSS(css), vendors, legendView()})
}

func label(t terms.Tier) string {
	if t.Label != "" {
		return t.Label
	}
	return t.ID
}

func legendView() []countView {
	out := make([]countView, len(legend))
	for i, l := range legend {
		out[i] = countView{Agreement: l.Agreement, Mark: report.Mark(l.Agreement) + " — " + l.Meaning}
	}
	return out
}

// grid lays a vendor's rows out as the guide does: attributes as rows,
// tiers as columns.
func grid(v Vendor, o report.Options, srcPage map[string]string) gridVendor {
	g := gridVendor{ID: v.Vendor.ID, Name: cmp.Or(v.Vendor.Name, v.Vendor.ID), Analysis: v.Analysis}
	var tiers, attrs []string
	cells := map[[2]string]report.Row{}
	for _, r := range v.Rows {
		if !slices.Contains(tiers, r.Tier) {
			tiers = append(tiers, r.Tier)
		}
		if !slices.Contains(attrs, r.Attribute) {
			attrs = append(attrs, r.Attribute)
		}
		cells[[2]string{r.Tier, r.Attribute}] = r
	}
	for _, t := range tiers {
		l := t
		for _, tr := range v.Vendor.Tiers {
			if tr.ID == t {
				l = label(tr)
			}
		}
		g.Tiers = append(g.Tiers, l)
	}
	counts := map[string]int{}
	for _, a := range attrs {
		row := gridRow{Attribute: a}
		for _, t := range tiers {
			r, ok := cells[[2]string{t, a}]
			if !ok {
				row.Cells = append(row.Cells, gridCell{})
				continue
			}
			counts[r.Agreement]++
			c := gridCell{Present: true, ID: "cell-" + v.Vendor.ID + "-" + t + "-" + a, Agreement: r.Agreement,
				Mark: report.Mark(r.Agreement), Words: term(report.Words(a, r.Observed)),
				Reason: term(r.Reason), Derivation: term(r.Derivation), Conflict: len(r.Conflicting) > 0}
			if r.Observed != nil && r.Observed.Unknown {
				c.Words = "unknown"
			}
			if r.Stale {
				c.Stale = r.StaleNote()
			}
			if r.Documented != nil {
				c.HasDocumented = true
				c.Documented = report.Words(a, r.Documented)
			}
			c.Note = term(v.Notes[t][a])
			evs := r.Conflicting
			if len(evs) == 0 && r.Evidence != nil {
				evs = []terms.Evidence{*r.Evidence}
			}
			for _, e := range evs {
				c.Evidence = append(c.Evidence, evidenceOf(e, o, srcPage))
			}
			row.Cells = append(row.Cells, c)
		}
		g.Rows = append(g.Rows, row)
	}
	for _, l := range legend {
		if n := counts[l.Agreement]; n > 0 {
			g.Counts = append(g.Counts, countView{l.Agreement, report.Mark(l.Agreement), n})
		}
	}
	return g
}

func evidenceOf(e terms.Evidence, o report.Options, srcPage map[string]string) evidenceView {
	ev := evidenceView{Source: e.Source, SourcePage: srcPage[e.Source], Clause: term(e.Clause), Text: term(e.Text)}
	ev.URL = report.TextFragmentURL(pageURL(o, e.Source), e.Text)
	if !e.SnapshotAt.IsZero() {
		ev.Date = e.SnapshotAt.UTC().Format(time.DateOnly)
	}
	return ev
}

// term replaces the control characters of page text (html/template
// escapes the rest).
func term(s string) string { return textesc.Terminal(s) }

type filterView struct {
	Vendors, Tiers, Attributes []string
	Severities                 []string
}

// timeline lists each change once (report.Fold), newest page first.
func timeline(d Data, srcPage map[string]string) ([]entryView, filterView) {
	evs := slices.Clone(d.Events)
	slices.SortStableFunc(evs, func(a, b terms.Event) int {
		return cmp.Or(b.SnapshotAt.Compare(a.SnapshotAt), b.DetectedAt.Compare(a.DetectedAt),
			cmp.Compare(b.Change, a.Change), cmp.Compare(a.Severity.Rank(), b.Severity.Rank()),
			cmp.Compare(terms.AttributeIndex(a.Attribute), terms.AttributeIndex(b.Attribute)), cmp.Compare(a.ID, b.ID))
	})
	evs = report.Fold(evs)
	var f filterView
	f.Severities = []string{string(terms.Critical), string(terms.High), string(terms.Medium), string(terms.Low), string(terms.Info)}
	o := d.Options
	var out []entryView
	for _, e := range evs {
		tierIDs := strings.Split(e.Tier, ", ")
		if e.Tier == "" {
			tierIDs = nil
		}
		var labels []string
		for _, t := range tierIDs {
			l := t
			if o.TierLabel != nil {
				l = cmp.Or(o.TierLabel(e.Vendor, t), t)
			}
			labels = append(labels, l)
			if !slices.Contains(f.Tiers, t) {
				f.Tiers = append(f.Tiers, t)
			}
		}
		if e.Vendor != "" && !slices.Contains(f.Vendors, e.Vendor) {
			f.Vendors = append(f.Vendors, e.Vendor)
		}
		if e.Attribute != "" && !slices.Contains(f.Attributes, e.Attribute) {
			f.Attributes = append(f.Attributes, e.Attribute)
		}
		first, _, _ := strings.Cut(e.ID, ", ") // a folded change lists its events' ids
		ev := entryView{ID: first, IDs: e.ID, Change: e.Change, Severity: string(e.Severity), Kind: e.Kind, Vendor: e.Vendor,
			Tiers: strings.Join(labels, ", "), TierIDs: strings.Join(tierIDs, " "), Attribute: e.Attribute,
			Title: term(title(e, labels, o)), Source: e.Source, SourcePage: srcPage[e.Source],
			PageDate: day(e.SnapshotAt), Detected: day(e.DetectedAt), Wording: report.WordingHTML(e)}
		if o.SourceURL != nil {
			text := ""
			if e.After != nil {
				text = e.After.Text
			}
			ev.URL = report.TextFragmentURL(o.SourceURL(e.Source), text)
		}
		if e.After != nil && e.After.Clause != "" {
			ev.Clause = term(e.After.Clause)
		} else if e.Before != nil {
			ev.Clause = term(e.Before.Clause)
		}
		ev.HasWording = (e.Before != nil && e.Before.Text != "") || (e.After != nil && e.After.Text != "")
		if e.Detail != "" && e.Old == nil && e.New == nil {
			ev.Detail = term(e.Detail)
		}
		out = append(out, ev)
	}
	slices.SortFunc(f.Attributes, func(a, b string) int {
		return cmp.Compare(terms.AttributeIndex(a), terms.AttributeIndex(b))
	})
	return out, f
}

// title is an event's headline with its values in words: "anthropic
// Consumer training: opt-out: used unless you turn it off → always used
// for training".
func title(e terms.Event, labels []string, o report.Options) string {
	head := strings.TrimSpace(e.Vendor + " " + strings.Join(labels, ", ") + " " + e.Attribute)
	switch {
	case e.Kind == terms.BaselineDrift:
		return head + ": the guide says " + report.Words(e.Attribute, e.Old) + "; the pages say " + report.Words(e.Attribute, e.New)
	case e.Old != nil || e.New != nil:
		return head + ": " + report.ChangeWords(e.Attribute, e.Old, e.New)
	}
	return report.Headline(e, o)
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// sourcePages writes a source's page (its versions, the pre-rendered
// diffs and the picker), each version's text and each diff.
func sourcePages(w *writer, t *template.Template, s Source, o report.Options, gen string) error {
	id := s.Source.ID
	sv := sourceView{ID: id, Title: s.Source.Title, Vendor: s.Source.Vendor, URL: pageURL(o, id),
		AllPairs: len(s.Versions) <= AllPairsUpTo, Count: len(s.Versions)}
	diffPage := func(i, j int) string {
		return fmt.Sprintf("%s/diff-%d-%d.html", id, s.Versions[i].Snapshot.ID, s.Versions[j].Snapshot.ID)
	}
	ps := pairs(len(s.Versions))
	consecutive := map[int]bool{}
	for _, p := range ps {
		if p[1] == p[0]+1 {
			consecutive[p[1]] = true
		}
	}
	for i, v := range s.Versions {
		vv := versionView{Snapshot: v.Snapshot.ID, Fetched: v.Snapshot.FetchedAt.UTC().Format("2006-01-02 15:04 UTC"),
			Hash: short(v.Snapshot.TextHash), Variant: v.Snapshot.Variant, Clauses: len(v.Clauses),
			Page: fmt.Sprintf("%s/v-%d.html", id, v.Snapshot.ID)}
		if consecutive[i] {
			vv.DiffFromPrevious = diffPage(i-1, i)
		}
		sv.Versions = append(sv.Versions, vv)
		w.page(t, "sources/"+vv.Page, "version", struct {
			Layout
			Source  sourceView
			Version versionView
			Clauses []terms.Clause
		}{Layout{"../../", id + ": version of " + vv.Fetched, gen}, sv, vv, v.Clauses})
	}
	avail := map[string]string{}
	for _, p := range ps {
		a, b := s.Versions[p[0]], s.Versions[p[1]]
		pv := pairView{From: a.Snapshot.ID, To: b.Snapshot.ID, Page: diffPage(p[0], p[1])}
		sv.Pairs = append(sv.Pairs, pv)
		avail[fmt.Sprintf("%d-%d", pv.From, pv.To)] = pv.Page
		changes := diff.Clauses(a.Clauses, b.Clauses)
		var body bytes.Buffer
		if err := diff.RenderHTML(&body, changes); err != nil {
			return err
		}
		w.page(t, "sources/"+pv.Page, "diff", struct {
			Layout
			Source   sourceView
			From, To versionView
			Summary  string
			Body     template.HTML
		}{Layout{"../../", fmt.Sprintf("%s: %d → %d", id, pv.From, pv.To), gen}, sv,
			sv.Versions[p[0]], sv.Versions[p[1]], fmt.Sprint(diff.Summarize(changes)),
			template.HTML(body.String())}) // RenderHTML escapes all page text
	}
	js, err := json.Marshal(avail)
	if err != nil {
		return err
	}
	sv.PairsJSON = string(js)
	w.page(t, "sources/"+id+".html", "source", struct {
		Layout
		Source sourceView
	}{Layout{"../", id, gen}, sv})
	return nil
}

// pageURL is the page of a source as the site shows it: Options.SourceURL
// (which redacts what a declared URL must not publish), never the
// declaration's URL itself.
func pageURL(o report.Options, id string) string {
	if o.SourceURL == nil {
		return ""
	}
	return o.SourceURL(id)
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// writeFeeds writes the Atom feeds: every change, each vendor's, each
// tier's, each with its own id (report.FeedID).
func writeFeeds(w *writer, d Data) error {
	updated := d.Generated
	feed := func(path, title string, keep func(terms.Event) bool, scope ...string) error {
		var evs []terms.Event
		for _, e := range d.Events {
			if keep(e) {
				evs = append(evs, e)
			}
		}
		var b bytes.Buffer
		if err := report.Atom(&b, evs, d.Options, report.FeedInfo{ID: report.FeedID(scope...), Title: title, Updated: updated}); err != nil {
			return err
		}
		w.file(path, b.Bytes())
		return nil
	}
	if err := feed("feeds/changes.atom", "clausewatch: every change", func(terms.Event) bool { return true }); err != nil {
		return err
	}
	for _, v := range d.Vendors {
		vid := v.Vendor.ID
		if err := feed("feeds/"+vid+".atom", "clausewatch: "+cmp.Or(v.Vendor.Name, vid),
			func(e terms.Event) bool { return e.Vendor == vid }, "vendor", vid); err != nil {
			return err
		}
		for _, tr := range v.Vendor.Tiers {
			tid := tr.ID
			if err := feed("feeds/"+vid+"/"+tid+".atom", "clausewatch: "+cmp.Or(v.Vendor.Name, vid)+" · "+label(tr),
				func(e terms.Event) bool { return e.Vendor == vid && e.Tier == tid }, "vendor", vid, "tier", tid); err != nil {
				return err
			}
		}
	}
	return nil
}

// writer writes the files of a site under root, keeping the first error.
type writer struct {
	root string
	err  error
}

func (w *writer) file(rel string, b []byte) {
	if w.err != nil {
		return
	}
	p := filepath.Join(w.root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		w.err = err
		return
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		w.err = err
	}
}

func (w *writer) page(t *template.Template, rel, name string, data any) {
	if w.err != nil {
		return
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, name, data); err != nil {
		w.err = fmt.Errorf("%s: %w", rel, err)
		return
	}
	w.file(rel, b.Bytes())
}
