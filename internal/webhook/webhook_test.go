package webhook_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
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

var at = time.Date(2026, 3, 2, 11, 0, 0, 0, time.UTC)

func clock() time.Time { return at }

func eventsJSON(t *testing.T, evs []terms.Event) []byte {
	t.Helper()
	b, err := webhook.Events(evs)
	if err != nil {
		t.Fatal(err)
	}
	return b
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
			evs := eventsJSON(t, in)
			err := webhook.Post(context.Background(), r.srv.Client(), r.srv.URL+"/hook", "d-0123", evs,
				webhook.Options{Secret: c.secret, Version: c.version, Now: clock})
			if err != nil {
				t.Fatalf("Post: %v", err)
			}
			got := r.deliveries()
			if len(got) != 1 {
				t.Fatalf("%d deliveries, want 1", len(got))
			}
			d := got[0]
			var p webhook.Payload
			if err := json.Unmarshal(d.body, &p); err != nil {
				t.Fatalf("body is not the payload object: %v\n%s", err, d.body)
			}
			if p.Delivery != "d-0123" || p.Timestamp != "2026-03-02T11:00:00Z" {
				t.Errorf("delivery %q, timestamp %q", p.Delivery, p.Timestamp)
			}
			if d.header.Get(webhook.DeliveryHeader) != "d-0123" || d.header.Get(webhook.TimestampHeader) != "2026-03-02T11:00:00Z" {
				t.Errorf("headers %v", d.header)
			}
			// The events are exactly what `changes --format json` prints.
			sorted := append([]terms.Event{}, c.evs...)
			report.Sort(sorted)
			var want bytes.Buffer
			if err := report.JSON(&want, sorted); err != nil {
				t.Fatal(err)
			}
			var gotEvs, wantEvs any
			json.Unmarshal(p.Events, &gotEvs)
			json.Unmarshal(want.Bytes(), &wantEvs)
			if !reflect.DeepEqual(gotEvs, wantEvs) {
				t.Errorf("events:\n%s\nwant:\n%s", p.Events, want.Bytes())
			}
			if c.evs == nil && strings.TrimSpace(string(p.Events)) != "[]" {
				t.Errorf("empty list events %q, want []", p.Events)
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
				t.Errorf("Events reordered the caller's slice")
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

// Post makes exactly one attempt and says whether a later one may succeed.
func TestPostOneAttempt(t *testing.T) {
	cases := []struct {
		name       string
		status     int
		wantErr    string // "" means success
		permanent  bool
		wantStatus int
	}{
		{name: "200", status: 200},
		{name: "202", status: 202},
		{name: "500", status: 500, wantErr: "status 500", wantStatus: 500},
		{name: "503", status: 503, wantErr: "status 503", wantStatus: 503},
		{name: "429", status: 429, wantErr: "status 429", wantStatus: 429},
		{name: "408", status: 408, wantErr: "status 408", wantStatus: 408},
		{name: "404 for good", status: 404, wantErr: "status 404 Not Found", permanent: true, wantStatus: 404},
		{name: "400 for good", status: 400, wantErr: "receiver says no", permanent: true, wantStatus: 400},
		{name: "redirect not followed", status: 302, wantErr: "status 302", permanent: true, wantStatus: 302},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newReceiver(t, c.status, 200)
			url := r.srv.URL + "/hook"
			err := webhook.Post(context.Background(), r.srv.Client(), url, "d-1", eventsJSON(t, events()), webhook.Options{Now: clock})
			if n := len(r.deliveries()); n != 1 {
				t.Errorf("%d attempts, want 1", n)
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
			if webhook.Permanent(err) != c.permanent {
				t.Errorf("Permanent = %v, want %v", webhook.Permanent(err), c.permanent)
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	cases := []struct {
		name, header string
		status       int
		want         time.Duration
		ok           bool
	}{
		{"seconds", "7", 503, 7 * time.Second, true},
		{"zero", "0", 429, 0, true},
		{"date", at.Add(time.Hour).Format(http.TimeFormat), 503, time.Hour, true},
		{"unreadable", "soon", 503, 0, false},
		{"none", "", 500, 0, false},
		{"not on a 404", "60", 404, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if c.header != "" {
					w.Header().Set("Retry-After", c.header)
				}
				w.WriteHeader(c.status)
			}))
			t.Cleanup(srv.Close)
			err := webhook.Post(context.Background(), srv.Client(), srv.URL, "d-1", []byte("[]"), webhook.Options{Now: clock})
			var se *webhook.StatusError
			if !errors.As(err, &se) {
				t.Fatalf("error %v, want a *StatusError", err)
			}
			if d, ok := se.RetryAfter(at); d != c.want || ok != c.ok {
				t.Errorf("RetryAfter = %s, %v; want %s, %v", d, ok, c.want, c.ok)
			}
		})
	}
}

func TestPostTimeout(t *testing.T) {
	var mu sync.Mutex
	hits := 0
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		mu.Lock()
		hits++
		mu.Unlock()
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	err := webhook.Post(context.Background(), srv.Client(), srv.URL, "d-1", []byte("[]"),
		webhook.Options{Timeout: 50 * time.Millisecond})
	if err == nil {
		t.Fatal("Post to a receiver that never answers succeeded")
	}
	if !strings.Contains(err.Error(), "timeout") || !strings.Contains(err.Error(), srv.URL) || webhook.Permanent(err) {
		t.Errorf("error %q: want a temporary timeout naming %s", err, srv.URL)
	}
	mu.Lock()
	defer mu.Unlock()
	if hits != 1 {
		t.Errorf("%d requests, want 1: a slow receiver is not asked again within the call", hits)
	}
}

func TestPostNetworkError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/hook?token=abc123"
	srv.Close()
	err := webhook.Post(context.Background(), nil, url, "d-1", []byte("[]"), webhook.Options{})
	if err == nil {
		t.Fatal("Post to a closed server succeeded")
	}
	if webhook.Permanent(err) {
		t.Errorf("a network error is permanent: %v", err)
	}
	if strings.Contains(err.Error(), "abc123") {
		t.Errorf("error %q leaks the query token", err)
	}
	if !strings.Contains(err.Error(), strings.TrimPrefix(srv.URL, "http://")) {
		t.Errorf("error %q does not name the receiver", err)
	}
}

func TestPostCancelled(t *testing.T) {
	r := newReceiver(t, 200)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := webhook.Post(ctx, r.srv.Client(), r.srv.URL, "d-1", []byte("[]"), webhook.Options{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}

func TestRedact(t *testing.T) {
	if got := webhook.Redact("https://user:pw@hooks.example.com/x?token=abc#f"); got != "https://hooks.example.com/x?%E2%80%A6" && got != "https://hooks.example.com/x?…" {
		t.Errorf("Redact = %q", got)
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
			if perr := webhook.Post(context.Background(), nil, c.url, "d-1", []byte("[]"), webhook.Options{}); perr == nil {
				t.Errorf("Post(%q) succeeded", c.url)
			}
		})
	}
}
