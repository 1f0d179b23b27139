package store

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/clausewatch/clausewatch/internal/terms"
)

func insertTestEvents(tb testing.TB, db *DB, sevs ...terms.Severity) []terms.Event {
	tb.Helper()
	var evs []terms.Event
	for i, s := range sevs {
		evs = append(evs, terms.Event{Kind: terms.ClauseChanged, Severity: s, Vendor: "acme", Source: "acme-terms",
			SnapshotAt: at(i), Detail: "our own words"})
	}
	var out []terms.Event
	mustTransact(tb, db, func(tx *Tx) error {
		var err error
		out, err = tx.InsertEvents(context.Background(), evs)
		return err
	})
	return out
}

func TestEventsAfter(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	if evs, last, err := db.EventsAfter(ctx, 0); err != nil || len(evs) != 0 || last != 0 {
		t.Fatalf("EventsAfter on an empty database = %v, %d, %v", evs, last, err)
	}
	ins := insertTestEvents(t, db, terms.Critical, terms.Info, terms.Low)
	tests := []struct {
		name     string
		after    int64
		wantIDs  []string
		wantLast int64
	}{
		{"all", 0, []string{ins[0].ID, ins[1].ID, ins[2].ID}, 3},
		{"after the second", 2, []string{ins[2].ID}, 3},
		{"none left", 3, nil, 3},
		{"marker beyond the last", 9, nil, 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var evs []terms.Event
			var last int64
			mustTransact(t, db, func(tx *Tx) error {
				var err error
				evs, last, err = tx.EventsAfter(ctx, tt.after)
				return err
			})
			var ids []string
			for _, e := range evs {
				ids = append(ids, e.ID)
			}
			if diff := cmp.Diff(tt.wantIDs, ids); diff != "" || last != tt.wantLast {
				t.Errorf("EventsAfter(%d): last %d (want %d), ids (-want +got):\n%s", tt.after, last, tt.wantLast, diff)
			}
		})
	}
	evs, _, err := db.EventsAfter(ctx, 0)
	if err != nil || evs[0].Severity != terms.Critical || evs[0].Detail != "our own words" {
		t.Errorf("EventsAfter does not read the stored event back: %+v, %v", evs, err)
	}
}

func outboxRow(sub, id string) OutboxMessage {
	return OutboxMessage{Subscription: sub, Recipients: []string{sub + "@example.org"}, Subject: "[clausewatch] " + sub,
		Text: "text of " + sub, HTML: "<p>html of " + sub + "</p>", MessageID: id, EventIDs: []string{"c-000001", "c-000002"}}
}

func TestQueueOutbox(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	var queued []OutboxMessage
	mustTransact(t, db, func(tx *Tx) error {
		var err error
		queued, err = tx.QueueOutbox(ctx, []OutboxMessage{outboxRow("team", "a@x"), outboxRow("legal", "b@x")})
		return err
	})
	if len(queued) != 2 || queued[0].ID == 0 || queued[1].ID <= queued[0].ID || !queued[0].CreatedAt.Equal(t0) {
		t.Fatalf("QueueOutbox returned %+v", queued)
	}
	got, err := db.PendingOutbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(queued, got); diff != "" {
		t.Errorf("PendingOutbox differs from what was queued (-queued +read):\n%s", diff)
	}

	t.Run("same message id queued once", func(t *testing.T) {
		var again []OutboxMessage
		mustTransact(t, db, func(tx *Tx) error {
			var err error
			again, err = tx.QueueOutbox(ctx, []OutboxMessage{outboxRow("team", "a@x"), outboxRow("ops", "c@x")})
			return err
		})
		if len(again) != 1 || again[0].MessageID != "c@x" {
			t.Errorf("re-queue returned %+v, want only the new message", again)
		}
		if n := countRows(t, db, "outbox"); n != 3 {
			t.Errorf("outbox has %d rows, want 3", n)
		}
	})

	t.Run("empty message id fails the transaction", func(t *testing.T) {
		err := db.Transact(ctx, func(tx *Tx) error {
			if _, err := tx.QueueOutbox(ctx, []OutboxMessage{outboxRow("x", "d@x")}); err != nil {
				return err
			}
			_, err := tx.QueueOutbox(ctx, []OutboxMessage{outboxRow("y", "")})
			return err
		})
		if err == nil {
			t.Fatal("QueueOutbox of an empty message id succeeded")
		}
		if n := countRows(t, db, "outbox"); n != 3 {
			t.Errorf("outbox has %d rows after the failed transaction, want 3", n)
		}
	})
}

func TestMarkOutbox(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	var rows []OutboxMessage
	mustTransact(t, db, func(tx *Tx) error {
		var err error
		rows, err = tx.QueueOutbox(ctx, []OutboxMessage{outboxRow("team", "a@x"), outboxRow("legal", "b@x")})
		return err
	})
	id := rows[0].ID

	if err := db.MarkFailed(ctx, id, "dial tcp: connection refused"); err != nil {
		t.Fatal(err)
	}
	all, err := db.Outbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if m := all[0]; m.Attempts != 1 || m.LastError != "dial tcp: connection refused" || !m.Pending() {
		t.Errorf("after MarkFailed: %+v", m)
	}

	if err := db.MarkSent(ctx, id); err != nil {
		t.Fatal(err)
	}
	all, _ = db.Outbox(ctx)
	if m := all[0]; m.Attempts != 2 || m.LastError != "" || m.Pending() || !m.SentAt.Equal(t0) {
		t.Errorf("after MarkSent: %+v", m)
	}
	pending, _ := db.PendingOutbox(ctx)
	if len(pending) != 1 || pending[0].ID != rows[1].ID {
		t.Errorf("PendingOutbox = %+v, want only the second message", pending)
	}

	tests := []struct {
		name string
		mark func() error
		want error
	}{
		{"sent twice", func() error { return db.MarkSent(ctx, id) }, ErrAlreadySent},
		{"failed after sent", func() error { return db.MarkFailed(ctx, id, "late") }, ErrAlreadySent},
		{"unknown id sent", func() error { return db.MarkSent(ctx, 99) }, ErrNotFound},
		{"unknown id failed", func() error { return db.MarkFailed(ctx, 99, "x") }, ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.mark(); !errors.Is(err, tt.want) {
				t.Errorf("error = %v, want %v", err, tt.want)
			}
		})
	}
	all, _ = db.Outbox(ctx)
	if m := all[0]; m.Attempts != 2 || m.LastError != "" {
		t.Errorf("refused marks changed the row: %+v", m)
	}
}
