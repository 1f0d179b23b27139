package pipeline

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/clausewatch/clausewatch/internal/fetch"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// A page held as suspect stays held while the source fails, and the same
// shrunken page after the failure accepts it: the held page's events once,
// and one recovered for the failure.
func TestHeldPageSurvivesAFailure(t *testing.T) {
	r := newRig(t)
	r.srcs = r.srcs[:1]
	url := r.srcs[0].URL
	never := "We do not use your conversations to train our models."
	var rest []string
	for i := range 24 {
		rest = append(rest, fmt.Sprintf("Section %d explains how parcels reach the depot of district %d.", i, i))
	}
	r.pages.set(url, html(append([]string{never}, rest...)...))
	part := html(rest[:2]...)

	steps := []struct {
		name   string
		change func()
		want   []string
	}{
		{"first run", func() {}, nil},
		{"a tenth of the page: held", func() { r.pages.set(url, part) }, []string{"acme-terms:extraction-suspect"}},
		{"the source fails: still held", func() {
			r.pages.down(url, &fetch.Error{Category: terms.ErrServer, URL: url, Status: 503, Err: fmt.Errorf("status 503")})
		}, []string{"acme-terms:fetch-failed"}},
		{"the same part again: accepted", func() { r.pages.set(url, part) },
			[]string{"acme-terms:evidence-lost", "acme-terms:recovered"}},
		{"and again: nothing", func() {}, nil},
	}
	ctx := context.Background()
	for _, s := range steps {
		s.change()
		if got := r.run(); !slices.Equal(got, s.want) {
			t.Errorf("%s: events %v, want %v", s.name, got, s.want)
		}
		if s.name == "the source fails: still held" {
			if h, ok, err := r.p.Store.HeldSuspect(ctx, "acme-terms"); err != nil || !ok {
				t.Fatalf("no page held after the failure: %v, %v", h, err)
			}
		}
	}
	vs, err := r.p.Store.Versions(ctx, "acme-terms")
	if err != nil || len(vs) != 2 || vs[1].Suspect != terms.SuspectAccepted {
		t.Fatalf("versions %+v, %v: want the first page and the accepted part", vs, err)
	}
	obs, err := r.p.Store.LatestObservations(ctx, "acme")
	if err != nil || len(obs) != 1 || !obs[0].Value.Unknown || obs[0].Evidence.Snapshot != vs[1].ID {
		t.Errorf("observations in force %+v, %v: want training unknown, read from the accepted page", obs, err)
	}
}

func TestAcceptHeldWithNothingHeld(t *testing.T) {
	r := newRig(t)
	r.pages.set(r.srcs[0].URL, html("We do not use your conversations to train our models."))
	r.run()
	if _, err := r.p.AcceptHeld(context.Background(), r.srcs[0]); !errors.Is(err, ErrNoneHeld) {
		t.Errorf("AcceptHeld with nothing held = %v, want ErrNoneHeld", err)
	}
}
