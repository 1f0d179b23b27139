package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/clausewatch/clausewatch/internal/terms"
)

func TestRecordAttempt(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	var rows []OutboxMessage
	mustTransact(t, db, func(tx *Tx) error {
		var err error
		rows, err = tx.QueueOutbox(ctx, []OutboxMessage{outboxRow("team", "a@x"), outboxRow("legal", "b@x")})
		return err
	})
	id := rows[0].ID
	first := Attempt{Error: "bad@x: 554 no such mailbox", Deliveries: []Delivery{
		{Address: "good@x", State: DeliverySent, Attempts: 1},
		{Address: "Bad <bad@x>", State: DeliveryFailed, Attempts: 1, Code: 554, LastError: "554 no such mailbox"},
		{Address: "slow@x", State: DeliveryPending, Attempts: 1, Unanswered: 1, LastError: "no answer"},
	}}
	if err := db.RecordAttempt(ctx, id, first); err != nil {
		t.Fatal(err)
	}
	m, err := db.OutboxMessageByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	want := first.Deliveries
	for i := range want {
		want[i].UpdatedAt = t0
	}
	if diff := cmp.Diff(want, m.Deliveries); diff != "" || m.Attempts != 1 || m.LastError != first.Error || !m.Pending() {
		t.Errorf("after the first attempt: %+v\n%s", m, diff)
	}

	// The second attempt updates slow@x in place and finishes the message.
	second := Attempt{Deliveries: []Delivery{{Address: "slow@x", State: DeliveryUnconfirmed, Attempts: 2, Unanswered: 2}}, Done: true}
	if err := db.RecordAttempt(ctx, id, second); err != nil {
		t.Fatal(err)
	}
	all, _ := db.Outbox(ctx)
	m = all[0]
	if len(m.Deliveries) != 3 || m.Deliveries[2].State != DeliveryUnconfirmed || m.Deliveries[2].Unanswered != 2 ||
		m.Attempts != 2 || m.LastError != "" || m.Pending() || !m.SentAt.Equal(t0) {
		t.Errorf("after the second attempt: %+v", m)
	}
	if len(all[1].Deliveries) != 0 {
		t.Errorf("the other message has deliveries: %+v", all[1].Deliveries)
	}
	if pending, _ := db.PendingOutbox(ctx); len(pending) != 1 || pending[0].ID != rows[1].ID {
		t.Errorf("PendingOutbox = %+v", pending)
	}
	if err := db.RecordAttempt(ctx, id, Attempt{}); !errors.Is(err, ErrAlreadySent) {
		t.Errorf("an attempt on a finished message: %v, want ErrAlreadySent", err)
	}
	if err := db.RecordAttempt(ctx, 99, Attempt{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("an attempt on an unknown message: %v, want ErrNotFound", err)
	}
	if _, err := db.OutboxMessageByID(ctx, 99); !errors.Is(err, ErrNotFound) {
		t.Errorf("OutboxMessageByID(99) = %v", err)
	}
	err = db.RecordAttempt(ctx, rows[1].ID, Attempt{Deliveries: []Delivery{{Address: "x@x", State: "lost"}}})
	if err == nil {
		t.Error("a delivery state the schema does not know was written")
	}
	if m, _ := db.OutboxMessageByID(ctx, rows[1].ID); m.Attempts != 0 || len(m.Deliveries) != 0 {
		t.Errorf("the failed attempt left %+v", m)
	}
}

func TestWebhookOutbox(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	d := WebhookDelivery{Target: "t1", TargetShown: "https://hooks.example.org/in", DeliveryID: "d-1",
		Events: `[{"id":"c-000001"}]`, EventIDs: []string{"c-000001"}}
	var queued WebhookDelivery
	mustTransact(t, db, func(tx *Tx) error {
		var added bool
		var err error
		queued, added, err = tx.QueueWebhook(ctx, d)
		if err == nil && !added {
			t.Error("first queue not added")
		}
		if _, again, err := tx.QueueWebhook(ctx, d); err != nil || again {
			t.Errorf("second queue of d-1: added %v, %v", again, err)
		}
		other := d
		other.Target, other.DeliveryID = "t2", "d-2"
		_, _, err2 := tx.QueueWebhook(ctx, other)
		return errors.Join(err, err2)
	})
	if queued.ID == 0 || !queued.CreatedAt.Equal(t0) || !queued.Pending() {
		t.Fatalf("queued %+v", queued)
	}
	pending, err := db.PendingWebhooks(ctx, "t1")
	if err != nil || len(pending) != 1 {
		t.Fatalf("PendingWebhooks(t1) = %+v, %v", pending, err)
	}
	if diff := cmp.Diff(queued, pending[0]); diff != "" {
		t.Errorf("read back differs (-queued +read):\n%s", diff)
	}

	next := t0.Add(time.Hour)
	if err := db.MarkWebhookFailed(ctx, queued.ID, WebhookFailure{Status: 503, Error: "status 503", NextAttempt: next}); err != nil {
		t.Fatal(err)
	}
	pending, _ = db.PendingWebhooks(ctx, "t1")
	if p := pending[0]; p.Attempts != 1 || p.LastStatus != 503 || p.LastError != "status 503" || !p.NextAttempt.Equal(next) {
		t.Errorf("after a failure: %+v", p)
	}
	if err := db.MarkWebhookSent(ctx, queued.ID); err != nil {
		t.Fatal(err)
	}
	if pending, _ := db.PendingWebhooks(ctx, "t1"); len(pending) != 0 {
		t.Errorf("still pending after sent: %+v", pending)
	}
	if err := db.MarkWebhookSent(ctx, queued.ID); !errors.Is(err, ErrAlreadySent) {
		t.Errorf("sent twice: %v", err)
	}
	if err := db.MarkWebhookFailed(ctx, 99, WebhookFailure{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown id: %v", err)
	}

	other, _ := db.PendingWebhooks(ctx, "t2")
	if err := db.MarkWebhookFailed(ctx, other[0].ID, WebhookFailure{Status: 404, Error: "status 404", Permanent: true}); err != nil {
		t.Fatal(err)
	}
	all, err := db.Webhooks(ctx)
	if err != nil || len(all) != 2 || all[0].SentAt.IsZero() || all[1].FailedAt.IsZero() || all[1].Pending() {
		t.Errorf("Webhooks = %+v, %v", all, err)
	}
	if err := db.MarkWebhookSent(ctx, other[0].ID); !errors.Is(err, ErrAlreadySent) {
		t.Errorf("sent after a refusal for good: %v", err)
	}
}

func TestLastEventID(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	if id, err := db.LastEventID(ctx); err != nil || id != 0 {
		t.Errorf("LastEventID of an empty database = %d, %v", id, err)
	}
	insertTestEvents(t, db, terms.Low, terms.High)
	mustTransact(t, db, func(tx *Tx) error {
		id, err := tx.LastEventID(ctx)
		if id != 2 {
			t.Errorf("LastEventID = %d, want 2", id)
		}
		return err
	})
}
