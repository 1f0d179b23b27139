package cli_test

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/cli"
	"github.com/clausewatch/clausewatch/internal/fixture"
	"github.com/clausewatch/clausewatch/internal/terms"
)

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func events(t *testing.T, r *runner, args ...string) []terms.Event {
	t.Helper()
	out, errs, code := r.run(append([]string{"changes", "--format", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("changes: exit %d\n%s", code, errs)
	}
	var evs []terms.Event
	if err := json.Unmarshal([]byte(out), &evs); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return evs
}

// TestBackfill imports pages out of time order: a page slotted between two
// recorded versions is compared with both, and leaves the baseline alone.
func TestBackfill(t *testing.T) {
	_, srv := newSite(t)
	r := newRunner(t, srv, "/terms")
	dir := t.TempDir()
	page := func(name, training string) string {
		return writeFile(t, dir, name, fixture.ConsumerTerms(training).HTML())
	}
	never, optout := page("never.html", fixture.TrainingNever), page("optout.html", fixture.TrainingOptOut)
	imp := func(file, at string) int {
		t.Helper()
		out, errs, code := r.run("import", "--source", "example-terms", "--fetched-at", at, file)
		if code != cli.ExitOK && code != cli.ExitChanges {
			t.Fatalf("import %s at %s: exit %d\n%s\n%s", file, at, code, out, errs)
		}
		return code
	}
	imp(never, "2025-08-02T00:00:00Z")
	// A page from before: the change from it to the page of 08-02 is reported.
	imp(optout, "2025-08-01T00:00:00Z")
	evs := events(t, r, "--kind", terms.ValueChanged)
	if len(evs) != 1 || evs[0].Old.String() != "opt-out" || evs[0].New.String() != "never" || !evs[0].SnapshotAt.Equal(time.Date(2025, 8, 2, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("after the backfill: %+v, want one opt-out → never dated 08-02", evs)
	}
	// The same file at the same time again is a no-op.
	if code := imp(optout, "2025-08-01T00:00:00Z"); code != cli.ExitOK {
		t.Errorf("re-import: exit %d, want 0", code)
	}
	if n := len(events(t, r)); n != 1 {
		t.Errorf("re-import raised events: %d in all", n)
	}
	if sn, _ := counts(t, r.db, "example-terms"); sn != 2 {
		t.Errorf("re-import recorded a snapshot: %d", sn)
	}
}

func TestImportRejectsWhatIsNotThePage(t *testing.T) {
	_, srv := newSite(t)
	r := newRunner(t, srv, "/terms")
	dir := t.TempDir()
	cases := []struct {
		name, file string
		data       []byte
		msg        string
	}{
		{"binary", "blob.bin", []byte{0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13}, "not an HTML or text page"},
		{"pdf", "terms.pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), "not an HTML or text page"},
		{"empty shell", "shell.html", fixture.EmptyShell(1), "declared content"},
		{"empty file", "empty.html", nil, "empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := writeFile(t, dir, c.file, c.data)
			_, errs, code := r.run("import", "--source", "example-terms", "--fetched-at", "2025-08-01T00:00:00Z", f)
			if code != cli.ExitFailure || !strings.Contains(errs, c.msg) || !strings.Contains(errs, c.file) {
				t.Errorf("exit %d, stderr %q; want 1 naming %s and %q", code, errs, c.file, c.msg)
			}
		})
	}
	if sn, _ := counts(t, r.db, "example-terms"); sn != 0 {
		t.Errorf("a refused import recorded %d snapshots", sn)
	}
	if n := len(events(t, r)); n != 0 {
		t.Errorf("a refused import raised %d events", n)
	}
	_, errs, code := r.run("import", "--source", "example-terms", "--fetched-at", "2099-01-01T00:00:00Z", writeFile(t, dir, "p.html", fixture.ConsumerTerms(fixture.TrainingNever).HTML()))
	if code != cli.ExitUsage || !strings.Contains(errs, "future") {
		t.Errorf("future import: exit %d %q", code, errs)
	}
}

// TestDriftAcrossHostsCheckedAtOnce: two pages on two hosts feed one cell;
// checked at the same time, the drift is raised once both are in.
func TestDriftAcrossHostsCheckedAtOnce(t *testing.T) {
	for i := 0; i < 5; i++ {
		a, srvA := newSite(t)
		b, srvB := newSite(t)
		a.page("/terms", fixture.ConsumerTerms(fixture.TrainingOptOut))
		b.page("/terms", fixture.ConsumerTerms(fixture.TrainingOptOut))
		dir := t.TempDir()
		writeFile(t, dir, "example.yaml", []byte(twoHostDecl(srvA, srvB)))
		writeFile(t, dir, "baselines/example.yaml", []byte("vendor: example\ntiers:\n  consumer:\n    training: {value: never, note: our own test baseline}\n"))
		r := &runner{t: t, db: filepath.Join(t.TempDir(), "cw.db"), sources: dir, client: srvA.Client(), now: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
		out, errs, code := r.check("--concurrency", "4")
		if code != cli.ExitChanges {
			t.Fatalf("check: exit %d\n%s\n%s", code, out, errs)
		}
		if drifts := events(t, r, "--kind", terms.BaselineDrift); len(drifts) != 1 || drifts[0].Tier != "consumer" || drifts[0].Attribute != "training" {
			t.Fatalf("run %d: drifts %+v, want one for consumer training", i, drifts)
		}
	}
}

func twoHostDecl(a, b *httptest.Server) string {
	return `vendor: example
name: Example AI
tiers:
  - id: consumer
    label: Consumer
documents:
  - id: example-a
    url: ` + a.URL + `/terms
    select: [main]
    tiers: [consumer]
  - id: example-b
    url: ` + strings.Replace(b.URL, "127.0.0.1", "localhost", 1) + `/terms
    select: [main]
    tiers: [consumer]
attributes:
  - source: example-a
    attribute: training
    clause: "Use of your content"
  - source: example-b
    attribute: training
    clause: "Use of your content"
`
}

func TestReadCommandsNeedADatabase(t *testing.T) {
	_, srv := newSite(t)
	r := newRunner(t, srv, "/terms")
	r.db = filepath.Join(t.TempDir(), "missing", "cw.db")
	for _, args := range [][]string{{"status"}, {"changes"}, {"history", "example-terms"}, {"diff", "example-terms"}} {
		_, errs, code := r.run(args...)
		if code != cli.ExitFailure || !strings.Contains(errs, "no database at") {
			t.Errorf("%v: exit %d %q, want 1 saying there is no database", args, code, errs)
		}
	}
	if _, err := os.Stat(filepath.Dir(r.db)); !os.IsNotExist(err) {
		t.Errorf("a read command created %s", filepath.Dir(r.db))
	}
}
