package deliver

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/store"
	"github.com/clausewatch/clausewatch/internal/terms"
	"github.com/clausewatch/clausewatch/internal/webhook"
)

// hookServer answers each request with answer(n, w, r) and records the
// bodies.
type hookServer struct {
	mu     sync.Mutex
	bodies []webhook.Payload
	srv    *httptest.Server
}

func newHookServer(t *testing.T, answer func(n int, w http.ResponseWriter, r *http.Request)) *hookServer {
	h := &hookServer{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var p webhook.Payload
		json.Unmarshal(b, &p)
		h.mu.Lock()
		n := len(h.bodies)
		h.bodies = append(h.bodies, p)
		h.mu.Unlock()
		if answer != nil {
			answer(n, w, r)
		}
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hookServer) got() []webhook.Payload {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]webhook.Payload(nil), h.bodies...)
}

// hookEnv is a webhook outbox on a database of its own, with a clock the
// test moves.
type hookEnv struct {
	t   *testing.T
	db  *store.DB
	now time.Time
}

func newHookEnv(t *testing.T) *hookEnv {
	e := &hookEnv{t: t, now: t0}
	db, err := store.Open(context.Background(), t.TempDir()+"/cw.db", store.Options{Now: func() time.Time { return e.now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e.db = db
	return e
}

func (e *hookEnv) webhook(url string, timeout time.Duration) *Webhook {
	opts := webhook.Options{Secret: "k", Timeout: timeout, Now: func() time.Time { return e.now }}
	return &Webhook{Store: e.db, URL: url, Shown: webhook.Redact(url), Now: func() time.Time { return e.now },
		Post: func(ctx context.Context, id string, events []byte) error {
			return webhook.Post(ctx, nil, url, id, events, opts)
		}}
}

func eventIDs(t *testing.T, p webhook.Payload) []string {
	t.Helper()
	var evs []terms.Event
	if err := json.Unmarshal(p.Events, &evs); err != nil {
		t.Fatalf("events of %s: %v", p.Delivery, err)
	}
	var ids []string
	for _, e := range evs {
		ids = append(ids, e.ID)
	}
	return ids
}

// A webhook seen for the first time starts with the events recorded from
// then on; each queue posts the notable ones once, rule-changed and info
// never.
func TestWebhookStartQueueFlush(t *testing.T) {
	ctx := context.Background()
	e := newHookEnv(t)
	hook := newHookServer(t, nil)
	insert(t, e.db, testEvents()[:2]) // history before the webhook existed
	w := e.webhook(hook.srv.URL+"/in?token=x", time.Second)
	if err := w.Start(ctx); err != nil {
		t.Fatal(err)
	}
	insert(t, e.db, testEvents()) // 7 more: c-000003 … c-000009
	q, f, err := w.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if q.Events != 7 || len(q.Deliveries) != 1 || len(f.Sent) != 1 || len(f.Failed)+len(f.Waiting) != 0 {
		t.Fatalf("Run = %+v, %+v", q, f)
	}
	got := hook.got()
	if len(got) != 1 {
		t.Fatalf("%d requests", len(got))
	}
	ids := strings.Join(eventIDs(t, got[0]), " ")
	// testEvents()[2] is info, [6] rule-changed: never posted.
	if ids != "c-000004 c-000008 c-000006 c-000007 c-000003" {
		t.Errorf("posted %s", ids)
	}
	if got[0].Delivery != q.Deliveries[0].DeliveryID || !strings.HasPrefix(got[0].Delivery, "d-") {
		t.Errorf("delivery id %q, queued %q", got[0].Delivery, q.Deliveries[0].DeliveryID)
	}
	rows, _ := e.db.Webhooks(ctx)
	if len(rows) != 1 || rows[0].Pending() || strings.Contains(rows[0].TargetShown, "token") {
		t.Errorf("outbox %+v", rows)
	}
	// Nothing new: nothing posted; the start is not moved again.
	if err := w.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if q, f, err := w.Run(ctx); err != nil || q.Events != 0 || len(f.Sent) != 0 || len(hook.got()) != 1 {
		t.Fatalf("second Run = %+v, %+v, %v", q, f, err)
	}
	// Another URL is another webhook with its own marker.
	other := newHookServer(t, nil)
	w2 := e.webhook(other.srv.URL, time.Second)
	w2.Start(ctx)
	insert(t, e.db, testEvents()[1:2])
	w2.Run(ctx)
	w.Run(ctx)
	if len(other.got()) != 1 || len(hook.got()) != 2 {
		t.Errorf("%d and %d requests; want one each for the new event", len(other.got()), len(hook.got()))
	}
}

// Failures keep the delivery: it waits for the backoff or the receiver's
// Retry-After, one attempt a run, the same delivery id and a new
// timestamp each time; a 2xx marks it sent.
func TestWebhookRetrySchedule(t *testing.T) {
	ctx := context.Background()
	e := newHookEnv(t)
	hook := newHookServer(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		switch n {
		case 0, 1:
			w.WriteHeader(http.StatusBadGateway)
		case 2:
			w.Header().Set("Retry-After", "3600")
			w.WriteHeader(http.StatusTooManyRequests)
		default:
			w.WriteHeader(http.StatusAccepted)
		}
	})
	w := e.webhook(hook.srv.URL, time.Second)
	w.Start(ctx)
	insert(t, e.db, testEvents()[1:2])
	step := func(advance time.Duration, wantRequests int, wantNext time.Duration) WebhookFlushed {
		t.Helper()
		e.now = e.now.Add(advance)
		_, f, err := w.Run(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(hook.got()); n != wantRequests {
			t.Fatalf("at +%s: %d requests, want %d", e.now.Sub(t0), n, wantRequests)
		}
		rows, _ := e.db.Webhooks(ctx)
		if wantNext >= 0 && !rows[0].NextAttempt.Equal(e.now.Add(wantNext)) && rows[0].Pending() {
			t.Fatalf("at +%s: next attempt %s, want now + %s", e.now.Sub(t0), rows[0].NextAttempt, wantNext)
		}
		return f
	}
	if f := step(0, 1, WebhookBackoff); len(f.Failed) != 1 || f.Failed[0].Next.IsZero() {
		t.Fatalf("first attempt: %+v", f)
	}
	if f := step(30*time.Second, 1, -1); len(f.Waiting) != 1 {
		t.Fatalf("before the backoff: %+v", f)
	}
	step(31*time.Second, 2, 2*WebhookBackoff)               // second failure: doubled
	step(2*WebhookBackoff, 3, time.Hour)                    // 429 with Retry-After: 3600
	step(30*time.Minute, 3, -1)                             // still waiting
	if f := step(31*time.Minute, 4, -1); len(f.Sent) != 1 { // delivered
		t.Fatalf("after Retry-After: %+v", f)
	}
	step(24*time.Hour, 4, -1) // never again
	got := hook.got()
	for i := 1; i < len(got); i++ {
		if got[i].Delivery != got[0].Delivery || got[i].Timestamp == got[i-1].Timestamp {
			t.Errorf("attempt %d: delivery %s at %s; want %s at a new time", i+1, got[i].Delivery, got[i].Timestamp, got[0].Delivery)
		}
	}
	rows, _ := e.db.Webhooks(ctx)
	if rows[0].Attempts != 4 || rows[0].SentAt.IsZero() || rows[0].LastError != "" {
		t.Errorf("outbox after delivery: %+v", rows[0])
	}
}

// A 4xx other than 408 and 429 is a refusal for good: recorded, never
// retried, and it does not hold back the next delivery.
func TestWebhookRefusedForGood(t *testing.T) {
	ctx := context.Background()
	e := newHookEnv(t)
	hook := newHookServer(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 0 {
			w.WriteHeader(http.StatusUnprocessableEntity)
		}
	})
	w := e.webhook(hook.srv.URL, time.Second)
	w.Start(ctx)
	insert(t, e.db, testEvents()[1:2])
	if _, f, _ := w.Run(ctx); len(f.Failed) != 1 || !f.Failed[0].Next.IsZero() {
		t.Fatalf("422: %+v", f)
	}
	insert(t, e.db, testEvents()[3:4])
	e.now = e.now.Add(time.Hour)
	if _, f, _ := w.Run(ctx); len(f.Sent) != 1 || len(f.Failed) != 0 {
		t.Fatalf("next run: %+v", f)
	}
	rows, _ := e.db.Webhooks(ctx)
	if len(rows) != 2 || rows[0].FailedAt.IsZero() || rows[0].LastStatus != 422 || rows[1].SentAt.IsZero() {
		t.Errorf("outbox %+v", rows)
	}
	if n := len(hook.got()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

// A receiver slower than the timeout gets one request per run, and the
// deliveries behind it wait for the next run.
func TestWebhookSlowReceiver(t *testing.T) {
	ctx := context.Background()
	e := newHookEnv(t)
	var slow sync.Mutex
	slowNow := true
	hook := newHookServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		slow.Lock()
		s := slowNow
		slow.Unlock()
		if s {
			<-r.Context().Done()
		}
	})
	w := e.webhook(hook.srv.URL, 100*time.Millisecond)
	w.Start(ctx)
	insert(t, e.db, testEvents()[1:2])
	w.Queue(ctx)
	insert(t, e.db, testEvents()[3:4])
	_, f, err := w.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(hook.got()) != 1 || len(f.Failed) != 1 || len(f.Waiting) != 1 || !strings.Contains(f.Failed[0].Err.Error(), "timeout") {
		t.Fatalf("slow run: %d requests, %+v", len(hook.got()), f)
	}
	slow.Lock()
	slowNow = false
	slow.Unlock()
	e.now = e.now.Add(time.Hour)
	if _, f, err := w.Run(ctx); err != nil || len(f.Sent) != 2 {
		t.Fatalf("next run: %+v, %v", f, err)
	}
	got := hook.got()
	if len(got) != 3 || got[0].Delivery != got[1].Delivery || got[1].Delivery == got[2].Delivery {
		t.Errorf("requests %d: %s %s …; want the slow one retried once, then the other", len(got), got[0].Delivery, got[1].Delivery)
	}
}
