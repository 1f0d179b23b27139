package pipeline

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/fetch"
	"github.com/clausewatch/clausewatch/internal/schedule"
	"github.com/clausewatch/clausewatch/internal/store"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// pages is a Fetcher serving the current body of each URL, or failing it.
type pages struct {
	mu   sync.Mutex
	body map[string]string
	fail map[string]error
}

func (p *pages) set(url, body string) {
	p.mu.Lock()
	p.body[url] = body
	delete(p.fail, url)
	p.mu.Unlock()
}
func (p *pages) down(url string, err error) {
	p.mu.Lock()
	p.fail[url] = err
	p.mu.Unlock()
}

func (p *pages) Fetch(_ context.Context, req fetch.Request) (*fetch.Result, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.fail[req.URL]; err != nil {
		return nil, err
	}
	return &fetch.Result{URL: req.URL, Status: 200, Body: []byte(p.body[req.URL]), ContentType: "text/html"}, nil
}

func html(paras ...string) string {
	s := "<html><body><main><h1>Terms</h1><h2>About these terms</h2><p>These terms govern your use of the Acme assistant, its apps and its website. Please read them with care before you start. They apply from the day you first open an account with us and until you close it.</p><h2>Your content</h2>"
	for _, p := range paras {
		s += "<p>" + p + "</p>"
	}
	return s + "</main><script>var nonce='" + fmt.Sprint(time.Now().UnixNano()) + "'</script></body></html>"
}

type rig struct {
	t     testing.TB
	p     *Pipeline
	pages *pages
	clock time.Time
	srcs  []terms.Source
}

// newRig opens a real SQLite file with two sources of one vendor that both
// feed consumer training, and a guide that says "never".
func newRig(t testing.TB) *rig {
	t.Helper()
	ctx := context.Background()
	r := &rig{t: t, pages: &pages{body: map[string]string{}, fail: map[string]error{}}, clock: time.Date(2026, 5, 1, 6, 0, 0, 0, time.UTC)}
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "cw.db"), store.Options{Now: func() time.Time { return r.clock }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, id := range []string{"acme-terms", "acme-help"} {
		r.srcs = append(r.srcs, terms.Source{ID: id, Vendor: "acme", URL: "https://" + id + ".example/p", Select: []string{"main"}, Tiers: []string{"consumer"}})
	}
	v := terms.Vendor{ID: "acme", Tiers: []terms.Tier{{ID: "consumer"}}, Sources: r.srcs,
		Rules: []terms.Rule{
			{Source: "acme-terms", Tiers: []string{"consumer"}, Attribute: "training"},
			{Source: "acme-help", Tiers: []string{"consumer"}, Attribute: "training"},
			// The rights an opt-out sentence implies are another cell; leave
			// them out so that each step is about one.
			{Source: "acme-terms", Attribute: "rights", Exclude: true},
			{Source: "acme-help", Attribute: "rights", Exclude: true},
		}}
	r.p = &Pipeline{Store: db, Fetcher: r.pages, Vendors: []terms.Vendor{v}, Now: func() time.Time { return r.clock },
		Baselines: map[string]map[string]map[string]terms.Value{"acme": {"consumer": {"training": terms.Scalar("never")}}}}
	return r
}

// run checks every source at once and returns the kinds of events written.
func (r *rig) run() []string {
	r.t.Helper()
	r.clock = r.clock.Add(6 * time.Hour)
	res := r.p.CheckAll(context.Background(), r.srcs, RunOptions{Schedule: schedule.Options{Concurrency: 2, HostDelay: -1}})
	if len(res.Errors) > 0 {
		r.t.Fatalf("run: %v", res.Errors)
	}
	var out []string
	for _, o := range res.Outcomes {
		for _, e := range o.Events {
			out = append(out, o.Source.ID+":"+e.Kind)
		}
	}
	slices.Sort(out)
	return out
}

func TestCheckAllRecordsDecisions(t *testing.T) {
	r := newRig(t)
	never := "We do not use your conversations to train our models."
	optOut := "We use your conversations to train our models unless you opt out."
	r.pages.set(r.srcs[0].URL, html(never))
	r.pages.set(r.srcs[1].URL, html(never))

	steps := []struct {
		name   string
		change func()
		want   []string
	}{
		{"first run: both read, the guide agrees", func() {}, nil},
		{"noise only", func() {}, nil},
		{"one page turns training on: the pages disagree, a conflict is no drift", func() { r.pages.set(r.srcs[0].URL, html(optOut)) },
			[]string{"acme-terms:value-changed"}},
		{"the other page follows: now the pages contradict the guide", func() { r.pages.set(r.srcs[1].URL, html(optOut)) },
			[]string{"acme-help:baseline-drift", "acme-help:value-changed"}},
		{"the other page starts failing", func() {
			r.pages.down(r.srcs[1].URL, &fetch.Error{Category: terms.ErrServer, URL: r.srcs[1].URL, Status: 503, Err: fmt.Errorf("status 503")})
		}, []string{"acme-help:fetch-failed"}},
		{"still failing: nothing new", func() {}, nil},
		{"it recovers with the same text", func() { r.pages.set(r.srcs[1].URL, html(optOut)) }, []string{"acme-help:recovered"}},
	}
	for _, s := range steps {
		s.change()
		if got := r.run(); !slices.Equal(got, s.want) {
			t.Errorf("%s: events %v, want %v", s.name, got, s.want)
		}
	}

	ctx := context.Background()
	vs, err := r.p.Store.Versions(ctx, "acme-terms")
	if err != nil || len(vs) != 2 {
		t.Fatalf("versions of acme-terms: %d, %v", len(vs), err)
	}
	obs, err := r.p.Store.Observations(ctx, vs[1].ID)
	if err != nil || len(obs) != 1 || obs[0].Value.Scalar != "opt-out" || obs[0].Evidence.Snapshot != vs[1].ID {
		t.Errorf("observations of the new version: %+v, %v", obs, err)
	}
	snaps, err := r.p.Store.Snapshots(ctx, "acme-help")
	if err != nil || len(snaps) != 7 {
		t.Errorf("every attempt is a row: %d snapshots, %v", len(snaps), err)
	}
}

// A cell fed by two pages checked at once is held against the guide once
// both are read, whichever lands second: one drift, not zero or two.
func TestConcurrentSourcesDriftOnce(t *testing.T) {
	for i := range 5 {
		r := newRig(t)
		optOut := "We use your conversations to train our models unless you opt out."
		r.pages.set(r.srcs[0].URL, html(optOut))
		r.pages.set(r.srcs[1].URL, html(optOut))
		got := r.run()
		drifts := 0
		for _, k := range got {
			if k == "acme-terms:baseline-drift" || k == "acme-help:baseline-drift" {
				drifts++
			}
		}
		if drifts != 1 {
			t.Fatalf("round %d: %d drifts (%v), want 1", i, drifts, got)
		}
	}
}

func TestImportRefusesUnreadablePageAndIsIdempotent(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	src := r.srcs[0]
	if _, err := r.p.Import(ctx, src, []byte("<html><body><div>shell</div></body></html>"), r.clock, "text/html"); err == nil {
		t.Fatal("import of a page without the declared content succeeded")
	}
	if snaps, _ := r.p.Store.Snapshots(ctx, src.ID); len(snaps) != 0 {
		t.Fatalf("a refused import recorded %d snapshots", len(snaps))
	}
	page := []byte(html("We do not use your conversations to train our models."))
	for range 2 {
		if _, err := r.p.Import(ctx, src, page, r.clock, "text/html"); err != nil {
			t.Fatal(err)
		}
	}
	if snaps, _ := r.p.Store.Snapshots(ctx, src.ID); len(snaps) != 1 {
		t.Errorf("importing the same bytes twice recorded %d snapshots", len(snaps))
	}
}

// notModified answers 304 for every URL.
type notModified struct{}

func (notModified) Fetch(_ context.Context, req fetch.Request) (*fetch.Result, error) {
	return &fetch.Result{URL: req.URL, Status: 304, NotModified: true}, nil
}

// A 304 for a source never read has nothing to repeat: an error naming the
// source, and nothing recorded.
func TestNotModifiedWithoutAPreviousSnapshot(t *testing.T) {
	r := newRig(t)
	r.p.Fetcher = notModified{}
	ctx := context.Background()
	_, err := r.p.Check(ctx, r.srcs[0], OriginCheck)
	if err == nil || !strings.Contains(err.Error(), "acme-terms") || !strings.Contains(err.Error(), "304") {
		t.Fatalf("err %v, want a 304 error naming the source", err)
	}
	if snaps, _ := r.p.Store.Snapshots(ctx, r.srcs[0].ID); len(snaps) != 0 {
		t.Errorf("a 304 with nothing to repeat recorded %d snapshots", len(snaps))
	}
}

// A check run keeps only the summary of a new version's clause changes
// (the changes point into both versions' documents); a recheck keeps the
// changes, which it shows.
func TestCheckKeepsOnlyTheSummaryOfChanges(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	src := r.srcs[0]
	r.pages.set(src.URL, html("We never use your conversations to train our models."))
	if _, err := r.p.Check(ctx, src, OriginCheck); err != nil {
		t.Fatal(err)
	}
	for i, origin := range []string{OriginCheck, OriginRecheck} {
		r.clock = r.clock.Add(time.Hour)
		r.pages.set(src.URL, html(fmt.Sprintf("We use your conversations to train our models unless you opt out (edit %d).", i)))
		o, err := r.p.Check(ctx, src, origin)
		if err != nil || !o.NewVersion {
			t.Fatalf("%s: %v new=%v", origin, err, o.NewVersion)
		}
		if o.Summary.Changed != 1 {
			t.Errorf("%s: summary %+v, want one changed clause", origin, o.Summary)
		}
		if keep := origin != OriginCheck; (len(o.Changes) > 0) != keep {
			t.Errorf("%s: %d changes kept, want kept=%v", origin, len(o.Changes), keep)
		}
	}
}

// scribbling is a fetcher that takes bodies back (as fetch.Fetcher does)
// and overwrites each one it is given, as the next page read into it
// would.
type scribbling struct {
	*pages
	released int
}

func (s *scribbling) Release(b []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.released++
	for i := range b {
		b[i] = 'x'
	}
}

// A page's body is given back once the page is recorded, and nothing
// recorded or read later depends on it: the stored bytes, the text and
// the next run's reading are those of the page, not of what its buffer
// held next.
func TestReleasedBodyIsNotKept(t *testing.T) {
	r := newRig(t)
	s := &scribbling{pages: r.pages}
	r.p.Fetcher = s
	page := html("We do not use your conversations to train our models.")
	r.pages.set(r.srcs[0].URL, page)
	r.pages.set(r.srcs[1].URL, page)
	for i := range 3 {
		if got := r.run(); got != nil {
			t.Errorf("run %d: events %v, want none", i, got)
		}
	}
	if s.released != 6 {
		t.Errorf("bodies released: %d, want 6 (one a page)", s.released)
	}
	ctx := context.Background()
	for _, src := range r.srcs {
		snaps, err := r.p.Store.Snapshots(ctx, src.ID)
		if err != nil || len(snaps) != 3 {
			t.Fatalf("snapshots of %s: %d, %v", src.ID, len(snaps), err)
		}
		for _, sn := range snaps {
			raw, err := r.p.Store.Raw(ctx, sn.ContentHash)
			if err != nil || string(raw) != page {
				t.Errorf("%s: stored bytes %.40q…, %v; want the page", src.ID, raw, err)
			}
			doc, err := r.p.Store.Document(ctx, sn.TextHash)
			if err != nil || !strings.Contains(doc.Text(), "do not use your conversations") {
				t.Errorf("%s: stored text %.60q, %v", src.ID, doc.Text(), err)
			}
		}
	}
}
