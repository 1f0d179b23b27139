package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/clausewatch/clausewatch/internal/terms"
)

func TestEvents(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	day := func(d int) time.Time { return t0.Add(time.Duration(d) * 24 * time.Hour) }
	never, optOut := terms.Scalar("never"), terms.Scalar("opt-out")
	r30, r60 := terms.MapOf(map[string]string{"default": "30"}), terms.MapOf(map[string]string{"default": "60"})
	in := []terms.Event{
		{ID: "ignored", Kind: terms.ValueChanged, Severity: terms.Critical, Vendor: "acme", Tier: "consumer", Attribute: "training",
			Old: &never, New: &optOut, Source: "acme-terms", SnapshotAt: day(-30), DetectedAt: day(1),
			Before: &terms.Side{Snapshot: 1, Clause: "Data > Training", Text: "We do not train."},
			After:  &terms.Side{Snapshot: 2, Clause: "Data > Training", Text: "We train unless you opt out."}},
		{Kind: terms.ValueChanged, Severity: terms.Critical, Vendor: "acme", Tier: "api", Attribute: "retention",
			Old: &r30, New: &r60, Source: "acme-dpa", SnapshotAt: day(1), DetectedAt: day(2)},
		{Kind: terms.ClauseChanged, Severity: terms.Low, Vendor: "acme", Tier: "api", Attribute: "training",
			Source: "acme-terms", SnapshotAt: day(2), DetectedAt: day(2)},
		{Kind: terms.FetchFailed, Severity: terms.High, Source: "other-terms", SnapshotAt: day(3), DetectedAt: day(3), Detail: "fetch: status 503"},
		{Kind: terms.DocumentChanged, Severity: terms.Info, Vendor: "other", Source: "other-terms", SnapshotAt: day(4)}, // DetectedAt from the clock
	}
	var stored []terms.Event
	mustTransact(t, db, func(tx *Tx) error {
		var err error
		stored, err = tx.InsertEvents(ctx, in)
		return err
	})
	for i, e := range stored {
		if want := terms.EventID(int64(i + 1)); e.ID != want {
			t.Errorf("event %d ID = %q, want %q", i, e.ID, want)
		}
	}
	if !stored[4].DetectedAt.Equal(t0) {
		t.Errorf("zero DetectedAt stored as %v, want the clock's %v", stored[4].DetectedAt, t0)
	}
	all, err := db.Events(ctx, EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	// Ordered by detected_at: the clock-stamped one (t0) comes first.
	want := append([]terms.Event{stored[4]}, stored[:4]...)
	if diff := cmp.Diff(want, all); diff != "" {
		t.Fatalf("Events round trip (-want +got):\n%s", diff)
	}

	tests := []struct {
		name    string
		f       EventFilter
		wantIDs []string
	}{
		{"all", EventFilter{}, []string{"c-000005", "c-000001", "c-000002", "c-000003", "c-000004"}},
		{"since is inclusive", EventFilter{Since: day(2)}, []string{"c-000002", "c-000003", "c-000004"}},
		{"sources", EventFilter{Sources: []string{"acme-terms", "acme-dpa"}}, []string{"c-000001", "c-000002", "c-000003"}},
		{"vendors", EventFilter{Vendors: []string{"other"}}, []string{"c-000005"}},
		{"tiers", EventFilter{Tiers: []string{"api"}}, []string{"c-000002", "c-000003"}},
		{"attributes", EventFilter{Attributes: []string{"training"}}, []string{"c-000001", "c-000003"}},
		{"kinds", EventFilter{Kinds: []string{terms.FetchFailed, terms.DocumentChanged}}, []string{"c-000005", "c-000004"}},
		{"min severity high", EventFilter{MinSeverity: terms.High}, []string{"c-000001", "c-000002", "c-000004"}},
		{"min severity low", EventFilter{MinSeverity: terms.Low}, []string{"c-000001", "c-000002", "c-000003", "c-000004"}},
		{"limit keeps the latest", EventFilter{Limit: 2}, []string{"c-000003", "c-000004"}},
		{"combined", EventFilter{Since: day(2), Sources: []string{"acme-terms"}, Attributes: []string{"training"}, MinSeverity: terms.Low}, []string{"c-000003"}},
		{"nothing matches", EventFilter{Sources: []string{"nope"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := db.Events(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, e := range evs {
				ids = append(ids, e.ID)
			}
			if diff := cmp.Diff(tt.wantIDs, ids); diff != "" {
				t.Errorf("ids (-want +got):\n%s", diff)
			}
		})
	}

	bad := []struct {
		name string
		f    EventFilter
		want string
	}{
		{"unknown severity", EventFilter{MinSeverity: "urgent"}, "urgent"},
		{"negative limit", EventFilter{Limit: -1}, "-1"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := db.Events(ctx, tt.f); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Events = %v, want an error mentioning %q", err, tt.want)
			}
		})
	}
}
