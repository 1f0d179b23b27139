package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/cli"
	"github.com/clausewatch/clausewatch/internal/fixture"
	"github.com/clausewatch/clausewatch/internal/terms"
	"github.com/clausewatch/clausewatch/internal/webhook"
)

// hookReceiver records the deliveries of a webhook and answers status.
type hookReceiver struct {
	mu     sync.Mutex
	status int
	bodies [][]byte
	heads  []http.Header
	srv    *httptest.Server
}

func newHookReceiver(t *testing.T, status int) *hookReceiver {
	h := &hookReceiver{status: status}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.bodies = append(h.bodies, b)
		h.heads = append(h.heads, r.Header.Clone())
		st := h.status
		h.mu.Unlock()
		w.WriteHeader(st)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hookReceiver) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.bodies)
}

// runEnv runs the command line like runner.run, with environment variables.
func (r *runner) runEnv(env map[string]string, args ...string) (stdout, stderr string, code int) {
	r.t.Helper()
	var out, errb bytes.Buffer
	r.now = r.now.Add(time.Hour)
	now := r.now
	full := append([]string{"--db", r.db, "--sources", r.sources}, args...)
	err := cli.Run(context.Background(), full, cli.Env{
		Stdout: &out, Stderr: &errb, HTTPClient: r.client,
		Now:    func() time.Time { return now },
		Getenv: func(k string) string { return env[k] },
	})
	if err != nil && cli.ExitCode(err) != cli.ExitChanges {
		fmt.Fprintf(&errb, "clausewatch: %v\n", err)
	}
	return out.String(), errb.String(), cli.ExitCode(err)
}

func TestCheckWebhook(t *testing.T) {
	s, srv := newSite(t)
	s.page("/terms", fixture.ConsumerTerms(fixture.TrainingNever))
	r := newRunner(t, srv, "/terms")
	hook := newHookReceiver(t, http.StatusOK)
	env := map[string]string{"CLAUSEWATCH_WEBHOOK_SECRET": "test-key"}
	check := func(args ...string) (string, string, int) {
		return r.runEnv(env, append([]string{"check", "--host-delay", "0", "--retries", "0", "--timeout", "2s",
			"--webhook", hook.srv.URL + "/hook"}, args...)...)
	}

	steps := []struct {
		name  string
		page  string
		code  int
		posts int // deliveries so far
	}{
		{"first version", fixture.TrainingNever, cli.ExitOK, 0},
		{"noise only", fixture.TrainingNever, cli.ExitOK, 0},
		{"training flip", fixture.TrainingOptOut, cli.ExitChanges, 1},
		{"noise after flip", fixture.TrainingOptOut, cli.ExitOK, 1},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			s.page("/terms", fixture.ConsumerTerms(st.page))
			out, errs, code := check()
			if code != st.code {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, st.code, out, errs)
			}
			if n := hook.count(); n != st.posts {
				t.Fatalf("%d deliveries, want %d", n, st.posts)
			}
		})
	}
	if hook.count() != 1 {
		t.FailNow()
	}
	body, head := hook.bodies[0], hook.heads[0]

	t.Run("body carries the changes JSON", func(t *testing.T) {
		var p webhook.Payload
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatalf("body is not the payload object: %v\n%s", err, body)
		}
		if p.Delivery == "" || p.Timestamp != "2026-03-01T03:00:00Z" {
			t.Errorf("delivery %q, timestamp %q (want the run's time)", p.Delivery, p.Timestamp)
		}
		var evs []terms.Event
		if err := json.Unmarshal(p.Events, &evs); err != nil {
			t.Fatalf("events are not a JSON array of events: %v\n%s", err, p.Events)
		}
		found := false
		for _, e := range evs {
			if !e.Notable() {
				t.Errorf("posted a non-notable event %s %s", e.Kind, e.Severity)
			}
			if e.Kind == terms.ValueChanged && e.Attribute == "training" && e.New != nil && e.New.Scalar == "opt-out" {
				found = true
			}
		}
		if !found {
			t.Errorf("no value-changed training → opt-out event in\n%s", body)
		}
		// The only notable events so far are those of the flip, so the
		// body must be byte for byte what `changes` prints for them.
		want, errs, code := r.run("changes", "--severity", "low", "--format", "json")
		if code != 0 {
			t.Fatalf("changes: exit %d\n%s", code, errs)
		}
		var got, wantAny any
		json.Unmarshal(p.Events, &got)
		json.Unmarshal([]byte(want), &wantAny)
		if !reflect.DeepEqual(got, wantAny) {
			t.Errorf("events:\n%s\nchanges --format json:\n%s", p.Events, want)
		}
	})

	t.Run("headers", func(t *testing.T) {
		if ct := head.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type %q", ct)
		}
		if ua := head.Get("User-Agent"); !strings.HasPrefix(ua, "clausewatch") {
			t.Errorf("User-Agent %q", ua)
		}
		if sig := head.Get(webhook.SignatureHeader); sig != webhook.Sign("test-key", body) {
			t.Errorf("signature %q does not verify with the secret from the environment", sig)
		}
	})
}

func TestCheckWebhookFailures(t *testing.T) {
	cases := []struct {
		name    string
		status  int
		url     func(hook string) string
		code    int
		msg     string
		fetched bool // the check ran and recorded the flip
	}{
		{"receiver 404", http.StatusNotFound, func(h string) string { return h + "/missing" }, cli.ExitFailure, "status 404", true},
		{"relative URL", http.StatusOK, func(string) string { return "/hook" }, cli.ExitUsage, "absolute http or https", false},
		{"ftp URL", http.StatusOK, func(string) string { return "ftp://example.com/hook" }, cli.ExitUsage, "absolute http or https", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, srv := newSite(t)
			s.page("/terms", fixture.ConsumerTerms(fixture.TrainingNever))
			r := newRunner(t, srv, "/terms")
			if _, errs, code := r.check(); code != cli.ExitOK {
				t.Fatalf("first run: exit %d\n%s", code, errs)
			}
			hook := newHookReceiver(t, c.status)
			s.page("/terms", fixture.ConsumerTerms(fixture.TrainingOptOut))
			out, errs, code := r.check("--webhook", c.url(hook.srv.URL))
			if code != c.code || !strings.Contains(errs, c.msg) {
				t.Fatalf("exit %d (want %d), stderr %q (want %q)\n%s", code, c.code, errs, c.msg, out)
			}
			if c.fetched && !strings.Contains(errs, hook.srv.URL) {
				t.Errorf("stderr %q does not name the webhook URL", errs)
			}
			if c.fetched && hook.count() != 1 {
				t.Errorf("%d deliveries, want 1 (a 404 is not retried)", hook.count())
			}
			// The check results stay recorded whether or not the post worked.
			out, _, _ = r.run("changes", "--kind", terms.ValueChanged, "--format", "json")
			var evs []terms.Event
			if err := json.Unmarshal([]byte(out), &evs); err != nil {
				t.Fatalf("changes: %v\n%s", err, out)
			}
			if got := len(evs) > 0; got != c.fetched {
				t.Errorf("value-changed recorded = %v, want %v", got, c.fetched)
			}
		})
	}
}

func TestChangesAtom(t *testing.T) {
	s, srv := newSite(t)
	s.page("/terms", fixture.ConsumerTerms(fixture.TrainingNever))
	r := newRunner(t, srv, "/terms")

	var feed struct {
		XMLName xml.Name
		ID      string `xml:"http://www.w3.org/2005/Atom id"`
		Updated string `xml:"http://www.w3.org/2005/Atom updated"`
		Entries []struct {
			ID    string `xml:"http://www.w3.org/2005/Atom id"`
			Title string `xml:"http://www.w3.org/2005/Atom title"`
			Links []struct {
				Href string `xml:"href,attr"`
			} `xml:"http://www.w3.org/2005/Atom link"`
		} `xml:"http://www.w3.org/2005/Atom entry"`
	}
	read := func(t *testing.T) {
		t.Helper()
		out, errs, code := r.run("changes", "--format", "atom")
		if code != 0 {
			t.Fatalf("changes --format atom: exit %d\n%s", code, errs)
		}
		feed.Entries = nil
		if err := xml.Unmarshal([]byte(out), &feed); err != nil {
			t.Fatalf("not XML: %v\n%s", err, out)
		}
		if feed.XMLName.Space != "http://www.w3.org/2005/Atom" || feed.XMLName.Local != "feed" || feed.ID != "urn:clausewatch:changes" {
			t.Fatalf("not the changes feed: %+v\n%s", feed.XMLName, out)
		}
		if _, err := time.Parse(time.RFC3339, feed.Updated); err != nil {
			t.Errorf("updated %q: %v", feed.Updated, err)
		}
	}

	r.check() // the first snapshot: no events yet
	t.Run("empty", func(t *testing.T) {
		read(t)
		if len(feed.Entries) != 0 {
			t.Errorf("%d entries before any change", len(feed.Entries))
		}
	})
	s.page("/terms", fixture.ConsumerTerms(fixture.TrainingOptOut))
	if _, errs, code := r.check(); code != cli.ExitChanges {
		t.Fatalf("flip: exit %d\n%s", code, errs)
	}
	t.Run("after a flip", func(t *testing.T) {
		read(t)
		found := false
		for _, e := range feed.Entries {
			if strings.Contains(e.Title, "training: never → opt-out") {
				found = true
				if len(e.Links) == 0 || !strings.HasPrefix(e.Links[0].Href, srv.URL) {
					t.Errorf("entry %s links %+v, want the source page", e.ID, e.Links)
				}
			}
			if !strings.HasPrefix(e.ID, "tag:clausewatch,2026:c-") {
				t.Errorf("entry id %q", e.ID)
			}
		}
		if !found {
			t.Errorf("no training entry among %+v", feed.Entries)
		}
	})
}
