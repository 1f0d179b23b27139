package chat

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/report"
	"github.com/clausewatch/clausewatch/internal/terms"
)

func strVal(s string) *terms.Value { v := terms.Scalar(s); return &v }

// events: one sentence edit that moved two tiers (one change), and a
// source that started failing.
func events() []terms.Event {
	at := time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC)
	return []terms.Event{
		{ID: "c-000001", Kind: terms.ValueChanged, Severity: terms.Critical, Vendor: "lumen", Tier: "consumer", Attribute: "training",
			Old: strVal("never"), New: strVal("opt-out"), Source: "lumen-terms", SnapshotAt: at, Change: "g-000001"},
		{ID: "c-000002", Kind: terms.ValueChanged, Severity: terms.Critical, Vendor: "lumen", Tier: "team", Attribute: "training",
			Old: strVal("never"), New: strVal("opt-out"), Source: "lumen-terms", SnapshotAt: at, Change: "g-000001"},
		{ID: "c-000003", Kind: terms.FetchFailed, Severity: terms.High, Vendor: "lumen", Source: "lumen-dpa", SnapshotAt: at, Detail: "http-5xx"},
	}
}

func options() report.Options {
	return report.Options{SourceURL: func(id string) string { return "https://lumen.example/legal/" + id + "?a=1&b=<2>" }}
}

func TestComposeWritesForEachService(t *testing.T) {
	for _, c := range []struct {
		scheme string
		want   []string
		not    []string
	}{
		{"slack", []string{"• *CRITICAL* lumen consumer, team training: never → opt-out <https://lumen.example/legal/lumen-terms?a=1&b=<2>|lumen-terms>"},
			[]string{"**", "](", "\n\n"}},
		{"teams", []string{"- **CRITICAL** lumen consumer, team training: never → opt-out [lumen-terms](https://lumen.example/legal/lumen-terms"},
			[]string{"<https"}},
		{"discord", []string{"**HIGH** fetch-failed: lumen lumen-dpa"}, nil},
		{"ntfy", []string{"- CRITICAL lumen consumer, team training: never → opt-out https://lumen.example/legal/lumen-terms", "- HIGH fetch-failed: lumen lumen-dpa https://"},
			[]string{"**", "<http"}},
	} {
		m := Compose(c.scheme, events(), options(), "")
		for _, w := range c.want {
			if !strings.Contains(m.Text, w) {
				t.Errorf("%s: text lacks %q:\n%s", c.scheme, w, m.Text)
			}
		}
		for _, n := range c.not {
			if strings.Contains(m.Text, n) {
				t.Errorf("%s: text has %q:\n%s", c.scheme, n, m.Text)
			}
		}
		if got := strings.Count(m.Text, "training"); got != 1 {
			t.Errorf("%s: the change of two tiers is shown %d times, want once:\n%s", c.scheme, got, m.Text)
		}
		if !strings.HasPrefix(m.Title, "[clausewatch] 1 critical") {
			t.Errorf("%s: title %q", c.scheme, m.Title)
		}
		if m.Priority != "urgent" || !strings.HasPrefix(m.Link, "https://lumen.example/legal/lumen-terms") {
			t.Errorf("%s: priority %q link %q", c.scheme, m.Priority, m.Link)
		}
	}
}

func TestComposeSiteLinkAndMaxLines(t *testing.T) {
	var evs []terms.Event
	for i := range MaxLines + 3 {
		evs = append(evs, terms.Event{ID: "c-" + string(rune('a'+i)), Kind: terms.ClauseChanged, Severity: terms.Low,
			Vendor: "lumen", Tier: "api", Attribute: "retention", Source: "lumen-src-" + string(rune('a'+i)), Detail: "reworded"})
	}
	m := Compose("slack", evs, report.Options{}, "https://guide.example/clausewatch/")
	if n := strings.Count(m.Text, "• "); n != MaxLines {
		t.Errorf("%d lines listed, want %d:\n%s", n, MaxLines, m.Text)
	}
	if !strings.Contains(m.Text, "… and 3 more changes") || !strings.Contains(m.Text, "<https://guide.example/clausewatch/|Open the guide") {
		t.Errorf("no count of the rest or no site link:\n%s", m.Text)
	}
	if m.Link != "https://guide.example/clausewatch/" || m.Priority != "default" {
		t.Errorf("link %q priority %q", m.Link, m.Priority)
	}
}

func TestValidateNeverQuotesTheURL(t *testing.T) {
	if err := Validate("slack://hook:AAAAAAAAA-BBBBBBBBB-123456789123456789123456@webhook"); err != nil {
		t.Errorf("a well-formed Slack webhook URL was refused: %v", err)
	}
	bad := "slack://secret-token-xyz@"
	err := Validate(bad)
	if err == nil {
		t.Fatal("a Slack URL without a usable token was accepted")
	}
	if strings.Contains(err.Error(), "secret-token-xyz") {
		t.Errorf("error quotes the token: %v", err)
	}
	if err := Validate("nosuch://x"); err == nil {
		t.Error("an unknown service was accepted")
	}
}

// capture is a local server standing in for a service: it records each
// request (the host the client meant, its path and body) and answers with
// status (settable) and body.
type capture struct {
	mu     sync.Mutex
	reqs   []captured
	status int
	answer func(r *http.Request) string
}

type captured struct {
	Host, Path, Query string
	Header            http.Header
	Body              []byte
}

func (c *capture) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	c.reqs = append(c.reqs, captured{Host: r.Header.Get("X-Meant-Host"), Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: b})
	status := c.status
	c.mu.Unlock()
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	if c.answer != nil {
		io.WriteString(w, c.answer(r))
	}
}

func (c *capture) got() []captured {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]captured(nil), c.reqs...)
}

// reroute sends every request of the process's default transport to srv,
// keeping the host the client meant in a header: the services' clients
// post to their fixed https hosts (hooks.slack.com, discord.com, …), which
// this machine cannot and must not reach. Tests using it do not run in
// parallel.
func reroute(t *testing.T, srv *httptest.Server) {
	t.Helper()
	target, _ := url.Parse(srv.URL)
	orig := http.DefaultTransport
	base := srv.Client().Transport
	http.DefaultTransport = roundTripper(func(r *http.Request) (*http.Response, error) {
		r = r.Clone(r.Context())
		r.Header.Set("X-Meant-Host", r.URL.Host)
		r.URL.Scheme, r.URL.Host, r.Host = target.Scheme, target.Host, target.Host
		return base.RoundTrip(r)
	})
	t.Cleanup(func() { http.DefaultTransport = orig })
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func send(t *testing.T, rawURL string, scheme string) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return Sender{}.Send(ctx, rawURL, Compose(scheme, events(), options(), ""))
}

func TestSendSlackPayload(t *testing.T) {
	c := &capture{answer: func(*http.Request) string { return "ok" }}
	srv := httptest.NewServer(c)
	defer srv.Close()
	reroute(t, srv)
	if err := send(t, "slack://hook:AAAAAAAAA-BBBBBBBBB-123456789123456789123456@webhook", "slack"); err != nil {
		t.Fatal(err)
	}
	reqs := c.got()
	if len(reqs) != 1 || reqs[0].Host != "hooks.slack.com" || reqs[0].Path != "/services/AAAAAAAAA/BBBBBBBBB/123456789123456789123456" {
		t.Fatalf("requests: %+v", reqs)
	}
	var p struct {
		Text        string `json:"text"`
		Attachments []struct {
			Text string `json:"text"`
		} `json:"attachments"`
	}
	if err := json.Unmarshal(reqs[0].Body, &p); err != nil {
		t.Fatalf("slack payload is not JSON: %v: %s", err, reqs[0].Body)
	}
	if !strings.HasPrefix(p.Text, "[clausewatch] 1 critical") || len(p.Attachments) != 2 ||
		!strings.Contains(p.Attachments[0].Text, "*CRITICAL* lumen consumer, team training") {
		t.Errorf("slack payload: %s", reqs[0].Body)
	}
}

func TestSendTeamsPayload(t *testing.T) {
	c := &capture{answer: func(*http.Request) string { return "1" }}
	srv := httptest.NewServer(c)
	defer srv.Close()
	reroute(t, srv)
	u := "teams://11111111-4444-4444-8444-cccccccccccc@22222222-4444-4444-8444-cccccccccccc/33333301222222222233333333333344/44444444-4444-4444-8444-cccccccccccc/V2ESyij_gAljSoUQHvZoZYzlpAoAXExyOl26dlf1xHEx05?host=lumen.webhook.office.com"
	if err := send(t, u, "teams"); err != nil {
		t.Fatal(err)
	}
	reqs := c.got()
	if len(reqs) != 1 || reqs[0].Host != "lumen.webhook.office.com" || !strings.HasPrefix(reqs[0].Path, "/webhookb2/") {
		t.Fatalf("requests: %+v", reqs)
	}
	var p struct {
		Type     string `json:"@type"`
		Title    string `json:"title"`
		Sections []struct {
			Text string `json:"text"`
		} `json:"sections"`
	}
	if err := json.Unmarshal(reqs[0].Body, &p); err != nil {
		t.Fatalf("teams payload is not JSON: %v: %s", err, reqs[0].Body)
	}
	all := ""
	for _, s := range p.Sections {
		all += s.Text + "\n"
	}
	if p.Type != "MessageCard" || !strings.HasPrefix(p.Title, "[clausewatch]") || !strings.Contains(all, "**CRITICAL**") ||
		!strings.Contains(all, "[lumen-terms](https://lumen.example/legal/lumen-terms") {
		t.Errorf("teams payload: %s", reqs[0].Body)
	}
}

func TestSendDiscordPayload(t *testing.T) {
	c := &capture{status: http.StatusNoContent}
	srv := httptest.NewServer(c)
	defer srv.Close()
	reroute(t, srv)
	if err := send(t, "discord://tok3n@123456789", "discord"); err != nil {
		t.Fatal(err)
	}
	reqs := c.got()
	if len(reqs) != 1 || reqs[0].Host != "discord.com" || reqs[0].Path != "/api/webhooks/123456789/tok3n" {
		t.Fatalf("requests: %+v", reqs)
	}
	var p struct {
		Embeds []struct {
			Title       string `json:"title"`
			Description string `json:"description"`
		} `json:"embeds"`
	}
	if err := json.Unmarshal(reqs[0].Body, &p); err != nil || len(p.Embeds) == 0 {
		t.Fatalf("discord payload: %v: %s", err, reqs[0].Body)
	}
	if !strings.Contains(string(reqs[0].Body), `**CRITICAL** lumen consumer, team training`) {
		t.Errorf("discord payload: %s", reqs[0].Body)
	}
}

func TestSendNtfyPayload(t *testing.T) {
	c := &capture{answer: func(*http.Request) string { return `{"id":"x1","event":"message"}` }}
	srv := httptest.NewServer(c)
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	if err := send(t, "ntfy://"+host+"/privacy-guide?scheme=http", "ntfy"); err != nil {
		t.Fatal(err)
	}
	reqs := c.got()
	if len(reqs) != 1 {
		t.Fatalf("requests: %+v", reqs)
	}
	// ntfy takes the text as the body and the rest as headers.
	r := reqs[0]
	var body string
	if err := json.Unmarshal(r.Body, &body); err != nil {
		body = string(r.Body)
	}
	if r.Path != "/privacy-guide" || !strings.HasPrefix(r.Header.Get("Title"), "[clausewatch]") || !strings.Contains(" 5 max urgent ", " "+strings.ToLower(r.Header.Get("Priority"))+" ") ||
		!strings.HasPrefix(r.Header.Get("Click"), "https://lumen.example/legal/lumen-terms") || !strings.Contains(body, "- CRITICAL lumen") {
		t.Errorf("ntfy request: path %s headers %v body %s", r.Path, r.Header, r.Body)
	}
}

func TestSendMatrixPayload(t *testing.T) {
	c := &capture{answer: func(r *http.Request) string {
		switch {
		case strings.Contains(r.URL.Path, "/join/"):
			return `{"room_id":"!guide:lumen.example"}`
		case strings.Contains(r.URL.Path, "/send/"):
			return `{"event_id":"$1"}`
		}
		return `{}`
	}}
	srv := httptest.NewServer(c)
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	if err := send(t, "matrix://:secret-token@"+host+"/?rooms=!guide:lumen.example&disableTLS=yes", "matrix"); err != nil {
		t.Fatal(err)
	}
	var sent *captured
	for i, r := range c.got() {
		if strings.Contains(r.Path, "/send/m.room.message") {
			sent = &c.got()[i]
		}
	}
	if sent == nil {
		t.Fatalf("no message sent: %+v", c.got())
	}
	var p struct{ MsgType, Body string }
	if err := json.Unmarshal(sent.Body, &p); err != nil || p.MsgType != "m.text" || !strings.Contains(p.Body, "- CRITICAL lumen consumer, team training") {
		t.Errorf("matrix payload: %v: %s", err, sent.Body)
	}
	if !strings.Contains(sent.Query, "access_token=secret-token") {
		t.Errorf("matrix send without the token: %q", sent.Query)
	}
}

func TestSendGenericPayloadAndFailure(t *testing.T) {
	c := &capture{}
	srv := httptest.NewServer(c)
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	if err := send(t, "generic+http://"+host+"/hooks/guide?template=json", "generic"); err != nil {
		t.Fatal(err)
	}
	reqs := c.got()
	if len(reqs) != 1 || reqs[0].Path != "/hooks/guide" {
		t.Fatalf("requests: %+v", reqs)
	}
	var p map[string]string
	if err := json.Unmarshal(reqs[0].Body, &p); err != nil || !strings.HasPrefix(p["title"], "[clausewatch]") || !strings.Contains(p["message"], "CRITICAL") {
		t.Errorf("generic payload: %v: %s", err, reqs[0].Body)
	}
	c.status = http.StatusInternalServerError
	err := send(t, "generic+http://user:pw-secret@"+host+"/hooks/guide?template=json", "generic")
	if err == nil {
		t.Fatal("a 500 was taken for a delivery")
	}
	if strings.Contains(err.Error(), "pw-secret") {
		t.Errorf("error quotes the credentials: %v", err)
	}
}
