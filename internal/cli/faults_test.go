package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/cli"
	"github.com/clausewatch/clausewatch/internal/fixture"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// failing makes path answer 500 from now on.
func (s *site) failing(path string) {
	s.handle(path, func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", http.StatusInternalServerError) })
}

// statusRow is the part of a `status --format json` row these tests read.
type statusRow struct {
	Tier, Attribute, Agreement string
	Evidence                   *terms.Evidence
	Stale                      bool       `json:"stale"`
	LastGood                   *time.Time `json:"last_good"`
	FailingSince               *time.Time `json:"failing_since"`
	Failures                   int        `json:"failures"`
}

func statusJSON(t *testing.T, r *runner, args ...string) []statusRow {
	t.Helper()
	out, errs, code := r.run(append([]string{"status", "--format", "json"}, args...)...)
	if code != cli.ExitOK {
		t.Fatalf("status: exit %d\n%s\n%s", code, out, errs)
	}
	var rows []statusRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("status --format json: %v\n%s", err, out)
	}
	return rows
}

// A source that keeps failing must not go silent: past the declared
// number of failing runs or days, check --quiet repeats one reminder line
// for it and exits 3, and status marks what it last said as stale.
func TestFailingSourceStaysVisible(t *testing.T) {
	s, srv := newSite(t)
	s.page("/terms", fixture.ConsumerTerms(fixture.TrainingNever))
	// A second source that keeps reading well: not every source fails, so
	// the runs are not errors.
	s.handle("/help", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!DOCTYPE html><html><head><title>Help</title></head><body><main><h1>Help centre</h1>` +
			`<p>Write to our support team from the help page of the app. We answer questions about invoices, ` +
			`payment methods and account names within two working days, and we keep you informed while we look into it. ` +
			`Our team is reachable from Monday to Friday.</p></main></body></html>`))
	})
	r := newRunner(t, srv, "/terms")
	r.sources = t.TempDir()
	decl := "vendor: example\nname: Example AI\ntiers:\n  - id: consumer\n    label: Consumer\ndocuments:\n" +
		"  - id: example-terms\n    title: Terms\n    url: " + srv.URL + "/terms\n    select: [main]\n    tiers: [consumer]\n" +
		"  - id: example-help\n    title: Help\n    url: " + srv.URL + "/help\n    select: [main]\n    tiers: [consumer]\n" +
		"attributes:\n  - source: example-terms\n    tiers: [consumer]\n    attribute: training\n    clause: \"Your content > Use of your content\"\n"
	if err := os.WriteFile(filepath.Join(r.sources, "example.yaml"), []byte(decl), 0o644); err != nil {
		t.Fatal(err)
	}
	const id = "example-terms"
	if out, errs, code := r.check("--quiet"); code != cli.ExitOK {
		t.Fatalf("first check: exit %d\n%s\n%s", code, out, errs)
	}
	lastGood := r.now
	s.failing("/terms")

	// The first failure raises fetch-failed (exit 3); the next runs within
	// the default three days stay quiet.
	if out, errs, code := r.check("--quiet"); code != cli.ExitChanges {
		t.Fatalf("first failure: exit %d, want 3\n%s\n%s", code, out, errs)
	}
	failingSince := r.now
	for i := 0; i < 3; i++ {
		if out, errs, code := r.check("--quiet"); code != cli.ExitOK || out != "" {
			t.Fatalf("failing run %d within 3 days: exit %d, want 0 and silence\n%s\n%s", i, code, out, errs)
		}
	}
	for _, row := range statusJSON(t, r) {
		if row.Stale {
			t.Errorf("status marks %s/%s stale after a few hours of failures", row.Tier, row.Attribute)
		}
	}

	// Three days on, every run reminds, one line for the source.
	r.now = r.now.Add(72 * time.Hour)
	for i := 0; i < 2; i++ {
		out, errs, code := r.check("--quiet")
		if code != cli.ExitChanges {
			t.Fatalf("failing run %d after 3 days: exit %d, want 3\n%s\n%s", i, code, out, errs)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 1 || !strings.Contains(lines[0], id) || !strings.Contains(lines[0], lastGood.Format(time.DateOnly)) ||
			!strings.Contains(lines[0], "failing") || !strings.Contains(lines[0], "http-5xx") {
			t.Errorf("failing run %d after 3 days: want one reminder line naming %s, its last good read (%s) and the error, got\n%s\n%s",
				i, id, lastGood.Format(time.DateOnly), out, errs)
		}
	}

	// status: every cell the source decides is stale, in every format.
	rows := statusJSON(t, r)
	n := 0
	for _, row := range rows {
		if row.Evidence == nil || row.Evidence.Source != id {
			continue
		}
		n++
		if !row.Stale || row.LastGood == nil || !row.LastGood.Equal(lastGood) || row.FailingSince == nil ||
			!row.FailingSince.Equal(failingSince) || row.Failures != 6 {
			t.Errorf("status %s/%s (%s): stale %v, last good %v, failing since %v, %d failures; want stale, %v, %v, 6",
				row.Tier, row.Attribute, row.Agreement, row.Stale, row.LastGood, row.FailingSince, row.Failures, lastGood, failingSince)
		}
	}
	if n == 0 {
		out, _, _ := r.run("status", "--format", "json")
		t.Fatalf("no status row has evidence from %s:\n%s", id, out)
	}
	for _, format := range []string{"text", "markdown", "html"} {
		out, errs, code := r.run("status", "--format", format)
		if code != cli.ExitOK {
			t.Fatalf("status --format %s: exit %d\n%s", format, code, errs)
		}
		if !strings.Contains(strings.ToLower(out), "stale") || !strings.Contains(out, lastGood.Format(time.DateOnly)) {
			t.Errorf("status --format %s does not mark the stale cells with the last good read %s:\n%s", format, lastGood.Format(time.DateOnly), out)
		}
	}

	// A threshold in runs, from the flag or the environment.
	if out, _, code := r.check("--quiet", "--stale-after", "100runs"); code != cli.ExitOK || out != "" {
		t.Errorf("--stale-after 100runs after 6 failures: exit %d, want 0 and silence\n%s", code, out)
	}
	if out, _, code := r.runEnv(map[string]string{"CLAUSEWATCH_STALE_AFTER": "5runs"}, "check", "--quiet", "--host-delay", "0", "--retries", "0"); code != cli.ExitChanges || !strings.Contains(out, id) {
		t.Errorf("CLAUSEWATCH_STALE_AFTER=5runs after 8 failures: exit %d, want 3 and a reminder\n%s", code, out)
	}
	if rows := statusJSON(t, r, "--stale-after", "100runs"); len(rows) > 0 {
		for _, row := range rows {
			if row.Stale {
				t.Errorf("status --stale-after 100runs marks %s/%s stale", row.Tier, row.Attribute)
			}
		}
	}
	if out, _, code := r.check("--quiet", "--stale-after", "off"); code != cli.ExitOK || out != "" {
		t.Errorf("--stale-after off: exit %d, want 0 and silence\n%s", code, out)
	}

	// Recovered: nothing stale, nothing to remind.
	s.page("/terms", fixture.ConsumerTerms(fixture.TrainingNever))
	if out, errs, code := r.check("--quiet"); code != cli.ExitOK {
		t.Errorf("recovery: exit %d\n%s\n%s", code, out, errs)
	}
	for _, row := range statusJSON(t, r) {
		if row.Stale {
			t.Errorf("after recovery, status still marks %s/%s stale", row.Tier, row.Attribute)
		}
	}
}

func TestStaleAfterFlag(t *testing.T) {
	_, srv := newSite(t)
	r := newRunner(t, srv, "/terms")
	for _, v := range []string{"5", "-1d", "3x", "0runs", ""} {
		if _, errs, code := r.check("--stale-after", v); code != cli.ExitUsage || !strings.Contains(errs, "stale-after") {
			t.Errorf("check --stale-after %q: exit %d, want 2 naming the flag\n%s", v, code, errs)
		}
	}
	if _, errs, code := r.runEnv(map[string]string{"CLAUSEWATCH_STALE_AFTER": "soon"}, "check", "--host-delay", "0", "--retries", "0"); code != cli.ExitUsage || !strings.Contains(errs, "CLAUSEWATCH_STALE_AFTER") {
		t.Errorf("check with CLAUSEWATCH_STALE_AFTER=soon: exit %d, want 2 naming the variable\n%s", code, errs)
	}
	if _, errs, code := r.runEnv(map[string]string{"CLAUSEWATCH_STALE_AFTER": "soon"}, "status"); code != cli.ExitUsage || !strings.Contains(errs, "CLAUSEWATCH_STALE_AFTER") {
		t.Errorf("CLAUSEWATCH_STALE_AFTER=soon: exit %d, want 2 naming the variable\n%s", code, errs)
	}
	for _, cmd := range []string{"check", "status"} {
		out, _, _ := r.run("help", cmd)
		if !strings.Contains(out, "--stale-after") || !strings.Contains(out, "CLAUSEWATCH_STALE_AFTER") || !strings.Contains(out, "3d") {
			t.Errorf("help %s does not explain --stale-after, its variable and its default:\n%s", cmd, out)
		}
	}
}

func TestEmptyDBFlagIsAUsageError(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, args := range [][]string{{"--db", "", "status"}, {"--db=", "check"}, {"status", "--db", ""}, {"changes", "--db="}} {
		var errb bytes.Buffer
		err := cli.Run(context.Background(), args, cli.Env{Stderr: &errb})
		if code := cli.ExitCode(err); code != cli.ExitUsage || !strings.Contains(err.Error(), "--db") {
			t.Errorf("%q: exit %d (%v), want 2 and a message about --db", args, code, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "snapshots")); err == nil {
		t.Errorf("an empty --db fell back to the default database")
	}
}

func TestRetriesCapped(t *testing.T) {
	s, srv := newSite(t)
	s.page("/terms", fixture.ConsumerTerms(fixture.TrainingNever))
	r := newRunner(t, srv, "/terms")
	if _, errs, code := r.run("check", "--retries", "11"); code != cli.ExitUsage || !strings.Contains(errs, "--retries") || !strings.Contains(errs, "10") {
		t.Errorf("check --retries 11: exit %d, want 2 naming the cap\n%s", code, errs)
	}
	if _, errs, code := r.run("check", "--retries", "1000000"); code != cli.ExitUsage {
		t.Errorf("check --retries 1000000: exit %d, want 2\n%s", code, errs)
	}
	if out, errs, code := r.run("check", "--retries", "10", "--host-delay", "0"); code != cli.ExitOK {
		t.Errorf("check --retries 10: exit %d\n%s\n%s", code, out, errs)
	}
}

// Credentials in a declared URL are sent, and shown nowhere.
func TestCredentialsInSourceURLAreRedacted(t *testing.T) {
	s, srv := newSite(t)
	s.page("/ok", fixture.ConsumerTerms(fixture.TrainingNever))
	var unauthorized atomic.Int32
	s.handle("/down", func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "watcher" || p != "hunter2" {
			unauthorized.Add(1)
		}
		http.Error(w, "down", http.StatusBadGateway)
	})
	r := newRunner(t, srv, "/ok", "/down")
	r.sources = declarations(t, strings.Replace(srv.URL, "http://", "http://watcher:hunter2@", 1), "/ok", "/down")
	hook := newHookReceiver(t, http.StatusOK)

	var shown []string
	out, errs, code := r.check("--webhook", hook.srv.URL)
	if code != cli.ExitChanges {
		t.Fatalf("check: exit %d\n%s\n%s", code, out, errs)
	}
	if unauthorized.Load() != 0 {
		t.Errorf("the credentials were not sent")
	}
	shown = append(shown, out, errs)
	out, errs, _ = r.check("--format", "json")
	shown = append(shown, out, errs)
	for _, args := range [][]string{
		{"changes"}, {"changes", "--format", "json"}, {"changes", "--format", "markdown"}, {"changes", "--format", "html"},
		{"changes", "--format", "atom"}, {"history", "example-down", "--all"}, {"history", "example-down", "--all", "--format", "json"},
		{"sources"}, {"sources", "--format", "json"}, {"recheck", "example-down", "--retries", "0"}, {"status"},
	} {
		out, errs, _ := r.run(args...)
		shown = append(shown, out, errs)
	}
	hook.mu.Lock()
	for _, b := range hook.bodies {
		shown = append(shown, string(b))
	}
	n := len(hook.bodies)
	hook.mu.Unlock()
	if n == 0 {
		t.Fatalf("the webhook got nothing")
	}
	for _, text := range shown {
		if strings.Contains(text, "hunter2") || strings.Contains(text, "watcher") {
			t.Errorf("credentials shown:\n%s", text)
		}
	}
	if all := strings.Join(shown, "\n"); !strings.Contains(all, "***@") {
		t.Errorf("the URLs are not shown at all (want them redacted, not removed)")
	}
}

// A page whose charset only the HTTP header gives reads the same whichever
// encoding it is served in.
func TestCharsetFromHeader(t *testing.T) {
	s, srv := newSite(t)
	const page = `<!DOCTYPE html><html><head><title>Terms</title></head><body><main><h1>Terms of Service</h1>` +
		`<h2>Your content</h2><h3>Use of your content</h3><p>We do not use your chats to train our models. ` +
		`Vos données restent à vous: nous ne les utilisons pas pour entraîner nos modèles, même après la clôture du compte.</p>` +
		`<h2>Ownership of outputs</h2><p>You own the outputs you create with the service, à tout moment, ` +
		`and you may use them for any lawful purpose, commercial or not, in every country we serve.</p></main></body></html>`
	latin1 := func(s string) []byte {
		var b []byte
		for _, r := range s {
			b = append(b, byte(r))
		}
		return b
	}
	serve := func(ct string, body []byte) {
		s.handle("/terms", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ct)
			w.Write(body)
		})
	}
	r := newRunner(t, srv, "/terms")
	steps := []struct {
		ct   string
		body []byte
		want string
	}{
		{"text/html; charset=utf-8", []byte(page), "first-version"},
		{"text/html; charset=iso-8859-1", latin1(page), "unchanged"},
		{"text/html; charset=utf-8", []byte(page), "unchanged"},
		{"text/html; charset=windows-1252", latin1(page), "unchanged"},
	}
	for i, st := range steps {
		serve(st.ct, st.body)
		out, errs, code := r.check("--format", "json")
		var res []struct{ Status string }
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("step %d: %v\n%s\n%s", i, err, out, errs)
		}
		if code != cli.ExitOK || len(res) != 1 || res[0].Status != st.want {
			t.Errorf("step %d (%s): exit %d, %+v; want exit 0, %s\n%s", i, st.ct, code, res, st.want, errs)
		}
	}
	out, _, _ := r.run("diff", "example-terms")
	if strings.ContainsRune(out, '\uFFFD') {
		t.Errorf("the stored text is mis-decoded:\n%s", out)
	}
}

// corruptPages overwrites part of every other page after the first few
// with garbage, as a bad disk or a copy taken during a write would.
func corruptPages(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const pageSize = 4096
	if len(b) < 8*pageSize {
		t.Fatalf("database of %d bytes is too small to damage", len(b))
	}
	for p := 3; p < len(b)/pageSize; p += 2 {
		off := p*pageSize + 8
		for i := 0; i < 64; i++ {
			b[off+i] = 0xA5
		}
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// check looks at the database before fetching anything: damaged pages are
// an error (exit 1) that says what to do.
func TestCheckDamagedDatabase(t *testing.T) {
	s, srv := newSite(t)
	s.page("/terms", fixture.ConsumerTerms(fixture.TrainingNever))
	r := newRunner(t, srv, "/terms")
	for i := 0; i < 30; i++ {
		p := fixture.ConsumerTerms(fixture.TrainingNever)
		if i%2 == 1 {
			p = fixture.ConsumerTerms(fixture.TrainingOptOut)
		}
		p.Pad = 4000
		s.page("/terms", p)
		if out, errs, code := r.check(); code != cli.ExitOK && code != cli.ExitChanges {
			t.Fatalf("check %d: exit %d\n%s\n%s", i, code, out, errs)
		}
	}
	corruptPages(t, r.db)
	before := s.n.Load()
	out, errs, code := r.check()
	if code != cli.ExitFailure {
		t.Fatalf("check of a damaged database: exit %d, want 1\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(errs, "damaged") || !strings.Contains(errs, "restore") || !strings.Contains(errs, r.db) {
		t.Errorf("the error does not say the database is damaged and what to do:\n%s", errs)
	}
	if s.n.Load() != before {
		t.Errorf("check fetched pages into a damaged database")
	}
}

// The run lock holds through a symlink to the database.
func TestLockThroughSymlinkedDB(t *testing.T) {
	s, srv := newSite(t)
	s.page("/terms", fixture.ConsumerTerms(fixture.TrainingNever))
	r := newRunner(t, srv, "/terms")
	if out, errs, code := r.check(); code != cli.ExitOK {
		t.Fatalf("first check: exit %d\n%s\n%s", code, out, errs)
	}
	db := openDB(t, r.db)
	release, err := db.Lock(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	link := filepath.Join(t.TempDir(), "link.db")
	if err := os.Symlink(r.db, link); err != nil {
		t.Skipf("no symlinks: %v", err)
	}
	r.db = link
	before := s.n.Load()
	out, errs, code := r.check()
	if code != cli.ExitFailure || !strings.Contains(errs, "another") {
		t.Errorf("check through a symlink while a run holds the lock: exit %d, want 1 (locked)\n%s\n%s", code, out, errs)
	}
	if s.n.Load() != before {
		t.Errorf("the second run fetched while the first held the lock")
	}
}
