package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// The cache of current observations never serves what the database does
// not hold: a rolled-back write is not seen, a newer version replaces its
// source's observations, a backfill does not, and a write by another
// handle on the same file is seen.
func TestCurrentObservationsFollowTheDatabase(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	record := func(source string, at time.Time, value string, fail bool) error {
		return db.Transact(ctx, func(tx *Tx) error {
			id, err := tx.InsertSnapshot(ctx, terms.Snapshot{Source: source, FetchedAt: at, Origin: "check"})
			if err != nil {
				return err
			}
			if err := tx.InsertObservations(ctx, id, []terms.Observation{{Vendor: "v", Tier: "t", Attribute: "training",
				Value: terms.Scalar(value), Evidence: terms.Evidence{Source: source, Snapshot: id, SnapshotAt: at}}}); err != nil {
				return err
			}
			if fail {
				return errors.New("rolled back")
			}
			return nil
		})
	}
	current := func() map[string]string {
		out := map[string]string{}
		mustTransact(t, db, func(tx *Tx) error {
			obs, err := tx.LatestObservations(ctx, "v")
			for _, o := range obs {
				out[o.Evidence.Source] = o.Value.Scalar
			}
			return err
		})
		return out
	}
	check := func(step string, want map[string]string) {
		t.Helper()
		got := current()
		if len(got) != len(want) {
			t.Fatalf("%s: %v, want %v", step, got, want)
		}
		for k, v := range want {
			if got[k] != v {
				t.Fatalf("%s: %v, want %v", step, got, want)
			}
		}
	}
	if err := record("a", t0, "never", false); err != nil {
		t.Fatal(err)
	}
	check("first", map[string]string{"a": "never"})
	if err := record("a", t0.Add(time.Hour), "always", true); err == nil {
		t.Fatal("the failing transaction committed")
	}
	check("after a rollback", map[string]string{"a": "never"})
	if err := record("a", t0.Add(2*time.Hour), "opt-out", false); err != nil {
		t.Fatal(err)
	}
	if err := record("b", t0, "opt-in", false); err != nil {
		t.Fatal(err)
	}
	check("newer version and another source", map[string]string{"a": "opt-out", "b": "opt-in"})
	if err := record("a", t0.Add(-time.Hour), "always", false); err != nil {
		t.Fatal(err)
	}
	check("a backfill is not current", map[string]string{"a": "opt-out", "b": "opt-in"})

	other := mustOpenAt(t, db.Path())
	if err := other.Transact(ctx, func(tx *Tx) error {
		id, err := tx.InsertSnapshot(ctx, terms.Snapshot{Source: "b", FetchedAt: t0.Add(5 * time.Hour), Origin: "check"})
		if err != nil {
			return err
		}
		return tx.InsertObservations(ctx, id, []terms.Observation{{Vendor: "v", Tier: "t", Attribute: "training",
			Value: terms.Scalar("always"), Evidence: terms.Evidence{Source: "b", Snapshot: id, SnapshotAt: t0.Add(5 * time.Hour)}}})
	}); err != nil {
		t.Fatal(err)
	}
	check("written through another handle", map[string]string{"a": "opt-out", "b": "always"})
}
