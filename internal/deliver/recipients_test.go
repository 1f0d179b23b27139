package deliver

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/notify"
	"github.com/clausewatch/clausewatch/internal/store"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// everythingOnly is a deliverer whose one subscription, "everything",
// goes to legal@ and ops@, with one critical event queued.
func everythingOnly(t *testing.T, e *env, s notify.Sender) *Deliverer {
	t.Helper()
	d := newDeliverer(e.open(), s)
	d.Subscriptions = d.Subscriptions[1:2]
	insert(t, d.Store, testEvents()[1:2])
	return d
}

func deliveries(t *testing.T, db *store.DB) map[string]store.Delivery {
	t.Helper()
	rows, err := db.Outbox(context.Background())
	if err != nil || len(rows) == 0 {
		t.Fatalf("outbox: %v, %v", rows, err)
	}
	out := map[string]store.Delivery{}
	for _, d := range rows[len(rows)-1].Deliveries {
		out[d.Address] = d
	}
	return out
}

func received(e *env) map[string]int {
	n := map[string]int{}
	for _, m := range e.srv.Messages() {
		for _, to := range m.To {
			n[to]++
		}
	}
	return n
}

// A recipient refused for good does not stop the other, is recorded and
// is never tried again; the message is finished.
func TestFlushRecipientRefusedForGood(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.srv.RejectRcpt("ops@example.org", 550, "no such mailbox")
	d := everythingOnly(t, e, e.sender(e.srv.Port))
	_, f, err := d.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Sent) != 0 || len(f.Failed) != 1 || f.Failed[0].Kept() || !strings.Contains(f.Failed[0].Err.Error(), "550") {
		t.Fatalf("Run = %+v; want one failure, finished, naming the 550", f)
	}
	got := deliveries(t, d.Store)
	if got["legal@example.org"].State != store.DeliverySent || got["ops@example.org"].State != store.DeliveryFailed ||
		got["ops@example.org"].Code != 550 || !strings.Contains(got["ops@example.org"].LastError, "no such mailbox") {
		t.Errorf("deliveries %+v", got)
	}
	for range 2 {
		if f, err := e.deliverer().Flush(ctx); err != nil || len(f.Sent)+len(f.Failed) != 0 {
			t.Fatalf("a later Flush = %+v, %v; want nothing", f, err)
		}
	}
	if n := received(e); n["legal@example.org"] != 1 || n["ops@example.org"] != 0 {
		t.Errorf("received %v", n)
	}
}

// A temporary refusal is retried on each run, MaxTemporary times in all;
// the recipient that accepted is not sent it again.
func TestFlushTemporaryRefusalCapped(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.srv.RejectRcpt("ops@example.org", 452, "mailbox full")
	d := everythingOnly(t, e, e.sender(e.srv.Port))
	if _, err := d.Queue(ctx); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= MaxTemporary; i++ {
		d := newDeliverer(e.open(), e.sender(e.srv.Port))
		d.Subscriptions = d.Subscriptions[1:2]
		f, err := d.Flush(ctx)
		if err != nil || len(f.Failed) != 1 {
			t.Fatalf("flush %d = %+v, %v", i, f, err)
		}
		if kept := f.Failed[0].Kept(); kept != (i < MaxTemporary) {
			t.Fatalf("flush %d: kept = %v", i, kept)
		}
	}
	got := deliveries(t, d.Store)["ops@example.org"]
	if got.State != store.DeliveryFailed || got.Attempts != MaxTemporary || !strings.Contains(got.LastError, "gave up after 5") {
		t.Errorf("ops@ after the cap: %+v", got)
	}
	if n := received(e); n["legal@example.org"] != 1 {
		t.Errorf("received %v", n)
	}
}

// A retry goes to the recipients the subscription has now.
func TestFlushTakesCurrentRecipients(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.srv.RejectRcpt("ops@example.org", 451, "unknown domain, later")
	d := everythingOnly(t, e, e.sender(e.srv.Port))
	if _, _, err := d.Run(ctx); err != nil {
		t.Fatal(err)
	}
	d2 := newDeliverer(e.open(), e.sender(e.srv.Port))
	d2.Subscriptions = d2.Subscriptions[1:2]
	d2.Subscriptions[0].To = []string{"legal@example.org", "Ops Desk <ops-desk@example.org>"}
	f, err := d2.Flush(ctx)
	if err != nil || len(f.Sent) != 1 || len(f.Failed) != 0 {
		t.Fatalf("Flush with the fixed address = %+v, %v", f, err)
	}
	if n := received(e); n["legal@example.org"] != 1 || n["ops-desk@example.org"] != 1 || n["ops@example.org"] != 0 {
		t.Errorf("received %v", n)
	}
	rows, _ := d2.Store.Outbox(ctx)
	if rows[0].Pending() {
		t.Errorf("the message is still pending: %+v", rows[0].Deliveries)
	}
	msgs := e.srv.Messages()
	if h := msgs[len(msgs)-1].Header.Get("To"); !strings.Contains(h, "ops-desk@example.org") || strings.Contains(h, "<ops@example.org>") {
		t.Errorf("the retry's To header %q does not name the current recipients", h)
	}
}

// A server that takes the message and never answers: the message is sent
// once more, never a third time, and the run stops sending meanwhile.
func TestFlushUnanswered(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.srv.Hang(true)
	silent, err := notify.NewSMTP(notify.SMTPConfig{Host: "127.0.0.1", Port: e.srv.Port, TLS: notify.TLSNone,
		From: "clausewatch@example.org", Timeout: 5 * time.Second, DataTimeout: 100 * time.Millisecond}, notify.SMTPOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d := newDeliverer(e.open(), silent)
	insert(t, d.Store, testEvents())
	q, f, err := d.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Messages) != 3 || len(f.Failed) != 1 || !f.Failed[0].Kept() || f.Failed[0].Results[0].Outcome != notify.Unanswered {
		t.Fatalf("Run = %d queued, %+v; want the first unanswered and the run stopped", len(q.Messages), f)
	}
	f, err = d.Flush(ctx) // the same one again (the others come after it and wait)
	if err != nil || len(f.Failed) != 1 || f.Failed[0].Kept() || f.Failed[0].Message.ID != q.Messages[0].ID {
		t.Fatalf("second Flush = %+v, %v; want the first message given up", f, err)
	}
	rows, _ := d.Store.Outbox(ctx)
	if dl := rows[0].Deliveries[0]; dl.State != store.DeliveryUnconfirmed || dl.Unanswered != 2 {
		t.Errorf("first message's recipient: %+v", dl)
	}
	e.srv.Hang(false)
	d3 := newDeliverer(e.open(), e.sender(e.srv.Port))
	f, err = d3.Flush(ctx)
	if err != nil || len(f.Sent) != 2 || len(f.Failed) != 0 {
		t.Fatalf("Flush with the server answering = %+v, %v; want the two others sent", f, err)
	}
	count := map[string]int{}
	for _, m := range e.srv.Messages() {
		count[m.ID+" "+strings.Join(m.To, ",")]++
	}
	for k, n := range count {
		if n > 2 || (n == 2 && !strings.Contains(k, "privacy-team")) {
			t.Errorf("%s received %d times", k, n)
		}
	}
}

// Unanswered once, then answered: sent, with one duplicate at most.
func TestFlushUnansweredThenAccepted(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.srv.Hang(true)
	silent, err := notify.NewSMTP(notify.SMTPConfig{Host: "127.0.0.1", Port: e.srv.Port, TLS: notify.TLSNone,
		From: "clausewatch@example.org", Timeout: 5 * time.Second, DataTimeout: 100 * time.Millisecond}, notify.SMTPOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d := newDeliverer(e.open(), silent)
	d.Subscriptions = d.Subscriptions[:1]
	insert(t, d.Store, []terms.Event{testEvents()[1]})
	if _, _, err := d.Run(ctx); err != nil {
		t.Fatal(err)
	}
	e.srv.Hang(false)
	d.Sender = e.sender(e.srv.Port)
	f, err := d.Flush(ctx)
	if err != nil || len(f.Sent) != 1 {
		t.Fatalf("Flush = %+v, %v", f, err)
	}
	msgs := e.srv.Messages()
	if len(msgs) != 2 || msgs[0].ID != msgs[1].ID {
		t.Errorf("server holds %d copies; want the first and one duplicate with the same Message-ID", len(msgs))
	}
	rows, _ := d.Store.Outbox(ctx)
	if dl := rows[0].Deliveries[0]; dl.State != store.DeliverySent || dl.Unanswered != 1 || dl.Attempts != 2 {
		t.Errorf("delivery %+v", dl)
	}
}
