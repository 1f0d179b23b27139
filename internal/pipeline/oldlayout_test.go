package pipeline

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/extract"
	"github.com/clausewatch/clausewatch/internal/fixture"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// landing is p laid out as a page from before a redesign: no <main>.
func landing(p fixture.Page) fixture.Page {
	p.Layout = fixture.LandingPage
	return p
}

// TestOldLayoutImport imports a page whose layout the declaration (select
// [main]) does not know: read without selectors, it is recorded ("auto")
// when it holds most of the sentences of a version nearest in time, and
// refused otherwise.
func TestOldLayoutImport(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	src := r.srcs[0]
	day := func(d int) time.Time { return time.Date(2026, 1, d, 0, 0, 0, 0, time.UTC) }
	never := fixture.ConsumerTerms(fixture.TrainingNever)

	// Nothing to check it against yet: refused, nothing recorded.
	_, err := r.p.Import(ctx, src, landing(never).HTML(), day(1), "text/html")
	if !errors.Is(err, extract.ErrNoContent) || !strings.Contains(err.Error(), `select "main" matched nothing`) || !strings.Contains(err.Error(), "no recorded version") {
		t.Fatalf("old layout without a version: %v, want ErrNoContent naming main and the missing version", err)
	}
	if snaps, _ := r.p.Store.Snapshots(ctx, src.ID); len(snaps) != 0 {
		t.Fatalf("a refused import recorded %d snapshots", len(snaps))
	}

	steps := []struct {
		name   string
		page   fixture.Page
		at     time.Time
		method string // "" for a refused import
	}{
		{"the new layout", never, day(10), "select:main"},
		{"the old layout after it", landing(never), day(20), extract.MethodAuto},
		{"the old layout before every version", landing(never), day(5), extract.MethodAuto},
		{"the old layout with training turned on", landing(fixture.ConsumerTerms(fixture.TrainingOptOut)), day(25), extract.MethodAuto},
		{"an empty shell", fixture.Page{}, day(26), ""},
		{"another page in the old layout", landing(fixture.BAAArticle(true)), day(27), ""},
	}
	for _, s := range steps {
		raw := s.page.HTML()
		if s.name == "an empty shell" {
			raw = fixture.EmptyShell(4)
		}
		o, err := r.p.Import(ctx, src, raw, s.at, "text/html")
		if s.method == "" {
			if !errors.Is(err, extract.ErrNoContent) {
				t.Errorf("%s: err = %v, want ErrNoContent", s.name, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if o.Snapshot.ExtractedBy != s.method {
			t.Errorf("%s: extracted by %q, want %q", s.name, o.Snapshot.ExtractedBy, s.method)
		}
	}
	vs, err := r.p.Store.Versions(ctx, src.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range vs {
		got = append(got, v.FetchedAt.Format("01-02")+" "+v.ExtractedBy)
	}
	// The layouts differ by a link or two: each import is a version.
	want := []string{"01-05 auto", "01-10 select:main", "01-20 auto", "01-25 auto"}
	if !slices.Equal(got, want) {
		t.Errorf("versions %q, want %q", got, want)
	}
	obs, err := r.p.Store.Observations(ctx, vs[3].ID)
	training := slices.IndexFunc(obs, func(o terms.Observation) bool { return o.Attribute == "training" })
	if err != nil || training < 0 || obs[training].Value.Scalar != "opt-out" {
		t.Errorf("the old layout's training sentence was not read: %+v, %v", obs, err)
	}
}

// TestOldLayoutCheck: a check that finds the declared content gone and the
// page read without selectors is not the terms (an empty shell, a
// challenge without a known title, another page) records
// extraction-failed, never a version without the terms.
func TestOldLayoutCheck(t *testing.T) {
	r := newRig(t)
	url := r.srcs[0].URL
	never := fixture.ConsumerTerms(fixture.TrainingNever)
	challenge := `<html><head><title>One moment</title></head><body><div><h1>Checking your connection</h1><p>` +
		strings.Repeat("This site checks that your browser is a real one before it shows the page you asked for. ", 4) + `</p></div></body></html>`
	steps := []struct {
		name string
		page string
		want []string
	}{
		{"the terms", string(never.HTML()), nil},
		{"redesigned: read without selectors", string(landing(never).HTML()), []string{"acme-terms:document-changed"}},
		{"an empty shell", string(fixture.EmptyShell(2)), []string{"acme-terms:extraction-failed"}},
		{"back", string(never.HTML()), []string{"acme-terms:document-changed", "acme-terms:recovered"}},
		{"a challenge page of unknown title", challenge, []string{"acme-terms:extraction-failed"}},
		{"back again", string(landing(never).HTML()), []string{"acme-terms:document-changed", "acme-terms:recovered"}},
		{"another page in the old layout", string(landing(fixture.BAAArticle(true)).HTML()), []string{"acme-terms:extraction-failed"}},
	}
	r.pages.set(r.srcs[1].URL, html("We do not use your conversations to train our models."))
	for _, s := range steps {
		r.pages.set(url, s.page)
		var got []string
		for _, k := range r.run() {
			if strings.HasPrefix(k, "acme-terms:") && !strings.HasSuffix(k, ":clause-changed") {
				got = append(got, k)
			}
		}
		if !slices.Equal(got, s.want) {
			t.Errorf("%s: events %v, want %v", s.name, got, s.want)
		}
	}
	snaps, err := r.p.Store.Snapshots(context.Background(), "acme-terms")
	if err != nil {
		t.Fatal(err)
	}
	var by []string
	for _, s := range snaps {
		by = append(by, s.ExtractedBy+"/"+s.ErrorCategory)
	}
	want := []string{"select:main/", "auto/", "/extraction", "select:main/", "/extraction", "auto/", "/extraction"}
	if !slices.Equal(by, want) {
		t.Errorf("snapshots extracted by %q, want %q", by, want)
	}
}

// TestOldLayoutReprocess: once the declaration learns the old layout (a
// second select), reprocess records how each stored page is read now; the
// text, read the same, is no change.
func TestOldLayoutReprocess(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	src := r.srcs[0]
	never := fixture.ConsumerTerms(fixture.TrainingNever)
	for i, raw := range [][]byte{never.HTML(), landing(never).HTML()} {
		if _, err := r.p.Import(ctx, src, raw, time.Date(2026, 1, 10+i, 0, 0, 0, 0, time.UTC), "text/html"); err != nil {
			t.Fatal(err)
		}
	}
	src.Select = append(src.Select, `[id^="landing-"]`)
	src.Remove = []string{`[id^="landing-"] header`, `[id^="landing-"] footer`, `[class^="toc_"]`}
	res, err := r.p.Reprocess(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if res.Snapshots != 2 || res.TextChanged != 0 || res.ExtractErrors != 0 {
		t.Errorf("reprocess: %+v, want 2 re-read, no text changed", res)
	}
	snaps, err := r.p.Store.Snapshots(ctx, src.ID)
	if err != nil {
		t.Fatal(err)
	}
	var by []string
	for _, s := range snaps {
		by = append(by, s.ExtractedBy)
	}
	if want := []string{"select:main", `select:[id^="landing-"]`}; !slices.Equal(by, want) {
		t.Errorf("extracted by %q after reprocess, want %q", by, want)
	}
}
