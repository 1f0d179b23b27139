package webhook_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/report"
	"github.com/clausewatch/clausewatch/internal/terms"
	"github.com/clausewatch/clausewatch/internal/webhook"
)

// delivery is one request the receiver got.
type delivery struct {
	header http.Header
	body   []byte
	method string
}

// receiver answers with the given statuses in turn (the last one repeats)
// and records every request.
type receiver struct {
	mu       sync.Mutex
	statuses []int
	got      []delivery
	srv      *httptest.Server
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	r := &receiver{statuses: statuses}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		n := len(r.got)
		r.got = append(r.got, delivery{header: req.Header.Clone(), body: b, method: req.Method})
		st := r.statuses[min(n, len(r.statuses)-1)]
		r.mu.Unlock()
		w.WriteHeader(st)
		if st >= 400 {
			io.WriteString(w, "receiver says no\n")
		}
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) deliveries() []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]delivery{}, r.got...)
}

// sleeps records the waits between attempts instead of waiting.
type sleeps struct{ waits []time.Duration }

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.waits = append(s.waits, d)
	return ctx.Err()
}

func events() []terms.Event {
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	never, optOut := terms.Scalar("never"), terms.Scalar("opt-out")
	return []terms.Event{
		{ID: "c-000002", Kind: terms.ClauseChanged, Severity: terms.Low, Vendor: "example", Tier: "consumer",
			Attribute: "retention", Source: "example-terms", SnapshotAt: at, DetectedAt: at,
			Before: &terms.Side{Clause: "Retention", Text: "Kept for 30 days."}, After: &terms.Side{Clause: "Retention", Text: "Kept for thirty days."}},
		{ID: "c-000001", Kind: terms.ValueChanged, Severity: terms.Critical, Vendor: "example", Tier: "consumer",
			Attribute: "training", Old: &never, New: &optOut, Source: "example-terms", SnapshotAt: at, DetectedAt: at,
			After: &terms.Side{Snapshot: 2, Clause: "Your content > Use of your content", Text: "We train on <chats> & more."}},
	}
}

func TestPostDelivers(t *testing.T) {
	cases := []struct {
		name    string
		secret  string
		version string
		evs     []terms.Event
		ua      string
	}{
		{name: "signed", secret: "s3cret", version: "v1.2.3", evs: events(), ua: "clausewatch/v1.2.3"},
		{name: "unsigned", evs: events(), ua: "clausewatch"},
		{name: "empty list", secret: "k", evs: nil, ua: "clausewatch"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newReceiver(t, http.StatusNoContent)
			in := append([]terms.Event{}, c.evs...)
			err := webhook.Post(context.Background(), r.srv.Client(), r.srv.URL+"/hook", in,
				webhook.Options{Secret: c.secret, Version: c.version})
			if err != nil {
				t.Fatalf("Post: %v", err)
			}
			got := r.deliveries()
			if len(got) != 1 {
				t.Fatalf("%d deliveries, want 1", len(got))
			}
			d := got[0]
			// The body is exactly what `changes --format json` prints.
			sorted := append([]terms.Event{}, c.evs...)
			report.Sort(sorted)
			var want bytes.Buffer
			if err := report.JSON(&want, sorted); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(d.body, want.Bytes()) {
				t.Errorf("body:\n%s\nwant:\n%s", d.body, want.Bytes())
			}
			if c.evs == nil && strings.TrimSpace(string(d.body)) != "[]" {
				t.Errorf("empty list body %q, want []", d.body)
			}
			if d.method != http.MethodPost {
				t.Errorf("method %s", d.method)
			}
			if ct := d.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			if ua := d.header.Get("User-Agent"); ua != c.ua {
				t.Errorf("User-Agent %q, want %q", ua, c.ua)
			}
			sig := d.header.Get(webhook.SignatureHeader)
			if c.secret == "" {
				if sig != "" {
					t.Errorf("unsigned delivery has signature %q", sig)
				}
				return
			}
			if !hmac.Equal([]byte(sig), []byte(webhook.Sign(c.secret, d.body))) {
				t.Errorf("signature %q does not verify against the body", sig)
			}
			if hmac.Equal([]byte(sig), []byte(webhook.Sign(c.secret+"x", d.body))) {
				t.Errorf("signature verifies with the wrong secret")
			}
			if len(in) > 1 && in[0].ID != c.evs[0].ID {
				t.Errorf("Post reordered the caller's slice")
			}
		})
	}
}

func TestSignKnownValue(t *testing.T) {
	// HMAC-SHA256 test case 2 of RFC 4231.
	got := webhook.Sign("Jefe", []byte("what do ya want for nothing?"))
	want := "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
	if got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
}

func TestPostRetries(t *testing.T) {
	cases := []struct {
		name       string
		statuses   []int
		retries    int
		wantTries  int
		wantWaits  []time.Duration
		wantErr    string // "" means success
		wantStatus int
	}{
		{name: "500 then 200", statuses: []int{500, 200}, wantTries: 2, wantWaits: []time.Duration{time.Second}},
		{name: "503 twice then 200", statuses: []int{503, 503, 200}, wantTries: 3, wantWaits: []time.Duration{time.Second, 2 * time.Second}},
		{name: "429 retried", statuses: []int{429, 202}, wantTries: 2, wantWaits: []time.Duration{time.Second}},
		{name: "404 not retried", statuses: []int{404, 200}, wantTries: 1, wantErr: "status 404 Not Found", wantStatus: 404},
		{name: "400 not retried", statuses: []int{400}, wantTries: 1, wantErr: "receiver says no", wantStatus: 400},
		{name: "always 500", statuses: []int{500}, wantTries: 3, wantWaits: []time.Duration{time.Second, 2 * time.Second},
			wantErr: "after 3 attempts", wantStatus: 500},
		{name: "no retries", statuses: []int{502, 200}, retries: -1, wantTries: 1, wantErr: "status 502", wantStatus: 502},
		{name: "redirect not followed", statuses: []int{302}, wantTries: 1, wantErr: "status 302", wantStatus: 302},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newReceiver(t, c.statuses...)
			s := &sleeps{}
			url := r.srv.URL + "/hook"
			err := webhook.Post(context.Background(), r.srv.Client(), url, events(),
				webhook.Options{Retries: c.retries, Sleep: s.sleep})
			if n := len(r.deliveries()); n != c.wantTries {
				t.Errorf("%d attempts, want %d", n, c.wantTries)
			}
			if !slices.Equal(s.waits, c.wantWaits) {
				t.Errorf("waits %v, want %v", s.waits, c.wantWaits)
			}
			if c.wantErr == "" {
				if err != nil {
					t.Fatalf("Post: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Post succeeded, want error %q", c.wantErr)
			}
			if !strings.Contains(err.Error(), c.wantErr) || !strings.Contains(err.Error(), url) {
				t.Errorf("error %q: want it to contain %q and the URL %s", err, c.wantErr, url)
			}
			var se *webhook.StatusError
			if !errors.As(err, &se) || se.Status != c.wantStatus {
				t.Errorf("error %v: want a *StatusError with status %d", err, c.wantStatus)
			}
		})
	}
}

func TestPostHonoursRetryAfter(t *testing.T) {
	cases := []struct {
		name       string
		retryAfter string
		wantWait   time.Duration
	}{
		{"seconds", "7", 7 * time.Second},
		{"zero", "0", 0},
		{"capped", "86400", webhook.MaxRetryAfter},
		{"unreadable falls back to the backoff", "soon", webhook.DefaultBackoff},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var hits int
			var mu sync.Mutex
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				hits++
				n := hits
				mu.Unlock()
				if n == 1 {
					w.Header().Set("Retry-After", c.retryAfter)
					w.WriteHeader(http.StatusServiceUnavailable)
					return
				}
				w.WriteHeader(http.StatusOK)
			}))
			t.Cleanup(srv.Close)
			s := &sleeps{}
			err := webhook.Post(context.Background(), srv.Client(), srv.URL, events(), webhook.Options{Sleep: s.sleep})
			if err != nil {
				t.Fatalf("Post: %v", err)
			}
			mu.Lock()
			defer mu.Unlock()
			if hits != 2 {
				t.Errorf("%d attempts, want 2", hits)
			}
			if want := []time.Duration{c.wantWait}; !slices.Equal(s.waits, want) {
				t.Errorf("waits %v, want %v", s.waits, want)
			}
		})
	}
}

func TestPostTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	s := &sleeps{}
	err := webhook.Post(context.Background(), srv.Client(), srv.URL, events(),
		webhook.Options{Timeout: 50 * time.Millisecond, Retries: 1, Sleep: s.sleep})
	if err == nil {
		t.Fatal("Post to a receiver that never answers succeeded")
	}
	if !strings.Contains(err.Error(), "timeout") || !strings.Contains(err.Error(), srv.URL) {
		t.Errorf("error %q: want a timeout naming %s", err, srv.URL)
	}
	if len(s.waits) != 1 {
		t.Errorf("waits %v: a timeout should be retried once", s.waits)
	}
}

func TestPostNetworkError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/hook?token=abc123"
	srv.Close()
	s := &sleeps{}
	err := webhook.Post(context.Background(), nil, url, events(), webhook.Options{Sleep: s.sleep})
	if err == nil {
		t.Fatal("Post to a closed server succeeded")
	}
	if len(s.waits) != 2 {
		t.Errorf("waits %v: a network error should be retried twice", s.waits)
	}
	if strings.Contains(err.Error(), "abc123") {
		t.Errorf("error %q leaks the query token", err)
	}
	if !strings.Contains(err.Error(), strings.TrimPrefix(srv.URL, "http://")) {
		t.Errorf("error %q does not name the receiver", err)
	}
}

func TestPostCancelled(t *testing.T) {
	r := newReceiver(t, 500)
	ctx, cancel := context.WithCancel(context.Background())
	sleep := func(ctx context.Context, d time.Duration) error { cancel(); return ctx.Err() }
	err := webhook.Post(ctx, r.srv.Client(), r.srv.URL, events(), webhook.Options{Sleep: sleep})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
	if n := len(r.deliveries()); n != 1 {
		t.Errorf("%d attempts after cancel, want 1", n)
	}
}

func TestValidateURL(t *testing.T) {
	cases := []struct {
		name, url, err string
	}{
		{"https", "https://hooks.example.com/clausewatch", ""},
		{"http with port", "http://127.0.0.1:8080/x", ""},
		{"relative", "/hook", "absolute http or https"},
		{"no scheme", "hooks.example.com/x", "absolute http or https"},
		{"ftp", "ftp://example.com/x", "absolute http or https"},
		{"no host", "http:///x", "no host"},
		{"garbage", "http://[::1", "http://[::1"},
		{"empty", "", "absolute http or https"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := webhook.ValidateURL(c.url)
			if c.err == "" {
				if err != nil {
					t.Errorf("ValidateURL(%q): %v", c.url, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ValidateURL(%q) = %v, want error containing %q", c.url, err, c.err)
			}
			// Post refuses it before sending anything.
			if perr := webhook.Post(context.Background(), nil, c.url, events(), webhook.Options{}); perr == nil {
				t.Errorf("Post(%q) succeeded", c.url)
			}
		})
	}
}
