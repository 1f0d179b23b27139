package deliver

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/clausewatch/clausewatch/internal/notify"
	"github.com/clausewatch/clausewatch/internal/notify/smtptest"
	"github.com/clausewatch/clausewatch/internal/report"
	"github.com/clausewatch/clausewatch/internal/store"
	"github.com/clausewatch/clausewatch/internal/terms"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func val(s string) *terms.Value { v := terms.Scalar(s); return &v }

// Hostile page text: what a compromised or odd page could carry.
const hostile = `Opt out at <script>alert(1)</script> or <img src=x onerror=alert(1)> today.`

// testEvents are change events in our own words, not ordered by severity.
func testEvents() []terms.Event {
	return []terms.Event{
		{Kind: terms.ClauseChanged, Severity: terms.Low, Vendor: "acme", Tier: "api", Attribute: "retention",
			Source: "acme-commercial", SnapshotAt: t0,
			Before: &terms.Side{Clause: "Data > Keeping", Text: "We keep inputs for thirty days."},
			After:  &terms.Side{Clause: "Data > Keeping", Text: "We keep your inputs for thirty days."}},
		{Kind: terms.ValueChanged, Severity: terms.Critical, Vendor: "acme", Tier: "consumer", Attribute: "training",
			Old: val("never"), New: val("opt-out"), Source: "acme-consumer", SnapshotAt: t0,
			Before: &terms.Side{Clause: "Your content > Use", Text: "We never train on your chats."},
			After:  &terms.Side{Clause: "Your content > Use", Text: hostile}},
		{Kind: terms.DocumentChanged, Severity: terms.Info, Vendor: "acme", Source: "acme-consumer", SnapshotAt: t0,
			Detail: "2 clauses reworded"},
		{Kind: terms.FetchFailed, Severity: terms.High, Source: "acme-dpa", SnapshotAt: t0, Detail: "status 503"},
		{Kind: terms.EvidenceLost, Severity: terms.High, Vendor: "acme", Tier: "team", Attribute: "hipaa-baa",
			Source: "acme-commercial", SnapshotAt: t0, Before: &terms.Side{Clause: "Health data", Text: "A BAA is offered."}},
		{Kind: terms.ValueChanged, Severity: terms.Critical, Vendor: "other", Tier: "pro", Attribute: "zdr",
			Old: val("available"), New: val("not-available"), Source: "other-terms", SnapshotAt: t0},
		{Kind: terms.RuleChanged, Severity: terms.Critical, Vendor: "acme", Tier: "consumer", Attribute: "training",
			Source: "acme-consumer", SnapshotAt: t0, Detail: "our reader improved"},
	}
}

func testSubscriptions() []notify.Subscription {
	return []notify.Subscription{
		{Name: "claude-guide", To: []string{"privacy-team@example.org"}, Vendors: []string{"acme"},
			Tiers: []string{"consumer", "team"}, MinSeverity: "high", Digest: true},
		{Name: "everything", To: []string{"legal@example.org", "ops@example.org"}, MinSeverity: "low", Digest: false},
		{Name: "quiet", To: []string{"quiet@example.org"}, Vendors: []string{"other"}, Tiers: []string{"pro"}, MinSeverity: "critical", Digest: true},
		{Name: "nothing-matches", To: []string{"none@example.org"}, Vendors: []string{"other"}, Tiers: []string{"bedrock"}, MinSeverity: "low", Digest: true},
	}
}

func sourceVendor(id string) string {
	if strings.HasPrefix(id, "acme-") {
		return "acme"
	}
	return ""
}

func newDeliverer(db *store.DB, s notify.Sender) *Deliverer {
	return &Deliverer{
		Store: db, Sender: s, From: "clausewatch@example.org", Subscriptions: testSubscriptions(),
		SourceVendor: sourceVendor,
		Report:       report.Options{SourceURL: func(id string) string { return "https://" + id + ".example.org/terms" }},
	}
}

// withIDs numbers events as the store would.
func withIDs(evs []terms.Event) []terms.Event {
	for i := range evs {
		evs[i].ID = terms.EventID(int64(i + 1))
	}
	return evs
}

func TestCompose(t *testing.T) {
	d := newDeliverer(nil, nil)
	msgs, err := d.Compose(withIDs(testEvents()))
	if err != nil {
		t.Fatal(err)
	}
	type summary struct {
		Sub    string
		To     []string
		Events []string
	}
	var got []summary
	for _, m := range msgs {
		got = append(got, summary{m.Subscription, m.Message.To, m.EventIDs})
	}
	want := []summary{
		// Critical first; the tier-less fetch failure of an acme source
		// matches the vendor; the info event rides along in the digest.
		{"claude-guide", []string{"privacy-team@example.org"}, []string{"c-000002", "c-000004", "c-000005", "c-000003"}},
		// No digest, no info; rule-changed never.
		{"everything", []string{"legal@example.org", "ops@example.org"}, []string{"c-000002", "c-000006", "c-000004", "c-000005", "c-000001"}},
		{"quiet", []string{"quiet@example.org"}, []string{"c-000006"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("composed messages (-want +got):\n%s", diff)
	}

	guide := msgs[0].Message
	tests := []struct {
		name, got, want string
	}{
		{"subject", guide.Subject, "[clausewatch] 1 critical: acme consumer training never → opt-out"},
		{"from", guide.From, "clausewatch@example.org"},
		{"message id domain", guide.ID[strings.IndexByte(guide.ID, '@'):], "@example.org"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
	t.Run("text part", func(t *testing.T) {
		for _, want := range []string{"== CRITICAL ==", "acme consumer training: never → opt-out",
			"https://acme-consumer.example.org/terms", "== HIGH ==", "acme-dpa", "Digest (1 informational)",
			`subscription "claude-guide"`} {
			if !strings.Contains(guide.Text, want) {
				t.Errorf("text part lacks %q:\n%s", want, guide.Text)
			}
		}
		if strings.Index(guide.Text, "CRITICAL") > strings.Index(guide.Text, "HIGH") {
			t.Error("critical events are not first")
		}
		if strings.Contains(guide.Text, "\x1b[") {
			t.Error("text part carries terminal colour")
		}
	})
	t.Run("html part escapes page text", func(t *testing.T) {
		for _, bad := range []string{"<script", "<img", "onerror=alert(1)>"} {
			if strings.Contains(guide.HTML, bad) {
				t.Errorf("html part contains %q unescaped", bad)
			}
		}
		if !strings.Contains(guide.HTML, "&lt;script&gt;") || !strings.Contains(guide.HTML, "&lt;img") {
			t.Errorf("html part does not show the hostile text escaped:\n%s", guide.HTML)
		}
	})
	t.Run("stable and distinct message ids", func(t *testing.T) {
		again, err := d.Compose(withIDs(testEvents()))
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]bool{}
		for i, m := range msgs {
			if again[i].Message.ID != m.Message.ID {
				t.Errorf("Message-ID of %s changed: %s, then %s", m.Subscription, m.Message.ID, again[i].Message.ID)
			}
			ids[m.Message.ID] = true
		}
		if len(ids) != len(msgs) {
			t.Errorf("Message-IDs are not distinct: %v", ids)
		}
	})
	t.Run("only informational events send nothing", func(t *testing.T) {
		info := withIDs(testEvents())[2:3]
		if msgs, err := d.Compose(info); err != nil || len(msgs) != 0 {
			t.Errorf("Compose(info only) = %d messages, %v; want none", len(msgs), err)
		}
	})
	t.Run("bad minimum severity", func(t *testing.T) {
		bad := *d
		bad.Subscriptions = []notify.Subscription{{Name: "x", To: []string{"x@example.org"}, MinSeverity: "urgent"}}
		if _, err := bad.Compose(withIDs(testEvents())); err == nil || !strings.Contains(err.Error(), "subscription x") {
			t.Errorf("error = %v, want one naming the subscription", err)
		}
	})
}

// TestSeveritiesParse keeps notify's list of severity names in step with
// the domain's.
func TestSeveritiesParse(t *testing.T) {
	for _, s := range notify.Severities {
		if _, err := terms.ParseSeverity(s); err != nil {
			t.Errorf("notify severity %q: %v", s, err)
		}
	}
}

// env is a database file and an SMTP server; open reopens the database as
// a new run would.
type env struct {
	t    *testing.T
	path string
	srv  *smtptest.Server
	now  time.Time
}

func newEnv(t *testing.T) *env {
	return &env{t: t, path: filepath.Join(t.TempDir(), "clausewatch.db"), srv: smtptest.Start(t, smtptest.Options{}), now: t0}
}

func (e *env) open() *store.DB {
	e.t.Helper()
	e.now = e.now.Add(time.Hour)
	now := e.now
	db, err := store.Open(context.Background(), e.path, store.Options{Now: func() time.Time { return now }})
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { db.Close() })
	return db
}

func (e *env) sender(port int) notify.Sender {
	e.t.Helper()
	s, err := notify.NewSMTP(notify.SMTPConfig{Host: "127.0.0.1", Port: port, TLS: notify.TLSNone,
		From: "clausewatch@example.org", Timeout: 5 * time.Second}, notify.SMTPOptions{})
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

func (e *env) deliverer() *Deliverer {
	return newDeliverer(e.open(), e.sender(e.srv.Port))
}

// recipientsOf lists the envelope recipients of msgs, space-separated.
func recipientsOf(msgs []smtptest.Message) string {
	var to []string
	for _, m := range msgs {
		to = append(to, m.To...)
	}
	return strings.Join(to, " ")
}

func insert(t *testing.T, db *store.DB, evs []terms.Event) {
	t.Helper()
	err := db.Transact(context.Background(), func(tx *store.Tx) error {
		_, err := tx.InsertEvents(context.Background(), evs)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRunDeliversOncePerSubscription(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	d := e.deliverer()
	insert(t, d.Store, testEvents())

	q, f, err := d.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if q.Events != 7 || len(q.Messages) != 3 || q.Marker != 7 || len(f.Sent) != 3 || len(f.Failed) != 0 {
		t.Fatalf("Run = %d events, %d queued, marker %d, %d sent, %d failed; want 7, 3, 7, 3, 0",
			q.Events, len(q.Messages), q.Marker, len(f.Sent), len(f.Failed))
	}
	got := e.srv.Messages()
	if len(got) != 4 {
		t.Fatalf("server received %d messages, want 4 (one per recipient)", len(got))
	}
	for _, m := range got {
		if !slices.Equal(m.Types, []string{"multipart/alternative", "text/plain", "text/html"}) {
			t.Errorf("%s: MIME types %v", m.Subject, m.Types)
		}
		if strings.Contains(m.HTML, "<script") || strings.Contains(m.HTML, "<img") {
			t.Errorf("%s: html part carries hostile markup", m.Subject)
		}
	}
	guide := got[0]
	if guide.Subject != "[clausewatch] 1 critical: acme consumer training never → opt-out" ||
		!slices.Equal(guide.To, []string{"privacy-team@example.org"}) {
		t.Errorf("first message: %q to %v", guide.Subject, guide.To)
	}
	if !strings.Contains(guide.Text, "Digest (1 informational)") || strings.Contains(guide.Text, "other pro zdr") {
		t.Errorf("claude-guide report has the wrong events:\n%s", guide.Text)
	}
	for i, to := range []string{"legal@example.org", "ops@example.org"} {
		m := got[1+i]
		if !slices.Equal(m.To, []string{to}) || !strings.Contains(m.Text, "other pro zdr") || m.Header.Get("To") != "<legal@example.org>, <ops@example.org>" {
			t.Errorf("everything report: to %v (header %q)\n%s", m.To, m.Header.Get("To"), m.Text)
		}
	}
	if got[1].ID != got[2].ID {
		t.Errorf("the recipients of one report got Message-IDs %s and %s", got[1].ID, got[2].ID)
	}
	if !slices.Equal(got[3].To, []string{"quiet@example.org"}) || strings.Contains(got[3].Text, "acme") {
		t.Errorf("quiet report: to %v\n%s", got[3].To, got[3].Text)
	}
	if guide.ID != "<"+q.Messages[0].MessageID+">" {
		t.Errorf("Message-ID %s, outbox has %s", guide.ID, q.Messages[0].MessageID)
	}

	// A restart: nothing is queued or sent again.
	d2 := e.deliverer()
	q, f, err = d2.Run(ctx)
	if err != nil || q.Events != 0 || len(q.Messages) != 0 || len(f.Sent) != 0 {
		t.Fatalf("second Run = %+v, %+v, %v; want nothing", q, f, err)
	}
	if n := len(e.srv.Messages()); n != 4 {
		t.Errorf("server has %d messages after the second run, want 4", n)
	}

	// New events: only they are reported.
	insert(t, d2.Store, []terms.Event{{Kind: terms.ValueChanged, Severity: terms.Medium, Vendor: "acme", Tier: "api",
		Attribute: "zdr", Old: val("not-available"), New: val("available"), Source: "acme-commercial", SnapshotAt: t0}})
	q, f, err = d2.Run(ctx)
	if err != nil || q.Events != 1 || len(f.Sent) != 1 || q.Marker != 8 {
		t.Fatalf("third Run = %+v, %+v, %v; want one event to one subscription", q, f, err)
	}
	if msgs := e.srv.Messages(); len(msgs) != 6 || recipientsOf(msgs[4:]) != "legal@example.org ops@example.org" || !strings.Contains(msgs[4].Subject, "1 medium") {
		t.Errorf("third run sent %d messages: %q to %s", len(msgs)-4, msgs[len(msgs)-1].Subject, recipientsOf(msgs[4:]))
	}
}

func TestRefusedThenRetried(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		breakIt  func(e *env) int // returns the port to send to
		repair   func(e *env) int
		wantErrs string
	}{
		{"server refuses for now with 451",
			func(e *env) int { e.srv.Reject(451, "greylisted, come back later"); return e.srv.Port },
			func(e *env) int { e.srv.Reject(0, ""); return e.srv.Port }, "451"},
		{"server down",
			func(e *env) int { return smtptest.ClosedPort(e.t) },
			func(e *env) int { return e.srv.Port }, "refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			d := newDeliverer(e.open(), e.sender(tt.breakIt(e)))
			d.Subscriptions = d.Subscriptions[:1]
			insert(t, d.Store, testEvents())
			q, f, err := d.Run(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(q.Messages) != 1 || len(f.Sent) != 0 || len(f.Failed) != 1 || !strings.Contains(f.Failed[0].Err.Error(), tt.wantErrs) {
				t.Fatalf("Run = %d queued, %d sent, failures %v", len(q.Messages), len(f.Sent), f.Failed)
			}
			rows, _ := d.Store.Outbox(ctx)
			if len(rows) != 1 || rows[0].Attempts != 1 || !rows[0].Pending() || !strings.Contains(rows[0].LastError, tt.wantErrs) {
				t.Fatalf("outbox after the failure: %+v", rows)
			}
			if v, _, _ := d.Store.GetState(ctx, MarkerKey); v != "7" {
				t.Errorf("marker = %q, want 7: the message is queued even though not sent", v)
			}

			// The next run, with the server back, delivers it once.
			d2 := newDeliverer(e.open(), e.sender(tt.repair(e)))
			d2.Subscriptions = d.Subscriptions
			q, f, err = d2.Run(ctx)
			if err != nil || len(q.Messages) != 0 || len(f.Sent) != 1 || len(f.Failed) != 0 {
				t.Fatalf("retry Run = %+v, %+v, %v", q, f, err)
			}
			rows, _ = d2.Store.Outbox(ctx)
			if rows[0].Attempts != 2 || rows[0].Pending() || rows[0].LastError != "" {
				t.Errorf("outbox after the retry: %+v", rows[0])
			}
			if n := len(e.srv.Messages()); n != 1 {
				t.Errorf("server received %d messages, want 1", n)
			}
		})
	}
}

func TestCrashBetweenAcceptAndMark(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	d := e.deliverer()
	insert(t, d.Store, testEvents())
	crash := errors.New("killed")
	d.afterSend = func(store.OutboxMessage) error { return crash }
	if _, _, err := d.Run(ctx); !errors.Is(err, crash) {
		t.Fatalf("Run error = %v, want the simulated crash", err)
	}
	if n := len(e.srv.Messages()); n != 1 {
		t.Fatalf("server received %d messages before the crash, want 1", n)
	}

	// Restart: the message the server took is sent again, once, with the
	// same Message-ID; the others once each.
	d2 := e.deliverer()
	_, f, err := d2.Run(ctx)
	if err != nil || len(f.Sent) != 3 {
		t.Fatalf("Run after the crash = %+v, %v; want 3 sent", f, err)
	}
	d3 := e.deliverer()
	if _, f, err := d3.Run(ctx); err != nil || len(f.Sent) != 0 {
		t.Fatalf("third Run = %+v, %v; want nothing", f, err)
	}
	got := e.srv.Messages()
	count := map[string]int{}
	for _, m := range got {
		count[m.ID+" "+strings.Join(m.To, ",")]++
	}
	first := got[0].ID + " " + strings.Join(got[0].To, ",")
	if len(got) != 5 || len(count) != 4 || count[first] != 2 {
		t.Errorf("server received %d messages with counts %v; want 5, the first one twice", len(got), count)
	}
	if got[0].ID != got[1].ID || got[0].Text != got[1].Text {
		t.Error("the re-sent copy differs from the first")
	}
}

func TestQueueIsAtomic(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	d := e.deliverer()
	insert(t, d.Store, testEvents())
	d.Subscriptions = append(d.Subscriptions, notify.Subscription{Name: "broken", To: []string{"x@example.org"}, MinSeverity: "urgent"})
	if _, err := d.Queue(ctx); err == nil {
		t.Fatal("Queue with a broken subscription succeeded")
	}
	rows, _ := d.Store.Outbox(ctx)
	if _, ok, _ := d.Store.GetState(ctx, MarkerKey); ok || len(rows) != 0 {
		t.Errorf("failed Queue left %d rows, marker set %v", len(rows), ok)
	}

	t.Run("re-queue after a marker reset adds nothing", func(t *testing.T) {
		d.Subscriptions = testSubscriptions()
		if q, err := d.Queue(ctx); err != nil || len(q.Messages) != 3 {
			t.Fatalf("Queue = %+v, %v", q, err)
		}
		if err := d.Store.SetState(ctx, MarkerKey, "0"); err != nil {
			t.Fatal(err)
		}
		if q, err := d.Queue(ctx); err != nil || q.Events != 7 || len(q.Messages) != 0 {
			t.Errorf("Queue after reset = %+v, %v; want the same events and no new message", q, err)
		}
	})

	t.Run("corrupt marker", func(t *testing.T) {
		if err := d.Store.SetState(ctx, MarkerKey, "c-000003"); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Queue(ctx); err == nil || !strings.Contains(err.Error(), MarkerKey) {
			t.Errorf("Queue error = %v, want one naming %s", err, MarkerKey)
		}
	})
}

func TestPreviewWritesNothing(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	d := e.deliverer()
	insert(t, d.Store, testEvents())
	msgs, err := d.Preview(ctx)
	if err != nil || len(msgs) != 3 {
		t.Fatalf("Preview = %d messages, %v", len(msgs), err)
	}
	rows, _ := d.Store.Outbox(ctx)
	if _, ok, _ := d.Store.GetState(ctx, MarkerKey); ok || len(rows) != 0 || len(e.srv.Messages()) != 0 {
		t.Errorf("Preview wrote: %d rows, marker %v, %d sent", len(rows), ok, len(e.srv.Messages()))
	}
}

func TestFlushWithoutSender(t *testing.T) {
	d := newDeliverer(newEnv(t).open(), nil)
	if _, err := d.Flush(context.Background()); err == nil {
		t.Error("Flush without a sender succeeded")
	}
}
