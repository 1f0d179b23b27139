package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
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

func TestSourcesReadFollowTheDatabase(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	read := func() map[string]bool {
		var got map[string]bool
		mustTransact(t, db, func(tx *Tx) error {
			var err error
			got, err = tx.SourcesRead(ctx)
			return err
		})
		return got
	}
	insert := func(s terms.Snapshot, fail bool) {
		err := db.Transact(ctx, func(tx *Tx) error {
			if s.TextHash != "" {
				h, err := tx.PutDocument(ctx, terms.Document{Clauses: []terms.Clause{{Text: s.TextHash}}})
				if err != nil {
					return err
				}
				s.TextHash = h
			}
			if _, err := tx.InsertSnapshot(ctx, s); err != nil {
				return err
			}
			if fail {
				return errors.New("rolled back")
			}
			return nil
		})
		if (err != nil) != fail {
			t.Fatalf("insert %+v: %v", s, err)
		}
	}
	if len(read()) != 0 {
		t.Fatal("a new database has read sources")
	}
	insert(terms.Snapshot{Source: "a", FetchedAt: t0, Origin: "check", ErrorCategory: terms.ErrServer}, false)
	insert(terms.Snapshot{Source: "b", FetchedAt: t0, Origin: "check", TextHash: "x"}, true)
	if got := read(); len(got) != 0 {
		t.Fatalf("a failure or a rolled-back version counts as read: %v", got)
	}
	insert(terms.Snapshot{Source: "b", FetchedAt: t0, Origin: "check", TextHash: "x"}, false)
	insert(terms.Snapshot{Source: "b", FetchedAt: t0.Add(time.Hour), Origin: "check", TextHash: "y"}, false)
	if got := read(); len(got) != 1 || !got["b"] {
		t.Fatalf("read sources %v, want b", got)
	}
	// A first version rolled back, then recorded for real, with no read in
	// between: counted once it is there.
	insert(terms.Snapshot{Source: "c", FetchedAt: t0, Origin: "check", TextHash: "z"}, true)
	insert(terms.Snapshot{Source: "c", FetchedAt: t0.Add(time.Hour), Origin: "check", TextHash: "z"}, false)
	insert(terms.Snapshot{Source: "d", FetchedAt: t0, Origin: "check", TextHash: "w"}, true)
	if got := read(); len(got) != 2 || !got["c"] || got["d"] {
		t.Fatalf("read sources %v, want b and c", got)
	}
}

// A run recording the first versions of many sources appends each to the
// cached observations: what an earlier transaction was handed stays as it
// was, and every source recorded is there, once.
func TestCurrentObservationsGrowWithoutChangingWhatWasHandedOut(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	var handed [][]terms.Observation
	for i := range 20 {
		source := fmt.Sprintf("s%02d", 19-i) // arrive out of source order
		mustTransact(t, db, func(tx *Tx) error {
			obs, err := tx.LatestObservations(ctx, "v")
			if err != nil {
				return err
			}
			handed = append(handed, obs)
			at := t0.Add(time.Duration(i) * time.Minute)
			id, err := tx.InsertSnapshot(ctx, terms.Snapshot{Source: source, FetchedAt: at, Origin: "check"})
			if err != nil {
				return err
			}
			return tx.InsertObservations(ctx, id, []terms.Observation{
				{Vendor: "v", Tier: "t", Attribute: "training", Value: terms.Scalar("never"), Evidence: terms.Evidence{Source: source, Snapshot: id, SnapshotAt: at}},
				{Vendor: "v", Tier: "t", Attribute: "zdr", Value: terms.Scalar("available"), Evidence: terms.Evidence{Source: source, Snapshot: id, SnapshotAt: at}}})
		})
	}
	for i, obs := range handed {
		if len(obs) != 2*i {
			t.Fatalf("transaction %d was handed %d observations, want %d", i, len(obs), 2*i)
		}
		for j := 0; j < len(obs); j += 2 {
			if obs[j].Evidence.Source != obs[j+1].Evidence.Source || obs[j].Attribute != "training" || obs[j+1].Attribute != "zdr" {
				t.Fatalf("transaction %d: a source's observations are not together and in order: %v", i, obs)
			}
		}
	}
	var cached []terms.Observation
	mustTransact(t, db, func(tx *Tx) error {
		var err error
		cached, err = tx.LatestObservations(ctx, "v")
		return err
	})
	fromSQL, err := db.LatestObservations(ctx, "v")
	if err != nil {
		t.Fatal(err)
	}
	key := func(o terms.Observation) string { return o.Evidence.Source + "/" + o.Attribute }
	got, want := make([]string, 0, len(cached)), make([]string, 0, len(fromSQL))
	for _, o := range cached {
		got = append(got, key(o))
	}
	for _, o := range fromSQL {
		want = append(want, key(o))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("cached %v, the database %v", got, want)
	}
}
