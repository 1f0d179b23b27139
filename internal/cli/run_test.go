package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/cli"
	"github.com/clausewatch/clausewatch/internal/fixture"
	"github.com/clausewatch/clausewatch/internal/store"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// site serves fixture pages whose noise changes on every request.
type site struct {
	mu       sync.Mutex
	pages    map[string]func(n uint64) []byte // path → page for request n
	handlers map[string]http.HandlerFunc      // path → special behaviour
	n        atomic.Uint64
}

func newSite(t *testing.T) (*site, *httptest.Server) {
	s := &site{pages: map[string]func(uint64) []byte{}, handlers: map[string]http.HandlerFunc{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		h, page := s.handlers[r.URL.Path], s.pages[r.URL.Path]
		s.mu.Unlock()
		if h != nil {
			h(w, r)
			return
		}
		if page == nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page(s.n.Add(1)))
	}))
	t.Cleanup(srv.Close)
	return s, srv
}

func (s *site) page(path string, p fixture.Page) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.handlers, path)
	s.pages[path] = func(n uint64) []byte { q := p; q.Noise = n; return q.HTML() }
}

func (s *site) handle(path string, h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handlers[path] = h
}

// declarations writes a test vendor whose documents live on base.
func declarations(t *testing.T, base string, paths ...string) string {
	t.Helper()
	dir := t.TempDir()
	var b strings.Builder
	fmt.Fprintf(&b, "vendor: example\nname: Example AI\ntiers:\n  - id: consumer\n    label: Consumer\ndocuments:\n")
	for _, p := range paths {
		id := "example-" + strings.Trim(strings.ReplaceAll(p, "/", "-"), "-")
		fmt.Fprintf(&b, "  - id: %s\n    title: %s\n    url: %s%s\n    select: [main]\n    tiers: [consumer]\n", id, id, base, p)
	}
	fmt.Fprintf(&b, "attributes:\n")
	for _, p := range paths {
		id := "example-" + strings.Trim(strings.ReplaceAll(p, "/", "-"), "-")
		fmt.Fprintf(&b, "  - source: %s\n    tiers: [consumer]\n    attribute: training\n    clause: \"Your content > Use of your content\"\n", id)
	}
	if err := os.WriteFile(filepath.Join(dir, "example.yaml"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

type runner struct {
	t       *testing.T
	db      string
	sources string
	client  *http.Client
	now     time.Time
}

func (r *runner) run(args ...string) (stdout, stderr string, code int) {
	r.t.Helper()
	var out, errb bytes.Buffer
	r.now = r.now.Add(time.Hour)
	now := r.now
	full := append([]string{"--db", r.db, "--sources", r.sources}, args...)
	err := cli.Run(context.Background(), full, cli.Env{
		Stdout: &out, Stderr: &errb, HTTPClient: r.client,
		Now: func() time.Time { return now },
	})
	if err != nil && cli.ExitCode(err) != cli.ExitChanges {
		fmt.Fprintf(&errb, "clausewatch: %v\n", err)
	}
	return out.String(), errb.String(), cli.ExitCode(err)
}

func (r *runner) check(args ...string) (string, string, int) {
	return r.run(append([]string{"check", "--host-delay", "0", "--retries", "0", "--timeout", "2s"}, args...)...)
}

func openDB(t *testing.T, path string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func counts(t *testing.T, path, source string) (snapshots, versions int) {
	t.Helper()
	db := openDB(t, path)
	ctx := context.Background()
	s, err := db.Snapshots(ctx, source)
	if err != nil {
		t.Fatal(err)
	}
	v, err := db.Versions(ctx, source)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	return len(s), len(v)
}

func newRunner(t *testing.T, srv *httptest.Server, paths ...string) *runner {
	return &runner{t: t, db: filepath.Join(t.TempDir(), "cw.db"), sources: declarations(t, srv.URL, paths...),
		client: srv.Client(), now: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
}

func TestCheckLifecycle(t *testing.T) {
	s, srv := newSite(t)
	s.page("/terms", fixture.ConsumerTerms(fixture.TrainingNever))
	r := newRunner(t, srv, "/terms")
	const id = "example-terms"

	out, errs, code := r.check()
	if code != cli.ExitOK {
		t.Fatalf("first run: exit %d\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(out, id) || !strings.Contains(out, "first-version") {
		t.Errorf("first run output does not report the first version:\n%s", out)
	}
	if sn, v := counts(t, r.db, id); sn != 1 || v != 1 {
		t.Fatalf("after first run: %d snapshots, %d versions; want 1, 1", sn, v)
	}

	// Unchanged page, fresh noise on every request: no new version.
	for i := 0; i < 3; i++ {
		out, errs, code = r.check()
		if code != cli.ExitOK {
			t.Fatalf("noise run %d: exit %d\n%s\n%s", i, code, out, errs)
		}
	}
	if sn, v := counts(t, r.db, id); sn != 4 || v != 1 {
		t.Fatalf("after noise runs: %d snapshots, %d versions; want 4, 1", sn, v)
	}

	// A real wording change in the clause that feeds training.
	s.page("/terms", fixture.ConsumerTerms(fixture.TrainingOptOut))
	out, errs, code = r.check("--format", "json")
	if code != cli.ExitChanges {
		t.Fatalf("change run: exit %d, want 3\n%s\n%s", code, out, errs)
	}
	var res []struct {
		Source, Status string
		Events         []terms.Event
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("check --format json: %v\n%s", err, out)
	}
	if len(res) != 1 || res[0].Status != "new-version" {
		t.Fatalf("change run: %+v", res)
	}
	if sn, v := counts(t, r.db, id); sn != 5 || v != 2 {
		t.Fatalf("after change: %d snapshots, %d versions; want 5, 2", sn, v)
	}
	var kinds []string
	for _, e := range res[0].Events {
		kinds = append(kinds, e.Kind+"/"+e.Attribute)
	}
	if !contains(kinds, "value-changed/training") {
		t.Errorf("change run events %v: want value-changed/training", kinds)
	}

	// The diff names the changed clause and shows the words.
	out, errs, code = r.run("diff", id)
	if code != 0 {
		t.Fatalf("diff: exit %d\n%s", code, errs)
	}
	if !strings.Contains(out, "Use of your content") || !strings.Contains(out, "1 changed") {
		t.Errorf("diff output does not name the changed clause:\n%s", out)
	}
	if strings.Contains(out, "Ownership of outputs") {
		t.Errorf("diff output shows an unchanged clause:\n%s", out)
	}
	out, _, _ = r.run("history", id)
	if n := strings.Count(out, "\n"); n != 3 { // header + 2 versions
		t.Errorf("history shows %d lines, want header + 2 versions:\n%s", n, out)
	}
}

func TestCheckFailures(t *testing.T) {
	s, srv := newSite(t)
	good := fixture.ConsumerTerms(fixture.TrainingNever)
	good.Pad = 20000
	s.page("/ok", good)
	s.handle("/e500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) })
	s.handle("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
		}
	})
	s.handle("/shell", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write(fixture.EmptyShell(1))
	})
	s.handle("/truncated", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Length", "100000")
		w.Write(good.HTML()[:5000])
		hj, ok := w.(http.Hijacker)
		if !ok {
			return
		}
		conn, _, _ := hj.Hijack()
		conn.Close()
	})
	r := newRunner(t, srv, "/ok", "/e500", "/slow", "/missing", "/shell", "/truncated")
	want := map[string]string{
		"example-e500":      terms.ErrServer,
		"example-slow":      terms.ErrTimeout,
		"example-missing":   terms.ErrClient,
		"example-shell":     terms.ErrExtraction,
		"example-truncated": terms.ErrTruncated,
	}
	out, errs, code := r.check("--timeout", "300ms", "--format", "json")
	if code != cli.ExitChanges {
		t.Fatalf("exit %d, want 3 (failures raise events)\n%s\n%s", code, out, errs)
	}
	var res []struct {
		Source, Status string
		ErrorCategory  string `json:"error_category"`
		Events         []terms.Event
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, o := range res {
		if o.Source == "example-ok" {
			if o.Status != "first-version" {
				t.Errorf("the good source was not recorded: %+v", o)
			}
			continue
		}
		if o.Status != "failed" || o.ErrorCategory != want[o.Source] {
			t.Errorf("%s: status %s category %q, want failed %q", o.Source, o.Status, o.ErrorCategory, want[o.Source])
		}
		wantKind := terms.FetchFailed
		if want[o.Source] == terms.ErrExtraction {
			wantKind = terms.ExtractionFailed
		}
		if len(o.Events) != 1 || o.Events[0].Kind != wantKind {
			t.Errorf("%s: events %+v, want one %s", o.Source, o.Events, wantKind)
		}
	}
	// Failing again raises nothing new; the shell page never became a version.
	out, errs, code = r.check("--timeout", "300ms", "--format", "json")
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v\n%s\n%s", err, out, errs)
	}
	for _, o := range res {
		if len(o.Events) != 0 {
			t.Errorf("second failing run: %s raised %+v again", o.Source, o.Events)
		}
	}
	if _, v := counts(t, r.db, "example-shell"); v != 0 {
		t.Errorf("an empty shell was recorded as %d version(s)", v)
	}
	// Recovery raises one recovered event.
	s.page("/e500", good)
	out, _, _ = r.check("--source", "example-e500", "--format", "json")
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || len(res[0].Events) == 0 || res[0].Events[0].Kind != terms.Recovered {
		t.Errorf("recovery: %+v, want a recovered event", res)
	}
}

func TestCheckNoNetwork(t *testing.T) {
	// Every source unreachable: a clear summary, exit 1, every failure recorded.
	_, srv := newSite(t)
	r := newRunner(t, srv, "/a", "/b")
	srv.Close()
	out, errs, code := r.check()
	if code != cli.ExitFailure {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(errs, "every source failed") || !strings.Contains(out, "2 failed") {
		t.Errorf("no clear summary:\nstdout:\n%s\nstderr:\n%s", out, errs)
	}
	for _, id := range []string{"example-a", "example-b"} {
		if sn, v := counts(t, r.db, id); sn != 1 || v != 0 {
			t.Errorf("%s: %d snapshots %d versions, want 1 failed attempt", id, sn, v)
		}
	}
}

func TestImportOutOfOrder(t *testing.T) {
	_, srv := newSite(t)
	r := newRunner(t, srv, "/terms")
	dir := t.TempDir()
	write := func(name string, p fixture.Page, noise uint64) string {
		p.Noise = noise
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, p.HTML(), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	never := write("never.html", fixture.ConsumerTerms(fixture.TrainingNever), 1)
	optout := write("optout.html", fixture.ConsumerTerms(fixture.TrainingOptOut), 2)
	neverNoise := write("never2.html", fixture.ConsumerTerms(fixture.TrainingNever), 3)

	// Newest first, then the oldest, then one in the middle.
	steps := []struct {
		file, at string
	}{
		{optout, "2025-10-01T00:00:00Z"},
		{never, "2025-08-01T00:00:00Z"},
		{neverNoise, "2025-09-01T00:00:00Z"},
	}
	for _, s := range steps {
		if out, errs, code := r.run("import", "--source", "example-terms", "--fetched-at", s.at, s.file); code != 0 && code != 3 {
			t.Fatalf("import %s: exit %d\n%s\n%s", s.file, code, out, errs)
		}
	}
	out, _, _ := r.run("history", "example-terms", "--format", "json")
	var vs []terms.Snapshot
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 {
		t.Fatalf("versions: %d, want 2 (never since August, opt-out since October)\n%s", len(vs), out)
	}
	if got := vs[0].FetchedAt.Format("2006-01"); got != "2025-08" {
		t.Errorf("first version from %s, want 2025-08", got)
	}
	if got := vs[1].FetchedAt.Format("2006-01"); got != "2025-10" {
		t.Errorf("second version from %s, want 2025-10", got)
	}
}

func TestImportErrors(t *testing.T) {
	_, srv := newSite(t)
	r := newRunner(t, srv, "/terms")
	page := filepath.Join(t.TempDir(), "p.html")
	os.WriteFile(page, fixture.ConsumerTerms(fixture.TrainingNever).HTML(), 0o644)
	cases := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no source", []string{"import", "--fetched-at", "2025-01-01T00:00:00Z", page}, 2, "--source is required"},
		{"bad time", []string{"import", "--source", "example-terms", "--fetched-at", "yesterday", page}, 2, "RFC 3339"},
		{"unknown source", []string{"import", "--source", "nope", "--fetched-at", "2025-01-01T00:00:00Z", page}, 2, `unknown source "nope"`},
		{"missing file", []string{"import", "--source", "example-terms", "--fetched-at", "2025-01-01T00:00:00Z", "/no/such/file.html"}, 1, "/no/such/file.html"},
		{"unknown flag", []string{"check", "--bogus"}, 2, "bogus"},
		{"unknown command", []string{"frobnicate"}, 2, "frobnicate"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, errs, code := r.run(c.args...)
			if code != c.code || !strings.Contains(errs, c.msg) {
				t.Errorf("exit %d (want %d), stderr %q (want %q)", code, c.code, errs, c.msg)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
