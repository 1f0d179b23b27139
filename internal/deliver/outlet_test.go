package deliver

import (
	"context"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/chat"
	"github.com/clausewatch/clausewatch/internal/notify"
	"github.com/clausewatch/clausewatch/internal/store"
)

// An outlet's queued message that cannot be read back (a damaged row) is
// refused for good, not sent and not retried every run; a good one next
// to it still goes out.
func TestOutletUnreadableMessageRefusedForGood(t *testing.T) {
	ctx := context.Background()
	e := newHookEnv(t)
	var sent []chat.Message
	o := &Outlet{Store: e.db, Outlet: notify.Outlet{Name: "privacy", URL: "ntfy://ntfy.example/guide", MinSeverity: "low"},
		Send: func(_ context.Context, _ string, m chat.Message) error { sent = append(sent, m); return nil }}
	w, err := o.Webhook()
	if err != nil {
		t.Fatal(err)
	}
	err = e.db.Transact(ctx, func(tx *store.Tx) error {
		for _, d := range []store.WebhookDelivery{
			{Target: w.Target(), TargetShown: w.Shown, DeliveryID: "d-damaged", Events: "{not json", EventIDs: []string{"c-000001"}},
			{Target: w.Target(), TargetShown: w.Shown, DeliveryID: "d-good", Events: `{"title":"[clausewatch] 1 critical","text":"- CRITICAL lumen"}`, EventIDs: []string{"c-000002"}},
		} {
			if _, _, err := tx.QueueWebhook(ctx, d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f, err := w.Flush(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Failed) != 1 || !f.Failed[0].Next.IsZero() || !strings.Contains(f.Failed[0].Err.Error(), "queued message unreadable") {
		t.Fatalf("failed %+v, want the damaged message refused for good", f.Failed)
	}
	if len(f.Sent) != 1 || len(sent) != 1 || sent[0].Title != "[clausewatch] 1 critical" {
		t.Errorf("sent %+v (%d), want the good message once", f.Sent, len(sent))
	}
	if pending, err := e.db.PendingWebhooks(ctx, w.Target()); err != nil || len(pending) != 0 {
		t.Errorf("still pending: %+v (%v)", pending, err)
	}
}
