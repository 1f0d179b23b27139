package store

import (
	"context"
	"errors"
	"testing"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// holdAt records a page of source held as suspect, fetched at hour.
func holdAt(tb testing.TB, db *DB, source string, hour int, text string) int64 {
	tb.Helper()
	ctx := context.Background()
	var id int64
	mustTransact(tb, db, func(tx *Tx) error {
		s := terms.Snapshot{Source: source, FetchedAt: at(hour), Origin: "check", Status: 200, Suspect: terms.SuspectHeld}
		var err error
		if s.ContentHash, err = tx.PutRaw(ctx, source, []byte("<p>"+text+"</p>")); err != nil {
			return err
		}
		if s.TextHash, err = tx.PutDocument(ctx, doc("Terms > Data", text)); err != nil {
			return err
		}
		id, err = tx.InsertSnapshot(ctx, s)
		return err
	})
	return id
}

// A page held as suspect is stored but is no version: versions, the
// version in force, the last good attempt (what a 304 repeats) and the set
// of sources read leave it out until it is accepted; a dismissed one stays
// out for good.
func TestHeldSuspect(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	ids := record(t, db, "acme", fetch{hour: 1, text: "whole page"})
	if _, ok, err := db.HeldSuspect(ctx, "acme"); ok || err != nil {
		t.Fatalf("held before any: %v, %v", ok, err)
	}
	held := holdAt(t, db, "acme", 2, "a part of it")

	got, ok, err := db.HeldSuspect(ctx, "acme")
	if err != nil || !ok || got.ID != held || got.Suspect != terms.SuspectHeld {
		t.Fatalf("HeldSuspect = %+v, %v, %v; want snapshot %d held", got, ok, err, held)
	}
	all, err := db.HeldSuspects(ctx)
	if err != nil || len(all) != 1 || all[0].ID != held {
		t.Errorf("HeldSuspects = %v, %v", all, err)
	}
	vs, err := db.Versions(ctx, "acme")
	if err != nil || len(vs) != 1 || vs[0].ID != ids[0] {
		t.Errorf("versions while held: %v, %v; want only %d", vs, err, ids[0])
	}
	if v, ok, err := db.VersionBefore(ctx, "acme", at(3)); err != nil || !ok || v.ID != ids[0] {
		t.Errorf("version in force while held: %d, %v, %v; want %d", v.ID, ok, err, ids[0])
	}
	if g, ok, err := db.LastGood(ctx, "acme"); err != nil || !ok || g.ID != ids[0] {
		t.Errorf("last good while held: %d, %v, %v; want %d", g.ID, ok, err, ids[0])
	}
	if n, err := db.ConsecutiveFailures(ctx, "acme"); err != nil || n != 0 {
		t.Errorf("a held page is no failure: %d, %v", n, err)
	}

	// Only a held page can be settled, and only to accepted or dismissed.
	mustTransact(t, db, func(tx *Tx) error {
		if err := tx.SetSuspect(ctx, ids[0], terms.SuspectAccepted); !errors.Is(err, ErrNotFound) {
			t.Errorf("settling a page never held = %v, want ErrNotFound", err)
		}
		if err := tx.SetSuspect(ctx, held, terms.SuspectHeld); err == nil {
			t.Errorf("settling to held succeeded")
		}
		return tx.SetSuspect(ctx, held, terms.SuspectAccepted)
	})
	if _, ok, _ := db.HeldSuspect(ctx, "acme"); ok {
		t.Errorf("still held after the accept")
	}
	if vs, _ := db.Versions(ctx, "acme"); len(vs) != 2 || vs[1].ID != held || vs[1].Suspect != terms.SuspectAccepted {
		t.Errorf("versions after the accept: %+v", vs)
	}

	other := holdAt(t, db, "acme", 3, "another part")
	mustTransact(t, db, func(tx *Tx) error { return tx.SetSuspect(ctx, other, terms.SuspectDismissed) })
	if g, _, _ := db.LastGood(ctx, "acme"); g.ID != held {
		t.Errorf("last good after a dismissal: %d, want %d", g.ID, held)
	}
	if vs, _ := db.Versions(ctx, "acme"); len(vs) != 2 {
		t.Errorf("a dismissed page is a version: %+v", vs)
	}
	mustTransact(t, db, func(tx *Tx) error {
		if err := tx.SetSuspect(ctx, other, terms.SuspectAccepted); !errors.Is(err, ErrNotFound) {
			t.Errorf("accepting a dismissed page = %v, want ErrNotFound", err)
		}
		return nil
	})

	// The database refuses a state it does not know.
	if _, err := db.sql.ExecContext(ctx, `UPDATE snapshots SET suspect = 'maybe' WHERE id = ?`, held); err == nil {
		t.Errorf("the suspect column took an unknown state")
	}
}

// A source whose only page so far is held has no version: it is not read.
func TestHeldPageIsNoFirstVersion(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	holdAt(t, db, "acme", 1, "a part of it")
	mustTransact(t, db, func(tx *Tx) error {
		read, err := tx.SourcesRead(ctx)
		if err != nil {
			return err
		}
		if read["acme"] {
			t.Errorf("a held page counts as a version read")
		}
		return nil
	})
}
