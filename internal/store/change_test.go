package store

import (
	"context"
	"testing"

	"github.com/clausewatch/clausewatch/internal/terms"
)

func TestInsertEventsGivesEachChangeOneID(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	evs := []terms.Event{
		{Kind: terms.DocumentChanged, Severity: terms.Info, Source: "s"},
		{Kind: terms.ValueChanged, Severity: terms.Critical, Source: "s", Tier: "consumer", Change: "k1"},
		{Kind: terms.ValueChanged, Severity: terms.Critical, Source: "s", Tier: "team", Change: "k1"},
		{Kind: terms.BaselineDrift, Severity: terms.High, Source: "s", Tier: "team", Change: "k2"},
	}
	var got []terms.Event
	mustTransact(t, db, func(tx *Tx) error {
		var err error
		got, err = tx.InsertEvents(ctx, evs)
		return err
	})
	want := []string{"", "g-000002", "g-000002", "g-000004"}
	for i, e := range got {
		if e.Change != want[i] {
			t.Errorf("event %d (%s): change %q, want %q", i, e.ID, e.Change, want[i])
		}
	}
	stored, err := db.Events(ctx, EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range stored {
		if e.Change == "g-000002" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("stored events of change g-000002: %d, want 2", n)
	}
}
