package pipeline

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/fetch"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// TestSameSelectionIsNotRead: a page whose selection is the version in
// force's is recorded as the same text without being extracted (noise
// outside the selection: html's script changes every time), a page whose
// selection changed is read, and a changed declaration (selectors,
// removals, variants) reads the page again.
func TestSameSelectionIsNotRead(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	src := r.srcs[0]
	extractions := 0
	r.p.OnExtract = func(s terms.Source) {
		if s.ID != src.ID {
			t.Errorf("extracted %s, want %s", s.ID, src.ID)
		}
		extractions++
	}
	never := "We do not use your conversations to train our models."
	optOut := "We use your conversations to train our models unless you opt out."
	withSelect := func(sel ...string) terms.Source { s := src; s.Select = sel; return s }
	withRemove := func(rem ...string) terms.Source { s := src; s.Remove = rem; return s }
	withVariant := func() terms.Source {
		s := src
		s.Variants = []terms.Variant{{ID: "row", Match: "Acme assistant"}}
		return s
	}
	steps := []struct {
		name      string
		src       terms.Source
		page      string
		read      bool // extracted
		version   bool // a new version
		wantKinds []string
	}{
		{"first page", src, html(never), true, true, nil},
		{"noise outside the selection", src, html(never), false, false, nil},
		{"noise again", src, html(never), false, false, nil},
		{"the selection changed", src, html(optOut), true, true, []string{"value-changed"}},
		{"noise after the change", src, html(optOut), false, false, nil},
		{"another selector, the same text", withSelect("article", "main"), html(optOut), true, false, nil},
		{"noise under that selector", withSelect("article", "main"), html(optOut), false, false, nil},
		{"a removal declared", withRemove("script"), html(optOut), true, false, nil},
		{"a variant declared", withVariant(), html(optOut), true, true, []string{"variant-changed"}},
	}
	for _, s := range steps {
		r.clock = r.clock.Add(time.Hour)
		r.pages.set(src.URL, s.page)
		before := extractions
		o, err := r.p.Check(ctx, s.src, OriginCheck)
		if err != nil || o.Err != nil {
			t.Fatalf("%s: %v, %v", s.name, err, o.Err)
		}
		if read := extractions > before; read != s.read || o.Unread == s.read {
			t.Errorf("%s: extracted %v (Unread %v), want extracted %v", s.name, read, o.Unread, s.read)
		}
		if o.NewVersion != s.version {
			t.Errorf("%s: new version %v, want %v", s.name, o.NewVersion, s.version)
		}
		var kinds []string
		for _, e := range o.Events {
			kinds = append(kinds, e.Kind)
		}
		if !slices.Equal(kinds, s.wantKinds) {
			t.Errorf("%s: events %v, want %v", s.name, kinds, s.wantKinds)
		}
		last, ok, err := r.p.Store.LastSnapshot(ctx, src.ID)
		if err != nil || !ok || last.TextHash == "" || last.SelectionHash == "" || last.ContentHash == "" {
			t.Fatalf("%s: last snapshot %+v, %v: want text, selection and content hashes", s.name, last, err)
		}
		if !s.read {
			prev, _, _ := r.p.Store.VersionBefore(ctx, src.ID, last.FetchedAt)
			if last.TextHash != prev.TextHash || last.SelectionHash != prev.SelectionHash || last.ExtractedBy != prev.ExtractedBy || last.Variant != prev.Variant {
				t.Errorf("%s: unread snapshot %+v, want the text, selection, method and variant of %+v", s.name, last, prev)
			}
		}
	}
}

// TestUnreadPageSettles: a page not read again still says what the same
// text says: recovered after a failure, and the page whole again
// dismisses a page held as suspect.
func TestUnreadPageSettles(t *testing.T) {
	r := newRig(t)
	r.srcs = r.srcs[:1]
	url := r.srcs[0].URL
	extractions := 0
	r.p.OnExtract = func(terms.Source) { extractions++ }
	var rest []string
	for i := range 24 {
		rest = append(rest, fmt.Sprintf("Section %d explains how parcels reach the depot of district %d.", i, i))
	}
	whole := func() { r.pages.set(url, html(rest...)) }
	steps := []struct {
		name   string
		change func()
		want   []string
		read   int
	}{
		{"first run", whole, nil, 1},
		{"the source fails", func() {
			r.pages.down(url, &fetch.Error{Category: terms.ErrServer, URL: url, Status: 503, Err: fmt.Errorf("status 503")})
		}, []string{"acme-terms:fetch-failed"}, 0},
		{"the same page again: recovered", whole, []string{"acme-terms:recovered"}, 0},
		{"a tenth of the page: held", func() { r.pages.set(url, html(rest[:2]...)) }, []string{"acme-terms:extraction-suspect"}, 1},
		{"the page whole again: dismissed", whole, []string{"acme-terms:recovered"}, 0},
		{"and again: nothing", whole, nil, 0},
	}
	for _, s := range steps {
		s.change()
		before := extractions
		if got := r.run(); !slices.Equal(got, s.want) {
			t.Errorf("%s: events %v, want %v", s.name, got, s.want)
		}
		if n := extractions - before; n != s.read {
			t.Errorf("%s: %d extractions, want %d", s.name, n, s.read)
		}
	}
	ctx := context.Background()
	if _, ok, err := r.p.Store.HeldSuspect(ctx, "acme-terms"); err != nil || ok {
		t.Errorf("a page is still held (%v, %v), want it dismissed", ok, err)
	}
	if vs, err := r.p.Store.Versions(ctx, "acme-terms"); err != nil || len(vs) != 1 {
		t.Errorf("versions %+v, %v: want the first page only", vs, err)
	}
}

// TestPageReadWholeIsReadAgain: a page whose selection gave no content was
// read whole (without selectors): what it read is more than the selection,
// so the same selection with other bytes around it is read again.
func TestPageReadWholeIsReadAgain(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	byMain := r.srcs[0]
	byID := byMain
	byID.Select = []string{"#terms"}
	extractions := 0
	r.p.OnExtract = func(terms.Source) { extractions++ }
	// #terms holds too little; html's main holds the page; its script
	// changes on every call. The first version is read by main, so that
	// the pages read without selectors have one to be held against.
	page := func() string {
		return strings.Replace(html("We do not use your conversations to train our models."), "<main>", `<div id="terms">Terms.</div><main>`, 1)
	}
	for i, src := range []terms.Source{byMain, byID, byID} {
		r.clock = r.clock.Add(time.Hour)
		r.pages.set(src.URL, page())
		o, err := r.p.Check(ctx, src, OriginCheck)
		if err != nil || o.Err != nil {
			t.Fatalf("check %d: %v, %v", i, err, o.Err)
		}
		if i > 0 && (o.Unread || o.Snapshot.ExtractedBy != "auto" || i == 2 && o.NewVersion) {
			t.Errorf("check %d: unread %v, extracted by %q, new version %v; want read without selectors (the second time the same text)", i, o.Unread, o.Snapshot.ExtractedBy, o.NewVersion)
		}
	}
	if extractions != 3 {
		t.Errorf("%d extractions, want 3", extractions)
	}
}

// TestUnreadPageRaceRecordsNothing: a page found to hold the selection of
// the version in force, when another version is recorded before its
// transaction (another process checking the same source), is not recorded
// as that text: the attempt stops with an error saying to check again, and
// nothing of it is stored.
func TestUnreadPageRaceRecordsNothing(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	src := r.srcs[0]
	never := html("We do not use your conversations to train our models.")
	r.pages.set(src.URL, never)
	if o, err := r.p.Check(ctx, src, OriginCheck); err != nil || o.Err != nil || !o.NewVersion {
		t.Fatalf("first page: %v, %v, new version %v", err, o.Err, o.NewVersion)
	}
	first, _, err := r.p.Store.LastSnapshot(ctx, src.ID)
	if err != nil {
		t.Fatal(err)
	}
	// What process found before the other write: the first version's text.
	r.clock = r.clock.Add(time.Hour)
	raced := terms.Snapshot{Source: src.ID, FetchedAt: r.clock, Origin: OriginCheck, Status: 200, ContentType: "text/html",
		Size: int64(len(never)), TextHash: first.TextHash, SelectionHash: first.SelectionHash, ExtractedBy: first.ExtractedBy}
	// The other write: a new version lands first.
	r.clock = r.clock.Add(time.Minute)
	r.pages.set(src.URL, html("We use your conversations to train our models unless you opt out."))
	if o, err := r.p.Check(ctx, src, OriginCheck); err != nil || o.Err != nil || !o.NewVersion {
		t.Fatalf("the other version: %v, %v, new version %v", err, o.Err, o.NewVersion)
	}
	before, err := r.p.Store.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	raced.FetchedAt = r.clock.Add(time.Minute)
	_, err = r.p.record(ctx, src, raced, []byte(never), nil, nil)
	if err == nil || !strings.Contains(err.Error(), "another version was recorded") {
		t.Fatalf("record of the raced page = %v, want an error saying another version was recorded", err)
	}
	after, err := r.p.Store.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after.Snapshots != before.Snapshots || after.Events != before.Events || after.Observations != before.Observations {
		t.Errorf("the refused attempt stored something: %+v, before %+v", after, before)
	}
}
