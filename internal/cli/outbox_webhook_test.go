package cli_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	sqlite "modernc.org/sqlite"

	"github.com/clausewatch/clausewatch/internal/cli"
	"github.com/clausewatch/clausewatch/internal/fixture"
	"github.com/clausewatch/clausewatch/internal/terms"
	"github.com/clausewatch/clausewatch/internal/webhook"
)

// hookDelivery is one request a receiver got, as the README describes it.
type hookDelivery struct {
	Header http.Header
	Raw    []byte
	Body   struct {
		Delivery  string        `json:"delivery"`
		Timestamp string        `json:"timestamp"`
		Events    []terms.Event `json:"events"`
	}
	ParseErr error
}

// scriptedHook answers each request with answer(n, w, r), n counting from
// 0, and records what it got.
type scriptedHook struct {
	mu     sync.Mutex
	got    []hookDelivery
	answer func(n int, w http.ResponseWriter, r *http.Request)
	srv    *httptest.Server
}

func newScriptedHook(t *testing.T, answer func(n int, w http.ResponseWriter, r *http.Request)) *scriptedHook {
	h := &scriptedHook{answer: answer}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		d := hookDelivery{Header: r.Header.Clone(), Raw: b}
		d.ParseErr = json.Unmarshal(b, &d.Body)
		h.mu.Lock()
		n := len(h.got)
		h.got = append(h.got, d)
		h.mu.Unlock()
		h.answer(n, w, r)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *scriptedHook) deliveries() []hookDelivery {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.got)
}

// wellFormed checks a delivery against the documented format: an object
// with delivery id, timestamp and events, the id and time repeated in
// headers, signed with key.
func wellFormed(t *testing.T, d hookDelivery, key string) {
	t.Helper()
	if d.ParseErr != nil {
		t.Fatalf("body is not the documented object: %v\n%s", d.ParseErr, d.Raw)
	}
	if !strings.HasPrefix(d.Body.Delivery, "d-") || d.Header.Get(webhook.DeliveryHeader) != d.Body.Delivery {
		t.Errorf("delivery id %q, header %q", d.Body.Delivery, d.Header.Get(webhook.DeliveryHeader))
	}
	if _, err := time.Parse(time.RFC3339, d.Body.Timestamp); err != nil || d.Header.Get(webhook.TimestampHeader) != d.Body.Timestamp {
		t.Errorf("timestamp %q (%v), header %q", d.Body.Timestamp, err, d.Header.Get(webhook.TimestampHeader))
	}
	sig := d.Header.Get(webhook.SignatureHeader)
	if (key == "" && sig != "") || (key != "" && sig != webhook.Sign(key, d.Raw)) {
		t.Errorf("signature %q does not verify", sig)
	}
}

func storedNotable(t *testing.T, r *runner) map[string]bool {
	t.Helper()
	out, errs, code := r.run("changes", "--severity", "low", "--format", "json")
	if code != cli.ExitOK {
		t.Fatalf("changes: exit %d\n%s", code, errs)
	}
	var evs []terms.Event
	if err := json.Unmarshal([]byte(out), &evs); err != nil {
		t.Fatalf("changes: %v\n%s", err, out)
	}
	ids := map[string]bool{}
	for _, e := range evs {
		ids[e.ID] = true
	}
	return ids
}

// A receiver that is down or answers 5xx keeps the delivery in the
// outbox: the next runs retry it, after the receiver's Retry-After, until
// a 2xx; it is then never sent again. One attempt per run.
func TestWebhookRetriedOnLaterRuns(t *testing.T) {
	s, srv := newSite(t)
	s.page("/terms", fixture.ConsumerTerms(fixture.TrainingNever))
	r := newRunner(t, srv, "/terms")
	hook := newScriptedHook(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		switch n {
		case 0:
			w.WriteHeader(http.StatusInternalServerError)
		case 1:
			w.Header().Set("Retry-After", "7200") // two of the runner's hours
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	})
	env := map[string]string{"CLAUSEWATCH_WEBHOOK_SECRET": "k"}
	check := func() (string, string, int) {
		return r.runEnv(env, "check", "--host-delay", "0", "--retries", "0", "--timeout", "2s", "--webhook", hook.srv.URL)
	}
	if _, errs, code := check(); code != cli.ExitOK {
		t.Fatalf("first version: exit %d\n%s", code, errs)
	}
	s.page("/terms", fixture.ConsumerTerms(fixture.TrainingOptOut))

	steps := []struct {
		name     string
		code     int
		requests int
		stderr   string
	}{
		{"500: kept", cli.ExitFailure, 1, "kept"},
		{"next run: 503 with Retry-After", cli.ExitFailure, 2, "kept"},
		{"an hour later: still waiting", cli.ExitOK, 2, "not before"},
		{"after Retry-After: delivered", cli.ExitOK, 3, ""},
		{"then never again", cli.ExitOK, 3, ""},
	}
	for _, st := range steps {
		out, errs, code := check()
		if code != st.code || len(hook.deliveries()) != st.requests || !strings.Contains(errs, st.stderr) {
			t.Fatalf("%s: exit %d (want %d), %d requests (want %d), stderr (want %q):\n%s\n%s",
				st.name, code, st.code, len(hook.deliveries()), st.requests, st.stderr, errs, out)
		}
	}
	got := hook.deliveries()
	for _, d := range got {
		wellFormed(t, d, "k")
	}
	if got[0].Body.Delivery != got[2].Body.Delivery || got[1].Body.Delivery != got[2].Body.Delivery {
		t.Errorf("the retries carry other delivery ids: %s %s %s", got[0].Body.Delivery, got[1].Body.Delivery, got[2].Body.Delivery)
	}
	if got[0].Body.Timestamp == got[2].Body.Timestamp {
		t.Errorf("a retry carries the first attempt's timestamp %s: receivers refusing replays would refuse it", got[0].Body.Timestamp)
	}
	stored := storedNotable(t, r)
	var posted []string
	for _, e := range got[2].Body.Events {
		posted = append(posted, e.ID)
		if !stored[e.ID] {
			t.Errorf("posted %s, which is not a stored notable event", e.ID)
		}
	}
	if len(posted) != len(stored) {
		t.Errorf("posted %v, stored %v", posted, stored)
	}
}

// A receiver slower than the timeout gets one attempt per run, not three;
// the next run retries with the same delivery id.
func TestWebhookSlowReceiverOneAttemptPerRun(t *testing.T) {
	s, srv := newSite(t)
	s.page("/terms", fixture.ConsumerTerms(fixture.TrainingNever))
	r := newRunner(t, srv, "/terms")
	hook := newScriptedHook(t, func(n int, w http.ResponseWriter, req *http.Request) {
		if n == 0 {
			<-req.Context().Done() // never answers: the client gives up
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	check := func() (string, string, int) {
		return r.check("--webhook", hook.srv.URL, "--webhook-timeout", "200ms")
	}
	if _, errs, code := check(); code != cli.ExitOK {
		t.Fatalf("first version: exit %d\n%s", code, errs)
	}
	s.page("/terms", fixture.ConsumerTerms(fixture.TrainingOptOut))
	_, errs, code := check()
	if code != cli.ExitFailure || len(hook.deliveries()) != 1 || !strings.Contains(errs, "timeout") {
		t.Fatalf("slow receiver: exit %d, %d requests; want 1, one request\n%s", code, len(hook.deliveries()), errs)
	}
	if _, errs, code := check(); code != cli.ExitOK || len(hook.deliveries()) != 2 {
		t.Fatalf("next run: exit %d, %d requests; want 0, 2\n%s", code, len(hook.deliveries()), errs)
	}
	if _, _, code := check(); code != cli.ExitOK || len(hook.deliveries()) != 2 {
		t.Fatalf("third run: exit %d, %d requests; want 0, 2", code, len(hook.deliveries()))
	}
	got := hook.deliveries()
	if got[0].Body.Delivery == "" || got[0].Body.Delivery != got[1].Body.Delivery {
		t.Errorf("delivery ids %q, %q: a receiver cannot fold the copies", got[0].Body.Delivery, got[1].Body.Delivery)
	}
}

// pageLimits holds, per database path, the max_page_count a new connection
// gets: a full disk, simulated the way the store's full-disk test does it.
var pageLimits struct {
	once sync.Once
	mu   sync.Mutex
	max  map[string]int
}

// fillDisk makes the database at path unable to grow more than extra
// pages on every connection opened from now on; the returned func lifts
// the limit.
func fillDisk(t *testing.T, path string, extra int) func() {
	t.Helper()
	pageLimits.once.Do(func() {
		pageLimits.max = map[string]int{}
		sqlite.RegisterConnectionHook(func(c sqlite.ExecQuerierContext, dsn string) error {
			pageLimits.mu.Lock()
			defer pageLimits.mu.Unlock()
			for p, n := range pageLimits.max {
				if strings.HasPrefix(dsn, p+"?") {
					_, err := c.ExecContext(context.Background(), "PRAGMA max_page_count = "+strconv.Itoa(n), []driver.NamedValue{})
					return err
				}
			}
			return nil
		})
	})
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	var pages int
	err = db.QueryRow("PRAGMA page_count").Scan(&pages)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	pageLimits.mu.Lock()
	pageLimits.max[path] = pages + extra
	pageLimits.mu.Unlock()
	lift := func() {
		pageLimits.mu.Lock()
		delete(pageLimits.max, path)
		pageLimits.mu.Unlock()
	}
	t.Cleanup(lift)
	return lift
}

// On a full disk one source records and another is rolled back: the run
// reports only what was stored, and the webhook receives exactly the
// stored notable events, each in one delivery, now or by a later run.
func TestWebhookFullDisk(t *testing.T) {
	s, srv := newSite(t)
	s.page("/a", fixture.ConsumerTerms(fixture.TrainingNever))
	s.page("/b", fixture.ConsumerTerms(fixture.TrainingNever))
	r := newRunner(t, srv, "/a", "/b")
	hook := newScriptedHook(t, func(int, http.ResponseWriter, *http.Request) {})
	check := func() (string, string, int) {
		return r.check("--concurrency", "1", "--webhook", hook.srv.URL)
	}
	if _, errs, code := check(); code != cli.ExitOK {
		t.Fatalf("first versions: exit %d\n%s", code, errs)
	}

	// /a flips; /b flips too, with a page far too large for the room left.
	s.page("/a", fixture.ConsumerTerms(fixture.TrainingOptOut))
	rng := rand.New(rand.NewPCG(4, 5))
	var big strings.Builder
	for range 60000 {
		big.WriteString(strconv.FormatUint(rng.Uint64(), 36) + " ")
	}
	s.page("/b", fixture.ConsumerTerms(strings.TrimSuffix(fixture.TrainingOptOut, ".")+" "+big.String()+"."))
	lift := fillDisk(t, r.db, 40)
	out, errs, code := check()
	if code != cli.ExitFailure || !strings.Contains(errs, "full") {
		t.Fatalf("run on a full disk: exit %d, want 1 with the full-disk error\n%s\n%s", code, out, errs)
	}
	lift()
	stored := storedNotable(t, r)
	if len(stored) == 0 {
		t.Fatalf("nothing of /a was stored; the simulated disk is too small\n%s\n%s", out, errs)
	}
	var summary int
	for _, l := range strings.Split(out, "\n") {
		if i := strings.Index(l, "; "); strings.HasPrefix(l, "Checked") && i > 0 {
			summary, _ = strconv.Atoi(strings.Fields(l[i+2:])[0])
		}
	}
	db := openDB(t, r.db)
	st, err := db.Stats(context.Background())
	db.Close()
	if err != nil || int64(summary) != st.Events {
		t.Errorf("the summary counts %d events, the database holds %d (%v)\n%s", summary, st.Events, err, out)
	}

	// With room again /b is recorded and everything pending is delivered.
	if _, errs, code := check(); code != cli.ExitChanges {
		t.Fatalf("run with room: exit %d, want 3\n%s", code, errs)
	}
	check()
	stored = storedNotable(t, r)
	seen := map[string]string{} // event id → delivery id
	for _, d := range hook.deliveries() {
		wellFormed(t, d, "")
		for _, e := range d.Body.Events {
			if !stored[e.ID] {
				t.Errorf("delivery %s posted %s, which the database does not hold", d.Body.Delivery, e.ID)
			}
			if prev, ok := seen[e.ID]; ok && prev != d.Body.Delivery {
				t.Errorf("%s posted in two deliveries, %s and %s", e.ID, prev, d.Body.Delivery)
			}
			seen[e.ID] = d.Body.Delivery
		}
	}
	for id := range stored {
		if _, ok := seen[id]; !ok {
			t.Errorf("stored notable event %s was never posted", id)
		}
	}
}
