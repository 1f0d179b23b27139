package pipeline

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/extract"
	"github.com/clausewatch/clausewatch/internal/fetch"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// bigPage is html of n tiny paragraphs of our own words (joined here in
// one pass: html appends paragraph by paragraph).
func bigPage(n int) string {
	ps := make([]string, n)
	for i := range ps {
		ps[i] = fmt.Sprintf("Item %d holds.", i)
	}
	return html(strings.Join(ps, "</p><p>"))
}

// A page of more than extract.MaxClauses clauses is an extraction failure
// naming the source and the count: no version, no observation.
func TestCheckRefusesTooManyClauses(t *testing.T) {
	r := newRig(t)
	src := r.srcs[0]
	r.pages.set(src.URL, bigPage(extract.MaxClauses+10))
	o, err := r.p.Check(context.Background(), src, OriginCheck)
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(o.Err, extract.ErrTooLarge) || len(o.Events) != 1 || o.Events[0].Kind != terms.ExtractionFailed {
		t.Fatalf("outcome: err %v, events %+v; want one extraction-failed for a page too large", o.Err, o.Events)
	}
	msg := o.Snapshot.Error
	if !strings.Contains(msg, src.ID) || !strings.Contains(msg, fmt.Sprintf("more than the %d a page may make", extract.MaxClauses)) {
		t.Errorf("recorded error %q; want it to name %s and the cap", msg, src.ID)
	}
	if vs, err := r.p.Store.Versions(context.Background(), src.ID); err != nil || len(vs) != 0 {
		t.Errorf("versions: %d, %v; want none", len(vs), err)
	}
	// Import refuses it and records nothing.
	if _, err := r.p.Import(context.Background(), r.srcs[1], []byte(bigPage(extract.MaxClauses+10)), r.clock, "text/html"); !errors.Is(err, extract.ErrTooLarge) {
		t.Errorf("import: %v; want ErrTooLarge", err)
	}
	if snaps, _ := r.p.Store.Snapshots(context.Background(), r.srcs[1].ID); len(snaps) != 0 {
		t.Errorf("a refused import recorded %d snapshots", len(snaps))
	}
}

// stopping is a Fetcher that serves a page and stops the run as it does:
// the page then is never read, and nothing is recorded.
type stopping struct {
	body   string
	cancel context.CancelFunc
}

func (s stopping) Fetch(_ context.Context, req fetch.Request) (*fetch.Result, error) {
	s.cancel()
	return &fetch.Result{URL: req.URL, Status: 200, Body: []byte(s.body), ContentType: "text/html"}, nil
}

func TestCheckStoppedAfterFetchRecordsNothing(t *testing.T) {
	r := newRig(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r.p.Fetcher = stopping{body: bigPage(5000), cancel: cancel}
	_, err := r.p.Check(ctx, r.srcs[0], OriginCheck)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Check = %v; want context.Canceled", err)
	}
	if snaps, err := r.p.Store.Snapshots(context.Background(), r.srcs[0].ID); err != nil || len(snaps) != 0 {
		t.Errorf("snapshots: %d, %v; want none", len(snaps), err)
	}
	// Import stops the same way.
	if _, err := r.p.Import(ctx, r.srcs[1], []byte(bigPage(5000)), r.clock, "text/html"); !errors.Is(err, context.Canceled) {
		t.Errorf("Import = %v; want context.Canceled", err)
	}
}
