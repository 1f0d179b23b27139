package cli_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/cli"
	"github.com/clausewatch/clausewatch/internal/fixture"
)

// Chat outlets from a settings file with no smtp section: the matching
// outlet gets the critical change once, as a message written for it,
// through an outage (kept in the outbox, retried by the next run, a new
// process each time) and never again, while a second outlet that is up
// gets it once at once; a URL the service refuses is an error naming the
// file, line and outlet.
func TestChatOutletsOutageAndRestart(t *testing.T) {
	s, srv := newSite(t)
	s.page("/terms", fixture.ConsumerTerms(fixture.TrainingNever))
	r := newRunner(t, srv, "/terms")
	chatSrv := newScriptedHook(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 0 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	quiet := newScriptedHook(t, func(int, http.ResponseWriter, *http.Request) {})
	host := strings.TrimPrefix(chatSrv.srv.URL, "http://")
	dir := t.TempDir()
	cfg := writeFile(t, dir, "clausewatch.yaml", fmt.Appendf(nil, `outlets:
  - name: privacy-channel
    url_env: GUIDE_CHAT_URL
    min_severity: high
  - name: later
    url: generic+%s/later?template=json
    min_severity: critical
`, quiet.srv.URL))
	env := map[string]string{"GUIDE_CHAT_URL": "generic+http://" + host + "/hooks/privacy?template=json"}
	check := func() (string, string, int) {
		return r.runEnv(env, "check", "--host-delay", "0", "--retries", "0", "--timeout", "2s", "--notify", "--config", cfg)
	}
	if _, errs, code := check(); code != cli.ExitOK && code != cli.ExitChanges {
		t.Fatalf("first version: exit %d\n%s", code, errs)
	}
	if n := len(chatSrv.deliveries()); n != 0 {
		t.Fatalf("the first version sent %d messages; it raises nothing of severity high", n)
	}
	s.page("/terms", fixture.ConsumerTerms(fixture.TrainingOptOut))
	steps := []struct {
		name     string
		code     int
		requests int
		stderr   string
	}{
		{"502: kept", cli.ExitFailure, 1, "kept in the outbox"},
		{"next run: delivered", cli.ExitOK, 2, ""},
		{"then never again", cli.ExitOK, 2, ""},
	}
	for _, st := range steps {
		out, errs, code := check()
		if code != st.code || len(chatSrv.deliveries()) != st.requests || !strings.Contains(errs, st.stderr) {
			t.Fatalf("%s: exit %d (want %d), %d requests (want %d), stderr (want %q):\n%s\n%s",
				st.name, code, st.code, len(chatSrv.deliveries()), st.requests, st.stderr, errs, out)
		}
	}
	got := chatSrv.deliveries()
	if string(got[0].Raw) != string(got[1].Raw) {
		t.Errorf("the retry carries another message:\n%s\n%s", got[0].Raw, got[1].Raw)
	}
	var msg map[string]string
	if err := json.Unmarshal(got[1].Raw, &msg); err != nil {
		t.Fatalf("not the generic JSON message: %v: %s", err, got[1].Raw)
	}
	if !strings.HasPrefix(msg["title"], "[clausewatch] ") || !strings.Contains(msg["message"], "CRITICAL") ||
		!strings.Contains(msg["message"], "training") || strings.Contains(msg["message"], `"kind"`) {
		t.Errorf("message is not written for people: %v", msg)
	}
	if n := len(quiet.deliveries()); n != 1 {
		t.Errorf("the second outlet got %d messages, want the change once", n)
	}
	out, _, code := r.runEnv(env, "notify", "--status", "--config", cfg)
	if code != cli.ExitOK || !strings.Contains(out, "privacy-channel (generic+http://…)") || strings.Contains(out, host+"/hooks") {
		t.Errorf("notify --status: exit %d\n%s", code, out)
	}

	writeFile(t, dir, "clausewatch.yaml", []byte("outlets:\n  - name: broken\n    url: slack://not-a-token@\n"))
	_, errs, code := r.runEnv(env, "check", "--host-delay", "0", "--notify", "--config", cfg)
	if code != cli.ExitFailure || !strings.Contains(errs, cfg+":2: outlet broken") || strings.Contains(errs, "not-a-token") {
		t.Errorf("refused URL: exit %d\n%s", code, errs)
	}
}

// An outlet first used by notify (not by a check) starts with the changes
// recorded from then on, and says so; the next change reaches it once.
func TestChatOutletFirstUsedByNotify(t *testing.T) {
	s, srv := newSite(t)
	s.page("/terms", fixture.ConsumerTerms(fixture.TrainingNever))
	r := newRunner(t, srv, "/terms")
	chat := newScriptedHook(t, func(int, http.ResponseWriter, *http.Request) {})
	dir := t.TempDir()
	cfg := writeFile(t, dir, "clausewatch.yaml", fmt.Appendf(nil, "outlets:\n  - name: later\n    url: generic+%s/hook?template=json\n", chat.srv.URL))
	check := func() {
		if _, errs, code := r.runEnv(nil, "check", "--host-delay", "0", "--retries", "0"); code != cli.ExitOK && code != cli.ExitChanges {
			t.Fatalf("check: exit %d\n%s", code, errs)
		}
	}
	check()
	s.page("/terms", fixture.ConsumerTerms(fixture.TrainingOptOut))
	check() // a critical change, recorded before the outlet is known
	out, errs, code := r.runEnv(nil, "notify", "--config", cfg)
	if code != cli.ExitOK || !strings.Contains(out, "outlet later (generic+http://…) is new: it gets the changes recorded from now on") {
		t.Fatalf("first notify: exit %d\n%s\n%s", code, out, errs)
	}
	if n := len(chat.deliveries()); n != 0 {
		t.Fatalf("the earlier change was sent to a new outlet (%d requests)", n)
	}
	s.page("/terms", fixture.ConsumerTerms(fixture.TrainingNever))
	check()
	for range 2 {
		if out, errs, code := r.runEnv(nil, "notify", "--config", cfg); code != cli.ExitOK || strings.Contains(out, "is new") {
			t.Fatalf("notify: exit %d\n%s\n%s", code, out, errs)
		}
	}
	if n := len(chat.deliveries()); n != 1 {
		t.Errorf("%d requests, want the later change once", n)
	}
}
